import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

extension RunCommand {
  /// `steward run DASHBOARD`: compute every metric for the period, print or
  /// write the report, post it to Slack when asked, and record it.
  func runDashboard(_ header: PlaybookHeader, overrides: [String: [String]]) throws {
    let formats = ["text", "markdown", "json", "html", "slack"]
    guard formats.contains(format) else {
      throw ValidationError(
        "a dashboard report is \(formats.joined(separator: ", ")); \"\(format)\" is for audits")
    }
    if failOn != nil || !only.isEmpty || !skip.isEmpty || ignoreErrors {
      throw ValidationError("--fail-on, --only, --skip and --ignore-errors apply to audits only")
    }
    var webhook: URL?
    if let slackWebhook {
      guard let url = URL(string: slackWebhook), url.scheme == "https" || url.scheme == "http",
        url.host != nil
      else {
        throw ValidationError("--slack-webhook takes an http(s) URL, found \"\(slackWebhook)\"")
      }
      webhook = url
    }
    var variables: [String: String] = [:]
    for v in vars {
      let parts = v.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, ["month", "compare"].contains(parts[0]) else {
        throw ValidationError(
          "a dashboard takes --var month=YYYY-MM and --var compare=YYYY-MM|previous|none, found \"\(v)\""
        )
      }
      variables[parts[0]] = parts[1]
    }
    let report: DashboardReport
    let context: RunContext
    do {
      let dashboard = try DashboardPlaybook.load(
        header: header, path: playbook, inputs: overrides, vars: variables)
      // The history is read even with --no-record, when there is one.
      let reading: (any HistoryStore)? =
        noRecord && !FileManager.default.fileExists(atPath: store)
        ? nil : try HistoryCommand.open(store)
      context = RunContext(history: noRecord ? nil : reading)
      report = try DashboardRunner.run(playbook: dashboard, history: reading)
    } catch {
      throw inputFailure(error)
    }
    let text: String
    switch format {
    case "markdown": text = DashboardMarkdownReporter().render(report)
    case "json": text = DashboardJSONReporter().render(report)
    case "html": text = DashboardHTMLReporter().render(report)
    case "slack": text = DashboardSlackReporter().render(report)
    default: text = DashboardTextReporter().render(report)
    }
    try emit(text)
    if format != "text" {
      for warning in report.allWarnings { Console.error("warning: \(warning)") }
    }
    if let webhook {
      do {
        try DashboardSlackReporter().post(report, to: webhook)
      } catch {
        Console.error("\(slackWebhook ?? ""): error: \(error)")
        throw ExitCode(Exit.inputError)
      }
    }
    try record {
      try DashboardRecorder.record(report, in: context)
    }
  }
}
