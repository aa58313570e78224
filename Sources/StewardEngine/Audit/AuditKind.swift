public import Foundation
public import StewardCore

/// Audits: checks over subjects, with findings, waivers and a CI gate.
public struct AuditKind: RunnableKind {
  public static let kind = PlaybookKind.audit
  public static let summary = "checks over subjects, with findings, waivers and a CI gate"
  public static let formats = ReportFormat.allCases.map(\.rawValue)
  public static let flags: Set<RunFlag> = [
    .input, .failOn, .only, .skip, .jobs, .ignoreErrors, .incremental, .quiet, .baseline,
    .baselineRun,
  ]
  /// `subjects`, and whatever the playbook declares under `inputs:` and `data:`.
  public static let inputs = InputDeclaration(names: ["subjects"], open: true, dataKey: "data")
  public static let jsonSchemaVersion = JSONReporter.schemaVersion
  public static let fields: [FieldSpec] =
    [
      FieldSpec("subjects", .any, doc: "files, folders or globs of subjects to check"),
      FieldSpec("checks", .list(.map), doc: "the checks to run on every subject"),
      FieldSpec("waivers", .any, doc: "accepted failures, inline or a file"),
      FieldSpec(
        "data", .map,
        doc: "named YAML, JSON or CSV files checks read as ctx.data.NAME (a team registry, a list)"
      ),
      FieldSpec(
        "gate", .any, doc: "the default --fail-on severity and error policy, or none (report only)"),
      FieldSpec(
        "schema", .string,
        doc:
          "a JSON Schema (YAML or JSON file) every subject must satisfy, e.g. the model-card schema"
      ),
      FieldSpec(
        "tests", .string,
        doc: "the fixtures steward test runs (default: NAME.tests.yaml beside the playbook)"),
      FieldSpec(
        "campaigns", .list(.map), doc: "new checks rolled out with a deadline (docs/audit.md)"),
      FieldSpec("signoff", .any, doc: "a role whose sign-off the results need (docs/audit.md)"),
    ] + WaiverPolicy.fields

  var runner: AuditRunner
  var signoff: [SignOffRequirement] = []
  var campaigns: [Campaign] = []

  public static func load(_ request: KindLoadRequest) throws -> AuditKind {
    let options = request.options
    var threshold: GatePolicy?
    if let failOn = options.failOn {
      guard let s = GatePolicy.parse(failOn) else {
        throw UsageError("--fail-on takes one of \(GatePolicy.names.joined(separator: ", "))")
      }
      threshold = s
    }
    var audit = try AuditPlaybook.load(
      header: request.header, path: request.path, pluginPath: options.pluginPath,
      inputs: request.inputs)
    if options.ignoreErrors { audit.errorsFail = false }
    var runner = AuditRunner(playbook: audit)
    runner.only = options.only
    runner.skip = options.skip
    // Before the store is created, so a mistyped --only leaves nothing behind.
    try runner.validateSelection()
    runner.baseline = try baseline(options, playbook: audit)
    runner.gate = threshold
    if let jobs = options.jobs { runner.workers = max(1, jobs) }
    runner.echoLogs = PluginLog.echo
    let signoff = try SignOffRequirement.parse(
      request.header.document, path: request.path, checks: audit.checks)
    let campaigns = try Campaign.parse(request.header.document, checks: audit.checks)
    return AuditKind(runner: runner, signoff: signoff, campaigns: campaigns)
  }

  /// The baseline `--baseline` or `--baseline-run` names, read and checked
  /// against the playbook before the run (decision 0041).
  static func baseline(_ options: RunOptions, playbook: AuditPlaybook) throws -> Baseline? {
    if options.baseline != nil, options.baselineRun != nil {
      throw UsageError("--baseline and --baseline-run: give one baseline")
    }
    let baseline: Baseline?
    do {
      if let file = options.baseline {
        baseline = try Baseline.read(file: file)
      } else if let run = options.baselineRun {
        baseline = try Baseline.read(run: run, store: options.store)
      } else {
        return nil
      }
    } catch let error as PlaybookError {
      throw error
    } catch {
      throw PlaybookError(Validator.diagnostics(of: error, file: options.baseline ?? options.store))
    }
    try baseline?.check(
      playbook: playbook.header.name, at: SourceMark(file: playbook.path, line: 0, column: 0))
    return baseline
  }

