public import Foundation
public import StewardCore

/// Team rituals: cadence, rotation, calendar and attendance.
public struct RitualKind: RunnableKind {
  public static let kind = PlaybookKind.ritual
  public static let summary = "team rituals: cadence, rotation, calendar and attendance"
  public static let formats = ["text", "markdown", "json"]
  public static let flags: Set<RunFlag> = [.input, .var, .ics]
  public static let inputs = InputDeclaration(names: [
    "people", "absences", "attendance", "holidays",
  ])
  public static let fields: [FieldSpec] = [
    FieldSpec("rituals", .list(.map), doc: "each ritual with its cadence and rotation"),
    FieldSpec("people", .any, doc: "who takes part"),
    FieldSpec("absences", .any, doc: "who is on leave when"),
    FieldSpec("holidays", .any, doc: "a file of days nothing is booked on (date, name)"),
    FieldSpec(
      "book_year_end", .bool, doc: "book 24 to 31 December too (default false: nothing then)"),
    FieldSpec("attendance", .any, doc: "attendance CSV"),
    FieldSpec("timezone", .string, doc: "IANA time zone, e.g. Europe/Berlin"),
    FieldSpec("schedule", .map, doc: "the first day to schedule and how many occurrences"),
    FieldSpec(
      "on_bad_input", .oneOf(["error", "warn"]),
      doc: "an unknown person or ritual in the inputs: an error (default) or a warning"),
  ]

  var playbook: RitualPlaybook

  public static func load(_ request: KindLoadRequest) throws -> RitualKind {
    try request.requireVars(["from", "count"])
    return RitualKind(
      playbook: try RitualPlaybook.load(
        header: request.header, path: request.path, pluginPath: request.options.pluginPath,
        inputs: request.inputs, vars: request.variables, today: .today()))
  }

  public static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    // Cadences, rotations, templates and the people, absences and
    // attendance files, as a run reads them (Lua playbooks included).
    let ritual = try RitualPlaybook.load(header: header, path: path, today: .today())
    return validate(ritual)
  }

  /// As the run loaded it: its `--input` files and `--plugin-path` rotations.
  public static func validate(_ request: KindLoadRequest, loaded: RitualKind) throws
    -> KindValidation
  {
    validate(loaded.playbook)
  }

  static func validate(_ ritual: RitualPlaybook) -> KindValidation {
    KindValidation(
      detail: "(\(English.count(ritual.rituals.count, "ritual")))", warnings: ritual.warnings,
      dataFiles: ritual.inputFiles)
  }

  public func run(in context: KindRunContext) throws -> any KindReport {
    let earlier =
      try context.history.map {
        try RitualRecorder.isolationHistory(playbook.header.name, in: $0)
      } ?? []
    let scheduler = try RitualScheduler(playbook: playbook)
    return RitualRun(
      report: RitualReport.build(playbook, scheduler: scheduler, isolationHistory: earlier),
      playbook: playbook, startedAt: context.startedAt)
  }
}

/// A ritual playbook's report and what recording it needs.
struct RitualRun: TextKindReport {
  var report: RitualReport
  var playbook: RitualPlaybook
  var startedAt: Date

  func render(_ format: String, options: RenderOptions) -> String {
    RitualReporter.render(report, format: format)
  }

  var exitStatus: Int32 { Exit.success }
  var warningLines: [String] { report.warnings.map(\.description) }

  /// `--ics FILE`: the occurrences as an iCalendar file.
  func writeCompanions(_ options: RunOptions) throws {
    guard let ics = options.ics else { return }
    try Output.writeAtomically(RitualReporter.calendar(report, stamp: startedAt), to: ics)
  }

  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {
    try RitualRecorder.record(
      report, playbook: playbook, startedAt: startedAt,
      duration: StewardClock.now().timeIntervalSince(startedAt), in: RunContext(history: store),
      commitIf: commit)
  }
}
