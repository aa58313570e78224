import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// The trend against the previous run of the same playbook, read back from
/// the history store, with values computed by hand.
@Suite struct SurveyTrendTests {
  static func yaml(q2Text: String = "Q2") -> String {
    """
    steward: 1
    kind: survey
    name: trend
    responses: { file: r.csv, metadata: [team] }
    groups: [team]
    min_group_size: 2
    questions:
      - { id: q1, text: Q1, dimension: d, type: likert }
      - { id: q2, text: \(q2Text), dimension: d, type: likert }
      - { id: fun, text: Fun, dimension: health, type: traffic_light }
      - { id: rec, text: Recommend, dimension: health, type: enps }
    levels:
      - { id: "1" }
      - id: "2"
        criteria: [{ dimension: d, min: 3.5 }]
    """
  }

  static let month0 = """
    respondent,team,q1,q2,fun,rec
    a1,ads,3,3,red,6
    a2,ads,4,2,yellow,8
    b1,recs,4,4,green,9
    b2,recs,5,3,yellow,10
    """

  static let month1 = """
    respondent,team,q1,q2,fun,rec
    a1,ads,4,4,green,9
    a2,ads,4,3,yellow,9
    a3,ads,5,4,green,7
    b1,recs,4,4,green,9
    b2,recs,5,3,yellow,10
    """

  /// Records month 0 in a store and scores month 1 against it.
  static func twoRuns(q2Text: String = "Q2", store: InMemoryHistoryStore = .init()) throws
    -> SurveyReport
  {
    let first = try SurveyFixture(yaml(), files: ["r.csv": month0])
    try SurveyRecorder.record(
      try first.report(), playbook: first.playbook, startedAt: Date(timeIntervalSince1970: 0),
      duration: 0, in: RunContext(history: store))
    let second = try SurveyFixture(yaml(q2Text: q2Text), files: ["r.csv": month1])
    let baseline = try #require(try SurveyBaseline.latest(playbook: "trend", in: store))
    return SurveyScorer.score(second.playbook, try second.responses(), baseline: baseline)
  }

  @Test func dimensionsLevelsLightsAndENPSAgainstTheStoredRun() throws {
    let report = try Self.twoRuns()
    #expect(
      report.previous
        == SurveyPreviousRun(
          run: 1, startedAt: Date(timeIntervalSince1970: 0), rubricChanged: false))
    let ads = try #require(report.group("team", "ads"))
    let trend = try #require(ads.trend)
    #expect(!trend.isNew)
    #expect(trend.previousRespondents == 2)
    // Month 0: q1 3.5, q2 2.5 → d 3.0; top two 1 of 4 = 0.25.
    // Month 1: q1 13/3, q2 11/3 → d 4.0; top two 5 of 6.
    let d = try #require(trend.dimensions.first { $0.id == "d" })
    #expect(close(d.previousMean, 3.0))
    #expect(close(d.meanChange, 1.0))
    #expect(close(d.previousTopTwoBox, 0.25))
    #expect(close(d.topTwoBoxChange, 5.0 / 6.0 - 0.25))
    // Level 1 (pooled d 3.0 < 3.5) → 2 (pooled 24/6 = 4.0).
    #expect(trend.previousLevel == "1")
    #expect(ads.level?.level == "2")
    #expect(trend.levelMove == "up")
    // Lights: red + yellow (score 0.5) → green, yellow, green (5/3): improving.
    let fun = try #require(ads.question("fun")?.lights)
    #expect(fun.previousCounts == [0, 1, 1])
    #expect(close(fun.previousScore, 0.5))
    #expect(fun.trend == .improving)
    // eNPS: 6, 8 → (0 − 1)/2 = −50; 9, 9, 7 → 2/3 = 66.67; promoters 2 of 3.
    let rec = try #require(ads.question("rec"))
    #expect(rec.previousENPS == -50)
    #expect(close(rec.enps, 200.0 / 3.0))
    #expect(close(rec.agree, 2.0 / 3.0))
    // recs answered the same twice.
    let recs = try #require(report.group("team", "recs")?.trend)
    #expect(recs.levelMove == "same")
    #expect(recs.dimensions.first { $0.id == "d" }?.meanChange == 0)
    #expect(report.group("team", "recs")?.question("fun")?.lights?.trend == .stable)

