import ArgumentParser
import StewardEngine

/// `steward run`: the arguments, parsed into one ``RunOptions`` for
/// ``RunPipeline``, which does the rest for every kind.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a playbook.",
    discussion: """
      Audits run every check on every subject, in parallel, and exit 1 when an
      unwaived failure at or above --fail-on remains:

        steward run Playbooks/deployment-gate.yaml --fail-on high
        steward run Playbooks/deployment-gate.yaml --format sarif --output gate.sarif
        steward run gate.yaml --report sarif=gate.sarif --report junit=gate.xml   # text on stdout too
        steward run gate.yaml --input subjects=models/ad-targeting.yaml --only fairness
        steward run gate.yaml --store ci-history.sqlite       # or --no-record

      Every run is recorded in the history store (.steward/history.sqlite by
      default; see `steward history`). A run is kept only once its report
      is out; a store that cannot be opened fails before the run, and one
      that cannot be written exits 2 after the report.

      Formats and flags by kind of playbook:
      \(RunCommand.kindTable)
      """)

  /// Each kind's formats and flags, from the kinds themselves.
  static var kindTable: String {
    KindRegistry.all.map { kind in
      let flags = kind.flags.sorted().map(\.spelling).joined(separator: " ")
      return "  \(kind.kind.rawValue): \(kind.formats.joined(separator: ", "))"
        + (flags.isEmpty ? "" : "\n    also takes \(flags)")
    }.joined(separator: "\n")
  }

  @Argument(help: "The playbook file.")
  var playbook: String

  @Option(
    name: .customLong("input"), help: "Override a named input, e.g. subjects=models/ (repeatable).")
  var inputs: [String] = []

  @Option(help: "Output format; which ones depends on the playbook's kind (see above).")
  var format: String = "text"

  @Option(name: .shortAndLong, help: "Write the report to FILE instead of stdout.")
  var output: String?

  @Option(
    name: .customLong("report"),
    help: ArgumentHelp(
      "Also write the report in FORMAT to PATH (repeatable), e.g. sarif=gate.sarif.",
      valueName: "format=path"))
  var reports: [String] = []

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

  @Flag(
    help:
      "Audits: reuse the recorded result of each check on each subject whose inputs did not change (decision 0033)."
  )
  var incremental = false

  @Flag(
    name: .shortAndLong,
    help: "Audits: list only failures, errors and waived results, then the summary.")
  var quiet = false

  @Option(
    help:
      "Audits: a JSON report of an earlier run; only findings not in it fail the gate, and those gone are listed as fixed."
  )
  var baseline: String?

  @Option(
    name: .customLong("baseline-run"),
    help: "Audits: like --baseline, with run RUN of the history store (see `steward history`).")
  var baselineRun: String?
  @Flag(
    name: .shortAndLong,
    help: "Say what plugins log (steward.log.*) on stderr; STEWARD_LOG=LEVEL says it from LEVEL up."
  )
  var verbose = false

  @Option(
    name: .customLong("store"),
    help:
      "The history store to record the run in: an SQLite file or a postgres:// URL (STEWARD_STORE)."
  )
  var storeName: StoreName = .standard
  var store: String { storeName.value }

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

  @Flag(help: "Runbooks: resume even though the playbook changed since the run started.")
  var force = false

  @Option(help: "Rituals: write the next occurrences to FILE as iCalendar.")
  var ics: String?

  @Option(help: "Surveys: the period the responses belong to, YYYY-MM (default: from their dates).")
  var period: String?

  @Option(help: "Dashboards: also post the Slack message to this incoming-webhook URL.")
  var slackWebhook: String?

  func run() throws {
    var options = RunOptions(playbook: playbook)
    options.inputs = inputs
    options.format = format
    options.output = output
    options.reports = reports
    options.store = store
    options.noRecord = noRecord
    options.pluginPath = pluginPath
    options.vars = vars
    options.failOn = failOn
    options.only = only
    options.skip = skip
    options.jobs = jobs
    options.ignoreErrors = ignoreErrors
    options.incremental = incremental
    options.quiet = quiet
    options.yes = yes
    options.answers = answers
    options.dryRun = dryRun
    options.resume = resume
    options.force = force
    options.ics = ics
    options.period = period
    options.slackWebhook = slackWebhook
    options.baseline = baseline
    options.baselineRun = baselineRun
    options.verbose = verbose
    let outcome: RunOutcome
    do {
      outcome = try RunPipeline.run(options)
    } catch let usage as UsageError {
      // The root command's usage line would say nothing about what `run` takes.
      Console.error(
        "error: \(usage)\nSee 'steward run --help' for the formats and flags of each kind.")
      throw ExitCode(Exit.inputError)
    } catch let exit as ExitStatus {
      throw ExitCode(exit.code)
    }
    KeptUntilExit.keep(outcome)
    if outcome.exitStatus != Exit.success { throw ExitCode(outcome.exitStatus) }
  }
}