  public static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    try validate(try AuditPlaybook.load(header: header, path: path))
  }

  /// The playbook as the run loaded it (its plugins, inputs, --only).
  public static func validate(_ request: KindLoadRequest, loaded: AuditKind) throws
    -> KindValidation
  {
    try validate(loaded.runner.playbook)
  }

  static func validate(_ audit: AuditPlaybook) throws -> KindValidation {
    _ = try SignOffRequirement.parse(audit.header.document, path: audit.path, checks: audit.checks)
    _ = try Campaign.parse(audit.header.document, checks: audit.checks)
    // The subjects are read as the run reads them before a check runs: a
    // pattern that matches no file, a file that does not parse, or (with a
    // schema) a card outside it is refused by validate too. Read and
    // checked here, they are this playbook's data.
    let subjects = try audit.loadSubjects()
    let files = Set(subjects.map(\.file)).sorted()
    guard let schema = audit.schema else { return KindValidation(dataFiles: files) }
    return KindValidation(
      detail: "(\(subjects.count) subjects match its schema)", dataFiles: files + [schema.path])
  }

  public func run(in context: KindRunContext) throws -> any KindReport {
    var runner = self.runner
    runner.hashInputs = context.history != nil
    var report: AuditReport
    if context.options.incremental {
      let incremental = try IncrementalResults(runner: runner, store: context.reading())
      runner.incremental = incremental
      runner.hashInputs = true
      report = try runner.run()
      try incremental.finish()
      // On stderr: the report itself is the full run's, byte for byte.
      let files = Set(report.subjects.map(\.file)).count
      Console.error(
        incremental.fromRun.map {
          "--incremental: reused the results of \(incremental.reusedCount) of \(English.count(files, "file")) from run \($0)"
            + (incremental.reusedCount < files ? "; checked the rest" : "")
            + (incremental.reusedCount == 0 && files > 0
              ? " (no file's key matched run \($0)'s: the files, the playbook, a plugin or module, a parameter, the data, steward's version or the day differ, as when another checkout of the playbook recorded the last run)"
              : "")
        }
          ?? "--incremental: no run of \(report.playbookName) with reusable results; checked every file"
      )
    } else {
      report = try runner.run()
    }
    if !campaigns.isEmpty { report.apply(campaigns, today: runner.today) }
    if !signoff.isEmpty {
      report.signoff = try SignOffs.evaluate(
        signoff, playbook: report.playbookName, results: AuditRecorder.results(report),
        bindings: try SignOffs.bindings(report, playbook: runner.playbook),
        store: context.reading() ?? context.history)
    }
    return report
  }
}

extension AuditReport: KindReport {
  public var readFiles: [String] { Array(Set(subjects.map(\.file))).sorted() }

  public func write(
    _ format: String, options: RenderOptions, to sink: @escaping @Sendable ([UInt8]) -> Void
  ) {
    (ReportFormat(rawValue: format) ?? .text).reporter(color: options.color, quiet: options.quiet)
      .write(self, to: sink)
  }

  public var exitStatus: Int32 {
    gateFailed ? Exit.gateFailed : signoff?.state == .awaiting ? Exit.waiting : Exit.success
  }
  public var warningLines: [String] { warnings.map(\.description) }
  public var textShowsWarnings: Bool { true }

  public func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {
    let run = try AuditRecorder.record(self, in: RunContext(history: store), commitIf: commit)
    if let signoff, let run { try SignOffs.recorded(signoff, run: run, store: store) }
  }
}
