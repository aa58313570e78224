internal import CYAML
import StewardCore

/// Turns libyaml's event stream into `Value` trees: one loop over events, an
/// explicit stack of open lists and maps, no recursion, so nesting depth is a
/// limit that fails cleanly rather than a stack overflow.
///
/// The children of every open collection live in two flat buffers (`items`
/// for lists, `entries` for maps); a collection's end moves its slice out
/// into an array of exactly the right size.
///
/// - Marks: 1-based line and column of the node's first character as libyaml
///   reports it; for an anchored or tagged node that is the `&anchor` or tag.
/// - Aliases: the copy keeps the marks of the anchored node (it is the same
///   content, written there); it costs the anchored node's expanded size in
///   nodes, read from a table, so counting an alias is O(1).
/// - Keys: a scalar key is its text as written (`1: a` has the key `"1"`); an
///   alias to a scalar renders the scalar; a list or map key is an error.
struct Composer: ~Copyable {
  let file: String
  let limits: YAMLLimits

  private struct Frame {
    var isMap: Bool
    var mark: SourceMark
    /// Where this collection's children start in `items` or `entries`.
    var start: Int
    /// `nodes` before this collection was counted: its expanded size is
    /// `nodes - nodesBefore` when it ends.
    var nodesBefore: Int
    var anchor: String?
    /// The key waiting for its value (maps).
    var key: String?
    /// The mark of `key` (taken, like it, by the value that completes the entry).
    var keyMark: SourceMark?
    var keyIsMerge = false
    /// Positions in `entries` of `<<` entries, resolved when the map ends.
    var merges: [Int] = []
    /// Key -> position in `entries`, built once a map outgrows a linear scan.
    var keyIndex: [String: Int]?
  }

  private struct Anchor {
    var value: Value
    var size: Int
  }

  /// Maps up to this many keys are checked for duplicates by a linear scan.
  private static let linearKeyScan = 16

  /// The innermost open collection, kept out of `frames` so the hot path
  /// reads and writes plain stored properties (meaningless when `depth == 0`).
  private var top: Frame
  /// The collections enclosing `top`, outermost first.
  private var frames: [Frame] = []
  /// How many collections are open (`top` plus `frames`).
  private var depth = 0
  private var items = MoveStack<Value>(capacity: 256)
  private var entries = MoveStack<OrderedMap.Entry>(capacity: 256)
  private var anchors: [String: Anchor] = [:]
  private let strings = ShortStrings()
  private var nodes = 0
  private var root = Value.null
  /// Where the current document starts (its `---`, when written).
  private var documentMark = SourceMark.unknown
  private var documents: [Value] = []

  init(file: String, limits: YAMLLimits) {
    self.file = file
    self.limits = limits
    top = Frame(
      isMap: false, mark: .unknown, start: 0, nodesBefore: 0, anchor: nil, key: nil,
      keyMark: nil)
    frames.reserveCapacity(32)
  }

  /// Reads every event of `parser` and returns the documents of the stream.
  mutating func compose(_ parser: LibYAMLParser) throws(YAMLError) -> [Value] {
    let event = parser.event.pointer
    while true {
      guard parser.next() else { throw parser.error(file: file) }
      switch event.pointee.type {
      case YAML_SCALAR_EVENT:
        try scalar(event)
      case YAML_MAPPING_START_EVENT:
        try open(event, isMap: true)
      case YAML_SEQUENCE_START_EVENT:
        try open(event, isMap: false)
      case YAML_MAPPING_END_EVENT:
        try closeMap()
      case YAML_SEQUENCE_END_EVENT:
        closeList()
      case YAML_ALIAS_EVENT:
        try alias(event)
      case YAML_DOCUMENT_START_EVENT:
        guard documents.count < limits.maxDocuments else {
          throw YAMLError(
            .tooManyDocuments, at: mark(event.pointee.start_mark),
            "more than \(limits.maxDocuments) documents in one stream")
        }
        anchors.removeAll(keepingCapacity: true)
        root = .null
        documentMark = mark(event.pointee.start_mark)
      case YAML_DOCUMENT_END_EVENT:
        documents.append(root)
      case YAML_STREAM_END_EVENT:
        return documents
      default:
        break  // stream start, and YAML_NO_EVENT which libyaml never returns on success
      }
    }
  }

