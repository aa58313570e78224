import Foundation
import Testing

/// A change's colour follows the metric's declared better direction, not
/// the sign of the change: a falling win rate is not bad news, a rising
/// cost is not good news (issue 20).
@Suite struct DashboardColourTests {
  /// One card's `<span class="change …">`, read from the HTML a user opens.
  static func changeClass(_ html: String, metric: String) -> String? {
    guard let card = html.range(of: "id=\"metric-\(metric)\"") else { return nil }
    let rest = html[card.upperBound...]
    guard let end = rest.range(of: "</div>\n</div>") ?? rest.range(of: "id=\"metric-"),
      let span = rest[..<end.lowerBound].range(of: "<span class=\"change ")
    else { return nil }
    return String(rest[span.upperBound...].prefix { $0 != "\"" })
  }

  @Test func eachDirectionColoursARiseItsOwnWay() throws {
    // The same rising number (3 in October, 5 in November) under each declaration.
    let metric = { (id: String, better: String?) in
      """
        - id: \(id)
          format: count
      \(better.map { "    better: \($0)\n" } ?? "")    lua: |
            if period.first_day == "2026-11-01" then return 5 else return 3 end

      """
    }
    let dir = try StewardBinary.scratch([
      "d.yaml": """
      steward: 1
      kind: dashboard
      name: d
      period: {month: 2026-11, compare: 2026-10}
      metrics:

      """ + metric("higher_better", "up") + metric("lower_better", "down")
        + metric("either", "none") + metric("undeclared", nil)
    ])
    let r = try StewardBinary.run(
      ["run", "d.yaml", "--no-record", "--format", "html", "--output", "d.html"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let html = try String(contentsOf: dir.appendingPathComponent("d.html"), encoding: .utf8)
    #expect(Self.changeClass(html, metric: "higher_better") == "good")
    #expect(Self.changeClass(html, metric: "lower_better") == "bad")
    #expect(Self.changeClass(html, metric: "either") == "neutral")
    #expect(Self.changeClass(html, metric: "undeclared") == "neutral")
    // The colours themselves: good green, bad red, neutral grey.
    #expect(html.contains(".change.good { color: var(--up); }"))
    #expect(html.contains(".change.bad { color: var(--down); }"))
    #expect(html.contains(".change.neutral { color: var(--muted); }"))

    let json = try StewardBinary.run(["run", "d.yaml", "--no-record", "--format", "json"], in: dir)
    #expect(json.stdout.contains("\"better\": \"down\""))
    #expect(json.stdout.contains("\"verdict\": \"bad\""))
  }

  @Test func aBadDirectionIsAnInputErrorAtItsLine() throws {
    let dir = try StewardBinary.scratch([
      "d.yaml": """
      steward: 1
      kind: dashboard
      name: d
      metrics:
        - id: x
          better: sideways
          expression: "1"

      """
    ])
    let r = try StewardBinary.run(["validate", "d.yaml"], in: dir)
    #expect(r.status == 2)
    #expect((r.stdout + r.stderr).contains("d.yaml:6:"), "\(r.stdout)\(r.stderr)")
  }

  /// The shipped dashboard: the story's own numbers in the story's colours.
  @Test func theStreamRecDashboardColoursTheStorysWay() throws {
    let out = try StewardBinary.scratch([:]).appendingPathComponent("d.html").path
    let r = try StewardBinary.run([
      "run", "Playbooks/value-dashboard.yaml", "--no-record", "--format", "html", "--output", out,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let html = try String(contentsOfFile: out, encoding: .utf8)
    #expect(Self.changeClass(html, metric: "win_rate") == "neutral")  // 60 % → 42 %
    #expect(Self.changeClass(html, metric: "team_cost") == "bad")  // $600K → $4.2M
    #expect(Self.changeClass(html, metric: "models_in_production") == "good")  // 2 → 11
    #expect(Self.changeClass(html, metric: "headcount") == "neutral")  // 3 → 28
    #expect(html.contains("in the healthy band (at most 80 %)"))
    // The before-and-after table colours each change the same way.
    #expect(
      html.contains(
        "<tr><td>Cost</td><td>$600K</td><td>$4.2M</td><td class=\"change bad\">+$3.6M</td></tr>"))
    #expect(
      html.contains(
        "<tr><td>Models in production</td><td>2</td><td>11</td><td class=\"change good\">+9</td></tr>"
      ))
    #expect(!html.contains("too high: not testing enough"))
  }

  @Test func aWinRateAboveTheLineSaysTheTeamIsNotTestingEnough() throws {
    var log = "id,team,launched,ended,outcome,srm\n"
    for i in 1...9 { log += "e\(i),x,2026-09-01,2026-10-0\(i),win,pass\n" }
    log += "e10,x,2026-09-01,2026-10-10,loss,pass\n"
    let dir = try StewardBinary.scratch([
      "experiments.csv": log,
      "d.yaml": """
      steward: 1
      kind: dashboard
      name: d
      inputs: {experiments: experiments.csv}
      period: {month: 2026-10}
      metrics:
        - builtin: win_rate

      """,
    ])
    let r = try StewardBinary.run(
      ["run", "d.yaml", "--no-record", "--format", "html", "--output", "d.html"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let html = try String(contentsOf: dir.appendingPathComponent("d.html"), encoding: .utf8)
    #expect(html.contains("<p class=\"zone high\">too high: not testing enough</p>"), "\(html)")
    let text = try StewardBinary.run(["run", "d.yaml", "--no-record"], in: dir)
    #expect(text.stdout.contains("90 %"))
    #expect(text.stdout.contains("too high: not testing enough"))
  }
}
