import Foundation
import StewardCore
import StewardYAML
import Testing

@testable import StewardEngine

/// Each built-in metric against numbers worked out by hand on small inputs.
@Suite struct DashboardMetricTests {
  static func csv(_ text: String) throws -> [Value] {
    try CSVLoader.load(text: text, file: "t.csv").list ?? []
  }

  static func yaml(_ text: String) throws -> Value {
    try DocumentLoader.load(text: text, format: .yaml, file: "t.yaml")[0]
  }

  let nov = DashboardMonth(year: 2026, month: 11)

  @Test func months() throws {
    let m = try #require(DashboardMonth("2026-11"))
    #expect(m.advanced(by: -18).description == "2025-05")
    #expect(DashboardMonth("2024-02")?.lastDay == "2024-02-29")
    #expect(DashboardMonth("2026-13") == nil)
    #expect(DashboardMonth("26-11") == nil)
    #expect(
      DashboardMonth.range(m.advanced(by: -2), m).map(\.description) == [
        "2026-09", "2026-10", "2026-11",
      ])
  }

  @Test func headcountCountsTheRosterOnTheLastDayAgainstThePlan() throws {
    let people = try Self.yaml(
      """
      people:
        - {name: A, team: hub, role: lead, start: 2026-01-01}
        - {name: B, team: hub, role: engineer, start: 2026-11-30}
        - {name: C, team: hub, role: engineer, start: 2026-12-01}
        - {name: D, team: ads, role: analyst, start: 2025-01-01, end: 2026-11-29}
        - {name: E, team: ads, role: analyst, start: 2025-01-01, end: 2026-11-30}
      """)
    let plan = try Self.yaml(
      """
      hub:
        name: hub
        lead: {name: A, role: lead, start: 2026-01-01}
        members:
          - {role: engineer, start: 2026-06-01}
          - {role: engineer, start: 2026-10-01}
          - {role: engineer, start: 2027-01-01}
      spokes:
        - name: ads
          lead: {name: Z, start: 2026-03-01}
      """)
    let p = DashboardMetrics.headcount(people: people, plan: plan, month: nov)
    // A, B (started on the last day) and E (leaves on it); not C (later) or D (left).
    #expect(p.value == 3)
    #expect(p.part("hub")?.value == 2)
    // Due by 2026-11-30: A, two engineers, Z = 4; filled: A and one engineer (B).
    #expect(p.fact("planned") == 4)
    #expect(p.fact("filled") == 2)
    #expect(p.fact("open") == 2)
    #expect(p.fact("beyond_plan") == 1)
  }

  @Test func modelsInProductionFollowTheDeploymentLog() throws {
    let cards = [
      try Self.yaml("{id: a, owner: x, stage: production}"),
      try Self.yaml("{id: b, owner: x, stage: retired}"),
      try Self.yaml("{id: c, owner: '', stage: production}"),
      try Self.yaml("{id: d, owner: y, stage: production}"),
      try Self.yaml("{id: e, owner: y, stage: staging}"),
    ]
    let log = try Self.csv(
      """
      date,model,stage
      2025-01-10,a,production
      2025-03-01,b,production
      2026-06-30,b,retired
      2026-10-01,d,production
      """)
    let may = DashboardMonth(year: 2025, month: 5)
    // May 2025: a and b live; c (no log: its card's stage) has no owner; d not deployed yet.
    let then = DashboardMetrics.modelsInProduction(cards: cards, deployments: log, month: may)
    #expect(then.value == 2)
    #expect(then.detail.hasSuffix(": a, b"))
    #expect(then.warnings == ["not counted, in production without an owner: c"])
    // November 2026: b retired, d live.
    let now = DashboardMetrics.modelsInProduction(cards: cards, deployments: log, month: nov)
    #expect(now.value == 2)
    #expect(
      now.breakdown == [DashboardPart(name: "x", value: 1), DashboardPart(name: "y", value: 1)])
  }

  static let experiments = """
    id,team,launched,ended,outcome,srm
    e1,ads,2026-05-20,2026-06-03,win,pass
    e2,ads,2026-06-01,2026-06-15,loss,pass
    e3,recs,2026-11-01,2026-11-15,win,fail
    e4,recs,2026-11-02,2026-11-16,flat,pass
    e5,recs,2026-11-30,,,
    e6,recs,2026-04-01,2026-05-31,win,pass
    e7,ads,2026-10-01,2026-10-20,win,pass
    """

  @Test func abTestsCountLaunchesInTheMonth() throws {
    let rows = try Self.csv(Self.experiments)
    let p = DashboardMetrics.abTests(experiments: rows, month: nov)
    #expect(p.value == 3)  // e3, e4, e5
    #expect(p.part("recs")?.value == 3)
  }

  @Test func winRateExcludesSampleRatioFailuresWithWilsonInterval() throws {
    let rows = try Self.csv(Self.experiments)
    // Six months to 2026-11: from 2026-06-01. Concluded: e1, e2, e3 (SRM, out), e4, e7.
    // e6 ended 2026-05-31 (before), e5 still running. Wins 2 (e1, e7) of 4 valid.
    let p = DashboardMetrics.winRate(experiments: rows, month: nov, window: 6)
    #expect(p.fact("wins") == 2)
    #expect(p.fact("valid") == 4)
    #expect(p.fact("srm_excluded") == 1)
    #expect(p.value == 0.5)
    // Wilson 2/4, z = 1.96: centre (0.5 + 0.4802)/1.9604 = 0.5; half-width
    // 1.96·√(0.0625 + 0.0600)/1.9604 = 0.3498 → [0.1500, 0.8500].
    #expect(abs((p.low ?? 0) - 0.1500) < 0.0005)
    #expect(abs((p.high ?? 0) - 0.8500) < 0.0005)
    #expect(p.warnings.isEmpty)
    // One month: e3 (SRM), e4 → 0 wins of 1.
    let one = DashboardMetrics.winRate(experiments: rows, month: nov, window: 1)
    #expect(one.value == 0)
    #expect(one.fact("valid") == 1)
  }

  @Test func winRateAbove80PercentWarns() throws {
    let rows = try Self.csv(
      "id,launched,ended,outcome,srm\n"
        + (1...9).map { "e\($0),2026-10-01,2026-11-0\($0),win,pass" }.joined(separator: "\n")
        + "\ne10,2026-10-01,2026-11-10,loss,pass\n")
    let p = DashboardMetrics.winRate(experiments: rows, month: nov)
    #expect(p.value == 0.9)
    // The REFERENCE §5 vector scaled: 9/10 → [0.5958, 0.9821].
    #expect(abs((p.low ?? 0) - 0.5958) < 0.0005)
    #expect(abs((p.high ?? 0) - 0.9821) < 0.0005)
    #expect(p.warnings.count == 1)
    #expect(p.warnings[0].contains("only testing safe bets"))
    let quiet = DashboardMetrics.winRate(experiments: rows, month: nov, warnAbove: 0.95)
    #expect(quiet.warnings.isEmpty)
  }

  @Test func winRateWithNothingConcludedHasNoValue() throws {
    let p = DashboardMetrics.winRate(
      experiments: try Self.csv(Self.experiments), month: DashboardMonth(year: 2020, month: 1))
    #expect(p.value == nil)
    #expect(p.missing?.contains("no validly concluded experiment") == true)
  }

  static let finance = """
    month,revenue,low,high,cost
    2026-09,100,80,120,10
    2026-10,200,150,260,20
    2026-11,300,240,360,30
    """

  @Test func financeSumsTheWindowAndItsRange() throws {
    let rows = try Self.csv(Self.finance)
    let p = DashboardMetrics.financeSum(
      rows: rows, column: "revenue", low: "low", high: "high", month: nov, window: 3)
    #expect(p.value == 600)
    #expect(p.low == 470)
    #expect(p.high == 740)
    let two = DashboardMetrics.financeSum(
      rows: rows, column: "cost", low: nil, high: nil, month: nov, window: 2)
    #expect(two.value == 50)
    #expect(two.low == nil)
    // A window reaching before the first row has no value rather than a partial sum.
    let long = DashboardMetrics.financeSum(
      rows: rows, column: "revenue", low: nil, high: nil, month: nov, window: 4)
    #expect(long.value == nil)
    #expect(long.missing == "no revenue for 2026-08")
  }

  @Test func roiInBothFormsIsLabelled() {
    let revenue = DashboardPoint(month: nov, value: 47_000_000, low: 37_600_000, high: 56_400_000)
    let cost = DashboardPoint(month: nov, value: 4_200_000)
    let multiple = DashboardMetrics.roi(revenue: revenue, cost: cost, finance: false, month: nov)
    let finance = DashboardMetrics.roi(revenue: revenue, cost: cost, finance: true, month: nov)
    // REFERENCE §8: $47M / $4.2M = 11.19×; finance form 10.19×.
    #expect(abs((multiple.value ?? 0) - 11.190_476) < 1e-6)
    #expect(abs((finance.value ?? 0) - 10.190_476) < 1e-6)
    #expect(DashboardFormatter.format(multiple.value, .multiple) == "11.2×")
    #expect(DashboardFormatter.format(finance.value, .multiple) == "10.2×")
    #expect(DashboardMetrics.roiLabel(finance: false).contains("return multiple"))
    #expect(DashboardMetrics.roiLabel(finance: true).contains("finance form"))
    let zero = DashboardMetrics.roi(
      revenue: revenue, cost: DashboardPoint(month: nov, value: 0), finance: false, month: nov)
    #expect(zero.value == nil)
  }

  @Test func formats() {
    #expect(DashboardFormatter.format(18_000_000, .currency) == "$18M")
    #expect(DashboardFormatter.format(4_200_000, .currency) == "$4.2M")
    #expect(DashboardFormatter.format(600_000, .currency) == "$600K")
    #expect(DashboardFormatter.format(0.42, .percent) == "42 %")
    #expect(DashboardFormatter.format(30, .multiple) == "30×")
    #expect(DashboardFormatter.format(2, .level) == "level 2")
    #expect(DashboardFormatter.format(nil, .count) == "–")
    #expect(DashboardFormatter.change(-0.18, .percent) == "−18 pts")
  }
}