  @inline(__always)
  private func mark(_ m: yaml_mark_t) -> SourceMark {
    SourceMark(file: file, line: Int(m.line) + 1, column: Int(m.column) + 1)
  }

  @inline(__always)
  private mutating func count(_ n: Int, at m: @autoclosure () -> SourceMark) throws(YAMLError) {
    nodes += n
    if nodes > limits.maxNodes {
      throw YAMLError(
        .tooManyNodes, at: m(),
        "more than \(limits.maxNodes) nodes after alias expansion"
          + " (a \"billion laughs\" document, or a file too large to check)")
    }
  }

  /// True when the next node completes a key rather than a value.
  @inline(__always)
  private var awaitingKey: Bool {
    depth > 0 && top.isMap && top.key == nil
  }

  // MARK: Scalars and aliases

  private mutating func scalar(_ event: UnsafeMutablePointer<yaml_event_t>) throws(YAMLError) {
    let s = event.pointee.data.scalar
    let length = s.length
    // An empty document's null stands where libyaml stopped looking, the
    // next `---` or the end of the file; its own `---` says which one it is.
    let at =
      depth == 0 && length == 0 && s.tag == nil
      ? documentMark : mark(event.pointee.start_mark)
    guard length <= limits.maxScalarBytes else {
      throw YAMLError(
        .scalarTooLarge, at: at,
        "scalar of \(length) bytes is larger than the limit of \(limits.maxScalarBytes) bytes")
    }
    try count(1, at: at)
    guard let bytes = s.value else { return attach(Value(.string(""), mark: at)) }
    let plain = s.style == YAML_PLAIN_SCALAR_STYLE
    let anchor = s.anchor.map { String(cString: $0) }
    if awaitingKey {
      // A key is its text as written; only an anchor on it needs the typed value.
      let key = strings.make(bytes, length)
      if let anchor {
        let kind = try ScalarKind.make(
          bytes, length, plain: plain, tag: s.tag, at: at, strings: strings)
        anchors[anchor] = Anchor(value: Value(kind, mark: at), size: 1)
      }
      let merge = (plain && s.tag == nil && length == 2 && key == "<<") || isMergeTag(s.tag)
      return try setKey(key, at: at, merge: merge)
    }
    let value = Value(
      try ScalarKind.make(bytes, length, plain: plain, tag: s.tag, at: at, strings: strings),
      mark: at)
    if !limits.allowsNonFiniteNumbers, case .double(let d) = value.kind, !d.isFinite {
      throw YAMLError(
        .nonFinite, at: at,
        "\(ScalarKind.text(bytes, length)) is not a finite number, which this file may not"
          + " hold; quote it to keep it as text")
    }
    if let anchor { anchors[anchor] = Anchor(value: value, size: 1) }
    attach(value)
  }

  private func isMergeTag(_ tag: UnsafeMutablePointer<UInt8>?) -> Bool {
    guard let tag else { return false }
    return String(cString: tag) == "tag:yaml.org,2002:merge"
  }

  private mutating func alias(_ event: UnsafeMutablePointer<yaml_event_t>) throws(YAMLError) {
    let at = mark(event.pointee.start_mark)
    let name = event.pointee.data.alias.anchor.map { String(cString: $0) } ?? ""
    guard let anchor = anchors[name] else {
      if (depth > 0 && top.anchor == name) || frames.contains(where: { $0.anchor == name }) {
        throw YAMLError(
          .recursiveAlias, at: at,
          "alias *\(name) refers to a node that contains it (recursive aliases are not supported)"
        )
      }
      throw YAMLError(
        .unknownAlias, at: at, "unknown alias *\(name): no anchor &\(name) before it")
    }
    try count(anchor.size, at: at)
    if awaitingKey {
      guard let key = Self.keyText(anchor.value) else {
        throw YAMLError(
          .complexKey, at: at,
          "alias *\(name) is \(English.withArticle(anchor.value.typeName)) and cannot be a map key")
      }
      return try setKey(key, at: at, merge: false)
    }
    attach(anchor.value)
  }

  /// A scalar value as a key's text; nil for a list or map.
  private static func keyText(_ value: Value) -> String? {
    switch value.kind {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .int(let i): String(i)
    case .double(let d): String(d)
    case .string(let s): s
    case .list, .map: nil
    }
  }

