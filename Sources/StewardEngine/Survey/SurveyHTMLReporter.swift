import Foundation
import StewardCore

/// The survey report as one self-contained HTML file, like the dashboard's:
/// inline CSS, no script, no external resource. Per-team levels and
/// dimension means as a heat map with their trend, the ladder with what
/// each team misses for the next level, and for traffic-light questions the
/// squad health check grid (teams × cards, green, amber and red, with trend
/// arrows and each card's text). Every text from the playbook or the
/// responses is escaped (``DashboardCharts/escape(_:)``); hidden figures
/// (anonymity per question) are never in the page.
public struct SurveyHTMLReporter: Sendable {
  public init() {}

  /// One row of the page: a reported group with the column it belongs to.
  struct Row {
    var column: String
    var group: SurveyGroupScore
    var label: String { column.isEmpty ? "everyone" : group.name }
  }

  public func render(_ report: SurveyReport, playbook: SurveyPlaybook) -> String {
    var rows: [Row] = report.overall.map { [Row(column: "", group: $0)] } ?? []
    for grouping in report.groupings {
      rows += grouping.groups.map { Row(column: grouping.column, group: $0) }
    }
    var body = header(report)
    if rows.isEmpty {
      body +=
        "<p class=\"note\">Fewer than \(report.minGroupSize) respondents: nothing is reported.</p>\n"
    }
    if !rows.isEmpty { body += heatmap(rows, playbook: playbook) }
    if !playbook.levels.isEmpty, !rows.isEmpty { body += ladder(rows, playbook: playbook) }
    let cards = playbook.questions.filter { $0.scale == .trafficLight }
    if !cards.isEmpty, !rows.isEmpty { body += healthCheck(rows, cards: cards) }
    let others = playbook.questions.filter {
      $0.scale != .trafficLight && $0.scale != .text
    }
    if !others.isEmpty, !rows.isEmpty { body += answers(rows, questions: others) }
    body += comments(rows, playbook: playbook)
    body += notes(report)
    return Self.page(title: e(report.title), body: body)
  }

  func e(_ s: String) -> String { DashboardCharts.escape(s) }

  func header(_ report: SurveyReport) -> String {
    var out = "<header>\n<h1>\(e(report.title))</h1>\n<p>\(report.respondents) respondents"
    if report.dropped > 0 { out += ", \(report.dropped) rows dropped" }
    out += "; groups under \(report.minGroupSize) fold into “other”.</p>\n"
    if let line = SurveyReportLines.previous(report) { out += "<p>\(e(line))</p>\n" }
    return out + "</header>\n"
  }

  /// ↑, ↓, → or nothing for a level move.
  static func arrow(_ move: String?) -> String {
    switch move {
    case "up": "<span class=\"up\" title=\"up\">↑</span>"
    case "down": "<span class=\"down\" title=\"down\">↓</span>"
    case "same": "<span class=\"same\" title=\"same\">→</span>"
    case .some: "<span class=\"same\">↔</span>"
    case nil: ""
    }
  }

  func levelCell(_ group: SurveyGroupScore, playbook: SurveyPlaybook) -> String {
    guard let level = group.level else { return "<td class=\"none\">–</td>" }
    if let error = level.error { return "<td class=\"none\">not scored: \(e(error))</td>" }
    if let why = level.unknown {
      return
        "<td class=\"none\" title=\"\(e(why))\">unknown\(level.atLeast.map { " (≥ \(e($0)))" } ?? "")</td>"
    }
    let ids = playbook.levels.map(\.id)
    let text =
      level.level.map { id in
        level.title.map { $0 == id ? e(id) : "\(e(id)) · \(e($0))" } ?? e(id)
      } ?? "below the first"
    var style = ""
    if let id = level.level, let i = ids.firstIndex(of: id) {
      let share = ids.count > 1 ? Double(i) / Double(ids.count - 1) : 1
      style =
        " style=\"background:\(DashboardCharts.level(color: share));color:\(share > 0.55 ? "#fff" : "#1b1f24")\""
    }
    var trend = ""
    if let t = group.trend, !t.isNew, let move = t.levelMove {
      trend = " " + Self.arrow(move) + " <small>was \(e(t.previousLevel ?? "none"))</small>"
    } else if group.trend?.isNew == true {
      trend = " <small>new</small>"
    }
    return "<td\(style)>\(text)\(trend)</td>"
  }

