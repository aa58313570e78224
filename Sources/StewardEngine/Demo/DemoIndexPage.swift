import Foundation
import Mustache
import StewardCore
import StewardYAML

/// The demo folder's index.html: one self-contained page (no script, no
/// external asset) to send to leadership. The month 0 → month 18 table
/// comes first, then the deployment gate, the surveys and the hackathon as
/// cards with their charts, then every step of the story with its command
/// and its report rendered from Markdown.
///
/// Every number comes from what the demo just wrote: the value dashboard
/// computed from the demo's own history store, and the JSON reports of the
/// gate and the hackathon. A figure that cannot be read is said to be
/// missing, never made up.
struct DemoIndexPage {
  var outcomes: [DemoOutcome]
  var folder: URL
  var store: String
  /// The repository root the demo ran from (where the playbooks are).
  var root: URL?

  func render() -> String {
    let steps: [[String: Any]] = outcomes.map { outcome in
      let links: [[String: Any]] = outcome.files.map { ["file": $0] }
      let verdict = outcome.step.role.verdict(outcome.exitStatus)
      return [
        "id": outcome.step.id,
        "title": outcome.step.title,
        "story": outcome.step.story,
        "command": outcome.step.commandLine.map(Self.shellQuoted).joined(separator: " "),
        "exit": outcome.exitStatus,
        "expected": outcome.step.expectedExit,
        "ok": outcome.asExpected,
        "verdict": verdict,
        "tone": outcome.step.role.tone(outcome.exitStatus),
        "seconds": String(format: "%.2f", outcome.seconds),
        "links": links,
        "report": reportHTML(of: outcome),
        "log": String(outcome.log.suffix(4000)),
        "hasLog": !outcome.log.isEmpty,
      ]
    }
    var context: [String: Any] = [
      "steps": steps,
      "allOK": outcomes.allSatisfy(\.asExpected),
      "store": store,
    ]
    if let dashboard = dashboard() {
      let view = DashboardView(dashboard)
      context["hasDashboard"] = true
      context["period"] = dashboard.period.description
      context["compare"] = dashboard.compare?.description ?? ""
      context["rows"] = view.rows.map {
        [
          "title": $0.title, "then": $0.then, "now": $0.now, "change": $0.change,
          "verdict": $0.verdict,
        ]
      }
      if !view.heatRows.isEmpty { context["heatmap"] = DashboardCharts.heatmap(view) }
      if !dashboard.campaigns.isEmpty {
        context["hasCampaigns"] = true
        context["campaigns"] = dashboard.campaigns.map(DashboardHTMLReporter.campaignCard)
      }
      if let health = dashboard.metrics.first(where: { $0.source == "team_health" }) {
        context["health"] = [
          "then": health.compare.map { $0.value == nil ? ($0.missing ?? "") : $0.detail } ?? "",
          "now": health.current.value == nil
            ? (health.current.missing ?? "") : health.current.detail,
          "value": health.current.text(health.format),
        ]
      }
    } else {
      context["noDashboard"] = true
    }
    if let gate = gateCard() { context["gate"] = gate }
    if let hackathon = hackathonCard() { context["hackathon"] = hackathon }
    context["surveyLinks"] = outcomes.filter { $0.step.role == .survey }.map {
      ["file": $0.step.mainFile, "title": $0.step.title]
    }
    do {
      return try MustacheTemplate(string: Self.template).render(context)
    } catch {
      // The template is ours and fixed; a test renders it.
      preconditionFailure("demo index template: \(error)")
    }
  }

  /// The value dashboard over the demo's store, computed again here (the
  /// recorded run wrote its own files): the table and the heat map.
  func dashboard() -> DashboardReport? {
    guard let root,
      outcomes.contains(where: { $0.step.role == .dashboard && $0.exitStatus == 0 })
    else { return nil }
    let path = root.appendingPathComponent("Playbooks/value-dashboard.yaml").path
    do {
      let header = try PlaybookLoader.load(path: path)
      let playbook = try DashboardPlaybook.load(header: header, path: path)
      let history = try HistoryStores.open(
        folder.appendingPathComponent(store).path, createFolder: false)
      return try DashboardRunner.run(playbook: playbook, history: history)
    } catch {
      return nil
    }
  }

  /// A JSON report the demo wrote, as a dictionary.
  func json(_ file: String) -> [String: Any]? {
    guard let data = try? Data(contentsOf: folder.appendingPathComponent(file)) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
  }

