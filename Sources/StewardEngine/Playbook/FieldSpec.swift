import StewardCore

/// The declared shape of one key of a playbook map: its type, whether it must
/// be there, and one line of documentation for `steward new` and the docs.
///
/// Schemas are data, not code, so that the same table drives validation, error
/// messages ("expected a list of strings") and the generated starting files.
public struct FieldSpec: Sendable {
  public indirect enum FieldType: Sendable, CustomStringConvertible {
    case string, int, number, bool, map, any
    case list(FieldType)
    /// A string from a fixed set (a severity, a kind).
    case oneOf([String])
    /// A string matching a rule that `check` enforces, described by `rule`.
    case identifier

    public var description: String {
      switch self {
      case .string: "a string"
      case .int: "an integer"
      case .number: "a number"
      case .bool: "true or false"
      case .map: "a map"
      case .any: "any value"
      case .list(let element): "a list of \(element.plural)"
      case .oneOf(let options): "one of " + options.map { "\"\($0)\"" }.joined(separator: ", ")
      case .identifier: "an identifier (lower-case letters, digits, '-', '_' or '.')"
      }
    }

    var plural: String {
      switch self {
      case .string, .identifier: "strings"
      case .int: "integers"
      case .number: "numbers"
      case .bool: "booleans"
      case .map: "maps"
      default: "values"
      }
    }
  }

  public var name: String
  public var type: FieldType
  public var required: Bool
  public var doc: String

  public init(_ name: String, _ type: FieldType, required: Bool = false, doc: String) {
    self.name = name
    self.type = type
    self.required = required
    self.doc = doc
  }
}