  /// Groups × (level, dimension means): the heat map, each dimension's
  /// mean shaded on its 1–5 scale, with its change since the previous period.
  func heatmap(_ rows: [Row], playbook: SurveyPlaybook) -> String {
    let dimensions = playbook.dimensions.filter { d in
      rows.contains { r in r.group.dimensions.contains { $0.id == d.id && $0.answers > 0 } }
    }
    let title =
      !playbook.levels.isEmpty
      ? "Levels by team" : dimensions.isEmpty ? "Respondents" : "Scores by team"
    var out = "<section aria-label=\"\(title)\">\n<h2>\(title)</h2>\n"
    out +=
      "<div class=\"table-wrap\"><table class=\"heat\">\n<thead><tr><th scope=\"col\">Group</th>"
    out += "<th scope=\"col\">Respondents</th>"
    if !playbook.levels.isEmpty { out += "<th scope=\"col\">Level</th>" }
    for d in dimensions { out += "<th scope=\"col\">\(e(d.title))</th>" }
    out += "</tr></thead>\n<tbody>\n"
    for row in rows {
      let g = row.group
      out += "<tr><th scope=\"row\">\(e(row.label))"
      if !row.column.isEmpty { out += " <small>\(e(row.column))</small>" }
      out += "</th><td>\(e(SurveyReportLines.respondents(g)))</td>"
      if !playbook.levels.isEmpty { out += levelCell(g, playbook: playbook) }
      for d in dimensions {
        guard let score = g.dimensions.first(where: { $0.id == d.id }), let mean = score.mean
        else {
          out += "<td class=\"none\">–</td>"
          continue
        }
        let share = min(1, max(0, (mean - 1) / 4))
        var cell = SurveyFormat.number(mean)
        if let change = g.trend?.dimensions.first(where: { $0.id == d.id })?.meanChange {
          let move = change > 0.005 ? "up" : change < -0.005 ? "down" : "same"
          cell += " " + Self.arrow(move) + " <small>\(e(SurveyReportLines.signed(change)))</small>"
        }
        out +=
          "<td style=\"background:\(DashboardCharts.level(color: share));color:\(share > 0.55 ? "#fff" : "#1b1f24")\">\(cell)</td>"
      }
      out += "</tr>\n"
    }
    return out + "</tbody></table></div>\n</section>\n"
  }

  /// The levels lowest first, who is at each, and what each group misses
  /// for the next.
  func ladder(_ rows: [Row], playbook: SurveyPlaybook) -> String {
    var out = "<section aria-label=\"The ladder\">\n<h2>The ladder</h2>\n<ol class=\"ladder\">\n"
    for level in playbook.levels.reversed() {
      let here = rows.filter { $0.group.level?.level == level.id }
      out += "<li><strong>\(e(level.id))</strong> \(level.title == level.id ? "" : e(level.title))"
      if !level.criteria.isEmpty {
        out += "<br><small>\(e(level.criteria.map(\.label).joined(separator: "; ")))</small>"
      } else if let cut = level.minScore {
        out += "<br><small>weighted score ≥ \(SurveyFormat.number(cut))</small>"
      }
      if !here.isEmpty {
        out +=
          "<div class=\"teams\">"
          + here.map { "<span class=\"team\">\(e($0.label))</span>" }.joined(separator: " ")
          + "</div>"
      }
      out += "</li>\n"
    }
    out += "</ol>\n<div class=\"table-wrap\"><table class=\"missing\">\n"
    out +=
      "<thead><tr><th scope=\"col\">Group</th><th scope=\"col\">Next level</th><th scope=\"col\">What it misses</th></tr></thead>\n<tbody>\n"
    for row in rows {
      guard let level = row.group.level else { continue }
      let next: String
      let missing: String
      if let why = level.unknown {
        next = "–"
        missing = "unknown: " + why
      } else if let n = level.next {
        next = n
        missing = level.missing.isEmpty ? "–" : level.missing.joined(separator: "; ")
      } else {
        next = "–"
        missing = level.error.map { "not scored: " + $0 } ?? "at the top"
      }
      out +=
        "<tr><th scope=\"row\">\(e(row.label))</th><td>\(e(next))</td><td>\(e(missing))</td></tr>\n"
    }
    return out + "</tbody></table></div>\n</section>\n"
  }

