import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// Maturity levels: cumulative criteria, weighted thresholds, a Lua scorer.
@Suite struct SurveyLevelTests {
  static let rules = """
    steward: 1
    kind: survey
    name: mlops
    responses: { file: r.csv, metadata: [team] }
    groups: [team]
    min_group_size: 2
    questions:
      - { id: data_pipeline, text: a, dimension: creation, type: likert }
      - { id: tracked, text: b, dimension: creation, type: likert }
      - { id: cicd, text: c, dimension: release, type: likert }
      - { id: retrain, text: d, dimension: release, type: likert }
    levels:
      - { id: "0", title: No MLOps }
      - { id: "1", criteria: [{ question: data_pipeline, min: 3.5, label: automatic data pipeline }] }
      - { id: "2", criteria: [{ question: tracked, min: 3.5 }] }
      - { id: "3", criteria: [{ question: cicd, measure: top_two_box, min: 0.5 }] }
      - { id: "4", criteria: [{ questions: [retrain, cicd], min: 4 }] }
    """
  static let csv = """
    respondent,team,data_pipeline,tracked,cicd,retrain
    a1,ads,4,2,5,3
    a2,ads,5,3,4,3
    s1,search,5,5,5,5
    s2,search,4,4,4,4

    """

  @Test func meetingLevelThreeButNotTwoStaysAtOne() throws {
    let report = try SurveyFixture(Self.rules, files: ["r.csv": Self.csv]).report()
    let ads = try #require(report.group("team", "ads")?.level)
    // data_pipeline (4+5)/2 = 4.5 ≥ 3.5: level 1 met.
    // tracked (2+3)/2 = 2.5 < 3.5: level 2 not met.
    // cicd top two: 5 and 4 → 2/2 = 100% ≥ 50%: level 3 met, but cumulative.
    #expect(ads.level == "1")
    #expect(ads.next == "2")
    #expect(ads.missing == ["mean of tracked ≥ 3.5 (is 2.5)"])
  }

  @Test func everyLevelMetReachesTheTop() throws {
    let report = try SurveyFixture(Self.rules, files: ["r.csv": Self.csv]).report()
    let search = try #require(report.group("team", "search")?.level)
    // 4.5, 4.5, 100%, and pooled retrain+cicd 5,4,5,4 → 18/4 = 4.5 ≥ 4.
    #expect(search.level == "4")
    #expect(search.next == nil)
    #expect(search.missing.isEmpty)
    let all = try #require(report.overall?.level)
    // Everyone: tracked 2,3,5,4 → 14/4 = 3.5 ≥ 3.5 (the threshold is inclusive);
    // pooled retrain 3,3,5,4 and cicd 5,4,5,4 → 33/8 = 4.125 ≥ 4.
    #expect(all.level == "4")
  }

  @Test func belowTheFirstLevelNamesItsCriteria() throws {
    let yaml = Self.rules.replacingOccurrences(
      of: "  - { id: \"0\", title: No MLOps }\n", with: "")
    let csv = "respondent,team,data_pipeline,tracked,cicd,retrain\nx,ads,1,1,1,1\ny,ads,2,,1,1\n"
    let report = try SurveyFixture(yaml, files: ["r.csv": csv]).report()
    let level = try #require(report.group("team", "ads")?.level)
    // data_pipeline (1+2)/2 = 1.5 < 3.5.
    #expect(level.level == nil)
    #expect(level.next == "1")
    #expect(level.missing == ["automatic data pipeline (is 1.5)"])
  }

