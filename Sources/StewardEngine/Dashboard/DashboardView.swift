import Foundation
import StewardCore

/// What every format shows, worked out once: the before-and-after rows and
/// the maturity heat map. Reporters only lay it out.
struct DashboardView {
  struct Row {
    var id: String
    var title: String
    var then: String
    var now: String
    var change: String
    var detail: String
    var label: String
    /// `good`, `bad`, `neutral` or `flat`: the change's colour.
    var verdict: String
    var warnings: [String]
    /// The comparison's value, when it has one ("was 60 %").
    var was: String?
    /// The current value's interval, when it has one ("29 % to 56 %").
    var interval: String?
  }

  struct HeatColumn {
    /// "MLOps maturity 2025-05".
    var title: String
    var metric: String
    var month: DashboardMonth
  }

  struct HeatRow {
    var team: String
    /// One per column: the level's number and how it reads.
    var cells: [(value: Double?, text: String)]
  }

  let report: DashboardReport
  var rows: [Row] = []
  var heatColumns: [HeatColumn] = []
  var heatRows: [HeatRow] = []

  init(_ report: DashboardReport) {
    self.report = report
    rows = report.metrics.map { m in
      Row(
        id: m.id, title: m.title,
        then: m.compare?.text(m.format) ?? "",
        now: m.current.text(m.format),
        change: m.change.map { DashboardFormatter.change($0, m.format) } ?? "",
        detail: m.current.value == nil
          ? (m.current.missing ?? "")
          : [m.current.detail, m.current.band ?? ""].filter { !$0.isEmpty }.joined(
            separator: "; "),
        label: m.label, verdict: m.verdict, warnings: m.current.warnings,
        was: m.compare.flatMap { $0.value == nil ? $0.withheld : $0.text(m.format) },
        interval: m.current.value == nil
          ? nil
          : m.current.low.flatMap { low in
            m.current.high.map { high in
              "\(DashboardFormatter.format(low, m.format)) to \(DashboardFormatter.format(high, m.format))"
            }
          })
    }
    let maturity = report.metrics.filter { $0.source == "maturity" }
    var teams: [String] = []
    for m in maturity {
      for point in [m.compare, m.current].compactMap({ $0 }) {
        if point.breakdown.isEmpty == false {
          heatColumns.append(
            HeatColumn(title: "\(m.title) \(point.month)", metric: m.id, month: point.month))
        }
        for part in point.breakdown where !teams.contains(part.name) { teams.append(part.name) }
      }
    }
    heatRows = teams.map { team in
      HeatRow(
        team: team,
        cells: heatColumns.map { column in
          let metric = maturity.first { $0.id == column.metric }
          let point = [metric?.compare, metric?.current].compactMap { $0 }.first {
            $0.month == column.month
          }
          guard let part = point?.part(team) else { return (nil, "–") }
          let text = part.value.map { DashboardFormatter.format($0, .level) } ?? part.text
          // "level 3 (run)", but "level 2", not "level 2 (2)".
          let same = part.text.isEmpty || part.text == text || Double(part.text) == part.value
          return (part.value, same ? text : "\(text) (\(part.text))")
        })
    }
  }

  var periodText: String { report.period.description }
  var compareText: String { report.compare?.description ?? "" }
}

/// The dashboard as plain text for a terminal.
public struct DashboardTextReporter: Sendable {
  public init() {}

  public func render(_ report: DashboardReport) -> String {
    let view = DashboardView(report)
    // Titles, team names and Lua metric details come from outside.
    let e = { (text: String) in Printable.escape(text) }
    var out = "\(e(report.title)): \(report.period)"
    if let c = report.compare { out += " compared with \(c) (\(e(report.compareSource)))" }
    out += "\n\n"
    let rows = view.rows.map { row in
      (
        title: e(row.title), then: e(row.then), now: e(row.now), change: e(row.change),
        detail: e(row.detail), warnings: row.warnings.map(e)
      )
    }
    let width = max(6, rows.map(\.title.count).max() ?? 6)
    let thenWidth = max(report.compare == nil ? 0 : 7, rows.map(\.then.count).max() ?? 0)
    for row in rows {
      var line = row.title.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
      if report.compare != nil {
        line += String(repeating: " ", count: max(0, thenWidth - row.then.count)) + row.then + " → "
      }
      line += row.now
      if !row.change.isEmpty { line += "  (\(row.change))" }
      out += line + "\n"
      if !row.detail.isEmpty { out += String(repeating: " ", count: width + 2) + row.detail + "\n" }
      for w in row.warnings { out += String(repeating: " ", count: width + 2) + "warning: \(w)\n" }
    }
    if !view.heatRows.isEmpty {
      out += "\nMaturity by team\n"
      for r in view.heatRows {
        out +=
          "  \(e(r.team)): "
          + zip(view.heatColumns, r.cells).map { "\(e($0.title)) \(e($1.text))" }.joined(
            separator: "; ")
          + "\n"
      }
    }
    if !report.campaigns.isEmpty { out += "\nCampaigns\n" }
    for c in report.campaigns {
      out += "  \(e(c.title)): \(e(c.summary))\n    burn-up: \(c.burnUp)\n"
    }
    for w in report.warnings { out += "warning: \(e(w))\n" }
    return out
  }
}