  /// The squad health check: cards × groups, each cell the group's light.
  func healthCheck(_ rows: [Row], cards: [SurveyQuestion]) -> String {
    var out = "<section aria-label=\"Squad health check\">\n<h2>Squad health check</h2>\n"
    out +=
      "<p class=\"note\">Green 2, amber 1, red 0, averaged: green from 1.5, red below 0.75. ↑ improving, → stable, ↓ worse since the previous period.</p>\n"
    out +=
      "<div class=\"table-wrap\"><table class=\"health\">\n<thead><tr><th scope=\"col\">Card</th>"
    for row in rows { out += "<th scope=\"col\">\(e(row.label))</th>" }
    out += "</tr></thead>\n<tbody>\n"
    for card in cards {
      out += "<tr><th scope=\"row\">\(e(card.text))</th>"
      for row in rows {
        guard let q = row.group.questions.first(where: { $0.id == card.id }), !q.hidden,
          let lights = q.lights, let score = lights.score
        else {
          out += "<td class=\"none\" title=\"too few answers\">–</td>"
          continue
        }
        let colour = score >= 1.5 ? "green" : score >= 0.75 ? "amber" : "red"
        let arrow =
          switch lights.trend {
          case .improving: " <span title=\"improving\">↑</span>"
          case .worse: " <span title=\"worse\">↓</span>"
          case .stable: " <span title=\"stable\">→</span>"
          case nil: ""
          }
        out +=
          "<td class=\"light \(colour)\" title=\"green \(lights.green), amber \(lights.yellow), red \(lights.red)\">\(colour)\(arrow)</td>"
      }
      out += "</tr>\n"
    }
    return out + "</tbody></table></div>\n</section>\n"
  }

  /// One cell per question and group: the figure a reader looks for first.
  static func summary(_ q: SurveyQuestionScore) -> String {
    if q.hidden { return "–" }
    if q.answered == 0 { return "no answers" }
    var parts: [String] = []
    if let e = q.enps { parts.append("eNPS \(SurveyFormat.number(e))") }
    if q.type != "enps", let m = q.mean { parts.append("mean \(SurveyFormat.number(m))") }
    if let t = q.topTwoBox { parts.append("top-2 \(SurveyFormat.percent(t))") }
    if parts.isEmpty, let top = q.distribution.max(by: { $0.count < $1.count }), top.count > 0 {
      parts.append("\(top.label) \(top.count)")
    }
    return parts.joined(separator: ", ") + " (n=\(q.answered))"
  }

