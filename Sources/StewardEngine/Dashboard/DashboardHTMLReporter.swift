import Foundation
import Mustache
import StewardCore

/// The dashboard as one self-contained HTML file: inline CSS and SVG, no
/// script, no external asset. A card per metric with its trend, the
/// before-and-after table, the win rate with its interval band, maturity
/// per team as a heat map and the audit's failures by severity. It reflows
/// to one column on a phone and prints without backgrounds or page breaks
/// inside a card. Text is HTML-escaped by the template; the SVG is built
/// with its text escaped (``DashboardCharts/escape(_:)``).
public struct DashboardHTMLReporter: Sendable {
  public init() {}

  public func render(_ report: DashboardReport) -> String {
    let view = DashboardView(report)
    let cards: [[String: Any]] = zip(report.metrics, view.rows).map { metric, row in
      var card: [String: Any] = [
        "id": metric.id, "title": metric.title, "now": row.now, "label": metric.label,
        "warnings": row.warnings, "warned": !row.warnings.isEmpty,
        "trend": DashboardCharts.trend(metric),
        // The colour says whether the change is good news, by the metric's
        // declared better direction, not whether the number went up.
        "direction": metric.verdict,
      ]
      // Absent keys, not empty strings, so that the template's sections stay closed.
      if let was = row.was { card["then"] = was }
      // A withheld comparison has a "was" but no change to colour.
      if !row.change.isEmpty { card["changed"] = row.change }
      if !row.detail.isEmpty { card["detail"] = row.detail }
      if let interval = row.interval { card["interval"] = interval }
      return card
    }
    var context: [String: Any] = [
      "title": report.title, "period": report.period.description,
      "compare": report.compare?.description ?? "", "hasCompare": report.compare != nil,
      "compareSource": report.compareSource,
      "headlines": cards.filter { card in
        report.headlines.contains { $0.id == card["id"] as? String }
      },
      "cards": cards,
      "rows": view.rows.map {
        [
          "title": $0.title, "then": $0.then, "now": $0.now, "change": $0.change,
          "verdict": $0.verdict,
        ]
      },
      "heatmap": DashboardCharts.heatmap(view),
      "hasHeatmap": !view.heatRows.isEmpty,
      "warnings": report.allWarnings, "hasWarnings": !report.allWarnings.isEmpty,
      "version": StewardVersion.current,
      "files": report.inputFiles.count,
    ]
    if let win = report.metrics.first(where: { $0.source == "win_rate" }) {
      context["winrate"] =
        [
          "title": win.title,
          "chart": DashboardCharts.trend(win, threshold: winRateLine(report), tall: true),
          "detail": win.current.value == nil ? (win.current.missing ?? "") : win.current.detail,
          "now": DashboardFormatter.format(win.current.value, win.format),
          "band": win.current.band ?? "",
          "tooHigh": (win.current.value ?? 0) > winRateLine(report),
          "interval": win.current.low.map { lo in
            "95 % interval \(DashboardFormatter.percent(lo)) to \(DashboardFormatter.percent(win.current.high ?? lo))"
          } ?? "",
        ] as [String: Any]
    }
    if let audit = report.metrics.first(where: { $0.source == "audit" }) {
      context["audit"] =
        [
          "title": audit.title,
          "chart": DashboardCharts.severities(audit.current),
          "detail": audit.current.value == nil
            ? (audit.current.missing ?? "") : audit.current.detail,
          // Five empty bars say less than the detail's "0 fail".
          "hasChart": audit.current.breakdown.contains { ($0.value ?? 0) > 0 },
        ] as [String: Any]
    }
    context["hasCampaigns"] = !report.campaigns.isEmpty
    context["campaigns"] = report.campaigns.map(Self.campaignCard)
    guard let template = try? MustacheTemplate(string: Self.template) else { return "" }
    return template.render(context)
  }

  /// A campaign's card: where it stands and its burn-up. The demo's index
  /// page shows the same cards.
  static func campaignCard(_ c: DashboardCampaign) -> [String: Any] {
    [
      "name": c.name, "playbook": c.playbook, "passing": c.passing, "target": c.target,
      "state": c.state, "tone": c.pastDeadline ? (c.failing == 0 ? "ok" : "high") : "open",
      "day": c.latest?.day ?? c.asOf, "chart": DashboardCharts.burnUp(c),
    ]
  }