  // MARK: Collections

  private mutating func open(
    _ event: UnsafeMutablePointer<yaml_event_t>, isMap: Bool
  ) throws(YAMLError) {
    let at = mark(event.pointee.start_mark)
    let anchorPointer =
      isMap ? event.pointee.data.mapping_start.anchor : event.pointee.data.sequence_start.anchor
    guard depth < limits.maxDepth else {
      throw YAMLError(
        .tooDeep, at: at, "nesting deeper than \(limits.maxDepth) levels of lists and maps")
    }
    if awaitingKey {
      throw YAMLError(
        .complexKey, at: at,
        "a \(isMap ? "map" : "list") cannot be a map key (only scalar keys are supported)")
    }
    let nodesBefore = nodes
    try count(1, at: at)
    let anchor = anchorPointer.map { String(cString: $0) }
    // A new `&name` hides the old one from here on, including inside itself.
    if let anchor { anchors[anchor] = nil }
    let frame = Frame(
      isMap: isMap, mark: at, start: isMap ? entries.count : items.count,
      nodesBefore: nodesBefore, anchor: anchor, key: nil, keyMark: nil)
    if depth > 0 {
      frames.append(frame)
      swap(&top, &frames[frames.count - 1])
    } else {
      top = frame
    }
    depth += 1
  }

  /// Takes the innermost collection off the stack; its parent becomes `top`.
  @inline(__always)
  private mutating func pop() -> Frame {
    depth -= 1
    guard depth > 0, var parent = frames.popLast() else { return top }
    swap(&parent, &top)
    return parent
  }

  private mutating func closeList() {
    guard depth > 0 else { return }
    let frame = pop()
    let list = items.popArray(from: frame.start)
    finish(Value(.list(list), mark: frame.mark), frame)
  }

  private mutating func closeMap() throws(YAMLError) {
    guard depth > 0 else { return }
    let frame = pop()
    var map = entries.popArray(from: frame.start)
    if !frame.merges.isEmpty {
      map = try MergeKeys.apply(map, merges: frame.merges.map { $0 - frame.start })
    }
    finish(Value(.map(OrderedMap(uniqueEntries: map)), mark: frame.mark), frame)
  }

  @inline(__always)
  private mutating func finish(_ value: consuming Value, _ frame: borrowing Frame) {
    if let anchor = frame.anchor {
      anchors[anchor] = Anchor(value: copy value, size: nodes - frame.nodesBefore)
    }
    attach(value)
  }

  /// Adds a finished node to the open collection, or makes it the document.
  @inline(__always)
  private mutating func attach(_ value: consuming Value) {
    guard depth > 0 else {
      root = value
      return
    }
    if top.isMap {
      if top.keyIsMerge {
        top.merges.append(entries.count)
        top.keyIsMerge = false
      }
      entries.append(
        OrderedMap.Entry(
          key: top.key.take() ?? "", keyMark: top.keyMark.take() ?? .unknown, value: value))
    } else {
      items.append(value)
    }
  }

  /// Records the key of the open map after checking it is not a duplicate.
  private mutating func setKey(
    _ key: consuming String, at: consuming SourceMark, merge: Bool
  ) throws(YAMLError) {
    if !merge {
      let start = top.start
      let end = entries.count
      var first: Int?
      if top.keyIndex == nil && end - start > Self.linearKeyScan {
        var index: [String: Int] = [:]
        index.reserveCapacity(2 * (end - start))
        for i in start..<end where !top.merges.contains(i) { index[entries[i].key] = i }
        top.keyIndex = index
      }
      if top.keyIndex != nil {
        first = top.keyIndex?.updateValue(end, forKey: key)
      } else {
        var i = start
        while i < end {
          // Comparing lengths first skips most string comparisons.
          if entries[i].key.utf8.count == key.utf8.count && entries[i].key == key
            && !(key == "<<" && top.merges.contains(i))
          {
            first = i
            break
          }
          i += 1
        }
      }
      if let first {
        let m = entries[first].keyMark
        throw YAMLError(
          .duplicateKey, at: at,
          "duplicate key \"\(key)\" (first defined at \(m.line):\(m.column))")
      }
    }
    top.key = key
    top.keyMark = at
    top.keyIsMerge = merge
  }
}
