import Foundation
import StewardCore

/// The survey report for a terminal: one block per group, dimensions first,
/// then the level and what is missing for the next one.
public struct SurveyTextReporter: Sendable {
  public init() {}

  public func render(_ report: SurveyReport) -> String {
    // Answers, group names and titles come from the responses and the
    // playbook; each goes through `e` (Printable), and the whole once more.
    var out = "\(e(report.title)): \(report.respondents) respondents"
    if report.dropped > 0 { out += ", \(report.dropped) rows dropped" }
    out += " (groups under \(report.minGroupSize) fold into \"other\")\n"
    if let line = SurveyReportLines.previous(report) { out += line + "\n" }
    if let overall = report.overall {
      out += "\n== everyone\n" + block(overall)
    } else {
      out += "\nfewer than \(report.minGroupSize) respondents: nothing is reported\n"
    }
    for grouping in report.groupings {
      for group in grouping.groups {
        out += "\n== \(e(grouping.column)): \(e(group.name))\n" + block(group)
      }
      if grouping.suppressed > 0 {
        out +=
          "\n\(e(grouping.column)): \(grouping.suppressed) respondents in groups under \(report.minGroupSize) are not reported\n"
      }
      if let line = SurveyReportLines.joined(grouping) { out += "\n" + line + "\n" }
    }
    for w in report.warnings {
      out += "\nwarning: \(e(w.mark.description)): \(e(w.message)) [\(w.code)]"
    }
    if !report.warnings.isEmpty { out += "\n" }
    return Printable.escape(out, keepingBreaks: true)
  }

  func e(_ text: String) -> String { Printable.escape(text) }

  func block(_ group: SurveyGroupScore) -> String {
    var out = "respondents: \(SurveyReportLines.respondents(group))\n"
    if let level = group.level { out += SurveyReportLines.level(level).map { $0 + "\n" }.joined() }
    out += SurveyReportLines.trend(group).map { $0 + "\n" }.joined()
    for d in group.dimensions where d.answers > 0 {
      out +=
        "  \(e(d.title)): mean \(SurveyFormat.optional(d.mean)), median \(SurveyFormat.optional(d.median)), top-2 \(d.topTwoBox.map(SurveyFormat.percent) ?? "–") (\(d.answers) answers)\n"
    }
    for q in group.questions {
      out += "  " + SurveyReportLines.question(q) + "\n"
    }
    for text in group.freeText where text.hidden {
      out += "  \(e(text.question)): \(SurveyReportLines.hiddenComments)\n"
    }
    for text in group.freeText where !text.answers.isEmpty {
      out += "  \(e(text.question)) (\(text.answers.count) comments):\n"
      for answer in text.answers { out += "    - " + e(SurveyReportLines.oneLine(answer)) + "\n" }
    }
    return out
  }
}

/// Lines shared by the text and markdown reporters.
enum SurveyReportLines {
  /// In place of a question's figures when too few of the group answered it.
  static let hiddenAnswers = "not shown: too few answers to keep them anonymous"
  static let hiddenComments = "not shown: too few comments to keep them anonymous"

  static func level(_ level: SurveyLevelResult) -> [String] {
    var lines: [String] = []
    if let error = level.error { return ["level: not scored: \(error)"] }
    if let why = level.unknown {
      return ["level: unknown (\(why))" + (level.atLeast.map { "; at least \($0)" } ?? "")]
    }
    var head =
      "level: " + (level.level.map { "\($0) (\(level.title ?? $0))" } ?? "below the first level")
    if let score = level.score { head += ", score \(SurveyFormat.number(score))" }
    lines.append(head)
    if let next = level.next, !level.missing.isEmpty {
      lines.append("missing for level \(next):")
      lines += level.missing.map { "  - \($0)" }
    }
    return lines
  }

