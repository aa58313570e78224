public import StewardCore

/// Checks a map against a list of ``FieldSpec``s and says everything that is
/// wrong at once, each problem at the mark of the key or value that caused it.
public struct SchemaValidator: Sendable {
  public var fields: [FieldSpec]
  /// What the map is, for messages: "playbook", "check", "step".
  public var context: String

  public init(fields: [FieldSpec], context: String) {
    self.fields = fields
    self.context = context
  }

  /// Every problem of `value`; empty when it fits.
  public func problems(in value: Value) -> [Diagnostic] {
    guard let map = value.map else {
      return [
        Diagnostic(
          at: value.mark, code: "S002", "a \(context) must be a map, found \(value.typeName)")
      ]
    }
    var found: [Diagnostic] = []
    for entry in map.entries {
      guard let spec = fields.first(where: { $0.name == entry.key }) else {
        var message = "unknown key \"\(entry.key)\" in \(context)"
        if let guess = Self.suggestion(for: entry.key, among: fields.map(\.name)) {
          message += "; did you mean \"\(guess)\"?"
        }
        found.append(Diagnostic(at: entry.keyMark, code: "S003", message))
        continue
      }
      if let problem = Self.mismatch(entry.value, spec.type) {
        found.append(
          Diagnostic(
            at: problem.mark, code: "S004",
            "\"\(entry.key)\" must be \(spec.type), found \(problem.found)"))
      }
    }
    for spec in fields where spec.required && map[spec.name] == nil {
      found.append(
        Diagnostic(
          at: value.mark, code: "S005",
          "missing required key \"\(spec.name)\" in \(context) (\(spec.doc))"))
    }
    return found
  }

  /// The first node of `value` that does not fit `type`, and what it was.
  static func mismatch(_ value: Value, _ type: FieldSpec.FieldType) -> (
    mark: SourceMark, found: String
  )? {
    let fits: Bool
    switch (type, value.kind) {
    case (.any, _): fits = true
    case (.string, .string), (.int, .int), (.bool, .bool), (.map, .map): fits = true
    case (.number, .int), (.number, .double): fits = true
    case (.identifier, .string(let s)): fits = isIdentifier(s)
    case (.oneOf(let options), .string(let s)): fits = options.contains(s)
    case (.list(let element), .list(let items)):
      for item in items {
        if let inner = mismatch(item, element) { return inner }
      }
      fits = true
    default: fits = false
    }
    if fits { return nil }
    let shown: String
    switch value.kind {
    case .string(let s): shown = "\"\(s)\""
    case .int(let i): shown = "\(i)"
    case .bool(let b): shown = "\(b)"
    default: shown = value.typeName
    }
    return (value.mark, shown)
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first,
      ("a"..."z").contains(first) || ("0"..."9").contains(first)
    else { return false }
    return s.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
    }
  }

  /// The closest known name within an edit distance of 2, for "did you mean".
  static func suggestion(for key: String, among names: [String]) -> String? {
    let scored = names.map { ($0, editDistance(key.lowercased(), $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, min(2, key.count / 3))
    else { return nil }
    return best.0
  }

  /// Optimal-string-alignment distance: edits plus adjacent transpositions,
  /// so the common typo "mni" for "min" is one step away.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }
}
