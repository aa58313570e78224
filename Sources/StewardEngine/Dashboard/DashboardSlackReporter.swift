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
      if !r.then.isEmpty {
        line += " (was \(slack(r.then))" + (r.change.isEmpty ? ")" : "; \(slack(r.change)))")
      }
      for w in r.warnings { line += "\n:warning: \(slack(w))" }
      return line
    }
    // A campaign's progress, as every other format shows it: a team
    // reading only the channel learns when its failures start to gate.
    let campaigns = report.campaigns.map {
      ":dart: *\(slack($0.title))*: \(slack($0.summary))"
    }
    let period = ": \(report.period)"
    let heading = report.title + period
    let context =
      report.compare.map { "Compared with \($0). " } ?? ""
      + "Computed by steward \(StewardVersion.current) from \(report.inputFiles.count) input files."
    func section(_ text: [String]) -> Value {
      [
        "type": "section",
        "text": [
          "type": "mrkdwn",
          "text": Value(
            .string(Self.shortened(text.joined(separator: "\n"), to: Self.sectionLimit))),
        ],
      ]
    }
    var blocks: [Value] = [
      [
        "type": "header",
        "text": [
          "type": "plain_text",
          "text": Value(.string(Self.shortened(heading, to: Self.headerLimit, keeping: period))),
        ],
      ],
      section(lines),
    ]
    if !campaigns.isEmpty { blocks.append(section(campaigns)) }
    blocks.append([
      "type": "context",
      "elements": Value(.list([["type": "mrkdwn", "text": Value(.string(context))]])),
    ])
    return [
      "text": Value(.string(([heading] + lines + campaigns).joined(separator: "\n"))),
      "blocks": Value(.list(blocks)),
    ]
  }

  /// Slack refuses a header block past 150 characters and a section's
  /// text past 3,000 (Block Kit reference); the message would not post.
  static let headerLimit = 150
  static let sectionLimit = 3000

  /// `text` cut to `limit` characters with an ellipsis, `keeping` its end
  /// (the period, which says which month the numbers are).
  static func shortened(_ text: String, to limit: Int, keeping tail: String = "") -> String {
    guard text.count > limit else { return text }
    let kept = tail.count < limit - 1 ? tail : ""
    return String(text.dropLast(kept.count).prefix(limit - kept.count - 1)) + "…" + kept
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