    let text = SurveyTextReporter().render(report)
    #expect(text.contains("trend: compared with run 1 of 1970-01-01"))
    #expect(text.contains("trend: respondents 2 → 3; level 1 → 2 (up)"))
    #expect(text.contains("  d: mean 3 → 4 (+1), top-2 25% → 83.3% (+58.33 pts)"))
    #expect(
      text.contains("green 2, yellow 1, red 0 (was green 0, yellow 1, red 1), trend improving"))
    #expect(text.contains("eNPS 66.67 (was -50, +116.67)"))
    let markdown = SurveyMarkdownReporter().render(report)
    #expect(markdown.contains("- trend: respondents 2 → 3; level 1 → 2 (up)"))
    let json = SurveyJSONReporter().render(report)
    #expect(json.contains("\"level_move\": \"up\""))
    #expect(json.contains("\"mean_change\": 1"))
    #expect(json.contains("\"rubric_changed\": false"))
  }

  @Test func changedQuestionsAreNotCompared() throws {
    let report = try Self.twoRuns(q2Text: "Q2 reworded")
    #expect(report.previous?.rubricChanged == true)
    #expect(report.overall?.trend == nil)
    #expect(report.group("team", "ads")?.trend == nil)
    #expect(report.group("team", "ads")?.question("fun")?.lights?.trend == nil)
    #expect(report.group("team", "ads")?.question("rec")?.previousENPS == nil)
    let outputs = [
      SurveyTextReporter().render(report), SurveyMarkdownReporter().render(report),
      SurveyJSONReporter().render(report),
    ]
    #expect(outputs[0].contains("not compared with run 1 of 1970-01-01: the questions or levels"))
    #expect(outputs[1].contains("not compared with run 1"))
    #expect(outputs[2].contains("\"rubric_changed\": true"))
    for output in outputs { #expect(!output.contains("level 1 → 2")) }
  }

  @Test func rubricHashIgnoresTitlesAndGroupsButNotLevels() throws {
    let base = try SurveyFixture(Self.yaml(), files: ["r.csv": Self.month0])
    let retitled = try SurveyFixture(
      Self.yaml().replacingOccurrences(of: "name: trend", with: "name: trend\ntitle: New title")
        .replacingOccurrences(of: "min_group_size: 2", with: "min_group_size: 3"),
      files: ["r.csv": Self.month0])
    let stricter = try SurveyFixture(
      Self.yaml().replacingOccurrences(of: "min: 3.5", with: "min: 4"),
      files: ["r.csv": Self.month0])
    #expect(SurveyRubric.hash(base.playbook) == SurveyRubric.hash(retitled.playbook))
    #expect(SurveyRubric.hash(base.playbook) != SurveyRubric.hash(stricter.playbook))
  }

  @Test func aRunBelowQuorumIsPassedOver() throws {
    let store = InMemoryHistoryStore()
    _ = try Self.twoRuns(store: store)  // records month 0 as run 1
    let few = try SurveyFixture(
      Self.yaml(), files: ["r.csv": "respondent,team,q1,q2,fun,rec\nz1,ads,1,1,red,0\n"])
    let below = try few.report()
    #expect(below.overall == nil)
    try SurveyRecorder.record(
      below, playbook: few.playbook, startedAt: Date(timeIntervalSince1970: 100), duration: 0,
      in: RunContext(history: store))
    let baseline = try #require(try SurveyBaseline.latest(playbook: "trend", in: store))
    #expect(baseline.run == 1)
  }

  @Test func aGroupNotReportedBeforeIsNew() throws {
    let store = InMemoryHistoryStore()
    let first = try SurveyFixture(
      Self.yaml(),
      files: [
        "r.csv": "respondent,team,q1,q2,fun,rec\nb1,recs,4,4,green,9\nb2,recs,5,3,yellow,10\n"
      ])
    try SurveyRecorder.record(
      try first.report(), playbook: first.playbook, startedAt: Date(), duration: 0,
      in: RunContext(history: store))
    let second = try SurveyFixture(Self.yaml(), files: ["r.csv": Self.month1])
    let report = SurveyScorer.score(
      second.playbook, try second.responses(),
      baseline: try SurveyBaseline.latest(playbook: "trend", in: store))
    #expect(report.group("team", "ads")?.trend?.isNew == true)
    #expect(report.group("team", "recs")?.trend?.isNew == false)
    #expect(SurveyTextReporter().render(report).contains("trend: not reported in the previous run"))
  }

  @Test func metricNamesForTheDashboard() throws {
    let fixture = try SurveyFixture(Self.yaml(), files: ["r.csv": Self.month1])
    let report = try fixture.report()
    let metrics = SurveyRecorder.metrics(report, levels: ["1", "2"])
    func value(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }
    #expect(
      Array(metrics.prefix(4).map(\.name)) == ["respondents", "dropped", "groups", "suppressed"])
    #expect(value("team=ads/respondents") == 3)
    #expect(value("team=ads/dimension/d/mean") == 4)
    #expect(close(value("team=ads/dimension/d/top_two_box"), 5.0 / 6.0))
    #expect(value("team=ads/level") == 2)
    #expect(close(value("team=ads/question/rec/enps"), 200.0 / 3.0))
    #expect(close(value("team=ads/question/rec/agree"), 2.0 / 3.0))
    // q1 of ads: 4, 4, 5 all agree.
    #expect(value("team=ads/question/q1/agree") == 1)
    #expect(value("team=ads/question/fun/green") == 2)
    #expect(value("all/respondents") == 5)
    #expect(Set(metrics.map(\.name)).count == metrics.count)
    // Names parse back to their subject, even with "/" in a group name.
    #expect(SurveyMetrics.parse("team=a/b/dimension/d/mean")?.subject == "team=a/b")
    #expect(SurveyMetrics.parse("team=ads/level")?.path == ["level"])
    #expect(SurveyMetrics.parse("respondents") == nil)
  }

  @Test func theRunListCountsGroupMetrics() {
    let text = HistoryRenderer.summaryText([
      Metric("respondents", 5), Metric("all/respondents", 5), Metric("team=a/level", 2),
    ])
    #expect(text == "respondents 5, +2 group metrics")
  }

  @Test func levelNumbers() {
    #expect(SurveyRecorder.levelNumber("3", levels: ["0", "1", "2", "3", "4"]) == 3)
    #expect(SurveyRecorder.levelNumber("walk", levels: ["crawl", "walk", "run", "fly"]) == 2)
    #expect(SurveyRecorder.levelNumber("elite", levels: ["crawl", "walk"]) == nil)
  }
}
