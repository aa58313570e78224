import Foundation
import Mustache
import StewardCore

/// The monthly post, in Markdown: the headline numbers first, then the
/// before-and-after table, maturity by team, and how each number is
/// computed. Rendered from a Mustache template; text that came from inputs
/// has its HTML, control characters and table separators escaped.
public struct DashboardMarkdownReporter: Sendable {
  public init() {}

  static let template = """
    {{% CONTENT_TYPE: TEXT}}
    # {{title}}: {{period}}

    {{#headlines}}
    - **{{title}}: {{now}}**{{#interval}} (range {{interval}}){{/interval}}{{#was}}; was {{was}} in {{compare}}{{#changed}} ({{changed}}){{/changed}}{{/was}}.{{#detail}} {{detail}}.{{/detail}}
    {{/headlines}}

    {{#hasCompare}}
    ## Before and after: {{compare}} → {{period}}

    | Metric | {{compare}} | {{period}} | Change |
    |---|---:|---:|---:|
    {{#rows}}
    | {{title}} | {{then}} | {{now}} | {{change}} |
    {{/rows}}
    {{/hasCompare}}
    {{^hasCompare}}
    ## {{period}}

    | Metric | Value |
    |---|---:|
    {{#rows}}
    | {{title}} | {{now}} |
    {{/rows}}
    {{/hasCompare}}
    {{#hasHeat}}

    ## Maturity by team

    | Team |{{#heatColumns}} {{.}} |{{/heatColumns}}
    |---|{{#heatColumns}}---:|{{/heatColumns}}
    {{#heatRows}}
    | {{team}} |{{#cells}} {{.}} |{{/cells}}
    {{/heatRows}}
    {{/hasHeat}}
    {{#hasCampaigns}}

    ## Campaigns

    {{#campaigns}}
    - **{{title}}**: {{summary}}. Burn-up: {{burnUp}}.
    {{/campaigns}}
    {{/hasCampaigns}}

    ## How each number is computed

    {{#rows}}
    - **{{title}}**: {{label}}.{{#detail}} {{detail}}.{{/detail}}{{#warnings}} **Warning: {{.}}.**{{/warnings}}
    {{/rows}}
    {{#hasWarnings}}

    ## Warnings

    {{#warnings}}
    - {{.}}
    {{/warnings}}
    {{/hasWarnings}}

    """

  public func render(_ report: DashboardReport) -> String {
    let view = DashboardView(report)
    // Team names, subject ids and Lua metric details go through the audit
    // report's cell escaping: HTML, controls and table separators.
    let md = MarkdownReporter.cell
    func row(_ r: DashboardView.Row) -> [String: Any] {
      var row: [String: Any] = [
        "title": md(r.title), "then": md(r.then), "now": md(r.now), "change": md(r.change),
        "label": md(r.label), "warnings": r.warnings.map(md), "compare": view.compareText,
      ]
      // Absent keys, not empty strings, so that sections stay closed.
      if !r.detail.isEmpty { row["detail"] = md(r.detail) }
      if let was = r.was { row["was"] = md(was) }
      // A withheld comparison has a "was" but no change.
      if !r.change.isEmpty { row["changed"] = md(r.change) }
      if let interval = r.interval { row["interval"] = md(interval) }
      return row
    }
    let headlineIDs = Set(report.headlines.map(\.id))
    let context: [String: Any] = [
      "title": md(report.title), "period": view.periodText, "compare": view.compareText,
      "hasCompare": report.compare != nil,
      "headlines": view.rows.filter { headlineIDs.contains($0.id) }.map(row),
      "rows": view.rows.map(row),
      "hasHeat": !view.heatRows.isEmpty,
      "heatColumns": view.heatColumns.map { md($0.title) },
      "heatRows": view.heatRows.map {
        ["team": md($0.team), "cells": $0.cells.map { md($0.text) }]
      },
      "hasCampaigns": !report.campaigns.isEmpty,
      "campaigns": report.campaigns.map {
        ["title": md($0.title), "summary": md($0.summary), "burnUp": md($0.burnUp)]
      },
      "hasWarnings": !report.warnings.isEmpty,
      "warnings": report.warnings.map(md),
    ]
    guard let template = try? MustacheTemplate(string: Self.template) else { return "" }
    return template.render(context)
  }
}
