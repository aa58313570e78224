import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// Which history run a month reads, and what is read from it.
@Suite struct DashboardHistoryTests {
  let may = DashboardMonth(year: 2025, month: 5)
  let nov = DashboardMonth(year: 2026, month: 11)

  func surveyRun(
    _ name: String, responses: String?, started: String, metrics: [Metric] = []
  ) throws -> RunRecord {
    var inputs: [InputHash] = []
    if let responses {
      inputs = [InputHash(path: responses, sha256: try SHA256.hex(ofFile: responses))]
    }
    return RunRecord(
      playbook: name, kind: "survey", playbookPath: "\(name).yaml", playbookHash: "",
      startedAt: DashboardFixture.date(started), duration: 0, stewardVersion: "test", exitStatus: 0,
      gate: "none", inputs: inputs, metrics: metrics)
  }

  /// Month 0's survey scored today counts for May 2025, from its responses' dates;
  /// a month-18 survey recorded before it still counts for November 2026.
  @Test func aSurveyCountsAsOfItsLatestResponse() throws {
    let scratch = try Scratch([
      "m0.csv": "respondent,team,date,q\na,recs,2025-05-11,4\nb,recs,2025-05-28,5\n",
      "m18.csv": "respondent,team,date,q\na,recs,2026-11-02,4\nb,ads,2026-11-20,5\n",
    ])
    let store = InMemoryHistoryStore()
    try store.record(
      try surveyRun("mlops", responses: scratch.path("m18.csv"), started: "2026-11-29"),
      results: [DashboardFixture.level("all", "2")])
    try store.record(
      try surveyRun("mlops", responses: scratch.path("m0.csv"), started: "2026-11-30"),
      results: [DashboardFixture.level("all", "1")])
    func level(_ month: DashboardMonth) throws -> Double? {
      DashboardMetrics.maturity(
        run: try DashboardMetrics.latestRun(of: "mlops", kind: "survey", by: month, in: store),
        survey: "mlops", levels: [], group: "team", month: month
      ).value
    }
    #expect(try level(may) == 1)
    #expect(try level(nov) == 2)
    #expect(try level(DashboardMonth(year: 2025, month: 4)) == nil)
    #expect(try level(DashboardMonth(year: 2026, month: 10)) == 1)
    let run = try #require(try store.runs(playbook: "mlops", limit: 1).first)
    #expect(
      DashboardMetrics.asOf(run)
        == DashboardFixture.date("2025-05-28").addingTimeInterval(-12 * 3600))

