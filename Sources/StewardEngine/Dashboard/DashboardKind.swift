public import Foundation
public import StewardCore

/// The data-science value dashboard.
public struct DashboardKind: RunnableKind {
  public static let kind = PlaybookKind.dashboard
  public static let summary = "the data-science value dashboard"
  public static let formats = ["text", "markdown", "json", "html", "slack"]
  public static let flags: Set<RunFlag> = [.input, .var, .slackWebhook]
  /// Whatever the playbook declares under `inputs:`.
  public static let inputs = InputDeclaration(names: [], open: true)
  public static let fields: [FieldSpec] = [
    FieldSpec("metrics", .list(.any), doc: "built-in and custom metrics"),
    FieldSpec("period", .map, doc: "the reporting period and its comparison"),
  ]

  var dashboard: DashboardPlaybook
  var webhook: URL?

  public static func load(_ request: KindLoadRequest) throws -> DashboardKind {
    var webhook: URL?
    if let given = request.options.slackWebhook {
      guard let url = URL(string: given), url.scheme == "https" || url.scheme == "http",
        url.host != nil
      else {
        throw UsageError("--slack-webhook takes an http(s) URL, found \"\(given)\"")
      }
      webhook = url
    }
    try request.requireVars(["month", "compare"])
    let dashboard = try DashboardPlaybook.load(
      header: request.header, path: request.path, inputs: request.inputs,
      vars: request.variables)
    return DashboardKind(dashboard: dashboard, webhook: webhook)
  }

  public static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    // Its period, inputs and metrics (Lua syntax included), without reading inputs.
    let dashboard = try DashboardPlaybook.load(header: header, path: path)
    return KindValidation(detail: "(\(English.count(dashboard.metrics.count, "metric")))")
  }

  /// As the run loaded it, with the inputs its metrics read (`--input`),
  /// read as the run reads them before computing anything.
  public static func validate(_ request: KindLoadRequest, loaded: DashboardKind) throws
    -> KindValidation
  {
    let inputs = try DashboardInputs.load(loaded.dashboard)
    return KindValidation(
      detail: "(\(English.count(loaded.dashboard.metrics.count, "metric")))",
      dataFiles: inputs.files)
  }

  public func run(in context: KindRunContext) throws -> any KindReport {
    // The history is read even with --no-record, when there is one.
    DashboardRun(
      report: try DashboardRunner.run(playbook: dashboard, history: context.reading()),
      webhook: webhook)
  }
}

/// A dashboard's report and where to post it.
struct DashboardRun: TextKindReport {
  var report: DashboardReport
  var webhook: URL?

  func render(_ format: String, options: RenderOptions) -> String {
    switch format {
    case "markdown": DashboardMarkdownReporter().render(report)
    case "json": DashboardJSONReporter().render(report)
    case "html": DashboardHTMLReporter().render(report)
    case "slack": DashboardSlackReporter().render(report)
    default: DashboardTextReporter().render(report)
    }
  }

  var exitStatus: Int32 { Exit.success }
  var warningLines: [String] { report.allWarnings }
  var textShowsWarnings: Bool { true }

  /// `--slack-webhook URL`: the Slack message, posted once the report is out.
  func deliver(_ options: RunOptions) throws {
    guard let webhook else { return }
    do {
      try DashboardSlackReporter().post(report, to: webhook)
    } catch {
      Console.error("\(options.slackWebhook ?? ""): error: \(error)")
      throw ExitStatus(Exit.inputError)
    }
  }

  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {
    try DashboardRecorder.record(report, in: RunContext(history: store), commitIf: commit)
  }
}
