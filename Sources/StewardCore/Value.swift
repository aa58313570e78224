/// A document node: what a YAML, JSON or CSV file reads as, what a playbook is,
/// and what crosses the bridge into Lua and back.
///
/// Every node carries the ``SourceMark`` it was read at. Equality compares the
/// content only, never the marks, so a subject read from YAML equals the same
/// subject read from JSON.
///
/// ```swift
/// let card: Value = ["name": "ad-targeting", "stage": "production"]
/// card["stage"]?.string  // "production"
/// ```
public struct Value: Sendable {
  /// The content of a node.
  public enum Kind: Sendable {
    case null
    case bool(Bool)
    /// Integers stay integers: `3` never becomes `3.0` on its way through Lua.
    case int(Int64)
    case double(Double)
    case string(String)
    case list([Value])
    case map(OrderedMap)
  }

  public var kind: Kind
  public var mark: SourceMark

  @inlinable
  public init(_ kind: Kind, mark: SourceMark = .unknown) {
    self.kind = kind
    self.mark = mark
  }

  public static let null = Value(.null)
}

extension Value {
  /// The name of the node's type as messages print it ("map", "int", …).
  public var typeName: String {
    switch kind {
    case .null: "null"
    case .bool: "bool"
    case .int: "int"
    case .double: "double"
    case .string: "string"
    case .list: "list"
    case .map: "map"
    }
  }

  public var isNull: Bool {
    if case .null = kind { return true }
    return false
  }

  public var bool: Bool? {
    if case .bool(let b) = kind { return b }
    return nil
  }

  public var int: Int64? {
    if case .int(let i) = kind { return i }
    return nil
  }

  /// The number as a double, whether it was written as an integer or not.
  public var number: Double? {
    switch kind {
    case .int(let i): Double(i)
    case .double(let d): d
    default: nil
    }
  }

  public var string: String? {
    if case .string(let s) = kind { return s }
    return nil
  }

  public var list: [Value]? {
    if case .list(let l) = kind { return l }
    return nil
  }

  public var map: OrderedMap? {
    if case .map(let m) = kind { return m }
    return nil
  }

  /// The value under `key` when this node is a map.
  public subscript(key: String) -> Value? {
    map?[key]
  }

  /// The element at `index` when this node is a list and the index is in range.
  public subscript(index: Int) -> Value? {
    guard let l = list, l.indices.contains(index) else { return nil }
    return l[index]
  }

  /// The number of nodes in the tree, this one included.
  public var nodeCount: Int {
    var count = 0
    var pending: [Value] = [self]
    while let node = pending.popLast() {
      count += 1
      switch node.kind {
      case .list(let l): pending.append(contentsOf: l)
      case .map(let m): pending.append(contentsOf: m.values)
      default: break
      }
    }
    return count
  }
}

extension Value: Equatable {
  /// Content equality; marks are ignored, and `1 == 1.0` is false because the
  /// two are different types to a check.
  public static func == (lhs: Value, rhs: Value) -> Bool {
    switch (lhs.kind, rhs.kind) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.int(let a), .int(let b)): a == b
    case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
    case (.string(let a), .string(let b)): a == b
    case (.list(let a), .list(let b)): a == b
    case (.map(let a), .map(let b)): a == b
    default: false
    }
  }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self.init(.null) }
  public init(booleanLiteral value: Bool) { self.init(.bool(value)) }
  public init(integerLiteral value: Int64) { self.init(.int(value)) }
  public init(floatLiteral value: Double) { self.init(.double(value)) }
  public init(stringLiteral value: String) { self.init(.string(value)) }
  public init(arrayLiteral elements: Value...) { self.init(.list(elements)) }
  public init(dictionaryLiteral elements: (String, Value)...) {
    self.init(.map(OrderedMap(elements.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
  }
}
