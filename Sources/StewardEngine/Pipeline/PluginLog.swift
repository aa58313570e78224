import Foundation
import StewardCore
public import StewardLua

/// Where what plugins log (`steward.log.*`) goes, for every kind that runs
/// Lua: on stderr from the run's level up (`--verbose`, `STEWARD_LOG`), as
/// `log: LEVEL: WHAT: message`, and never on stdout, which may carry a
/// machine-readable report.
public enum PluginLog {
  /// The lowest level said on stderr while a run is under way; nil: none.
  /// Task-local, bound once by ``RunPipeline``, so that each VM a kind starts
  /// (a scorer, a rotation, a dashboard metric, a Lua playbook) echoes alike
  /// without every kind passing the level down through its own types.
  @TaskLocal public static var echo: LuaLogLevel?

  /// The lowest level said on stderr: debug with `verbose`, else
  /// `STEWARD_LOG` (debug, info, warning or error), else none.
  public static func level(verbose: Bool) throws(UsageError) -> LuaLogLevel? {
    if verbose { return .debug }
    guard let given = ProcessInfo.processInfo.environment["STEWARD_LOG"], !given.isEmpty else {
      return nil
    }
    guard let level = LuaLogLevel(rawValue: given == "warn" ? "warning" : given) else {
      throw UsageError(
        "STEWARD_LOG takes \(LuaLogLevel.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(given)\""
      )
    }
    return level
  }
}

/// The log of one VM: what its Lua is doing now (`about`), said on stderr
/// from `echo` up, and with `keep` the lines kept for the result being
/// judged (an audit's JSON report gives them per result).
///
/// A VM calls its log closure on the thread that runs it; the lock only
/// satisfies the closure's `@Sendable`.
final class PluginLogger: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [LogLine] = []
  private var label: String
  /// With `label`, what a check's lines are about: "CHECK on SUBJECT",
  /// joined only when a line is said (an audit sets it for every call).
  private var subject: String?
  private let echo: LuaLogLevel?
  private let keep: Bool

  init(_ label: String = "", echo: LuaLogLevel? = PluginLog.echo, keep: Bool = false) {
    self.label = label
    self.echo = echo
    self.keep = keep
  }

  /// The closure a ``LuaVM`` is started with.
  var sink: @Sendable (LuaLogLevel, String) -> Void {
    { [self] level, text in append(level, text) }
  }

  /// What the next lines are about, e.g. "fairness on ad-targeting"; the
  /// lines kept so far are dropped.
  func about(_ label: String) {
    lock.withLock {
      lines = []
      self.label = label
      subject = nil
    }
  }

  /// "CHECK on SUBJECT", like `about("\(check) on \(subject)")`.
  func about(_ check: String, on subject: String) {
    lock.withLock {
      lines = []
      label = check
      self.subject = subject
    }
  }

  func append(_ level: LuaLogLevel, _ text: String) {
    let label = lock.withLock {
      if keep { lines.append(LogLine(level: level.rawValue, message: text)) }
      return subject.map { "\(self.label) on \($0)" } ?? self.label
    }
    if let echo, level.rank >= echo.rank {
      Console.error(
        Printable.escape("log: \(level.rawValue): \(label.isEmpty ? "" : label + ": ")\(text)"))
    }
  }

  /// The lines kept since the last `about`, which are then dropped.
  func take() -> [LogLine] {
    lock.withLock {
      defer { lines = [] }
      return lines
    }
  }
}

extension LuaLogLevel {
  /// debug 0 … error 3, for "this level and above".
  var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