  /// The gate before and after the fixes: failures by severity, counted
  /// from the audit's JSON results.
  func gateCard() -> [String: Any]? {
    guard let before = json("deployment-gate.json"),
      let after = json("deployment-gate-remediated.json")
    else { return nil }
    func failures(_ report: [String: Any]) -> [DashboardPart] {
      let results = report["results"] as? [[String: Any]] ?? []
      let failed = results.filter { $0["status"] as? String == "fail" && $0["waiver"] is NSNull }
      return ["critical", "high", "medium", "low", "info"].map { severity in
        DashboardPart(
          name: severity,
          value: Double(failed.filter { $0["severity"] as? String == severity }.count))
      }
    }
    func line(_ report: [String: Any]) -> String {
      let s = report["summary"] as? [String: Any] ?? [:]
      let blocked = (report["gate"] as? [String: Any])?["failed"] as? Bool ?? true
      return "\(blocked ? "Blocked" : "Passes"): \(s["fail"] as? Int ?? 0) failures,"
        + " \(s["pass"] as? Int ?? 0) passes of \(s["results"] as? Int ?? 0) results"
    }
    let blocking = failures(before).reduce(0) { $0 + ($1.value ?? 0) }
    return [
      "before": line(before), "after": line(after),
      "chart": DashboardCharts.bars(
        failures(before), title: "Deployment gate failures by severity, before the fixes"),
      "hasChart": blocking > 0,
    ]
  }

  /// The hackathon's funnel, from its JSON report.
  func hackathonCard() -> [String: Any]? {
    guard let report = json("quarterly-hackathon.json"),
      let funnel = report["funnel"] as? [String: Any]
    else { return nil }
    let stages = ["submitted", "demoed", "backlog", "shipped"]
    let parts = stages.map {
      DashboardPart(name: $0, value: (funnel[$0] as? NSNumber)?.doubleValue ?? 0)
    }
    let cross = (funnel["cross_team"] as? NSNumber)?.intValue ?? 0
    let submitted = (funnel["submitted"] as? NSNumber)?.intValue ?? 0
    return [
      "chart": DashboardCharts.bars(parts, title: "Hackathon funnel"),
      "line": "\(submitted) projects submitted, \(cross) of them cross-team.",
    ]
  }

  /// The recorded report: Markdown rendered as HTML (raw HTML in it left
  /// out), shortened so that the page stays light.
  func reportHTML(of outcome: DemoOutcome) -> String {
    guard let first = outcome.files.first, first.hasSuffix(".md"),
      let text = try? String(contentsOf: folder.appendingPathComponent(first), encoding: .utf8)
    else { return "" }
    let limit = 20_000
    guard text.count > limit else { return MarkdownHTML.render(text) }
    // Cut at a line's end, so that no table row or code span is cut in two.
    let cut = text.prefix(limit)
    let kept = cut.lastIndex(of: "\n").map { String(cut[..<$0]) } ?? String(cut)
    return MarkdownHTML.render(kept)
      + "<p class=\"more\">The report goes on: open <a href=\"\(MarkdownHTML.escape(first))\">\(MarkdownHTML.escape(first))</a>.</p>"
  }

