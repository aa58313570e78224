/// A map that keeps its keys in the order they were written.
///
/// Playbooks and reports must print keys the way the user wrote them, and a
/// finding must point at the key as well as at its value, so each entry keeps
/// the mark of its key.
///
/// ```swift
/// var m = OrderedMap()
/// m["owner"] = "ads-team"
/// m["stage"] = "production"
/// m.keys  // ["owner", "stage"]
/// ```
///
/// Lookup is a linear scan up to ``indexThreshold`` entries, which is faster
/// than hashing for the 5-20 keys of a typical model card, and a hash index
/// above it, so a 100,000-key map is not quadratic to build or to read.
public struct OrderedMap: Sendable {
  /// One key and its value, with the mark of the key itself.
  public struct Entry: Sendable {
    public var key: String
    public var keyMark: SourceMark
    public var value: Value

    @inlinable
    public init(key: String, keyMark: SourceMark = .unknown, value: Value) {
      self.key = key
      self.keyMark = keyMark
      self.value = value
    }
  }

  /// Maps with more entries than this get a hash index.
  public static let indexThreshold = 16

  public private(set) var entries: [Entry]
  private var index: [String: Int]?

  public init() {
    entries = []
  }

  /// A map of `entries`; a later entry with the same key replaces the earlier
  /// one in place (loaders report duplicates before they get here).
  public init(_ entries: [Entry]) {
    self.entries = []
    self.entries.reserveCapacity(entries.count)
    for entry in entries { set(entry) }
  }

  /// Builds a map from entries already known to have distinct keys, skipping
  /// the duplicate check (the YAML loader has done it with better messages).
  public init(uniqueEntries entries: [Entry]) {
    self.entries = entries
    if entries.count > Self.indexThreshold { rebuildIndex() }
  }

  public var count: Int { entries.count }
  public var isEmpty: Bool { entries.isEmpty }
  public var keys: [String] { entries.map(\.key) }
  public var values: [Value] { entries.map(\.value) }

  /// The position of `key`, if present.
  public func position(of key: String) -> Int? {
    if let index { return index[key] }
    return entries.firstIndex { $0.key == key }
  }

  /// The entry for `key`, with the mark of the key.
  public func entry(_ key: String) -> Entry? {
    position(of: key).map { entries[$0] }
  }

  public subscript(key: String) -> Value? {
    get { position(of: key).map { entries[$0].value } }
    set {
      if let newValue {
        set(Entry(key: key, value: newValue))
      } else {
        remove(key)
      }
    }
  }

  /// Inserts or replaces `entry`, keeping the original position on replace.
  public mutating func set(_ entry: Entry) {
    if let at = position(of: entry.key) {
      entries[at] = entry
      return
    }
    entries.append(entry)
    if index != nil {
      index?[entry.key] = entries.count - 1
    } else if entries.count > Self.indexThreshold {
      rebuildIndex()
    }
  }

  /// Removes `key`; returns its value if it was there.
  @discardableResult
  public mutating func remove(_ key: String) -> Value? {
    guard let at = position(of: key) else { return nil }
    let removed = entries.remove(at: at)
    if index != nil { rebuildIndex() }
    return removed.value
  }

  private mutating func rebuildIndex() {
    var built = [String: Int](minimumCapacity: entries.count)
    for (i, e) in entries.enumerated() { built[e.key] = i }
    index = built
  }
}

extension OrderedMap: Equatable {
  /// Equal when both hold the same keys with equal values, in the same order.
  public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
    guard lhs.count == rhs.count else { return false }
    return zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }
}

extension OrderedMap: Sequence {
  public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