    // A responses file changed since the run: its dates say nothing about it.
    try Data("respondent,team,date,q\na,recs,2024-01-01,1\n".utf8).write(
      to: URL(fileURLWithPath: scratch.path("m0.csv")))
    #expect(DashboardMetrics.asOf(run) == run.startedAt)
  }

  /// A wave under its anonymity threshold (exit 1, no group reported) is
  /// withheld for maturity as for team health; a run recorded before the
  /// threshold was a metric says "too few" rather than guess a number.
  @Test func aWaveUnderItsThresholdIsWithheldNotMissing() throws {
    var run = try surveyRun(
      "exp", responses: nil, started: "2025-05-20",
      metrics: [Metric("respondents", 4), Metric("min_group_size", 5)])
    run.exitStatus = 1
    let m = DashboardMetrics.maturity(
      run: (run, []), survey: "exp", levels: [], group: "team", month: may)
    #expect(m.value == nil && m.breakdown.isEmpty)
    #expect(m.text(.level) == "withheld (4 answers; fewer than 5)")
    #expect(m.missing?.contains("fewer than its anonymity threshold of 5") == true)
    run.metrics = [Metric("respondents", 1)]
    let h = DashboardMetrics.teamHealth(
      run: (run, []), survey: "exp", agree: nil, enps: nil, group: "team", month: may)
    #expect(h.withheld == "withheld (1 answer; too few)")
    #expect(h.missing?.contains("under its anonymity threshold") == true)
    // A run that reported is never withheld, even with no share in it.
    run.exitStatus = 0
    let scored = DashboardMetrics.teamHealth(
      run: (run, []), survey: "exp", agree: nil, enps: nil, group: "team", month: may)
    #expect(scored.withheld == nil)
    #expect(scored.text(.percent) == "–")
  }

  @Test func namedSurveyMetricsComeFirst() throws {
    let run = try surveyRun(
      "team-enps", responses: nil, started: "2026-11-20",
      metrics: [
        Metric("respondents", 28), Metric("all/respondents", 28),
        Metric("all/question/recommend/enps", 43), Metric("all/question/recommend/agree", 0.75),
        Metric("team=ads/question/recommend/agree", 0.8),
      ])
    let rows = [
      ResultRecord(
        subject: "all", check: "dimension:culture", status: "scored", severity: "",
        message: "mean 8.000, top-two-box 0.500, answers 28"),
      ResultRecord(
        subject: "team=ads", check: "dimension:culture", status: "scored", severity: "",
        message: "mean 8.000, top-two-box 0.600, answers 6"),
    ]
    let p = DashboardMetrics.teamHealth(
      run: (run, rows), survey: "team-enps", agree: nil, enps: nil, group: "team", month: nov)
    #expect(p.value == 0.75)
    #expect(p.fact("enps") == 43)
    #expect(p.part("ads")?.value == 0.8)
    #expect(p.detail.hasPrefix("21 of 28 agree; "))
    // Without the named metrics: the first dimension's top-two-box share.
    let plain = try surveyRun("team-enps", responses: nil, started: "2026-11-20")
    let q = DashboardMetrics.teamHealth(
      run: (plain, rows), survey: "team-enps", agree: nil, enps: nil, group: "team", month: nov)
    #expect(q.value == 0.5)
    #expect(q.fact("enps") == nil)

    let levels = try surveyRun(
      "exp", responses: nil, started: "2026-11-20",
      metrics: [Metric("all/level", 3), Metric("team=recs/level", 4)])
    let m = DashboardMetrics.maturity(
      run: (
        levels, [DashboardFixture.level("all", "run"), DashboardFixture.level("team=recs", "fly")]
      ),
      survey: "exp", levels: [], group: "team", month: nov)
    #expect(m.value == 3)
    #expect(m.part("recs")?.value == 4)
    #expect(m.part("recs")?.text == "fly")
  }

  @Test func auditPassRateOpenWaiversAndSeverities() throws {
    let rows = [
      ResultRecord(subject: "a", check: "c1", status: "pass", severity: "high"),
      ResultRecord(subject: "a", check: "c2", status: "fail", severity: "high"),
      ResultRecord(subject: "a", check: "c3", status: "waived", severity: "critical"),
      ResultRecord(subject: "b", check: "c1", status: "skip", severity: "high"),
      ResultRecord(subject: "b", check: "c2", status: "fail", severity: "critical"),
      ResultRecord(subject: "b", check: "c3", status: "error", severity: "low"),
      ResultRecord(subject: "c", check: "c1", status: "pass", severity: "low"),
    ]
    let run = RunRecord(
      id: 4, playbook: "gate", kind: "audit", playbookPath: "", playbookHash: "",
      startedAt: DashboardFixture.date("2026-11-20"), duration: 0, stewardVersion: "",
      exitStatus: 1,
      gate: "failed")
    let p = DashboardMetrics.audit(run: (run, rows), playbook: "gate", month: nov)
    // Decided: 6 (the skip is left out); 2 pass → 1/3.
    #expect(p.value == 2.0 / 6.0)
    #expect(p.fact("open_waivers") == 1)
    #expect(p.fact("fail") == 2)
    #expect(p.breakdown.map(\.name) == ["critical", "high", "medium", "low", "info"])
    #expect(p.breakdown.map { $0.value ?? -1 } == [1, 1, 0, 0, 0])
  }
}
