/// The answer to a dotted-path lookup: the node if the path exists, and in
/// every case the mark that a message about that path should point at.
public struct PathLookup: Sendable {
  /// The node at the path, or nil when some segment is missing.
  public var value: Value?
  /// The node's own mark when found; otherwise the mark of the deepest parent
  /// that exists, so "missing `evaluation.validation.split`" points at the
  /// `validation:` block instead of the top of the file.
  public var mark: SourceMark
  /// The segments that resolved, e.g. `["evaluation", "validation"]`.
  public var resolved: [String]
  /// The first segment that did not resolve, if any.
  public var missing: String?

  public var found: Bool { value != nil }
}

extension Value {
  /// Splits a dotted path into segments; `a.b[2].c` and `a.b.2.c` are the same.
  ///
  /// A segment that is itself a key with a dot in it can be quoted:
  /// `labels."app.kubernetes.io/name"`.
  public static func pathSegments(_ path: String) -> [String] {
    // Scans UTF-8 bytes: every delimiter is ASCII, and checks call this for
    // every field they read.
    var segments: [String] = []
    var current: [UInt8] = []
    var quoted = false
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "\""): quoted.toggle()
      case UInt8(ascii: "."), UInt8(ascii: "["):
        if quoted {
          current.append(byte)
        } else {
          if !current.isEmpty { segments.append(String(decoding: current, as: UTF8.self)) }
          current.removeAll(keepingCapacity: true)
        }
      case UInt8(ascii: "]") where !quoted:
        break
      default: current.append(byte)
      }
    }
    if !current.isEmpty { segments.append(String(decoding: current, as: UTF8.self)) }
    return segments
  }

  /// Follows a dotted path (`evaluation.validation.split`, `metrics[0].name`)
  /// through maps and lists.
  ///
  /// ```swift
  /// let card: Value = ["evaluation": ["validation": ["split": "holdout"]]]
  /// card.lookup("evaluation.validation.split").value  // "holdout"
  /// card.lookup("evaluation.fairness.audit").missing  // "fairness"
  /// ```
  public func lookup(_ path: String) -> PathLookup {
    lookup(segments: Self.pathSegments(path))
  }

  public func lookup(segments: [String]) -> PathLookup {
    var node = self
    var resolved: [String] = []
    for segment in segments {
      let next: Value?
      switch node.kind {
      case .map(let m): next = m[segment]
      case .list(let l):
        if let i = Int(segment), l.indices.contains(i) { next = l[i] } else { next = nil }
      default: next = nil
      }
      guard let next else {
        return PathLookup(value: nil, mark: node.mark, resolved: resolved, missing: segment)
      }
      resolved.append(segment)
      node = next
    }
    return PathLookup(value: node, mark: node.mark, resolved: resolved, missing: nil)
  }
}
