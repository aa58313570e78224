public import Foundation
public import StewardCore

/// The dashboard as a Slack message payload (Block Kit): the headline
/// numbers with their change, and a link-free context line. Write it to a
/// file, or post it to an incoming-webhook URL with ``post(_:to:)``.
public struct DashboardSlackReporter: Sendable {
  public init() {}

  public func payload(_ report: DashboardReport) -> Value {
    let view = DashboardView(report)
    let headlineIDs = Set(report.headlines.map(\.id))
    let lines = view.rows.filter { headlineIDs.contains($0.id) }.map { r -> String in
      var line = "*\(slack(r.title))*: \(slack(r.now))"
      if !r.then.isEmpty { line += " (was \(slack(r.then)); \(slack(r.change)))" }
      for w in r.warnings { line += "\n:warning: \(slack(w))" }
      return line
    }
    let heading = "\(report.title): \(report.period)"
    let context =
      report.compare.map { "Compared with \($0). " } ?? ""
      + "Computed by steward \(StewardVersion.current) from \(report.inputFiles.count) input files."
    let blocks: [Value] = [
      ["type": "header", "text": ["type": "plain_text", "text": Value(.string(heading))]],
      [
        "type": "section",
        "text": ["type": "mrkdwn", "text": Value(.string(lines.joined(separator: "\n")))],
      ],
      [
        "type": "context",
        "elements": Value(.list([["type": "mrkdwn", "text": Value(.string(context))]])),
      ],
    ]
    return [
      "text": Value(.string(heading + "\n" + lines.joined(separator: "\n"))),
      "blocks": Value(.list(blocks)),
    ]
  }

  public func render(_ report: DashboardReport) -> String {
    JSONText.render(payload(report)) + "\n"
  }

  /// Slack's mrkdwn needs `&`, `<` and `>` escaped (`<!channel>` would
  /// notify everyone), as Markdown does.
  func slack(_ s: String) -> String { Printable.markdown(s) }

  /// Posts the payload to a webhook URL and waits up to `timeout` seconds;
  /// throws unless the server answers 2xx.
  public func post(_ report: DashboardReport, to url: URL, timeout: TimeInterval = 10) throws {
    do {
      try WebhookPost.post(json: render(report), to: url, timeout: timeout)
    } catch {
      throw SlackError(message: "\(error)")
    }
  }
}

/// Why a Slack post failed.
public struct SlackError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
}
