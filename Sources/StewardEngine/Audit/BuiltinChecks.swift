public import StewardCore

/// Checks built into steward, for the common cases that need no Lua: a field
/// is present, equals a value, is one of a set, or lies in a range.
///
/// Each reads one dotted `path` of the subject and points its result at that
/// field (or, when it is missing, at the nearest parent that exists).
public enum BuiltinChecks {
  public struct Definition: Sendable {
    public var name: String
    public var description: String
    public var params: [FieldSpec]
  }

  public static let definitions: [Definition] = [
    Definition(
      name: "required", description: "the field is present, not null and not empty",
      params: [FieldSpec("path", .string, required: true, doc: "dotted path of the field")]),
    Definition(
      name: "equals", description: "the field equals a value",
      params: [
        FieldSpec("path", .string, required: true, doc: "dotted path of the field"),
        FieldSpec("value", .any, required: true, doc: "the expected value"),
      ]),
    Definition(
      name: "one_of", description: "the field is one of a list of values",
      params: [
        FieldSpec("path", .string, required: true, doc: "dotted path of the field"),
        FieldSpec("values", .list(.any), required: true, doc: "the accepted values"),
      ]),
    Definition(
      name: "range", description: "the field is a number within [min, max]",
      params: [
        FieldSpec("path", .string, required: true, doc: "dotted path of the field"),
        FieldSpec("min", .number, doc: "the lowest accepted value"),
        FieldSpec("max", .number, doc: "the highest accepted value"),
      ]),
  ]

  public static var names: [String] { definitions.map(\.name) }

  /// The outcome of a built-in check, before severity and waivers.
  public struct Outcome: Sendable {
    public var status: CheckStatus
    public var message: String
    public var evidence: Value
    public var mark: SourceMark
    public var path: String
  }

  /// Runs built-in `name` with validated `params` on `subject`.
  public static func run(_ name: String, params: OrderedMap, subject: Value) -> Outcome {
    let path = params["path"]?.string ?? ""
    let found = subject.lookup(path)
    func outcome(_ status: CheckStatus, _ message: String) -> Outcome {
      var evidence = OrderedMap()
      evidence[path] = found.value ?? .null
      return Outcome(
        status: status, message: message, evidence: Value(.map(evidence)), mark: found.mark,
        path: path)
    }
    guard let value = found.value, !value.isNull else {
      return outcome(.fail, "\(path) is missing")
    }
    switch name {
    case "required":
      if value.string == "" || value.list?.isEmpty == true || value.map?.isEmpty == true {
        return outcome(.fail, "\(path) is empty")
      }
      return outcome(.pass, "\(path) is present")
    case "equals":
      let expected = params["value"] ?? .null
      return value == expected
        ? outcome(.pass, "\(path) is \(JSONText.render(expected, pretty: false))")
        : outcome(
          .fail,
          "\(path) is \(JSONText.render(value, pretty: false)), expected \(JSONText.render(expected, pretty: false))"
        )
    case "one_of":
      let accepted = params["values"]?.list ?? []
      return accepted.contains(value)
        ? outcome(.pass, "\(path) is an accepted value")
        : outcome(
          .fail,
          "\(path) is \(JSONText.render(value, pretty: false)), not one of \(JSONText.render(Value(.list(accepted)), pretty: false))"
        )
    case "range":
      guard let number = value.number else {
        return outcome(.fail, "\(path) is \(value.typeName), not a number")
      }
      if let min = params["min"]?.number, number < min {
        return outcome(.fail, "\(path) is \(format(number)), below \(format(min))")
      }
      if let max = params["max"]?.number, number > max {
        return outcome(.fail, "\(path) is \(format(number)), above \(format(max))")
      }
      return outcome(.pass, "\(path) is within range")
    default:
      return outcome(.error, "unknown built-in check \"\(name)\"")
    }
  }

  static func format(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
  }
}