  static func shellQuoted(_ word: String) -> String {
    let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,".contains($0) }
    return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  static let template = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>StreamRec data science: month 0 to month 18</title>
    <style>
    :root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; --accent: #1f5fa8; }
    * { box-sizing: border-box; }
    body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
      max-width: 64rem; padding: 1rem; color: #1f2328; }
    h1 { font-size: 1.7rem; margin-bottom: .2rem; }
    h2 { font-size: 1.25rem; margin: 1.6rem 0 .6rem; }
    .lead { color: var(--muted); margin-top: 0; }
    table.story { border-collapse: collapse; width: 100%; }
    .story th, .story td { padding: .35rem .7rem; border-bottom: 1px solid var(--line); text-align: right; }
    .story th:first-child, .story td:first-child { text-align: left; }
    .story thead th { background: #f6f8fa; }
    .good { color: var(--ok); } .bad { color: var(--bad); } .neutral, .flat { color: var(--muted); }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
    .card, .step { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem;
      break-inside: avoid; page-break-inside: avoid; }
    .card h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
    .card.wide { grid-column: 1 / -1; }
    .card p { margin: .3rem 0; }
    svg { display: block; width: 100%; max-width: 40rem; height: auto; margin: .4rem 0; }
    svg text { font: 10px system-ui, sans-serif; fill: var(--muted); }
    svg .label { font-size: 12px; fill: #1f2328; }
    svg .cell { font-size: 12px; font-weight: 600; }
    svg .strong { font-weight: 700; fill: #1f2328; }
    .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
    .axis { stroke: #9aa4ae; stroke-width: 1; }
    .line { fill: none; stroke: var(--accent); stroke-width: 2; }
    .dot { fill: var(--accent); } .dot.end { fill: #fff; stroke: var(--accent); stroke-width: 2; }
    .target { stroke: var(--ok); stroke-width: 1.2; stroke-dasharray: 6 3; }
    .deadline { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 3 3; }
    .burn { fill: var(--accent); opacity: .12; }
    svg .count { font-weight: 700; fill: #1f2328; } svg .warn { fill: var(--warn); }
    .zone.ok { color: var(--ok); } .zone.high { color: var(--bad); } .zone.open { color: var(--accent); }
    .step { margin: 1rem 0; }
    .step h3 { font-size: 1.05rem; margin: 0 0 .3rem; display: flex; gap: .5rem; flex-wrap: wrap;
      align-items: baseline; }
    .badge { font-size: .8rem; border-radius: 1rem; padding: 0 .6rem; color: #fff; }
    .fine { background: var(--ok); } .blocked { background: var(--warn); } .error { background: var(--bad); } .held { background: var(--muted); }
    .unexpected { outline: 3px solid var(--bad); }
    code, pre { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; }
    pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; white-space: pre-wrap;
      word-break: break-word; }
    .cmd { background: #f6f8fa; padding: .2rem .4rem; display: block; overflow-x: auto; }
    .report { overflow-x: auto; font-size: .92rem; }
    .report table { border-collapse: collapse; margin: .5rem 0; }
    .report th, .report td { border: 1px solid var(--line); padding: .2rem .5rem; vertical-align: top; }
    .report h1 { font-size: 1.2rem; } .report h2 { font-size: 1.05rem; } .report h3 { font-size: 1rem; }
    a { color: #0969da; }
    .links a { margin-right: .8rem; }
    @media print { details { display: none; } a { color: inherit; } body { max-width: none; } }
    </style>
    </head>
    <body>
    <h1>StreamRec data science: month 0 to month 18</h1>
    <p class="lead">{{#hasDashboard}}{{compare}} (month 0) against {{period}} (month 18). {{/hasDashboard}}Every number
    below was computed by <code>steward demo</code> from the bundled StreamRec example and the
    runs it recorded in <code>{{store}}</code> (<code>steward history --store {{store}}</code>).</p>
    {{#allOK}}<p>Every step ended as the story expects.</p>{{/allOK}}
    {{^allOK}}<p class="unexpected">Some steps did not end as the story expects: look for the red outline.</p>{{/allOK}}

    <section aria-label="Month 0 to month 18">
    <h2>Month 0 → month 18</h2>
    {{#noDashboard}}<p class="bad">The value dashboard could not be computed: see its step below.</p>{{/noDashboard}}
    {{#hasDashboard}}
    <table class="story">
    <thead><tr><th scope="col">Metric</th><th scope="col">Month 0 ({{compare}})</th><th scope="col">Month 18 ({{period}})</th><th scope="col">Change</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{title}}</td><td>{{then}}</td><td>{{now}}</td><td class="{{verdict}}">{{change}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <p>The whole dashboard, with every trend: <a href="value-dashboard.html">value-dashboard.html</a>.</p>
    {{/hasDashboard}}
    </section>

    <div class="cards">
    {{#gate}}
    <section class="card" aria-label="Deployment gate">
    <h3>The deployment gate</h3>
    <p><strong>Before the fixes.</strong> {{before}}.</p>
    {{#hasChart}}{{{chart}}}{{/hasChart}}
    <p><strong>After the fixes.</strong> {{after}}.</p>
    <p class="links"><a href="deployment-gate.md">before</a><a href="deployment-gate-remediated.md">after</a><a href="deployment-gate.sarif">SARIF</a></p>
    </section>
    {{/gate}}
    {{#hackathon}}
    <section class="card" aria-label="Hackathon">
    <h3>The quarterly hackathon</h3>
    {{{chart}}}
    <p>{{line}}</p>
    <p class="links"><a href="quarterly-hackathon.md">the report</a></p>
    </section>
    {{/hackathon}}
    {{#hasCampaigns}}
    <section class="card wide" aria-label="Campaigns">
    <h3>Model-card campaigns: new rules on their way in</h3>
    <div class="pair">
    {{#campaigns}}
    <div class="campaign" id="campaign-{{name}}">
    <p><strong>{{name}}: {{passing}} of {{target}} cards pass on {{day}}.</strong> <span class="zone {{tone}}">{{state}}.</span></p>
    {{{chart}}}
    </div>
    {{/campaigns}}
    </div>
    <p class="links"><a href="model-card-campaigns.md">the report</a></p>
    </section>
    {{/hasCampaigns}}
    <section class="card wide" aria-label="Surveys">
    <h3>The surveys: maturity per team and team health</h3>
    {{#heatmap}}{{{heatmap}}}{{/heatmap}}
    {{#health}}<p><strong>Team health: {{value}}.</strong> Month 0: {{then}}. Month 18: {{now}}.</p>{{/health}}
    <p class="links">{{#surveyLinks}}<a href="{{file}}">{{title}}</a> {{/surveyLinks}}</p>
    </section>
    </div>

    <h2>Every step of the story</h2>
    {{#steps}}
    <section class="step{{^ok}} unexpected{{/ok}}" id="{{id}}">
    <h3>{{title}} <span class="badge {{tone}}">{{verdict}} (exit {{exit}}{{^ok}}, expected {{expected}}{{/ok}})</span></h3>
    <p>{{story}}</p>
    <code class="cmd">{{command}}</code>
    <p class="links">{{#links}}<a href="{{file}}">{{file}}</a>{{/links}} <small>{{seconds}} s</small></p>
    <details><summary>Report</summary><div class="report">{{{report}}}</div></details>
    {{#hasLog}}<details><summary>What it said on stderr</summary><pre>{{log}}</pre></details>{{/hasLog}}
    </section>
    {{/steps}}
    </body>
    </html>
    """
}
