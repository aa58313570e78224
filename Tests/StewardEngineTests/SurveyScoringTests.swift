import StewardCore
import Testing

@testable import StewardEngine

/// Each scale type scored against values worked out by hand.
@Suite struct SurveyScoringTests {
  static let yaml = """
    steward: 1
    kind: survey
    name: scales
    responses: { file: responses.csv, metadata: [team] }
    # 4: "tools" and "hours" have four answers, and anonymity applies per question.
    min_group_size: 4
    questions:
      - { id: release, text: Releasing is easy, dimension: delivery, type: likert, weight: 2 }
      - id: cadence
        text: How often do we ship?
        dimension: delivery
        type: labelled
        labels: [Never, Rarely, Sometimes, Often, Always]
      - { id: stack, text: Main language, dimension: tools, type: single, options: [python, scala, r] }
      - { id: tools, text: Tools, dimension: tools, type: multiple, options: [mlflow, airflow, dvc] }
      - { id: hours, text: Hours in meetings, dimension: time, type: number, min: 0, max: 60 }
      - { id: enps, text: Recommend?, dimension: culture, type: enps }
      - { id: fun, text: Fun, dimension: culture, type: traffic_light }
    """

  static let csv = """
    respondent,team,release,cadence,stack,tools,hours,enps,fun
    r1,ads,5,Always,python,mlflow;airflow,10,10,green
    r2,ads,4,always,python,mlflow,20,9,Green
    r3,ads,4,Often,scala,airflow,30,7,yellow
    r4,ads,3,Often,python,,40,6,red
    r5,ads,2,Never,r,dvc,,8,green

    """

  @Test func likertMeanMedianDistributionTopTwoBox() throws {
    let report = try SurveyFixture(Self.yaml, files: ["responses.csv": Self.csv]).report()
    let q = try #require(report.overall?.question("release"))
    // 5+4+4+3+2 = 18, 18/5 = 3.6; sorted 2,3,4,4,5 → median 4.
    #expect(q.answered == 5)
    #expect(close(q.mean, 3.6))
    #expect(q.median == 4)
    #expect(
      q.distribution == [.init("1", 0), .init("2", 1), .init("3", 1), .init("4", 2), .init("5", 1)])
    // Top two boxes of 1–5 are 4 and 5: 4, 4, 5 → 3/5.
    #expect(close(q.topTwoBox, 0.6))
  }

  @Test func labelledScaleScoresLabelsInOrder() throws {
    let report = try SurveyFixture(Self.yaml, files: ["responses.csv": Self.csv]).report()
    let q = try #require(report.overall?.question("cadence"))
    // Always 5, always 5 (case ignored), Often 4, Often 4, Never 1: 19/5 = 3.8; median 4.
    #expect(close(q.mean, 3.8))
    #expect(q.median == 4)
    #expect(
      q.distribution == [
        .init("Never", 1), .init("Rarely", 0), .init("Sometimes", 0), .init("Often", 2),
        .init("Always", 2),
      ])
    #expect(close(q.topTwoBox, 0.8))  // 4 of 5 are Often or Always
  }

  @Test func singleAndMultipleChoiceDistributions() throws {
    let report = try SurveyFixture(Self.yaml, files: ["responses.csv": Self.csv]).report()
    let single = try #require(report.overall?.question("stack"))
    #expect(single.distribution == [.init("python", 3), .init("scala", 1), .init("r", 1)])
    #expect(single.mean == nil)
    let multiple = try #require(report.overall?.question("tools"))
    // r4 left it blank: 4 answered; mlflow r1 r2, airflow r1 r3, dvc r5.
    #expect(multiple.answered == 4)
    #expect(multiple.distribution == [.init("mlflow", 2), .init("airflow", 2), .init("dvc", 1)])
  }

  @Test func numberMeanAndMedian() throws {
    let report = try SurveyFixture(Self.yaml, files: ["responses.csv": Self.csv]).report()
    let q = try #require(report.overall?.question("hours"))
    // 10, 20, 30, 40 (r5 blank): mean 100/4 = 25, median (20+30)/2 = 25.
    #expect(q.answered == 4)
    #expect(q.mean == 25)
    #expect(q.median == 25)
  }

  @Test func enpsIsPromotersMinusDetractors() throws {
    let report = try SurveyFixture(Self.yaml, files: ["responses.csv": Self.csv]).report()
    let q = try #require(report.overall?.question("enps"))
    // 10, 9 promoters (2); 7, 8 passives; 6 detractor (1): 100 × (2 − 1) / 5 = 20.
    #expect(q.enps == 20)
    #expect(q.distribution.first { $0.label == "6" }?.count == 1)
    #expect(close(q.mean, 8))  // (10+9+7+6+8)/5 = 40/5
  }

  @Test func trafficLightsCountAndTrend() throws {
    let fixture = try SurveyFixture(Self.yaml, files: ["responses.csv": Self.csv])
    let first = try fixture.report()
    let lights = try #require(first.overall?.question("fun")?.lights)
    // green r1 r2 r5, yellow r3, red r4; score (2×3 + 1)/5 = 1.4; no previous run.
    #expect(lights.green == 3 && lights.yellow == 1 && lights.red == 1)
    #expect(close(lights.score, 1.4))
    #expect(lights.trend == nil)

    // The previous run had 1 green, 2 yellow, 2 red: (2 + 2)/5 = 0.8 → improving.
    var previous = first
    previous.overall?.questions =
      first.overall?.questions.map { q in
        var q = q
        if q.id == "fun" { q.lights = SurveyLights(green: 1, yellow: 2, red: 2) }
        return q
      } ?? []
    let second = try fixture.report(previous: previous)
    #expect(second.overall?.question("fun")?.lights?.trend == .improving)
    #expect(close(second.overall?.question("fun")?.lights?.previousScore, 0.8))
    // The same votes again: stable; a better previous run: worse.
    #expect(try fixture.report(previous: first).overall?.question("fun")?.lights?.trend == .stable)
    previous.overall?.questions =
      first.overall?.questions.map { q in
        var q = q
        if q.id == "fun" { q.lights = SurveyLights(green: 5, yellow: 0, red: 0) }
        return q
      } ?? []
    #expect(
      try fixture.report(previous: previous).overall?.question("fun")?.lights?.trend == .worse)
  }

  @Test func dimensionPoolsItsScaleQuestions() throws {
    let report = try SurveyFixture(Self.yaml, files: ["responses.csv": Self.csv]).report()
    let d = try #require(report.overall?.dimension("delivery"))
    // Weighted mean of question means: (2 × 3.6 + 1 × 3.8) / 3 = 11/3.
    #expect(close(d.mean, 11.0 / 3.0))
    // Pooled 5,4,4,3,2 and 5,5,4,4,1 → sorted 1,2,3,4,4,4,4,5,5,5: median 4.
    #expect(d.median == 4)
    #expect(d.answers == 10)
    // Top two: 3 (release) + 4 (cadence) of 10.
    #expect(close(d.topTwoBox, 0.7))
    // Likert and labelled scales differ: no pooled distribution.
    #expect(d.distribution.isEmpty)
  }
}
