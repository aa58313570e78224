import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// A hackathon playbook and its files in a scratch folder.
struct HackathonFixture {
  static let roster = """
    people:
      - {id: ana, name: Ana, team: platform}
      - {id: ben, name: Ben, team: recs}
      - {id: cai, name: Cai, team: recs}
      - {id: dee, name: Dee, team: ads}
    """

  static func playbook(extra: String = "") -> String {
    """
    steward: 1
    kind: hackathon
    name: hack
    event: {id: h1, title: Hack 1, start: 2026-09-24}
    org: {people: people.yaml, hub: platform}
    projects: projects.yaml
    judging:
      criteria: [{id: a, weight: 2}, {id: b, weight: 1}]
      scores: scores.csv
    followup: {as_of: 2026-11-30, stall_after_days: 42}
    \(extra)
    """
  }

  static let projects = """
    projects:
      - {id: p1, title: One, members: [ana, ben], status: shipped, ticket: T-1, backlog_date: 2026-10-01, shipped_date: 2026-10-20}
      - {id: p2, title: Two, members: [ben, cai], status: backlog, ticket: T-2, backlog_date: 2026-10-01}
      - {id: p3, title: Three, members: [cai, dee], status: demoed}
      - {id: p4, title: Four, members: [dee], status: dropped}
    """

  static let scores = """
    judge,project,a,b
    j1,p1,5,2
    j1,p2,3,3
    j1,p3,1,4
    j2,p1,2,2
    j2,p2,1,1
    j2,p3,1,1

    """

  let scratch: Scratch

  init(
    playbook: String = HackathonFixture.playbook(), projects: String = HackathonFixture.projects,
    scores: String = HackathonFixture.scores
  ) throws {
    scratch = try Scratch([
      "hack.yaml": playbook, "people.yaml": Self.roster, "projects.yaml": projects,
      "scores.csv": scores,
    ])
  }

  func load() throws -> HackathonPlaybook {
    let path = scratch.path("hack.yaml")
    return try HackathonPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      today: LocalDate(year: 2026, month: 11, day: 30)!)
  }

  /// The diagnostics loading fails with.
  func problems() -> [Diagnostic] {
    do {
      _ = try load()
      return []
    } catch {
      return Validator.diagnostics(of: error, file: scratch.path("hack.yaml"))
    }
  }
}