  /// Questions (by their text) × groups.
  func answers(_ rows: [Row], questions: [SurveyQuestion]) -> String {
    var out = "<section aria-label=\"Questions\">\n<h2>Questions</h2>\n"
    out +=
      "<div class=\"table-wrap\"><table class=\"answers\">\n<thead><tr><th scope=\"col\">Question</th>"
    for row in rows { out += "<th scope=\"col\">\(e(row.label))</th>" }
    out += "</tr></thead>\n<tbody>\n"
    for question in questions {
      out += "<tr><th scope=\"row\">\(e(question.text))</th>"
      for row in rows {
        let score = row.group.questions.first { $0.id == question.id }
        let cell = score.map(Self.summary) ?? "–"
        out +=
          "<td\(score?.hidden == true ? " class=\"none\" title=\"too few answers\"" : "")>\(e(cell))</td>"
      }
      out += "</tr>\n"
    }
    return out + "</tbody></table></div>\n</section>\n"
  }

  /// Free-text answers, sorted, without who wrote them, where enough did.
  func comments(_ rows: [Row], playbook: SurveyPlaybook) -> String {
    var out = ""
    for row in rows {
      for text in row.group.freeText where !text.answers.isEmpty {
        let title = playbook.question(text.question)?.text ?? text.question
        out += "<h3>\(e(row.label)): \(e(title))</h3>\n<ul class=\"comments\">\n"
        out += text.answers.map { "<li>\(e(SurveyReportLines.oneLine($0)))</li>\n" }.joined()
        out += "</ul>\n"
      }
    }
    guard !out.isEmpty else { return "" }
    return "<section aria-label=\"Comments\">\n<h2>Comments</h2>\n" + out + "</section>\n"
  }

  func notes(_ report: SurveyReport) -> String {
    var lines = report.groupings.compactMap(SurveyReportLines.joined)
    for grouping in report.groupings where grouping.suppressed > 0 {
      lines.append(
        "\(grouping.column): \(grouping.suppressed) respondents in groups under \(report.minGroupSize) are not reported"
      )
    }
    lines += report.warnings.map { "warning: \($0.mark): \($0.message) [\($0.code)]" }
    guard !lines.isEmpty else { return "" }
    return "<section aria-label=\"Notes\">\n<h2>Notes</h2>\n<ul>\n"
      + lines.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n</section>\n"
  }

  static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(title)</title>
    <style>
    :root { --ink: #1b1f24; --muted: #5b6570; --line: #d8dde3; --up: #1d7a3a; --down: #b3261e; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #f5f7f9; }
    main { max-width: 1120px; margin: 0 auto; padding: 20px 16px 40px; }
    header h1 { font-size: 1.6rem; margin: 0 0 4px; }
    header p, .note { margin: 0 0 4px; color: var(--muted); }
    h2 { font-size: 1.15rem; margin: 28px 0 10px; }
    .table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
    table { border-collapse: collapse; width: 100%; }
    th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: center; }
    th[scope=row] { text-align: left; font-weight: 600; }
    thead th { background: #eef2f6; font-size: .85rem; }
    td small, th small { opacity: .8; font-weight: 400; }
    td.none { color: var(--muted); }
    .up { color: var(--up); font-weight: 700; } .down { color: var(--down); font-weight: 700; }
    td[style] .up, td[style] .down { color: inherit; }
    .light { font-weight: 600; color: #fff; white-space: nowrap; }
    th[scope=row] { position: sticky; left: 0; background: #fff; z-index: 1; }
    .light.green { background: #2e7d32; } .light.amber { background: #f2a900; color: #1b1f24; } .light.red { background: #c62828; }
    .health th[scope=row] { min-width: 220px; font-weight: 400; }
    .ladder { list-style: none; padding: 0; margin: 0 0 12px; display: grid; gap: 6px; }
    .ladder li { background: #fff; border: 1px solid var(--line); border-left: 4px solid #1f5fa8; border-radius: 6px; padding: 8px 12px; }
    .teams { margin-top: 4px; }
    .team { display: inline-block; background: #e1eefa; border-radius: 10px; padding: 1px 8px; margin: 2px 4px 0 0; font-size: .85rem; }
    .missing td:last-child { text-align: left; }
    .answers th[scope=row] { min-width: 220px; font-weight: 400; }
    h3 { font-size: .95rem; margin: 14px 0 4px; }
    .comments { margin: 0; padding-left: 20px; } .comments li { margin: 2px 0; }
    footer { color: var(--muted); font-size: .8rem; margin-top: 28px; }
    @media (max-width: 600px) {
      main { padding: 12px 10px 28px; }
      header h1 { font-size: 1.3rem; }
      th, td { padding: 6px 5px; font-size: .85rem; }
      .health th[scope=row] { min-width: 140px; }
    }
    @media print {
      body { background: #fff; font-size: 10pt; }
      main { max-width: none; padding: 0; }
      tr, li { break-inside: avoid; page-break-inside: avoid; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    </style>
    </head>
    <body>
    <main>
    \(body)<footer>steward \(StewardVersion.current)</footer>
    </main>
    </body>
    </html>

    """
  }
}
