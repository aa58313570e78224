public import Foundation
public import StewardCore

/// Surveys: maturity assessments and team-health surveys scored into levels.
public struct SurveyKind: RunnableKind {
  public static let kind = PlaybookKind.survey
  public static let summary = "maturity assessments and team-health surveys scored into levels"
  public static let formats = ["text", "markdown", "json", "html"]
  public static let flags: Set<RunFlag> = [.input, .period]
  public static let inputs = InputDeclaration(names: ["responses"])
  public static let fields: [FieldSpec] = [
    FieldSpec("questions", .list(.map), doc: "the questions, each with an id and a scale"),
    FieldSpec(
      "responses", .any, doc: "the responses CSV: a path, or a map with file, id, metadata"),
    FieldSpec("dimensions", .list(.any), doc: "the dimensions questions score into"),
    FieldSpec("levels", .list(.map), doc: "maturity levels and their criteria"),
    FieldSpec("scoring", .map, doc: "how answers become scores"),
    FieldSpec("groups", .list(.string), doc: "respondent columns to group by"),
    FieldSpec("min_group_size", .int, doc: "smallest group reported on its own"),
    FieldSpec(
      "roster", .any, doc: "teams with their headcount (and people): a map or a YAML file"),
    FieldSpec(
      "on_bad_response", .oneOf(["error", "drop"]),
      doc: "a response that does not fit: an error (default) or a warning and the row dropped"),
  ]

  var survey: SurveyPlaybook
  var responses: SurveyResponses
  /// The wave, `YYYY-MM` (``SurveyPeriod``).
  var period: String?

  /// Reads the playbook and its responses: a bad response (an unknown team,
  /// a missing column) is found before the store is opened, so it leaves
  /// no store behind.
  public static func load(_ request: KindLoadRequest) throws -> SurveyKind {
    let survey = try SurveyPlaybook.load(
      header: request.header, path: request.path, pluginPath: request.options.pluginPath,
      inputs: request.inputs)
    let responses = try SurveyResponses.load(for: survey)
    return SurveyKind(
      survey: survey, responses: responses,
      period: try SurveyPeriod.of(responses, playbook: survey, given: request.options.period))
  }

  public static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    // Questions, levels and scorer are checked the way a run reads them,
    // and the default responses file, when present, against them.
    let survey = try SurveyPlaybook.load(header: header, path: path)
    var detail = ""
    if FileManager.default.fileExists(atPath: survey.responsesPath) {
      let responses = try SurveyResponses.load(for: survey)
      detail = "(\(responses.responses.count) responses fit its questions)"
    }
    return KindValidation(
      detail: detail, dataFiles: [survey.responsesPath] + (survey.roster?.path.map { [$0] } ?? []))
  }

  /// As the run loaded it: the responses it would score (`--input
  /// responses=…`), which must be there, and the `--plugin-path` scorer.
  public static func validate(_ request: KindLoadRequest, loaded: SurveyKind) throws
    -> KindValidation
  {
    let survey = loaded.survey
    return KindValidation(
      detail: "(\(loaded.responses.responses.count) responses fit its questions)",
      dataFiles: [survey.responsesPath] + (survey.roster?.path.map { [$0] } ?? []))
  }

  public func run(in context: KindRunContext) throws -> any KindReport {
    // The trend compares with the latest earlier period of this playbook;
    // without a period there is no telling which run came before.
    var baseline: SurveyBaseline?
    var replacing: [Int64] = []
    if let period, let store = context.history {
      baseline = try SurveyBaseline.previous(
        playbook: survey.header.name, before: period, in: store)
      replacing = try SurveyBaseline.periods(playbook: survey.header.name, in: store)
        .filter { $0.period == period }.compactMap(\.run.id)
    }
    var report = SurveyScorer.score(survey, responses, baseline: baseline)
    report.period = period
    return SurveyRun(
      report: report, survey: survey, startedAt: context.startedAt,
      duration: StewardClock.now().timeIntervalSince(context.startedAt), replacing: replacing)
  }
}

/// A scored survey and what recording it needs.
struct SurveyRun: TextKindReport {
  var report: SurveyReport
  var survey: SurveyPlaybook
  var startedAt: Date
  var duration: TimeInterval
  /// The recorded runs of the same period, which recording this one replaces.
  var replacing: [Int64] = []

  func render(_ format: String, options: RenderOptions) -> String {
    switch format {
    case "markdown": SurveyMarkdownReporter().render(report)
    case "json": SurveyJSONReporter().render(report)
    case "html": SurveyHTMLReporter().render(report, playbook: survey)
    default: SurveyTextReporter().render(report)
    }
  }

  /// 1 when fewer people answered than the anonymity threshold allows to
  /// report: the survey did not reach its quorum.
  var exitStatus: Int32 { report.overall == nil ? Exit.gateFailed : Exit.success }
  var warningLines: [String] { report.warnings.map(\.description) }

  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {
    try SurveyRecorder.record(
      report, playbook: survey, startedAt: startedAt, duration: duration, replacing: replacing,
      in: RunContext(history: store), commitIf: commit)
  }
}
