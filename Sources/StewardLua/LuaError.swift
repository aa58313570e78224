public import StewardCore

/// Which budget a call spent, with its size.
public enum LuaBudget: Sendable, Equatable, CustomStringConvertible {
  case instructions(Int)
  case memory(Int)
  case time(Duration)

  /// "instruction budget of 100000000 exhausted", "memory limit of 64 MiB
  /// exceeded", "wall-clock limit of 2 s exceeded".
  public var description: String {
    switch self {
    case .instructions(let n): "instruction budget of \(n) exhausted"
    case .memory(let bytes): "memory limit of \(Self.format(bytes: bytes)) exceeded"
    case .time(let d): "wall-clock limit of \(Self.format(duration: d)) exceeded"
    }
  }

  static func format(bytes: Int) -> String {
    if bytes > 0, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes > 0, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
  }

  static func format(duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let millis = seconds * 1000 + (attoseconds + 500_000_000_000_000) / 1_000_000_000_000_000
    if millis % 1000 == 0 { return "\(millis / 1000) s" }
    var fraction = String(millis % 1000)
    fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(millis / 1000).\(fraction) s"
  }
}

/// Everything that can go wrong in the Lua layer, each with the place it
/// points at (`chunkName:LINE`) and a stable code.
///
/// | code | case |
/// |---|---|
/// | L001 | ``syntax(message:mark:)`` |
/// | L002 | ``runtime(message:mark:traceback:)`` |
/// | L003 | ``budget(_:mark:traceback:)`` with ``LuaBudget/instructions(_:)`` |
/// | L004 | ``budget(_:mark:traceback:)`` with ``LuaBudget/memory(_:)`` |
/// | L005 | ``budget(_:mark:traceback:)`` with ``LuaBudget/time(_:)`` |
/// | L006 | ``conversion(path:message:mark:)`` |
/// | L007 | ``invalidPlugin(message:mark:)`` |
/// | L008 | ``unavailable(message:)`` |
///
/// ```swift
/// do { _ = try vm.evaluate("error('boom')", chunkName: "plugin.lua") }
/// catch let error as LuaError { print(error.diagnostic) }
/// // plugin.lua:1: error: boom [L002]
/// //     stack traceback: …
/// ```
public enum LuaError: Error, Sendable, Equatable, DiagnosticConvertible, CustomStringConvertible {
  /// The chunk does not compile (or is a binary chunk).
  case syntax(message: String, mark: SourceMark)
  /// Lua code raised an error; `traceback` holds the lines of `luaL_traceback`.
  case runtime(message: String, mark: SourceMark, traceback: [String])
  /// A budget was spent; `mark` is where the code was when it happened.
  case budget(LuaBudget, mark: SourceMark, traceback: [String])
  /// A value could not cross the bridge; `path` names it (`result.evidence[2].x`).
  case conversion(path: String, message: String, mark: SourceMark)
  /// The chunk ran but did not produce a valid plugin, or a registration is invalid.
  case invalidPlugin(message: String, mark: SourceMark)
  /// The VM could not start, or a function was used with the wrong VM.
  case unavailable(message: String)

  public var code: String {
    switch self {
    case .syntax: "L001"
    case .runtime: "L002"
    case .budget(.instructions, _, _): "L003"
    case .budget(.memory, _, _): "L004"
    case .budget(.time, _, _): "L005"
    case .conversion: "L006"
    case .invalidPlugin: "L007"
    case .unavailable: "L008"
    }
  }

  /// The message without its place.
  public var message: String {
    switch self {
    case .syntax(let message, _), .runtime(let message, _, _), .invalidPlugin(let message, _),
      .unavailable(let message):
      message
    case .budget(let budget, _, _): budget.description
    case .conversion(let path, let message, _): "\(path): \(message)"
    }
  }

  public var mark: SourceMark {
    switch self {
    case .syntax(_, let mark), .runtime(_, let mark, _), .budget(_, let mark, _),
      .conversion(_, _, let mark), .invalidPlugin(_, let mark):
      mark
    case .unavailable: .unknown
    }
  }

  public var traceback: [String] {
    switch self {
    case .runtime(_, _, let t), .budget(_, _, let t): t
    default: []
    }
  }

  public var diagnostic: Diagnostic {
    Diagnostic(.error, at: mark, code: code, message, notes: traceback)
  }

  /// `plugin.lua:LINE: message`, the form Lua itself prints.
  public var description: String {
    mark.isKnown ? "\(mark): \(message)" : message
  }
}
