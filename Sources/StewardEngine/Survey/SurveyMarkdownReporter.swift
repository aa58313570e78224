import Foundation
import StewardCore

/// The survey report as Markdown, for a wiki page or a pull request.
public struct SurveyMarkdownReporter: Sendable {
  public init() {}

  public func render(_ report: SurveyReport) -> String {
    var out = "# \(escape(report.title))\n\n"
    out += "\(report.respondents) respondents"
    if report.dropped > 0 { out += ", \(report.dropped) rows dropped" }
    out += ". Groups under \(report.minGroupSize) respondents fold into *other*.\n"
    if let line = SurveyReportLines.previous(report) { out += "\n" + escape(line) + "\n" }
    if let overall = report.overall {
      out += "\n## Everyone\n\n" + section(overall)
    } else {
      out += "\nFewer than \(report.minGroupSize) respondents: nothing is reported.\n"
    }
    for grouping in report.groupings {
      out += "\n## By \(escape(grouping.column))\n"
      for group in grouping.groups {
        out += "\n### \(escape(group.name))\n\n" + section(group)
      }
      if grouping.suppressed > 0 {
        out +=
          "\n\(grouping.suppressed) respondents in groups under \(report.minGroupSize) are not reported.\n"
      }
      if let line = SurveyReportLines.joined(grouping) { out += "\n" + escape(line) + ".\n" }
    }
    return out
  }

  func section(_ group: SurveyGroupScore) -> String {
    var out = "Respondents: \(SurveyReportLines.respondents(group))\n"
    if let level = group.level {
      out += "\n" + SurveyReportLines.level(level).map { "- " + escape($0) + "\n" }.joined()
    }
    let trend = SurveyReportLines.trend(group)
    if !trend.isEmpty {
      out +=
        "\n" + trend.map { "- " + escape($0.trimmingCharacters(in: .whitespaces)) + "\n" }.joined()
    }
    out += "\n| dimension | mean | median | top-2 | answers |\n|---|---|---|---|---|\n"
    for d in group.dimensions where d.answers > 0 {
      out +=
        "| \(escape(d.title)) | \(SurveyFormat.optional(d.mean)) | \(SurveyFormat.optional(d.median)) | \(d.topTwoBox.map(SurveyFormat.percent) ?? "–") | \(d.answers) |\n"
    }
    out += "\n| question | result |\n|---|---|\n"
    for q in group.questions {
      out += "| \(escape(q.id)) | \(escape(SurveyReportLines.question(q))) |\n"
    }
    for text in group.freeText where text.hidden {
      out += "\n**\(escape(text.question))**: \(SurveyReportLines.hiddenComments)\n"
    }
    for text in group.freeText where !text.answers.isEmpty {
      out += "\n**\(escape(text.question))** (\(text.answers.count) comments)\n\n"
      for answer in text.answers { out += "- " + escape(SurveyReportLines.oneLine(answer)) + "\n" }
    }
    return out
  }

  /// HTML and controls as every Markdown report escapes them (Printable),
  /// then Markdown's own characters, so an answer is shown as written.
  func escape(_ s: String) -> String {
    var out = ""
    for c in Printable.markdown(s) {
      if "|*_`[]#\\".contains(c) { out.append("\\") }
      out.append(c)
    }
    return out
  }
}
