import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// Everyone minus the reported groups must never isolate respondents the
/// anonymity rule hid, in any format or in the stored rows.
@Suite struct SurveyDifferencingTests {
  static let yaml = """
    steward: 1
    kind: survey
    name: diff
    responses: { file: r.csv, metadata: [team] }
    groups: [team]
    questions:
      - { id: q, text: q, dimension: d, type: likert }
    """

  static func csv(_ teams: [(String, Int)], answer: (Int) -> Int = { 1 + $0 % 5 }) -> String {
    var lines = ["respondent,team,q"]
    var n = 0
    for (team, count) in teams {
      for _ in 0..<count {
        n += 1
        lines.append("r\(n),\(team),\(answer(n))")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test func aLoneSmallTeamTakesTheSmallestReportedTeamWithIt() throws {
    // big 7, mid 5, solo 1 (answers 5): without the rule, everyone (13) minus
    // big and mid would be solo's answer. mid, the smallest, joins other.
    let fixture = try SurveyFixture(
      Self.yaml,
      files: ["r.csv": Self.csv([("big", 7), ("mid", 5), ("solo", 1)]) { $0 == 13 ? 5 : 1 }])
    let report = try fixture.report()
    let teams = report.groupings[0]
    #expect(teams.groups.map(\.name) == ["big", "other"])
    #expect(teams.groups.map(\.respondents) == [7, 6])
    #expect(teams.joinedOther == ["mid"])
    #expect(teams.suppressed == 0)
    // other: mid's five 1s and solo's 5 → mean 10/6.
    #expect(close(teams.groups[1].dimension("d")?.mean, 10.0 / 6.0))
    let outputs = [
      SurveyTextReporter().render(report), SurveyMarkdownReporter().render(report),
      SurveyJSONReporter().render(report),
    ]
    for output in outputs {
      #expect(!output.contains("solo"))
      #expect(!output.contains("== team: mid") && !output.contains("### mid"))
      #expect(!output.contains("\"name\": \"mid\""))
    }
    let store = InMemoryHistoryStore()
    try SurveyRecorder.record(
      report, playbook: fixture.playbook, startedAt: Date(), duration: 0,
      in: RunContext(history: store))
    let run = try #require(try store.runs(playbook: "diff", limit: 1).first)
    let rows = try store.results(ofRun: try #require(run.id))
    #expect(Set(rows.map(\.subject)) == ["survey", "all", "team=big", "team=other"])
    #expect(!run.metrics.contains { $0.name.contains("solo") || $0.name.contains("mid") })
  }

  @Test func onATieTheLaterNameJoins() throws {
    let report = try SurveyFixture(
      Self.yaml, files: ["r.csv": Self.csv([("alpha", 5), ("beta", 5), ("solo", 2)])]
    ).report()
    #expect(report.groupings[0].groups.map(\.name) == ["alpha", "other"])
    #expect(report.groupings[0].joinedOther == ["beta"])
  }

  @Test(arguments: 0..<200)
  func subtractionNeverIsolatesASmallGroup(seed: Int) throws {
    // Team sizes from a fixed generator: 1–4 teams of 1–9 respondents.
    var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    let teams = (0..<(1 + next(4))).map { ("t\($0)", 1 + next(9)) }
    let report = try SurveyFixture(Self.yaml, files: ["r.csv": Self.csv(teams)]).report()
    let total = teams.reduce(0) { $0 + $1.1 }
    let grouping = report.groupings[0]
    for group in grouping.groups { #expect(group.respondents >= 5) }
    if report.overall != nil {
      // Everyone is reported, so the reported groups must cover everyone:
      // what subtraction leaves is empty.
      #expect(grouping.groups.reduce(0) { $0 + $1.respondents } == total)
      #expect(grouping.suppressed == 0)
    } else {
      #expect(grouping.groups.isEmpty)
    }
  }
}
