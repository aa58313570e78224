import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// Every `yaml` example of docs/survey.md loads and scores, with the `csv`
/// block after it as its responses and the `lua` block as its plugin.
@Suite struct SurveyDocsTests {
  static func blocks() throws -> [(language: String, text: String)] {
    try DocBlocks.read("docs/survey.md").map { ($0.info, $0.text) }
  }

  @Test func everyExampleScores() throws {
    let blocks = try Self.blocks()
    var scored = 0
    for (i, block) in blocks.enumerated() where block.language == "yaml" {
      let csv = try #require(blocks[(i + 1)...].first { $0.language == "csv" }?.text)
      let file = try #require(
        block.text.split(separator: "\n").first { $0.contains(".csv") }?
          .split(whereSeparator: { " :#".contains($0) }).first { $0.hasSuffix(".csv") })
      let report = try SurveyFixture(block.text, files: [String(file): csv]).report()
      #expect(report.respondents > 0)
      #expect(report.overall != nil)
      scored += 1
    }
    #expect(scored == 4)
  }

  @Test func rosterExampleHasTheDocumentedRates() throws {
    let blocks = try Self.blocks()
    let i = try #require(blocks.firstIndex { $0.language == "yaml" && $0.text.contains("roster:") })
    let csv = try #require(blocks[(i + 1)...].first { $0.language == "csv" }?.text)
    let report = try SurveyFixture(blocks[i].text, files: ["pulse.csv": csv]).report()
    let groups = report.groupings[0].groups
    #expect(groups.map(\.name) == ["ads", "search"])
    #expect(groups.map(\.responseRate) == [0.6, 0.75])
    #expect(groups.map { $0.level?.level } == ["high", "high"])
  }

  @Test func luaExampleScores() throws {
    let lua = try #require(try Self.blocks().first { $0.language == "lua" }?.text)
    let yaml = """
      steward: 1
      kind: survey
      name: health
      plugins: [health.lua]
      responses: r.csv
      min_group_size: 1
      questions: [{ id: enps, text: e, dimension: culture, type: enps }]
      levels: [{ id: at_risk }, { id: healthy }]
      scoring: { use: health.enps_band, params: { healthy: 30 } }
      """
    // 10, 9, 7: 100 × 2/3 ≈ 66.7 ≥ 30.
    let report = try SurveyFixture(
      yaml, files: ["r.csv": "respondent,enps\na,10\nb,9\nc,7\n", "health.lua": lua]
    ).report()
    #expect(report.overall?.level?.level == "healthy")
  }

  @Test func teamHealthExampleHasTheDocumentedNumbers() throws {
    let blocks = try Self.blocks()
    let yaml = try #require(blocks.first { $0.language == "yaml" }?.text)
    let csv = try #require(blocks.first { $0.language == "csv" }?.text)
    let report = try SurveyFixture(yaml, files: ["team-health.csv": csv]).report()
    // search (1) folds into other, which is too small (1 < 5); reporting ads
    // (5) beside everyone (6) would give search by subtraction, so ads joins
    // other: only other (6) is reported, and nobody is suppressed.
    #expect(report.groupings[0].groups.map(\.name) == ["other"])
    #expect(report.groupings[0].groups.map(\.respondents) == [6])
    #expect(report.groupings[0].joinedOther == ["ads"])
    #expect(report.groupings[0].suppressed == 0)
    // eNPS of everyone: 10, 9 promoters; 7, 8 passives; 6, 3 detractors → 0.
    #expect(report.overall?.question("enps")?.enps == 0)
  }
}