@Suite struct HackathonTests {
  @Test func crossTeamProjectsAndHubAndSpokes() throws {
    let report = HackathonReport.build(try HackathonFixture().load())
    #expect(report.projects.map(\.crossTeam) == [true, false, true, false])
    #expect(report.projects.map(\.hubAndSpoke) == [true, false, false, false])
    #expect(report.project("p3")?.teams == ["recs", "ads"])
    #expect(report.funnel.crossTeam == 2)
    #expect(
      report.participation.map { "\($0.team) \($0.participants)/\($0.headcount)" } == [
        "platform 1/1", "recs 2/2", "ads 1/1",
      ])
  }

  /// Judge j1 totals (2a + b) / 3: 4, 3, 2 → mean 3, population sd √(2/3),
  /// z = ±√(3/2), 0. Judge j2 (harsh): 2, 1, 1 → mean 4/3, sd √2/3,
  /// z = √2, −√2/2, −√2/2. Scores are the means of the two z-scores.
  @Test func judgeNormalisationMatchesHandComputedValues() throws {
    let report = HackathonReport.build(try HackathonFixture().load())
    let byProject = Dictionary(uniqueKeysWithValues: report.ranking.map { ($0.project, $0) })
    let p1 = (1.5.squareRoot() + 2.0.squareRoot()) / 2
    let p2 = -(2.0.squareRoot() / 2) / 2
    let p3 = -(1.5.squareRoot() + 2.0.squareRoot() / 2) / 2
    #expect(abs((byProject["p1"]?.score ?? 0) - p1) < 1e-12)
    #expect(abs((byProject["p2"]?.score ?? 0) - p2) < 1e-12)
    #expect(abs((byProject["p3"]?.score ?? 0) - p3) < 1e-12)
    #expect(byProject["p1"]?.byJudge.map(\.raw) == [4, 2])
    #expect(abs((byProject["p1"]?.byJudge[1].z ?? 0) - 2.0.squareRoot()) < 1e-12)
    #expect(report.ranking.map(\.project) == ["p1", "p2", "p3"])
    #expect(report.ranking.map(\.rank) == [1, 2, 3])
  }

  /// A harsh judge who scores everything one point lower than a generous
  /// one ranks the same way and weighs the same.
  @Test func aHarshJudgeWeighsTheSameAsAGenerousOne() {
    let criteria = [HackathonJudging.Criterion(id: "a", title: "a", weight: 1, min: 1, max: 5)]
    let scores = [
      ("kind", "x", 5.0), ("kind", "y", 4), ("kind", "z", 3),
      ("harsh", "x", 1), ("harsh", "y", 3), ("harsh", "z", 2),
    ].map { HackathonJudging.Score(judge: $0.0, project: $0.1, values: ["a": $0.2]) }
    let ranked = HackathonJudging.rank(scores, criteria: criteria, order: ["x", "y", "z"])
    // kind: z = 1.2247, 0, -1.2247; harsh: -1.2247, 1.2247, 0.
    #expect(ranked.map(\.project) == ["y", "x", "z"])
    #expect(abs(ranked[0].score - 1.5.squareRoot() / 2) < 1e-12)
    #expect(abs(ranked[1].score) < 1e-12)
  }

  @Test func tiesShareARankAndTheNextRankSkips() {
    let criteria = [HackathonJudging.Criterion(id: "a", title: "a", weight: 1, min: 1, max: 5)]
    let scores = [("w", 4.0), ("x", 3), ("y", 3), ("z", 1)].map {
      HackathonJudging.Score(judge: "j", project: $0.0, values: ["a": $0.1])
    }
    let ranked = HackathonJudging.rank(scores, criteria: criteria, order: ["w", "x", "y", "z"])
    #expect(ranked.map(\.rank) == [1, 2, 2, 4])
    #expect(ranked.map(\.project) == ["w", "x", "y", "z"])
  }

  @Test func aJudgeWhoGivesEveryoneTheSameScoreHasNoWeight() {
    let criteria = [HackathonJudging.Criterion(id: "a", title: "a", weight: 1, min: 1, max: 5)]
    let scores = [("flat", "x", 3.0), ("flat", "y", 3), ("j", "x", 5), ("j", "y", 1)].map {
      HackathonJudging.Score(judge: $0.0, project: $0.1, values: ["a": $0.2])
    }
    let ranked = HackathonJudging.rank(scores, criteria: criteria, order: ["x", "y"])
    #expect(ranked.map(\.score) == [0.5, -0.5])
  }

  @Test func funnelAndFollowUp() throws {
    let report = HackathonReport.build(try HackathonFixture().load())
    let f = report.funnel
    #expect([f.submitted, f.demoed, f.backlog, f.shipped, f.dropped] as [Int] == [4, 3, 2, 1, 1])
    #expect(
      report.followUp.map { "\($0.project) \($0.state.rawValue) \($0.days ?? -1)" } == [
        "p1 shipped 19", "p2 stalled 60",
      ])
  }

  @Test func theFunnelAcrossHackathonsComesFromTheHistory() throws {
    let store = InMemoryHistoryStore()
    let context = RunContext(history: store)
    let first = try HackathonFixture().load()
    let started = Date(timeIntervalSince1970: 1_790_000_000)
    try HackathonRecorder.record(
      HackathonReport.build(first), playbook: first, startedAt: started, duration: 0.1,
      in: context)
    // A later hackathon: another event id, fewer projects.
    let second = try HackathonFixture(
      playbook: HackathonFixture.playbook().replacingOccurrences(of: "id: h1", with: "id: h2"),
      projects: """
        projects:
          - {id: p1, title: One, members: [ana, ben], status: demoed}
          - {id: p2, title: Two, members: [ben, cai], status: demoed}
          - {id: p3, title: Three, members: [cai, dee], status: idea}
        """
    ).load()
    let earlier = try HackathonRecorder.history(in: store)
    #expect(earlier.map(\.event) == ["h1"])
    let report = HackathonReport.build(second, earlier: earlier)
    #expect(report.history.map(\.event) == ["h1", "h2"])
    #expect(report.history.map(\.funnel.submitted) == [4, 3])
    #expect(report.history.map(\.funnel.backlog) == [2, 0])
    try HackathonRecorder.record(
      report, playbook: second, startedAt: started.addingTimeInterval(60), duration: 0.1,
      in: context)
    // Running the first hackathon again replaces it, it does not add a third.
    try HackathonRecorder.record(
      HackathonReport.build(first), playbook: first, startedAt: started.addingTimeInterval(120),
      duration: 0.1, in: context)
    #expect(try HackathonRecorder.history(in: store).map(\.event) == ["h2", "h1"])
  }

  @Test func aMemberNotInTheOrgFileIsAnErrorAtTheMember() throws {
    let projects = HackathonFixture.projects.replacingOccurrences(
      of: "members: [cai, dee]", with: "members: [cai, deee]")
    let problems = try HackathonFixture(projects: projects).problems()
    #expect(problems.count == 1)
    let d = try #require(problems.first)
    #expect(d.code == "H015")
    #expect(d.mark.file.hasSuffix("projects.yaml"))
    #expect(d.mark.line == 4 && d.mark.column == 43)
    #expect(d.message.contains("\"deee\" is not in the org file") && d.message.contains("\"dee\"?"))
  }

  @Test func aJudgeScoringAnUnknownProjectIsAnErrorAtTheCell() throws {
    let scores = HackathonFixture.scores + "j2,p9,1,1\n"
    let problems = try HackathonFixture(scores: scores).problems()
    let d = try #require(problems.first)
    #expect(problems.count == 1)
    #expect(d.code == "H019")
    #expect(d.mark.file.hasSuffix("scores.csv") && d.mark.line == 8 && d.mark.column == 4)
    #expect(d.message.contains("judge j2 scores project \"p9\""))
  }

  @Test func thePlaybookCanTurnBadInputIntoWarnings() throws {
    let fixture = try HackathonFixture(
      playbook: HackathonFixture.playbook(extra: "on_bad_input: warn"),
      projects: HackathonFixture.projects.replacingOccurrences(
        of: "members: [cai, dee]", with: "members: [cai, zed]"),
      scores: HackathonFixture.scores + "j2,p9,1,1\n")
    let playbook = try fixture.load()
    #expect(playbook.warnings.map(\.code) == ["H015", "H019"])
    #expect(playbook.warnings.allSatisfy { $0.severity == .warning })
    #expect(playbook.projects.first { $0.id == "p3" }?.members == ["cai"])
  }

  @Test func aDateThatDoesNotParseIsAnErrorAtTheDate() throws {
    let problems = try HackathonFixture(
      projects: HackathonFixture.projects.replacingOccurrences(
        of: "backlog_date: 2026-10-01, shipped", with: "backlog_date: 1 Oct 2026, shipped")
    ).problems()
    let d = try #require(problems.first)
    #expect(d.code == "H004")
    #expect(d.mark.line == 2)
    #expect(d.message.contains("\"1 Oct 2026\" is not a date"))
  }

  @Test func scoresOutsideTheScaleAndUnknownColumnsAreErrors() throws {
    let problems = try HackathonFixture(scores: HackathonFixture.scores + "j2,p4,7,1\n").problems()
    #expect(problems.map(\.code) == ["H018"])
    #expect(problems.first?.message.contains("a 7 is outside 1…5") ?? false)
    let columns = try HackathonFixture(scores: "judge,project,a,c\nj1,p1,1,1\n").problems()
    #expect(columns.map(\.code) == ["H017", "H017"])
  }

  @Test func theStreamRecHackathonHasSevenCrossTeamProjectsAndTwoInTheBacklog() throws {
    let path = Scratch.packageRoot.appendingPathComponent("Playbooks/quarterly-hackathon.yaml").path
    let playbook = try HackathonPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      today: LocalDate(year: 2026, month: 11, day: 30)!)
    let report = HackathonReport.build(playbook)
    #expect(report.funnel.crossTeam == 7)
    #expect(report.funnel.backlog == 2)
    #expect(report.followUp.map(\.state) == [.shipped, .stalled])
    #expect(report.warnings.isEmpty)
    let json = HackathonReporter.render(report, format: "json")
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    #expect(object?["schema_version"] as? Int == 1)
    #expect((object?["funnel"] as? [String: Any])?["cross_team"] as? Int == 7)
    #expect(
      HackathonReporter.render(report, format: "markdown").contains("| Feature store for ads"))
  }
}
