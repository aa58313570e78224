import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// The shipped value dashboard on Examples/streamrec reproduces the board's
/// before-and-after table, month 0 (May 2025) against month 18 (November
/// 2026), from the inputs and the recorded survey runs.
@Suite struct DashboardStoryTests {
  @Test func theBeforeAndAfterTable() throws {
    let report = try DashboardRunner.run(
      playbook: try DashboardFixture.shipped(), history: try DashboardFixture.store())
    #expect(report.period.description == "2026-11")
    #expect(report.compare?.description == "2025-05")
    func row(_ id: String) -> (String, String) {
      guard let m = report.metric(id) else { return ("?", "?") }
      return (
        DashboardFormatter.format(m.compare?.value, m.format),
        DashboardFormatter.format(m.current.value, m.format)
      )
    }
    #expect(row("headcount") == ("3", "28"))
    #expect(row("models_in_production") == ("2", "11"))
    #expect(row("ab_tests") == ("2", "14"))
    #expect(row("win_rate") == ("60 %", "42 %"))
    #expect(row("attributed_revenue") == ("$18M", "$47M"))
    #expect(row("team_cost") == ("$600K", "$4.2M"))
    #expect(row("roi") == ("30×", "11.2×"))
    #expect(row("mlops_maturity") == ("level 1", "level 2"))
    #expect(row("experimentation_maturity") == ("level 2", "level 3"))

    // The exact numbers behind them: whole counts, never typed-in results.
    let win = try #require(report.metric("win_rate"))
    #expect(win.compare?.fact("wins") == 3)
    #expect(win.compare?.fact("valid") == 5)
    #expect(win.compare?.fact("srm_excluded") == 1)
    #expect(win.current.fact("wins") == 21)
    #expect(win.current.fact("valid") == 50)
    #expect(win.current.fact("srm_excluded") == 2)
    #expect(win.current.value == 0.42)
    // Wilson 21/50, z = 1.96: centre (0.42 + 0.0384)/1.0768 = 0.4258, half-width
    // 1.96·√(0.004872 + 0.000384)/1.0768 = 0.1320 → [0.2938, 0.5577].
    #expect(abs((win.current.low ?? 0) - 0.2938) < 0.0005)
    #expect(abs((win.current.high ?? 0) - 0.5577) < 0.0005)
    // 3/5: centre (0.6 + 0.3841)/1.7683 = 0.5565, half-width 0.3258 → [0.2307, 0.8824].
    #expect(abs((win.compare?.low ?? 0) - 0.2307) < 0.0005)
    #expect(abs((win.compare?.high ?? 0) - 0.8824) < 0.0005)
    #expect(report.metric("attributed_revenue")?.current.value == 47_000_000)
    #expect(report.metric("attributed_revenue")?.compare?.value == 18_000_000)
    #expect(report.metric("team_cost")?.current.value == 4_200_000)
    #expect(report.metric("roi")?.compare?.value == 30)
    #expect(report.metric("roi")?.label.contains("return multiple") == true)

    // Team health: month 0's 3 answers are under team-enps's threshold of 5,
    // so its run reported nothing: withheld, with no share and no eNPS. At
    // month 18, 27 of 28 would recommend (one detractor); eNPS beside it,
    // 100 × (18 − 1) / 28 ≈ +61, as the real survey runs recorded them.
    let health = try #require(report.metric("team_health"))
    #expect(health.compare?.value == nil)
    #expect(health.compare?.fact("enps") == nil)
    #expect(health.compare?.fact("respondents") == 3)
    #expect(health.compare?.withheld == "withheld (3 answers; fewer than 5)")
    #expect(row("team_health").0 == "–")
    #expect(health.compare?.text(health.format) == "withheld (3 answers; fewer than 5)")
    #expect(
      health.compare?.missing?.hasSuffix(
        "withheld, 3 answers fewer than its anonymity threshold of 5, so no figure and no comment was reported"
      ) == true, "\(health.compare?.missing ?? "")")
    #expect(health.change == nil && health.verdict == "flat")
    let table = DashboardView(report).rows.first { $0.id == "team_health" }
    #expect(table?.then == "withheld (3 answers; fewer than 5)")
    #expect(table?.now == "96 %")
    #expect(health.current.withheld == nil)
    #expect(health.current.detail.hasPrefix("27 of 28 would recommend; survey team-enps"))
    #expect(abs((health.current.value ?? 0) - 27.0 / 28) < 1e-9)
    #expect(abs((health.current.fact("enps") ?? 0) - 1700.0 / 28) < 1e-9)
    #expect(health.current.detail.hasSuffix("; eNPS +61"))
    #expect(health.current.part("recommendations")?.value == 1)
    #expect(health.current.part("ML platform")?.value == 0.875)