  /// The campaign cards' markup, shared with the demo's index page.
  static let campaignSection = """
    {{#hasCampaigns}}
    <section aria-label="Campaigns">
    <h2>Campaigns: new rules on their way in</h2>
    <div class="wide">
    {{#campaigns}}
    <div class="card campaign" id="campaign-{{name}}">
    <h3>Campaign {{name}} <span class="muted">({{playbook}})</span></h3>
    <div class="value">{{passing}} of {{target}} <span class="unit">subjects pass on {{day}}</span></div>
    <p class="zone {{tone}}">{{state}}</p>
    {{{chart}}}
    </div>
    {{/campaigns}}
    </div>
    </section>
    {{/hasCampaigns}}
    """

  /// The win rate's warning line: the playbook's `warn_above`, or 80 %.
  func winRateLine(_ report: DashboardReport) -> Double {
    report.metrics.first(where: { $0.source == "win_rate" })?.current.fact("warn_above") ?? 0.8
  }

  static let template = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}}: {{period}}</title>
    <style>
    :root { --ink: #1b1f24; --muted: #5b6570; --line: #d8dde3; --accent: #1f5fa8; --warn: #b5470f; --up: #1d7a3a; --down: #b3261e; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f5f7f9; }
    main { max-width: 1120px; margin: 0 auto; padding: 20px 16px 40px; }
    header h1 { font-size: 1.6rem; margin: 0 0 4px; }
    header p { margin: 0; color: var(--muted); }
    h2 { font-size: 1.15rem; margin: 28px 0 10px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 12px; }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; break-inside: avoid; page-break-inside: avoid; }
    .card h3 { font-size: .95rem; margin: 0; color: var(--muted); font-weight: 600; }
    .value { font-size: 2rem; font-weight: 700; margin: 2px 0; }
    .was { color: var(--muted); font-size: .9rem; }
    .change.good { color: var(--up); } .change.bad { color: var(--down); } .change.neutral { color: var(--muted); }
    .zone { font-weight: 600; margin: 2px 0 0; } .zone.ok { color: var(--up); } .zone.high { color: var(--warn); }
    .detail, .label { color: var(--muted); font-size: .85rem; margin: 4px 0 0; }
    .warning { color: var(--warn); font-weight: 600; font-size: .9rem; margin: 6px 0 0; }
    .headline .value { font-size: 2.4rem; }
    svg { display: block; width: 100%; height: auto; margin-top: 6px; }
    svg text { font: 10px system-ui, sans-serif; fill: var(--muted); }
    svg .label { font-size: 12px; fill: var(--ink); }
    svg .cell { font-size: 12px; font-weight: 600; }
    svg .strong { font-weight: 700; fill: var(--ink); }
    svg .warn { fill: var(--warn); }
    .axis { stroke: #9aa4ae; stroke-width: 1; } .grid line, .grid { stroke: #eef1f4; }
    .line { fill: none; stroke: var(--accent); stroke-width: 2; }
    .band { fill: var(--accent); opacity: .15; }
    .threshold { stroke: var(--warn); stroke-width: 1.2; stroke-dasharray: 4 3; }
    .target { stroke: var(--up); stroke-width: 1.2; stroke-dasharray: 6 3; }
    .deadline { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 3 3; }
    .burn { fill: var(--accent); opacity: .12; }
    svg .count { font-weight: 700; fill: var(--ink); }
    .zone.open { color: var(--accent); }
    .muted { color: var(--muted); font-weight: 400; }
    .unit { font-size: 1rem; font-weight: 400; color: var(--muted); }
    .dot { fill: var(--accent); } .dot.end { fill: #fff; stroke: var(--accent); stroke-width: 2; }
    .table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
    table { border-collapse: collapse; width: 100%; min-width: 420px; }
    th, td { padding: 7px 12px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
    th:first-child, td:first-child { text-align: left; white-space: normal; }
    thead th { background: #eef2f6; font-size: .85rem; }
    .wide { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; margin-top: 12px; align-items: start; }
    .heat { grid-column: 1 / -1; }
    .heat svg { max-width: 760px; }
    .scroll { overflow-x: auto; }
    .grid > *, .wide > * { min-width: 0; }
    footer { color: var(--muted); font-size: .8rem; margin-top: 28px; }
    @media (max-width: 600px) {
      main { padding: 12px 10px 28px; }
      header h1 { font-size: 1.3rem; }
      .value { font-size: 1.7rem; } .headline .value { font-size: 1.9rem; }
      .grid { grid-template-columns: 1fr 1fr; gap: 8px; }
      .grid .card { padding: 10px; }
      .wide { grid-template-columns: 1fr; }
      .grid.metrics { grid-template-columns: 1fr; }
      .heat svg { min-width: 520px; }
      table { min-width: 0; font-size: .85rem; }
      th, td { padding: 6px 6px; white-space: normal; }
      td:not(:first-child), th:not(:first-child) { white-space: nowrap; }
    }
    @media (max-width: 360px) { .grid { grid-template-columns: 1fr; } }
    @media print {
      body { background: #fff; font-size: 10pt; }
      main { max-width: none; padding: 0; }
      .card, .table-wrap { border-color: #999; box-shadow: none; }
      .grid { grid-template-columns: repeat(4, 1fr); gap: 8px; }
      .grid.metrics { grid-template-columns: repeat(3, 1fr); }
      .value { font-size: 1.5rem; } .headline .value { font-size: 1.8rem; }
      .wide { grid-template-columns: 1fr 1fr; }
      h2 { break-after: avoid; page-break-after: avoid; margin-top: 16px; }
      tr, .card { break-inside: avoid; page-break-inside: avoid; }
      thead th { background: none; }
    }
    </style>
    </head>
    <body>
    <main>
    <header>
    <h1>{{title}}</h1>
    <p>{{period}}{{#hasCompare}} compared with {{compare}} ({{compareSource}}){{/hasCompare}}</p>
    </header>

    <section aria-label="Headline numbers">
    <h2>This month</h2>
    <div class="grid">
    {{#headlines}}
    <div class="card headline">
    <h3>{{title}}</h3>
    <div class="value">{{now}}</div>
    {{#then}}<div class="was">was {{then}} in {{compare}}{{#changed}} · <span class="change {{direction}}">{{changed}}</span>{{/changed}}</div>{{/then}}
    {{#interval}}<p class="detail">range {{interval}}</p>{{/interval}}
    {{#warnings}}<p class="warning">⚠ {{.}}</p>{{/warnings}}
    </div>
    {{/headlines}}
    </div>
    </section>

    {{#hasCompare}}
    <section aria-label="Before and after">
    <h2>Before and after: {{compare}} → {{period}}</h2>
    <div class="table-wrap">
    <table>
    <thead><tr><th scope="col">Metric</th><th scope="col">{{compare}}</th><th scope="col">{{period}}</th><th scope="col">Change</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{title}}</td><td>{{then}}</td><td>{{now}}</td><td class="change {{verdict}}">{{change}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    </div>
    </section>
    {{/hasCompare}}

    <div class="wide">
    {{#winrate}}
    <section class="card" aria-label="Win rate">
    <h3>{{title}}, with its 95 % interval</h3>
    <div class="value">{{now}}</div>
    {{#band}}<p class="zone {{#tooHigh}}high{{/tooHigh}}{{^tooHigh}}ok{{/tooHigh}}">{{band}}</p>{{/band}}
    <p class="detail">{{interval}}</p>
    {{{chart}}}
    <p class="detail">{{detail}}</p>
    </section>
    {{/winrate}}
    {{#audit}}
    <section class="card" aria-label="Audit findings">
    <h3>{{title}}: failures by severity</h3>
    {{#hasChart}}{{{chart}}}{{/hasChart}}
    <p class="detail">{{detail}}</p>
    </section>
    {{/audit}}
    {{#hasHeatmap}}
    <section class="card heat" aria-label="Maturity by team">
    <h3>Maturity levels per team</h3>
    <div class="scroll">{{{heatmap}}}</div>
    </section>
    {{/hasHeatmap}}
    </div>

    \(campaignSection)

    <section aria-label="Every metric">
    <h2>Every metric and its trend</h2>
    <div class="grid metrics">
    {{#cards}}
    <div class="card" id="metric-{{id}}">
    <h3>{{title}}</h3>
    <div class="value">{{now}}</div>
    {{#then}}<div class="was">was {{then}}{{#changed}} · <span class="change {{direction}}">{{changed}}</span>{{/changed}}</div>{{/then}}
    {{{trend}}}
    <p class="label">{{label}}</p>
    {{#detail}}<p class="detail">{{detail}}</p>{{/detail}}
    {{#warnings}}<p class="warning">⚠ {{.}}</p>{{/warnings}}
    </div>
    {{/cards}}
    </div>
    </section>

    {{#hasWarnings}}
    <section aria-label="Warnings">
    <h2>Warnings</h2>
    <ul>
    {{#warnings}}<li>{{.}}</li>
    {{/warnings}}
    </ul>
    </section>
    {{/hasWarnings}}

    <footer>Computed by steward {{version}} from {{files}} input files.</footer>
    </main>
    </body>
    </html>

    """
}
