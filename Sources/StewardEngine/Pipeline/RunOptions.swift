import Foundation
import StewardCore
public import StewardLua

/// Everything `steward run` was given, typed, for every kind alike. The
/// flags that only some kinds take are ``RunFlag``s: a kind lists the ones
/// it takes, and the pipeline refuses the others with one message.
public struct RunOptions: Sendable {
  public var playbook: String
  /// `--input NAME=PATH`, as typed.
  public var inputs: [String] = []
  public var format: String = "text"
  public var output: String?
  /// `--report FORMAT=PATH`, as typed: more reports of the same run.
  public var reports: [String] = []
  public var store: String = HistoryStores.defaultStore
  public var noRecord = false
  public var pluginPath: [String] = []
  /// `--var KEY=VALUE`, as typed.
  public var vars: [String] = []
  public var failOn: String?
  public var only: [String] = []
  public var skip: [String] = []
  public var jobs: Int?
  public var ignoreErrors = false
  /// `--incremental`: reuse the recorded results whose inputs did not change.
  public var incremental = false
  public var quiet = false
  public var yes = false
  public var answers: String?
  public var dryRun = false
  public var resume: String?
  public var force = false
  public var ics: String?
  public var slackWebhook: String?
  /// `--period YYYY-MM`: the wave a survey's responses belong to.
  public var period: String?
  /// `--baseline FILE`: an audit's JSON report from an earlier run.
  public var baseline: String?
  /// `--baseline-run RUN`: an earlier audit run in the history store.
  public var baselineRun: String?
  /// `--verbose`: what plugins log (`steward.log.*`) on stderr.
  public var verbose = false

  public init(playbook: String) {
    self.playbook = playbook
  }

  /// `--input NAME=PATH` by name, in the order given.
  func overrides() throws(UsageError) -> [String: [String]] {
    var out: [String: [String]] = [:]
    for input in inputs {
      let parts = input.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw UsageError("--input takes NAME=PATH, found \"\(input)\"")
      }
      out[parts[0], default: []].append(parts[1])
    }
    return out
  }

  /// `--report FORMAT=PATH`, in the order given; two reports to one file,
  /// or one to `--output`'s, would leave only the last.
  func reportTargets() throws(UsageError) -> [(format: String, path: String)] {
    var out: [(format: String, path: String)] = []
    for item in reports {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw UsageError("--report takes FORMAT=PATH, e.g. sarif=gate.sarif, found \"\(item)\"")
      }
      if output.map({ Self.sameFile($0, parts[1]) }) == true
        || out.contains(where: { Self.sameFile($0.path, parts[1]) })
      {
        throw UsageError("--report \(item): another report is written to \(parts[1])")
      }
      out.append((parts[0], parts[1]))
    }
    return out
  }

  /// Whether two paths name one file: `out/a` and `./out/a`, or a path
  /// through a link to its folder, would leave only the last report.
  static func sameFile(_ a: String, _ b: String) -> Bool {
    if a == b || InputFiles.canonical(a) == InputFiles.canonical(b) { return true }
    // A hard link to the same file: the same device and inode.
    var first = stat()
    var second = stat()
    return stat(a, &first) == 0 && stat(b, &second) == 0 && first.st_dev == second.st_dev
      && first.st_ino == second.st_ino
  }

  /// The lowest level of plugin log lines said on stderr: debug with
  /// `--verbose`, else `STEWARD_LOG` (debug, info, warning or error), else
  /// none.
  public func logLevel() throws(UsageError) -> LuaLogLevel? {
    try PluginLog.level(verbose: verbose)
  }

  /// `--var KEY=VALUE`, in the order given.
  func variables() throws(UsageError) -> [(key: String, value: String)] {
    try vars.map { item throws(UsageError) in
      let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        .map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw UsageError("--var takes KEY=VALUE, found \"\(item)\"")
      }
      return (parts[0], parts[1])
    }
  }
}

/// The flags of `steward run` that only some kinds take.
public enum RunFlag: String, Sendable, CaseIterable, Comparable {
  case input, `var`
  case failOn = "fail-on"
  case only, skip, jobs
  case ignoreErrors = "ignore-errors"
  case incremental
  case quiet
  case yes, answers
  case dryRun = "dry-run"
  case resume, force, ics
  case slackWebhook = "slack-webhook"
  case period
  case baseline
  case baselineRun = "baseline-run"

  public var spelling: String { "--\(rawValue)" }

  public static func < (a: RunFlag, b: RunFlag) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }

  /// Whether the user gave this flag.
  func isGiven(in o: RunOptions) -> Bool {
    switch self {
    case .input: !o.inputs.isEmpty
    case .var: !o.vars.isEmpty
    case .failOn: o.failOn != nil
    case .only: !o.only.isEmpty
    case .skip: !o.skip.isEmpty
    case .jobs: o.jobs != nil
    case .ignoreErrors: o.ignoreErrors
    case .incremental: o.incremental
    case .quiet: o.quiet
    case .yes: o.yes
    case .answers: o.answers != nil
    case .dryRun: o.dryRun
    case .resume: o.resume != nil
    case .force: o.force
    case .ics: o.ics != nil
    case .slackWebhook: o.slackWebhook != nil
    case .period: o.period != nil
    case .baseline: o.baseline != nil
    case .baselineRun: o.baselineRun != nil
    }
  }
}

/// The one wording of every refusal of a format or a flag.
public enum RunRefusal {
  /// `"html" is not a format of a survey report; a survey renders text, markdown, json`
  public static func format(_ format: String, of kind: any RunnableKind.Type) -> UsageError {
    let a = English.withArticle(kind.kind.rawValue)
    return UsageError(
      "\"\(format)\" is not a format of \(a) report; \(a) renders \(kind.formats.joined(separator: ", "))"
    )
  }

  /// `--ics does not apply to a survey; a survey takes --input, --var`
  public static func flag(_ flag: RunFlag, of kind: any RunnableKind.Type) -> UsageError {
    let a = English.withArticle(kind.kind.rawValue)
    let takes = kind.flags.sorted().map(\.spelling)
    return UsageError(
      "\(flag.spelling) does not apply to \(a); "
        + (takes.isEmpty
          ? "\(a) takes none of \(RunFlag.allCases.map(\.spelling).joined(separator: ", "))"
          : "\(a) takes \(takes.joined(separator: ", "))"))
  }
}
