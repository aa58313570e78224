public import Foundation
public import StewardCore

/// Audits: checks over subjects, with findings, waivers and a CI gate.
public struct AuditKind: RunnableKind {
  public static let kind = PlaybookKind.audit
  public static let summary = "checks over subjects, with findings, waivers and a CI gate"
  public static let formats = ReportFormat.allCases.map(\.rawValue)
  public static let flags: Set<RunFlag> = [
    .input, .failOn, .only, .skip, .jobs, .ignoreErrors, .quiet,
  ]
  /// `subjects`, and whatever the playbook declares under `inputs:`.
  public static let inputs = InputDeclaration(names: ["subjects"], open: true)
  public static let fields: [FieldSpec] = [
    FieldSpec("subjects", .any, doc: "files, folders or globs of subjects to check"),
    FieldSpec("checks", .list(.map), doc: "the checks to run on every subject"),
    FieldSpec("waivers", .any, doc: "accepted failures, inline or a file"),
    FieldSpec(
      "gate", .any, doc: "the default --fail-on severity and error policy, or none (report only)"),
    FieldSpec(
      "schema", .string,
      doc:
        "a JSON Schema (YAML or JSON file) every subject must satisfy, e.g. the model-card schema"
    ),
    FieldSpec(
      "campaigns", .list(.map), doc: "new checks rolled out with a deadline (docs/audit.md)"),
    FieldSpec("signoff", .any, doc: "a role whose sign-off the results need (docs/audit.md)"),
  ]

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
    runner.gate = threshold
    if let jobs = options.jobs { runner.workers = max(1, jobs) }
    let signoff = try SignOffRequirement.parse(
      request.header.document, path: request.path, checks: audit.checks)
    let campaigns = try Campaign.parse(request.header.document, checks: audit.checks)
    return AuditKind(runner: runner, signoff: signoff, campaigns: campaigns)
  }

  public static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    // An audit can be checked against its plugins without running it.
    let audit = try AuditPlaybook.load(header: header, path: path)
    _ = try SignOffRequirement.parse(header.document, path: path, checks: audit.checks)
    _ = try Campaign.parse(header.document, checks: audit.checks)
    // Only with a schema is there something to check in the subjects
    // before a run; without one, reading them is the run's job.
    guard let schema = audit.schema else { return KindValidation() }
    let subjects = try audit.loadSubjects()
    // Read and checked here, so they are this playbook's data; without a
    // schema nothing reads them before a run.
    return KindValidation(
      detail: "(\(subjects.count) subjects match its schema)",
      dataFiles: Set(subjects.map(\.file)).sorted() + [schema.path])
  }

  public func run(in context: KindRunContext) throws -> any KindReport {
    var runner = self.runner
    runner.hashInputs = context.history != nil
    var report = try runner.run()
    if !campaigns.isEmpty { report.apply(campaigns, today: runner.today) }
    if !signoff.isEmpty {
      report.signoff = try SignOffs.evaluate(
        signoff, playbook: report.playbookName, results: AuditRecorder.results(report),
        store: context.reading ?? context.history)
    }
    return report
  }
}

extension AuditReport: KindReport {
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