  static func question(_ q: SurveyQuestionScore) -> String {
    if q.hidden { return "\(q.id) [\(q.type)] \(hiddenAnswers)" }
    var parts = ["\(q.id) [\(q.type)] n=\(q.answered)"]
    if let m = q.mean { parts.append("mean \(SurveyFormat.number(m))") }
    if let m = q.median { parts.append("median \(SurveyFormat.number(m))") }
    if let t = q.topTwoBox { parts.append("top-2 \(SurveyFormat.percent(t))") }
    if let e = q.enps {
      var text = "eNPS \(SurveyFormat.number(e))"
      if let before = q.previousENPS {
        text += " (was \(SurveyFormat.number(before)), \(signed(e - before)))"
      }
      parts.append(text)
    }
    if q.type == "enps", let a = q.agree { parts.append("promoters \(SurveyFormat.percent(a))") }
    if let l = q.lights {
      var light = "green \(l.green), yellow \(l.yellow), red \(l.red)"
      if let c = l.previousCounts {
        light += " (was green \(c[0]), yellow \(c[1]), red \(c[2]))"
      }
      if let trend = l.trend { light += ", trend \(trend.rawValue)" }
      parts.append(light)
    } else if !q.distribution.isEmpty {
      parts.append(q.distribution.map { "\($0.label): \($0.count)" }.joined(separator: ", "))
    }
    return parts.joined(separator: "; ")
  }

  /// "5", or "5 of 7 (71.4% responded)" with a roster.
  static func respondents(_ group: SurveyGroupScore) -> String {
    guard let headcount = group.headcount, let rate = group.responseRate else {
      return "\(group.respondents)"
    }
    return "\(group.respondents) of \(headcount) (\(SurveyFormat.percent(rate)) responded)"
  }

  /// Which period and run the report compares with, or why it does not.
  static func previous(_ report: SurveyReport) -> String? {
    guard let p = report.previous else {
      return report.period.map { "period: \($0) (no earlier period recorded)" }
    }
    let run = p.run.map { "run \($0)" } ?? "the previous run"
    let when = p.startedAt.map { " of " + day($0) } ?? ""
    let compared =
      if let now = report.period, let then = p.period {
        "\(now) compared with \(then) (\(run)\(when))"
      } else {
        "compared with \(run)\(when)"
      }
    if p.rubricChanged {
      return "trend: not " + compared + ": the questions or levels changed since,"
        + " so a move would only show the new rubric"
    }
    return "trend: " + compared
  }

  /// The groups that joined "other" to protect the small ones.
  static func joined(_ grouping: SurveyGrouping) -> String? {
    guard !grouping.joinedOther.isEmpty else { return nil }
    return "\(grouping.column): "
      + grouping.joinedOther.map { "\"\($0)\"" }.joined(separator: ", ")
      + " joined \"other\" so that the smaller groups in it cannot be found by subtracting"
      + " the reported groups from everyone"
  }

  /// A group's move since the previous run, as lines.
  static func trend(_ group: SurveyGroupScore) -> [String] {
    guard let t = group.trend else { return [] }
    if t.isNew { return ["trend: not reported in the previous run"] }
    var head = "trend: respondents \(t.previousRespondents ?? 0) → \(group.respondents)"
    if let move = t.levelMove, let then = t.previousLevel, let now = group.level?.level {
      head += "; level \(then) → \(now) (\(move))"
    } else if group.level != nil {
      head += "; level \(t.previousLevel ?? "none") → \(group.level?.level ?? "none")"
    }
    var lines = [head]
    for d in t.dimensions {
      var parts: [String] = []
      if let before = d.previousMean, let change = d.meanChange {
        parts.append(
          "mean \(SurveyFormat.number(before)) → \(SurveyFormat.number(before + change)) (\(signed(change)))"
        )
      }
      if let before = d.previousTopTwoBox, let change = d.topTwoBoxChange {
        parts.append(
          "top-2 \(SurveyFormat.percent(before)) → \(SurveyFormat.percent(before + change)) (\(signed(change * 100)) pts)"
        )
      }
      if !parts.isEmpty {
        let title = group.dimensions.first { $0.id == d.id }?.title ?? d.id
        lines.append("  \(title): " + parts.joined(separator: ", "))
      }
    }
    return lines
  }

  static func signed(_ x: Double) -> String {
    let text = SurveyFormat.number(x)
    return text.hasPrefix("-") || text == "0" ? (text == "0" ? "±0" : text) : "+" + text
  }

  static func day(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withFullDate]
    return f.string(from: date)
  }

  /// Free text on one line: line breaks become spaces.
  static func oneLine(_ s: String) -> String {
    s.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
