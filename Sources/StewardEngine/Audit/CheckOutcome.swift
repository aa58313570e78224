import StewardCore
import StewardLua

/// Reads what a check's Lua function returned into a status, message,
/// evidence and path. A check may return a boolean, a status string, or a
/// table `{ status =, message =, at =, evidence = }`.
enum CheckOutcome {
  struct Parsed {
    var status: CheckStatus
    var message: String
    var at: String?
    var evidence: Value
  }

  static func parse(_ returned: Value?) -> Parsed {
    guard let returned else { return Parsed(status: .fail, message: "", at: nil, evidence: .null) }
    switch returned.kind {
    case .bool(let ok):
      return Parsed(status: ok ? .pass : .fail, message: "", at: nil, evidence: .null)
    case .null:
      return Parsed(status: .fail, message: "", at: nil, evidence: .null)
    case .string(let s):
      guard let status = allowed(s) else { return invalid("the check returned \"\(s)\"") }
      return Parsed(status: status, message: "", at: nil, evidence: .null)
    case .map(let m):
      return table(status: m["status"], message: m["message"], at: m["at"], evidence: m["evidence"])
    default:
      return invalid("the check returned \(English.withArticle(returned.typeName))")
    }
  }

  /// The fields of a result table, in the order `parse(_: LuaReturn)` reads.
  static let fields = ["status", "message", "at", "evidence"]

  /// What ``LuaVM/call(_:arguments:record:)`` read with ``fields``; the same
  /// outcome `parse(_: Value?)` gives for the whole table.
  static func parse(_ returned: LuaReturn) -> Parsed {
    switch returned {
    case .value(let value):
      return parse(value)
    case .record(let fields):
      return table(status: fields[0], message: fields[1], at: fields[2], evidence: fields[3])
    }
  }

  /// A returned `{ status =, message =, at =, evidence = }`, however it was read.
  private static func table(status: Value?, message: Value?, at: Value?, evidence: Value?)
    -> Parsed
  {
    let statusName = status?.string
    guard let statusName, let status = allowed(statusName) else {
      return invalid(
        "the check returned a table whose status is \(statusName.map { "\"\($0)\"" } ?? "missing")"
      )
    }
    return Parsed(
      status: status, message: message?.string ?? "", at: at?.string, evidence: evidence ?? .null)
  }

  /// Statuses a check may report itself; `waived` is the host's to decide.
  static func allowed(_ name: String) -> CheckStatus? {
    switch name {
    case "pass": .pass
    case "fail": .fail
    case "skip": .skip
    case "error": .error
    default: nil
    }
  }

  static func invalid(_ message: String) -> Parsed {
    Parsed(
      status: .error,
      message: message + "; return true/false, \"pass\"/\"fail\"/\"skip\", or { status = … }",
      at: nil, evidence: .null)
  }
}
