import Foundation
import StewardCore
import StewardYAML

/// The SVG charts of the HTML report, drawn as text: no script, no
/// external asset. Every chart scales to its container (`viewBox`, width
/// 100 %) and carries a `<title>` and `role="img"` for screen readers.
enum DashboardCharts {
  /// XML text escaping for element content and attribute values.
  static func escape(_ s: String) -> String { MarkdownHTML.escape(s) }

  static func n(_ x: Double) -> String { String(format: "%.1f", x) }

  /// A metric's trend: a line over the months (broken where a month has no
  /// value), its interval as a band when it has one, and a dashed line at
  /// `threshold` (the win rate's 80 % warning).
  static func trend(_ metric: DashboardMetricResult, threshold: Double? = nil, tall: Bool = false)
    -> String
  {
    let w = 320.0
    let h = tall ? 180.0 : 120.0
    let (left, right, top, bottom) = (44.0, 10.0, 10.0, 22.0)
    let points = metric.trend
    let values =
      points.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } }
      + (threshold.map { [$0] } ?? [])
    let title = escape(
      "\(metric.title), \(points.first?.month.description ?? "") to \(points.last?.month.description ?? "")"
    )
    guard let maxValue = values.max(), let minValue = values.min(), points.count > 0 else {
      return
        "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\"><title>\(title)</title><text x=\"\(Int(w / 2))\" y=\"\(Int(h / 2))\" text-anchor=\"middle\" class=\"muted\">no data</text></svg>"
    }
    let low = min(0, minValue)
    let high = maxValue == low ? low + 1 : maxValue * 1.08
    let span = Double(max(1, points.count - 1))
    func x(_ i: Int) -> Double { left + (w - left - right) * Double(i) / span }
    func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (v - low) / (high - low)) }
    var svg =
      "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(title)\"><title>\(title)</title>"
    // Axes and labels.
    svg +=
      "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(y(low)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(low)))\"/>"
    for v in [low, maxValue] {
      svg +=
        "<text class=\"tick\" x=\"\(n(left - 4))\" y=\"\(n(y(v) + 3))\" text-anchor=\"end\">\(escape(DashboardFormatter.format(v, metric.format)))</text>"
      svg +=
        "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y(v)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(v)))\"/>"
    }
    if let first = points.first, let last = points.last {
      svg += "<text class=\"tick\" x=\"\(n(left))\" y=\"\(n(h - 6))\">\(first.month)</text>"
      svg +=
        "<text class=\"tick\" x=\"\(n(w - right))\" y=\"\(n(h - 6))\" text-anchor=\"end\">\(last.month)</text>"
    }
    // The interval band, in runs of months that have one.
    var run: [(Int, Double, Double)] = []
    func flushBand() {
      if run.count > 1 {
        let upper = run.map { "\(n(x($0.0))),\(n(y($0.2)))" }
        let lower = run.reversed().map { "\(n(x($0.0))),\(n(y($0.1)))" }
        svg += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\"/>"
      }
      run = []
    }
    for (i, p) in points.enumerated() {
      if let lo = p.low, let hi = p.high { run.append((i, lo, hi)) } else { flushBand() }
    }
    flushBand()
    if let threshold {
      svg +=
        "<line class=\"threshold\" x1=\"\(n(left))\" y1=\"\(n(y(threshold)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(threshold)))\"/>"
      svg +=
        "<text class=\"tick warn\" x=\"\(n(w - right))\" y=\"\(n(y(threshold) - 3))\" text-anchor=\"end\">warning above \(escape(DashboardFormatter.format(threshold, metric.format)))</text>"
    }
    // The line, broken at months without a value.
    var segment: [String] = []
    func flushLine() {
      if segment.count > 1 {
        svg += "<polyline class=\"line\" points=\"\(segment.joined(separator: " "))\"/>"
      }
      segment = []
    }
    for (i, p) in points.enumerated() {
      if let v = p.value { segment.append("\(n(x(i))),\(n(y(v)))") } else { flushLine() }
    }
    flushLine()
    for (i, p) in points.enumerated() {
      guard let v = p.value else { continue }
      let isEnd = i == points.count - 1
      let label = escape("\(p.month): \(DashboardFormatter.format(v, metric.format))")
      svg +=
        "<circle class=\"\(isEnd ? "dot end" : "dot")\" cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"\(isEnd ? 3.5 : 1.8)\"><title>\(label)</title></circle>"
    }
    return svg + "</svg>"
  }

  /// A campaign's burn-up: subjects passing at each run over time, from the
  /// campaign's start to its deadline (or its last run, if later), with the
  /// total as the target line and the deadline marked.
  static func burnUp(_ campaign: DashboardCampaign) -> String {
    let w = 520.0
    let h = 210.0
    let (left, right, top, bottom) = (34.0, 18.0, 22.0, 34.0)
    let end =
      [campaign.deadline, campaign.points.last?.day ?? campaign.deadline].max()
      ?? campaign.deadline
    let span = Double(max(1, DashboardCampaigns.days(from: campaign.start, to: end)))
    let most = Double(max(1, campaign.points.map(\.subjects).max() ?? 1))
    func x(_ day: String) -> Double {
      left + (w - left - right) * Double(DashboardCampaigns.days(from: campaign.start, to: day))
        / span
    }
    func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - v / most) }
    let title = escape(
      "Campaign \(campaign.name): subjects passing from \(campaign.start), deadline \(campaign.deadline)"
    )
    var svg =
      "<svg class=\"chart burnup\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(title)\"><title>\(title)</title>"
    svg +=
      "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(y(0)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(0)))\"/>"
    svg +=
      "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y(0) + 3))\" text-anchor=\"end\">0</text>"
    // The target: every subject passing.
    let target = Double(campaign.target)
    svg +=
      "<line class=\"target\" x1=\"\(n(left))\" y1=\"\(n(y(target)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(target)))\"/>"
    svg +=
      "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y(target) + 3))\" text-anchor=\"end\">\(campaign.target)</text>"
    svg +=
      "<text class=\"tick target-label\" x=\"\(n(left + 4))\" y=\"\(n(y(target) - 5))\">target: all \(campaign.target) subjects</text>"
    // The deadline, its date under the axis: above the plot it would sit
    // on the counts of the runs near it.
    let dx = x(campaign.deadline)
    svg +=
      "<line class=\"deadline\" x1=\"\(n(dx))\" y1=\"\(n(top - 8))\" x2=\"\(n(dx))\" y2=\"\(n(y(0) + 4))\"/>"
    let anchor = dx > w - 90 ? "end" : dx < left + 90 ? "start" : "middle"
    svg +=
      "<text class=\"tick warn\" x=\"\(n(dx))\" y=\"\(n(h - 8))\" text-anchor=\"\(anchor)\">deadline \(campaign.deadline)</text>"
    svg +=
      "<text class=\"tick\" x=\"\(n(left))\" y=\"\(n(h - 8))\">start \(campaign.start)</text>"
    if end != campaign.deadline {
      svg +=
        "<text class=\"tick\" x=\"\(n(w - right))\" y=\"\(n(h - 8))\" text-anchor=\"end\">\(end)</text>"
    }
    // Passing, run by run: the area under it, the line and each count.
    let line = campaign.points.map { "\(n(x($0.day))),\(n(y(Double($0.passing))))" }
    if let first = campaign.points.first, let last = campaign.points.last {
      let floor = ["\(n(x(last.day))),\(n(y(0)))", "\(n(x(first.day))),\(n(y(0)))"]
      svg += "<polygon class=\"burn\" points=\"\((line + floor).joined(separator: " "))\"/>"
    }
    if line.count > 1 {
      svg += "<polyline class=\"line\" points=\"\(line.joined(separator: " "))\"/>"
    }
    for (i, p) in campaign.points.enumerated() {
      let label = escape("\(p.day), run \(p.run): \(p.passing) of \(p.subjects) subjects pass")
      let isEnd = i == campaign.points.count - 1
      svg +=
        "<circle class=\"\(isEnd ? "dot end" : "dot")\" cx=\"\(n(x(p.day)))\" cy=\"\(n(y(Double(p.passing))))\" r=\"\(isEnd ? 3.5 : 2.5)\" data-day=\"\(p.day)\" data-passing=\"\(p.passing)\" data-subjects=\"\(p.subjects)\"><title>\(label)</title></circle>"
      svg +=
        "<text class=\"tick count\" x=\"\(n(x(p.day)))\" y=\"\(n(y(Double(p.passing)) - 7))\" text-anchor=\"middle\">\(p.passing)</text>"
    }
    return svg + "</svg>"
  }

  /// Maturity levels per team: one row per team, one column per survey
  /// and month, darker for higher levels.
  static func heatmap(_ view: DashboardView) -> String {
    let columns = view.heatColumns
    let rows = view.heatRows
    guard !columns.isEmpty, !rows.isEmpty else { return "" }
    let labelWidth = 130.0
    let cell = 124.0
    let rowHeight = 34.0
    let headerHeight = 58.0
    let w = labelWidth + cell * Double(columns.count)
    let h = headerHeight + rowHeight * Double(rows.count) + 4
    let maxLevel = max(4, rows.flatMap { $0.cells.compactMap(\.value) }.max() ?? 4)
    var svg =
      "<svg class=\"heatmap\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"Maturity levels per team\"><title>Maturity levels per team</title>"
    for (j, column) in columns.enumerated() {
      let cx = labelWidth + cell * (Double(j) + 0.5)
      // The metric's title on up to two lines, then the month.
      let words = column.title.split(separator: " ").map(String.init)
      let month = words.last ?? ""
      var lines: [String] = [""]
      for word in words.dropLast() {
        if let last = lines.last, !last.isEmpty, last.count + word.count + 1 > 16, lines.count < 2 {
          lines.append(word)
        } else {
          lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? "" : " ") + word
        }
      }
      for (k, line) in lines.enumerated() {
        svg +=
          "<text class=\"tick\" x=\"\(n(cx))\" y=\"\(12 + 12 * k)\" text-anchor=\"middle\">\(escape(line))</text>"
      }
      svg +=
        "<text class=\"tick strong\" x=\"\(n(cx))\" y=\"48\" text-anchor=\"middle\">\(escape(month))</text>"
    }
    for (i, row) in rows.enumerated() {
      let y = headerHeight + rowHeight * Double(i)
      svg +=
        "<text class=\"label\" x=\"\(n(labelWidth - 8))\" y=\"\(n(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(escape(row.team))</text>"
      for (j, c) in row.cells.enumerated() {
        let x = labelWidth + cell * Double(j)
        let share = c.value.map { min(1, max(0, $0 / maxLevel)) }
        let fill = share.map { level(color: $0) } ?? "#eeeeee"
        let ink = (share ?? 0) > 0.55 ? "#ffffff" : "#1b1f24"
        svg +=
          "<rect x=\"\(n(x + 2))\" y=\"\(n(y + 2))\" width=\"\(n(cell - 4))\" height=\"\(n(rowHeight - 4))\" rx=\"4\" fill=\"\(fill)\"><title>\(escape("\(row.team), \(columns[j].title): \(c.text)"))</title></rect>"
        svg +=
          "<text x=\"\(n(x + cell / 2))\" y=\"\(n(y + rowHeight / 2 + 4))\" text-anchor=\"middle\" class=\"cell\" style=\"fill: \(ink)\">\(escape(c.value.map { DashboardFormatter.format($0, .level) } ?? c.text))</text>"
      }
    }
    return svg + "</svg>"
  }

  /// A blue from pale (0) to deep (1).
  static func level(color share: Double) -> String {
    let from = (225.0, 238.0, 250.0)
    let to = (24.0, 78.0, 150.0)
    func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * share).rounded()) }
    return String(format: "#%02x%02x%02x", mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
  }

  /// The audit's failures by severity, as horizontal bars, worst first.
  static func severities(_ point: DashboardPoint) -> String {
    bars(point.breakdown, title: "Audit failures by severity")
  }

  /// Named counts as horizontal bars, in the order given; a severity's bar
  /// in its colour, any other in the accent's.
  static func bars(_ parts: [DashboardPart], title: String) -> String {
    guard !parts.isEmpty else { return "" }
    let w = 320.0
    let barHeight = 22.0
    let h = barHeight * Double(parts.count) + 8
    let most = max(1, parts.compactMap(\.value).max() ?? 1)
    let colors = [
      "critical": "#8e1b1b", "high": "#c8402a", "medium": "#e08a1e", "low": "#c9b037",
      "info": "#8a949e",
    ]
    var svg =
      "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
    for (i, part) in parts.enumerated() {
      let y = 4 + barHeight * Double(i)
      let count = part.value ?? 0
      let width = (w - 120) * count / most
      svg +=
        "<text class=\"label\" x=\"66\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(escape(part.name))</text>"
      svg +=
        "<rect x=\"72\" y=\"\(n(y + 3))\" width=\"\(n(max(width, 1)))\" height=\"\(n(barHeight - 6))\" rx=\"2\" fill=\"\(colors[part.name] ?? "#1f5fa8")\"/>"
      svg +=
        "<text class=\"tick\" x=\"\(n(76 + max(width, 1)))\" y=\"\(n(y + 15))\">\(Int(count))</text>"
    }
    return svg + "</svg>"
  }
}
