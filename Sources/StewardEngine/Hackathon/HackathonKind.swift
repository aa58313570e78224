public import Foundation
public import StewardCore

/// Hackathons: projects, judging and the funnel from idea to shipped.
public struct HackathonKind: RunnableKind {
  public static let kind = PlaybookKind.hackathon
  public static let summary = "projects, judging and the funnel from idea to shipped"
  public static let formats = ["text", "markdown", "json"]
  public static let flags: Set<RunFlag> = [.input, .var]
  public static let inputs = InputDeclaration(names: ["projects", "scores", "org"])
  public static let fields: [FieldSpec] = [
    FieldSpec("projects", .any, doc: "the projects file"),
    FieldSpec("org", .any, doc: "the org file: each person's team"),
    FieldSpec("judging", .map, doc: "criteria, weights and judges' scores"),
    FieldSpec("event", .map, doc: "dates and theme of the hackathon"),
    FieldSpec("followup", .map, doc: "the follow-up date and when a backlog item has stalled"),
    FieldSpec(
      "on_bad_input", .oneOf(["error", "warn"]),
      doc: "an unknown member or scored project: an error (default) or a warning"),
  ]

  var playbook: HackathonPlaybook

  public static func load(_ request: KindLoadRequest) throws -> HackathonKind {
    try request.requireVars(["as_of"])
    return HackathonKind(
      playbook: try HackathonPlaybook.load(
        header: request.header, path: request.path, inputs: request.inputs,
        vars: request.variables, today: .today()))
  }

  public static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    // Projects, judging and follow-up, with the projects, scores and org
    // files it names, as a run reads them.
    validate(try HackathonPlaybook.load(header: header, path: path, today: .today()))
  }

  /// As the run loaded it: with its `--input` files.
  public static func validate(_ request: KindLoadRequest, loaded: HackathonKind) throws
    -> KindValidation
  {
    validate(loaded.playbook)
  }

  static func validate(_ hackathon: HackathonPlaybook) -> KindValidation {
    KindValidation(
      detail:
        "(\(English.count(hackathon.projects.count, "project")), \(English.count(hackathon.scores.count, "score")))",
      warnings: hackathon.warnings, dataFiles: hackathon.inputFiles)
  }

  public func run(in context: KindRunContext) throws -> any KindReport {
    let earlier = try context.history.map { try HackathonRecorder.history(in: $0) } ?? []
    return HackathonRun(
      report: HackathonReport.build(playbook, earlier: earlier), playbook: playbook,
      startedAt: context.startedAt)
  }
}

/// A hackathon's report and what recording it needs.
struct HackathonRun: TextKindReport {
  var report: HackathonReport
  var playbook: HackathonPlaybook
  var startedAt: Date

  func render(_ format: String, options: RenderOptions) -> String {
    HackathonReporter.render(report, format: format)
  }

  var exitStatus: Int32 { Exit.success }
  var warningLines: [String] { report.warnings.map(\.description) }

  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {
    try HackathonRecorder.record(
      report, playbook: playbook, startedAt: startedAt,
      duration: StewardClock.now().timeIntervalSince(startedAt), in: RunContext(history: store),
      commitIf: commit)
  }
}
