import Foundation
public import StewardCore

/// One step of a runbook, read and checked. A step does one thing (runs a
/// command, asks the operator, escalates, or calls a Lua step type) and says
/// what counts as success and where the run goes when it fails.
public struct RunbookStep: Sendable {
  /// What the step does.
  public enum Action: Sendable {
    /// An argument list, run without a shell; each argument is a template.
    case command([String])
    /// A shell string, run with `/bin/sh -c` because the step says `shell: true`.
    case shell(String)
    /// A question to the operator, and nothing else.
    case prompt(RunbookPrompt)
    /// Tells who to call, runs the notification hook, and ends the run.
    case escalate(String)
    /// A step type registered by a Lua plugin with `p:step{}`.
    case plugin(plugin: String, type: String, params: Value)
  }

  /// Where the run goes when the step fails.
  public enum OnFailure: Sendable, Equatable, CustomStringConvertible {
    case stop, `continue`, escalate
    case goTo(String)

    public var description: String {
      switch self {
      case .stop: "stop"
      case .continue: "continue"
      case .escalate: "escalate"
      case .goTo(let id): "goto \(id)"
      }
    }
  }

  /// What the command must do to pass, besides `check`.
  public struct Expect: Sendable {
    /// Accepted exit codes (default `[0]`).
    public var exit: [Int32] = [0]
    /// A regular expression the output must match; its named groups become captures.
    public var output: String?
    /// A regular expression the output must not match.
    public var notOutput: String?
  }

  public var id: String
  public var title: String
  public var action: Action
  /// Extra environment, values are templates.
  public var env: [(String, String)]
  /// Working directory (a template, relative to the playbook's folder).
  public var cwd: String?
  public var timeout: Double
  public var retries: Int
  /// Seconds before the first retry; doubled for each later one.
  public var backoff: Double
  public var expect: Expect
  /// A Lua expression over `result`, `steps` and `vars` that must be true.
  public var check: String?
  /// A Lua expression; the step runs only when it is true.
  public var when: String?
  /// A yes/no/skip question asked before the command runs.
  public var confirm: RunbookPrompt?

  /// The question the step asks the operator, if any (`prompt` or `confirm`).
  var question: RunbookPrompt? {
    if case .prompt(let prompt) = action { return prompt }
    return confirm
  }
  public var onFailure: OnFailure
  /// Who must approve the step before it runs (`approve:`).
  public var approval: ApprovalRule? = nil
  public var mark: SourceMark
  /// Marks of the Lua expressions, so a broken one points at its line.
  public var checkMark: SourceMark
  public var whenMark: SourceMark

  /// How the step reads in a plan or a report.
  public var summary: String {
    switch action {
    case .command(let args): args.map(RunbookStep.quote).joined(separator: " ")
    case .shell(let text): "sh -c " + RunbookStep.quote(text)
    case .prompt(let p): "ask: \(p.text)"
    case .escalate(let message): "escalate: \(message)"
    case .plugin(let plugin, let type, _): "\(plugin).\(type)"
    }
  }

  static func quote(_ s: String) -> String {
    let plain =
      !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
    return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// A question to the operator.
public struct RunbookPrompt: Sendable {
  public enum Kind: String, Sendable {
    /// yes, no or skip.
    case confirm
    /// Free text, recorded in the timeline and kept as `steps.ID.answer`.
    case text
  }

  public var text: String
  public var kind: Kind
  /// The answer `--yes` gives a text question (a confirm question gets "yes").
  public var defaultAnswer: String?
}
