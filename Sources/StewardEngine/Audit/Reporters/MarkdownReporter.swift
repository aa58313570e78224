import Foundation
import StewardCore

/// A pull-request comment or wiki page: the verdict first, then what blocks,
/// what is waived, and the passing checks folded away.
public struct MarkdownReporter: AuditReporter {
  public static let identifier = "markdown"
  public static let description = "a pull-request comment or wiki page"

  public init() {}

  public func render(_ report: AuditReport) -> String {
    let c = report.counts
    var md = "## \(Self.cell(report.playbookTitle))\n\n"
    if let threshold = report.failOn {
      md +=
        report.gateFailed
        ? "**Gate failed**: \(report.blocking(at: threshold).count) unwaived result(s) at or above `\(threshold.rawValue)`.\n\n"
        : "**Gate passed**: nothing unwaived at or above `\(threshold.rawValue)`.\n\n"
    }
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
  /// message must not inject markup into a pull-request comment), pipes
  /// escaped and newlines folded.
  static func cell(_ s: String) -> String { pipes(Printable.markdown(s, keepingBreaks: true)) }
  static let pipes = ByteEscaper([("|", "\\|"), ("\n", " "), ("\t", " ")])
}
