import Foundation
import StewardCore

/// A pull-request comment or wiki page: the verdict first, then what blocks,
/// what is waived, and the passing checks folded away.
public struct MarkdownReporter: AuditReporter {
  public static let identifier = "markdown"
  public static let description = "a pull-request comment or wiki page"

  public init() {}

  /// The verdict paragraph: what the exit status says, a sign-off awaited
  /// or rejected included.
  static func verdict(_ report: AuditReport) -> String {
    let outside = report.openCampaignChecks.isEmpty ? "" : " outside open campaigns"
    let scope = report.failOn.map { " at or above `\($0.rawValue)`\(outside)" } ?? ""
    let count = report.failOn.map(report.gating) ?? 0
    let signoff = report.signoff.map { cell($0.summary) }
    if report.gateFailed {
      if report.signoff?.state == .rejected {
        return "**Gate failed**: \(signoff ?? "")"
          + (count > 0 ? "; \(count) unwaived result(s)\(scope)" : "") + ".\n\n"
      }
      return "**Gate failed**: \(count) unwaived result(s)\(scope).\n\n"
    }
    if report.signoff?.state == .awaiting {
      return "**Gate awaiting sign-off** (exit 3): \(signoff ?? "")"
        + (report.failOn == nil ? "" : "; nothing unwaived\(scope)") + ".\n\n"
    }
    guard report.failOn != nil else { return "" }
    return "**Gate passed**: nothing unwaived\(scope)" + (signoff.map { "; \($0)" } ?? "")
      + ".\n\n"
  }

  public func render(_ report: AuditReport) -> String {
    let c = report.counts
    var md = "## \(Self.cell(report.playbookTitle))\n\n"
    md += Self.verdict(report)
    md += "| subjects | checks | passed | failed | waived | skipped | errors |\n"
    md += "|---:|---:|---:|---:|---:|---:|---:|\n"
    md +=
      "| \(report.subjects.count) | \(report.checks.count) | \(c[.pass] ?? 0) | \(c[.fail] ?? 0) | \(c[.waived] ?? 0) | \(c[.skip] ?? 0) | \(c[.error] ?? 0) |\n\n"

    let problems = report.results.filter { $0.status == .fail || $0.status == .error }
      .sorted { $0.severity > $1.severity }
    if !problems.isEmpty {
      md +=
        "### Failures\n\n| severity | subject | check | finding | where |\n|---|---|---|---|---|\n"
      for r in problems {
        let severity = r.status == .error ? "error" : r.severity.rawValue
        md +=
          "| \(severity) | \(Self.cell(r.subjectID)) | `\(Printable.escape(r.checkID))` | \(Self.cell(r.displayMessage)) | `\(Self.cell(r.mark.description))` |\n"
      }
      md += "\n"
    }
    let waived = report.results.filter { $0.status == .waived }
    if !waived.isEmpty {
      md +=
        "### Waived\n\n| subject | check | finding | reason | owner | expires |\n|---|---|---|---|---|---|\n"
      for r in waived {
        md +=
          "| \(Self.cell(r.subjectID)) | `\(Printable.escape(r.checkID))` | \(Self.cell(r.displayMessage)) | \(Self.cell(r.waiver?.reason ?? "")) | \(Self.cell(r.waiver?.owner ?? "")) | \(r.waiver?.expires ?? "") |\n"
      }
      md += "\n"
    }
    if !report.campaignProgress.isEmpty {
      md +=
        "### Campaigns\n\n| campaign | owner | start | deadline | subjects passing | gates | failing |\n|---|---|---|---|---:|---|---|\n"
      for p in report.campaignProgress {
        md +=
          "| \(Self.cell(p.campaign.name)) | \(Self.cell(p.campaign.owner)) | \(p.campaign.start) | \(p.campaign.deadline) | \(p.passing) of \(p.subjects) | \(p.beforeDeadline ? "no, until the deadline" : "yes, past the deadline") | \(Self.cell(p.failing.joined(separator: ", "))) |\n"
      }
      md += "\n"
    }
    if !report.warnings.isEmpty {
      md += "### Warnings\n\n"
      for w in report.warnings {
        md += "- `\(Self.cell(w.mark.description))`: \(Self.cell(w.message))\n"
      }
      md += "\n"
    }
    let passed = report.results.filter { $0.status == .pass || $0.status == .skip }
    if !passed.isEmpty {
      md += "<details><summary>\(passed.count) passed or skipped</summary>\n\n"
      for r in passed {
        md +=
          "- \(r.status.rawValue): \(Self.cell(r.subjectID)) / `\(Printable.escape(r.checkID))`\n"
      }
      md += "\n</details>\n"
    }
    return md
  }

  /// Text safe inside a table cell: controls and HTML escaped (a check
  /// message must not inject markup into a pull-request comment), then
  /// Markdown's own characters, as the survey report escapes them: a card
  /// whose id was `[approved](https://…)` or `**PASSED**` rendered a live
  /// link, an image or bold text in the failures table. (`#` and `!` need
  /// none: a cell never starts a line, and `![` is escaped by its `[`.)
  /// Pipes escaped and newlines folded.
  static func cell(_ s: String) -> String {
    cellEscapes(Printable.markdown(s, keepingBreaks: true))
  }
  static let cellEscapes = ByteEscaper([
    ("\\", "\\\\"), ("|", "\\|"), ("*", "\\*"), ("_", "\\_"), ("`", "\\`"), ("[", "\\["),
    ("]", "\\]"), ("~", "\\~"), ("\n", " "), ("\t", " "),
  ])
}