  @Test func weightedThresholds() throws {
    let yaml = """
      steward: 1
      kind: survey
      name: exp
      responses: e.csv
      min_group_size: 3
      questions:
        - { id: platform, text: p, dimension: platform, type: likert, weight: 2 }
        - { id: self_serve, text: s, dimension: teams, type: likert }
      levels:
        - { id: crawl, min_score: 1 }
        - { id: walk, min_score: 2.5 }
        - { id: run, min_score: 3.5 }
        - { id: fly, min_score: 4.5 }
      """
    let csv = "respondent,platform,self_serve\np1,4,2\np2,3,3\np3,4,4\n"
    let report = try SurveyFixture(yaml, files: ["e.csv": csv]).report()
    let level = try #require(report.overall?.level)
    // platform (4+3+4)/3 = 11/3, self_serve (2+3+4)/3 = 3;
    // (2 × 11/3 + 1 × 3) / 3 = (22/3 + 9/3) / 3 = 31/9 ≈ 3.444: walk (2.5 ≤ 3.444 < 3.5).
    #expect(report.method == "weighted")
    #expect(close(level.score, 31.0 / 9.0))
    #expect(level.level == "walk")
    #expect(level.next == "run")
    #expect(level.missing == ["weighted score ≥ 3.5 (is 3.44)"])
  }

  @Test func weightedCutoffsMustRise() {
    let yaml = """
      steward: 1
      kind: survey
      name: exp
      responses: e.csv
      questions: [{ id: q, text: q, dimension: d, type: likert }]
      levels: [{ id: a, min_score: 3 }, { id: b, min_score: 2 }, { id: c }]
      """
    let problems = SurveyFixture.problems { _ = try SurveyFixture(yaml) }
    #expect(problems.map(\.code) == ["Q016", "Q015"])
  }

  @Test func luaScorer() throws {
    let plugin = """
      local p = steward.plugin{ name = "health", version = "1.0" }
      p:scorer{
        id = "enps_band",
        run = function(group, params)
          for _, q in ipairs(group.questions) do
            if q.id == "enps" and q.enps ~= nil and q.enps >= params.healthy then
              return { level = "healthy", score = q.enps }
            end
          end
          return { level = "at_risk", missing = { "eNPS of at least " .. params.healthy } }
        end,
      }
      p:scorer{ id = "broken", run = function(group) return { level = "nope" } end }
      return p
      """
    let yaml = """
      steward: 1
      kind: survey
      name: health
      plugins: [health.lua]
      responses: { file: r.csv, metadata: [team] }
      groups: [team]
      min_group_size: 2
      questions: [{ id: enps, text: e, dimension: culture, type: enps }]
      levels: [{ id: at_risk }, { id: healthy }]
      scoring: { use: health.enps_band, params: { healthy: 10 } }
      """
    // ads: 10, 9 → 100 × 2/2 = 100; search: 9, 3 → 100 × (1 − 1)/2 = 0.
    let csv = "respondent,team,enps\na,ads,10\nb,ads,9\nc,search,9\nd,search,3\n"
    let report = try SurveyFixture(yaml, files: ["r.csv": csv, "health.lua": plugin]).report()
    #expect(report.method == "lua:health.enps_band")
    #expect(report.group("team", "ads")?.level?.level == "healthy")
    #expect(report.group("team", "ads")?.level?.score == 100)
    let search = try #require(report.group("team", "search")?.level)
    #expect(search.level == "at_risk")
    #expect(search.next == "healthy")
    #expect(search.missing == ["eNPS of at least 10"])

    let broken = yaml.replacingOccurrences(of: "health.enps_band", with: "health.broken")
    let bad = try SurveyFixture(broken, files: ["r.csv": csv, "health.lua": plugin]).report()
    #expect(bad.overall?.level?.error?.contains("does not declare") == true)

    let missing = yaml.replacingOccurrences(of: "health.enps_band", with: "health.nothing")
    let problems = SurveyFixture.problems {
      _ = try SurveyFixture(missing, files: ["r.csv": csv, "health.lua": plugin])
    }
    #expect(problems.map(\.code) == ["Q017"])
  }

  @Test func ladderRules() {
    #expect(MaturityLadder.cumulative(met: [[], [true], [false], [true]]) == 1)
    #expect(MaturityLadder.cumulative(met: [[false], [true]]) == nil)
    #expect(MaturityLadder.cutoff(score: 3.5, cutoffs: [1, 2.5, 3.5]) == 2)
    #expect(MaturityLadder.cutoff(score: 0.5, cutoffs: [1, 2.5]) == nil)
  }
}
