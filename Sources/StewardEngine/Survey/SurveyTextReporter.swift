import StewardCore

/// The survey report for a terminal: one block per group, dimensions first,
/// then the level and what is missing for the next one.
public struct SurveyTextReporter: Sendable {
  public init() {}

  public func render(_ report: SurveyReport) -> String {
    var out = "\(report.title): \(report.respondents) respondents"
    if report.dropped > 0 { out += ", \(report.dropped) rows dropped" }
    out += " (groups under \(report.minGroupSize) fold into \"other\")\n"
    if let overall = report.overall {
      out += "\n== everyone\n" + block(overall)
    } else {
      out += "\nfewer than \(report.minGroupSize) respondents: nothing is reported\n"
    }
    for grouping in report.groupings {
      for group in grouping.groups {
        out += "\n== \(grouping.column): \(group.name)\n" + block(group)
      }
      if grouping.suppressed > 0 {
        out +=
          "\n\(grouping.column): \(grouping.suppressed) respondents in groups under \(report.minGroupSize) are not reported\n"
      }
    }
    for w in report.warnings { out += "\nwarning: \(w.mark): \(w.message) [\(w.code)]" }
    if !report.warnings.isEmpty { out += "\n" }
    return out
  }

  func block(_ group: SurveyGroupScore) -> String {
    var out = "respondents: \(group.respondents)\n"
    if let level = group.level { out += SurveyReportLines.level(level).map { $0 + "\n" }.joined() }
    for d in group.dimensions where d.answers > 0 {
      out +=
        "  \(d.title): mean \(SurveyFormat.optional(d.mean)), median \(SurveyFormat.optional(d.median)), top-2 \(d.topTwoBox.map(SurveyFormat.percent) ?? "–") (\(d.answers) answers)\n"
    }
    for q in group.questions {
      out += "  " + SurveyReportLines.question(q) + "\n"
    }
    for text in group.freeText where !text.answers.isEmpty {
      out += "  \(text.question) (\(text.answers.count) comments):\n"
      for answer in text.answers { out += "    - " + SurveyReportLines.oneLine(answer) + "\n" }
    }
    return out
  }
}

/// Lines shared by the text and markdown reporters.
enum SurveyReportLines {
  static func level(_ level: SurveyLevelResult) -> [String] {
    var lines: [String] = []
    if let error = level.error { return ["level: not scored: \(error)"] }
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
    var parts = ["\(q.id) [\(q.type)] n=\(q.answered)"]
    if let m = q.mean { parts.append("mean \(SurveyFormat.number(m))") }
    if let m = q.median { parts.append("median \(SurveyFormat.number(m))") }
    if let t = q.topTwoBox { parts.append("top-2 \(SurveyFormat.percent(t))") }
    if let e = q.enps { parts.append("eNPS \(SurveyFormat.number(e))") }
    if let l = q.lights {
      var light = "green \(l.green), yellow \(l.yellow), red \(l.red)"
      if let trend = l.trend { light += ", trend \(trend.rawValue)" }
      parts.append(light)
    } else if !q.distribution.isEmpty {
      parts.append(q.distribution.map { "\($0.label): \($0.count)" }.joined(separator: ", "))
    }
    return parts.joined(separator: "; ")
  }

  /// Free text on one line: line breaks become spaces.
  static func oneLine(_ s: String) -> String {
    s.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