    // Maturity per team, for the heat map: recommendations approaches… and flies.
    let exp = try #require(report.metric("experimentation_maturity"))
    #expect(exp.current.part("recommendations")?.value == 4)
    #expect(exp.current.part("ads")?.value == 3)
    #expect(exp.compare?.breakdown.map(\.name) == ["ads", "recommendations", "other"])
    #expect(
      exp.compare?.detail.hasSuffix("past crawl (recommendations: walk), 1 of 3 teams") == true)
    #expect(exp.current.detail.hasSuffix("past crawl (ML platform: run), 6 of 6 teams") == true)
    #expect(exp.current.part("search")?.value == 3)
    #expect(exp.current.part("business analytics")?.value == 3)

    // The gate run of 2026-11-23 (recorded in the fixture): five unwaived failures.
    let audit = try #require(report.metric("audit"))
    #expect(audit.current.fact("fail") == 5)
    #expect(audit.current.part("high")?.value ?? 0 >= 1)
    #expect(audit.compare?.value == nil)
    #expect(audit.compare?.missing == "no deployment-gate audit run recorded by 2025-05")

    // Custom metrics: an expression over metrics, a Lua chunk over the inputs.
    let perHead = try #require(report.metric("revenue_per_head"))
    #expect(abs((perHead.current.value ?? 0) - 47_000_000 / 28) < 1e-6)
    #expect(report.metric("experiments_concluded")?.current.value != nil)

    // The trend covers month 0 to month 18, one point per month.
    #expect(report.months.count == 19)
    #expect(report.metric("models_in_production")?.trend.map { $0.value ?? -1 }.first == 2)
  }

  /// Month 0's team eNPS wave is withheld in every format the dashboard
  /// writes: the reason in place of the number, never a share or an eNPS.
  @Test func aWithheldWaveReadsAsWithheldInEveryFormat() throws {
    let report = try DashboardRunner.run(
      playbook: try DashboardFixture.shipped(), history: try DashboardFixture.store())
    let outputs = [
      "text": DashboardTextReporter().render(report),
      "markdown": DashboardMarkdownReporter().render(report),
      "html": DashboardHTMLReporter().render(report),
      "json": DashboardJSONReporter().render(report),
      "slack": DashboardSlackReporter().render(report),
    ]
    for (format, output) in outputs {
      #expect(output.contains("withheld (3 answers; fewer than 5)"), "\(format)")
      for figure in ["eNPS +100", "3 of 3", "100 % → 96 %"] {
        #expect(!output.contains(figure), "\(format) shows \(figure)")
      }
    }
    // A comparison that is withheld has no change to show.
    #expect(
      outputs["markdown"]?.contains(
        "| Team health | withheld (3 answers; fewer than 5) | 96 % |  |") == true)
    #expect(outputs["slack"]?.contains("(was withheld (3 answers; fewer than 5))") == true)
    #expect(
      outputs["html"]?.contains(
        "<div class=\"was\">was withheld (3 answers; fewer than 5) in 2025-05</div>") == true)
  }

  @Test func withoutSurveyRunsTheDashboardSaysSo() throws {
    let report = try DashboardRunner.run(playbook: try DashboardFixture.shipped(), history: nil)
    let m = try #require(report.metric("mlops_maturity"))
    #expect(m.current.value == nil)
    #expect(m.current.missing == "no mlops-maturity survey run recorded by 2026-11")
    #expect(report.metric("models_in_production")?.current.value == 11)
    #expect(
      DashboardTextReporter().render(report).contains("no team-enps survey run recorded by 2026-11")
    )
  }

  @Test func theExampleDataIsConsistent() throws {
    // Every card in the dashboard's folders appears in the deployment log,
    // and the log's last stage is the card's stage: no warning.
    let report = try DashboardRunner.run(playbook: try DashboardFixture.shipped(), history: nil)
    #expect(report.warnings == [])
  }
}
