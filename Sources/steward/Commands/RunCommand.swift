import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

#if canImport(Glibc)
  import Glibc
#endif

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a playbook.",
    discussion: """
      Audits run every check on every subject, in parallel, and exit 1 when an
      unwaived failure at or above --fail-on remains:

        steward run Playbooks/deployment-gate.yaml --fail-on high
        steward run Playbooks/deployment-gate.yaml --format sarif --output gate.sarif
        steward run gate.yaml --input subjects=models/ad-targeting.yaml --only fairness
        steward run gate.yaml --store ci-history.sqlite       # or --no-record

      Every run is recorded in the history store (.steward/history.sqlite by
      default; see `steward history`). A run is kept only once its report
      is out; a store that cannot be opened fails before the run, and one
      that cannot be written exits 2 after the report.

      Formats: text, json, junit, sarif, markdown, github.
      """)

  @Argument(help: "The playbook file.")
  var playbook: String

  @Option(
    name: .customLong("input"), help: "Override a named input, e.g. subjects=models/ (repeatable).")
  var inputs: [String] = []

  @Option(
    help: "Output format: text, json, junit, sarif, markdown, github; dashboards also html, slack.")
  var format: String = "text"

  @Option(name: .shortAndLong, help: "Write the report to FILE instead of stdout.")
  var output: String?

  @Option(
    help:
      "Exit 1 if an unwaived failure at or above this severity remains (info … critical; default: any; none: report only)."
  )
  var failOn: String?

  @Option(name: .customLong("plugin-path"), help: "A folder to look for plugins in (repeatable).")
  var pluginPath: [String] = []

  @Option(help: "Run only checks with this id or tag (repeatable).")
  var only: [String] = []

  @Option(help: "Leave out checks with this id or tag (repeatable).")
  var skip: [String] = []

  @Option(help: "Worker threads (default: one per core).")
  var jobs: Int?

  @Flag(help: "Let checks that error pass the gate (by default an error counts as a failure).")
  var ignoreErrors = false

  @Option(help: "The history store to record the run in.")
  var store: String = HistoryCommand.defaultStore

  @Flag(help: "Do not record the run in the history store.")
  var noRecord = false

  @Option(name: .customLong("var"), help: "Set a playbook variable, KEY=VALUE (repeatable).")
  var vars: [String] = []

  @Flag(help: "Runbooks: answer yes to every prompt (an unattended run).")
  var yes = false

  @Option(help: "Runbooks: a YAML file of prompt answers, by step id.")
  var answers: String?

  @Flag(help: "Runbooks: print the plan with variables resolved; run nothing.")
  var dryRun = false

  @Option(help: "Runbooks: continue the interrupted run RUN after its last completed step.")
  var resume: String?

  @Option(help: "Rituals: write the next occurrences to FILE as iCalendar.")
  var ics: String?

  @Option(help: "Dashboards: also post the Slack message to this incoming-webhook URL.")
  var slackWebhook: String?

  func run() throws {
    // "html" and "slack" are dashboard formats; audits refuse them below.
    let dashboardFormats = ["html", "slack"]
    guard
      let reportFormat = ReportFormat(rawValue: format)
        ?? (dashboardFormats.contains(format) ? .json : nil)
    else {
      throw ValidationError(
        "unknown format \"\(format)\"; use one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    var threshold: GatePolicy?
    if let failOn {
      guard let s = GatePolicy.parse(failOn) else {
        throw ValidationError("--fail-on takes one of \(GatePolicy.names.joined(separator: ", "))")
      }
      threshold = s
    }
    if store.isEmpty { throw ValidationError("--store takes a file path") }
    var overrides: [String: [String]] = [:]
    for input in inputs {
      let parts = input.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw ValidationError("--input takes NAME=PATH, found \"\(input)\"")
      }
      overrides[parts[0], default: []].append(parts[1])
    }

    let report: AuditReport
    let context: RunContext
    do {
      let header = try PlaybookLoader.load(path: playbook)
      switch header.kind {
      case .audit:
        if dashboardFormats.contains(format) {
          throw ValidationError("--format \(format) is for dashboards")
        }
      case .survey: return try runSurvey(header, overrides: overrides)
      case .runbook: return try runRunbook(header, overrides: overrides)
      case .hackathon: return try runHackathon(header, overrides: overrides)
      case .ritual: return try runRitual(header, overrides: overrides)
      case .dashboard: return try runDashboard(header, overrides: overrides)
      }
      var audit = try AuditPlaybook.load(
        header: header, path: playbook, pluginPath: pluginPath,
        inputs: overrides)
      if ignoreErrors { audit.errorsFail = false }
      var runner = AuditRunner(playbook: audit)
      runner.only = only
      runner.skip = skip
      // Before the store is created, so a mistyped --only leaves nothing behind.
      try runner.validateSelection()
      // Opened before the run, so a bad store costs nothing; created (with
      // its folder) on first use.
      context = RunContext(history: noRecord ? nil : try HistoryCommand.open(store))
      runner.gate = threshold
      if let jobs { runner.workers = max(1, jobs) }
      runner.hashInputs = context.history != nil
      report = try runner.run()
    } catch {
      throw inputFailure(error)
    }

    let color = output == nil && reportFormat == .text && isatty(STDOUT_FILENO) == 1
    let reporter = reportFormat.reporter(color: color)
    // To a file the report takes as long as the disk, and the store's
    // inserts go in meanwhile. To stdout it may wait on a reader (a pager)
    // as long as that likes, and an open transaction would hold other runs'
    // writes to the store as long: the run is recorded after it.
    let recording = output == nil ? nil : Recording(report, in: context)
    do {
      try Output.stream(to: output) { sink in reporter.write(report, to: sink) }
    } catch {
      try? recording?.finish(reportWritten: false)
      throw error
    }
    // A text report on stdout shows its warnings already; anywhere else
    // they are said on stderr too, so that an expired waiver is seen.
    if reportFormat != .text || output != nil {
      for warning in report.warnings { Console.error(warning.description) }
    }
    if let recording {
      try recording.finish(reportWritten: true)
    } else {
      try record { try AuditRecorder.record(report, in: context) }
    }
    KeptUntilExit.keep(report)
    if report.gateFailed { throw ExitCode(Exit.gateFailed) }
  }

  /// Writes a report to `--output` (atomically) or to stdout.
  func emit(_ text: String) throws {
    try Output.deliver(text, to: output)
  }

  /// Records a run after its report is out: a store that cannot be written
  /// is said on stderr and exits 2, with the report already delivered.
  func record(_ body: () throws -> Void) throws {
    do {
      try body()
    } catch {
      Console.error("\(error)")
      throw ExitCode(Exit.inputError)
    }
  }

  /// Says why the input was refused (with `file:line:column` for playbook
  /// problems) and gives what to throw: exit 2, or a usage error or exit
  /// code unchanged.
  func inputFailure(_ error: any Error) -> any Error {
    switch error {
    case let usage as ValidationError: return usage
    case let exit as ExitCode: return exit
    case let history as HistoryError: Console.error(history.description)
    default: Diagnostics.print(error, file: playbook)
    }
    return ExitCode(Exit.inputError)
  }
}
