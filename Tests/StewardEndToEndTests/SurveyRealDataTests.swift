import Foundation
import GRDB
import StewardEngine
import Testing

/// Surveys as a people lead runs them, on messy CSV files (issue 17): a
/// roster, anonymity per question, a missing column, cut-offs on the line.
@Suite struct SurveyRealDataTests {
  static func json(_ text: String) throws -> [String: Any] { try StreamRecSurveyTests.json(text) }

  static func teams(_ report: [String: Any]) -> [String: [String: Any]] {
    StreamRecSurveyTests.teams(report)
  }

  static func level(_ group: [String: Any]?) -> [String: Any] {
    group?["level"] as? [String: Any] ?? [:]
  }

  /// Every row of every table of the SQLite file at `path`, as text.
  static func dump(_ path: String) throws -> String {
    let queue = try DatabaseQueue(path: path)
    return try queue.read { db in
      var out = ""
      let tables = try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
      for table in tables {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
          out += table + ": " + row.databaseValues.map(Self.text).joined(separator: " | ") + "\n"
        }
      }
      return out
    }
  }

  static func text(_ value: DatabaseValue) -> String {
    String.fromDatabaseValue(value) ?? Double.fromDatabaseValue(value).map { "\($0)" }
      ?? "\(value)"
  }

  // MARK: 1. A roster

  static let rosterPlaybook = """
    steward: 1
    kind: survey
    name: pulse
    responses: { file: r.csv, metadata: [team] }
    groups: [team]
    min_group_size: 5
    roster:
      min_response_rate: 0.6
      teams:
        search: 7
        ads: { headcount: 10, people: [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10] }
    questions:
      - { id: flow, text: Work flows, dimension: delivery, type: likert }
    levels:
      - { id: low }
      - id: high
        criteria: [{ question: flow, min: 3 }]
    """

  static func rows(_ team: String, _ ids: [String], _ answer: String) -> String {
    ids.map { "\($0),\(team),\(answer)\n" }.joined()
  }

  @Test func aMistypedTeamIsAnErrorWithADidYouMean() throws {
    let csv =
      "respondent,team,flow\n" + Self.rows("search", ["s1", "s2", "s3", "s4"], "4")
      + "s5,serch,4\n" + Self.rows("ads", ["a1", "a2", "a3", "a4", "a5", "a6"], "4")
    let dir = try StewardBinary.scratch(["pulse.yaml": Self.rosterPlaybook, "r.csv": csv])
    let r = try StewardBinary.run(["run", "pulse.yaml", "--store", "h.sqlite"], in: dir)
    #expect(r.status == 2, "\(r.stdout)")
    #expect(r.stderr.contains("r.csv:6:4: error: unknown team \"serch\""), "\(r.stderr)")
    #expect(r.stderr.contains("did you mean \"search\"?") && r.stderr.contains("[Q110]"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.sqlite").path))
    // Under on_bad_response: drop too: dropping the row would still hide a team member.
    let dropping = Self.rosterPlaybook.replacingOccurrences(
      of: "groups: [team]", with: "groups: [team]\non_bad_response: drop")
    try Data(dropping.utf8).write(to: dir.appendingPathComponent("pulse.yaml"))
    #expect(try StewardBinary.run(["run", "pulse.yaml", "--no-record"], in: dir).status == 2)
  }

  /// A team whose roster lists its people takes answers from them only: a
  /// stranger would count towards its response rate (independent review).
  @Test func someoneNotListedForATeamIsAnError() throws {
    let csv =
      "respondent,team,flow\n" + Self.rows("search", ["s1", "s2", "s3", "s4", "s5"], "4")
      + Self.rows("ads", ["a1", "a2", "a3", "a4", "a5"], "4") + "z9,ads,3\n"
    let dir = try StewardBinary.scratch(["pulse.yaml": Self.rosterPlaybook, "r.csv": csv])
    let r = try StewardBinary.run(["run", "pulse.yaml", "--no-record"], in: dir)
    #expect(r.status == 2, "\(r.stdout)")
    #expect(r.stderr.contains("respondent \"z9\" answered for team \"ads\""), "\(r.stderr)")
    #expect(r.stderr.contains("[Q115]"))
  }

  @Test func eachTeamShowsItsResponseRateAndALowRateGetsNoLevel() throws {
    // search: 5 of 7 (71%); ads: 5 of 10 (50%, under the roster's 60%).
    let csv =
      "respondent,team,flow\n" + Self.rows("search", ["s1", "s2", "s3", "s4", "s5"], "4")
      + Self.rows("", ["a1", "a2", "a3", "a4", "a5"], "4")
    let dir = try StewardBinary.scratch(["pulse.yaml": Self.rosterPlaybook, "r.csv": csv])
    let text = try StewardBinary.run(["run", "pulse.yaml", "--no-record"], in: dir)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("respondents: 5 of 7 (71.4% responded)"), "\(text.stdout)")
    #expect(text.stdout.contains("respondents: 5 of 10 (50% responded)"))
    #expect(text.stdout.contains("level: unknown (not enough answers: 50% of the team answered"))
    let json = try Self.json(
      try StewardBinary.run(["run", "pulse.yaml", "--no-record", "--format", "json"], in: dir)
        .stdout)
    let teams = Self.teams(json)
    // The blank team cells of a1…a5 come from the roster's people.
    #expect(teams["ads"]?["headcount"] as? Int == 10)
    #expect(teams["ads"]?["response_rate"] as? Double == 0.5)
    #expect(Self.level(teams["ads"])["level"] is NSNull)
    #expect(Self.level(teams["search"])["level"] as? String == "high")
  }

  @Test func theRosterCanBeAFileOfItsOwn() throws {
    let playbook = Self.rosterPlaybook.replacingOccurrences(
      of: """
        roster:
          min_response_rate: 0.6
          teams:
            search: 7
            ads: { headcount: 10, people: [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10] }
        """, with: "roster: roster.yaml")
    let roster = "teams:\n  search: 4\n  ads: 6\n"
    let csv =
      "respondent,team,flow\n" + Self.rows("search", ["s1", "s2", "s3", "s4", "s5"], "4")
      + Self.rows("ads", ["a1", "a2", "a3", "a4", "a5"], "4")
    let dir = try StewardBinary.scratch([
      "pulse.yaml": playbook, "roster.yaml": roster, "r.csv": csv,
    ])
    let r = try StewardBinary.run(["run", "pulse.yaml", "--no-record"], in: dir)
    // Five people of search answered, but the roster says it has four.
    #expect(r.status == 2)
    #expect(r.stderr.contains("5 people of search answered, more than its headcount of 4"))
    try Data("teams:\n  search: 5\n  ads: 6\n".utf8).write(
      to: dir.appendingPathComponent("roster.yaml"))
    let ok = try StewardBinary.run(["run", "pulse.yaml", "--no-record"], in: dir)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.contains("respondents: 5 of 6 (83.3% responded)"))
  }

  // MARK: 2. Anonymity per question

  static let pulsePlaybook = """
    steward: 1
    kind: survey
    name: pulse
    responses: { file: r.csv, metadata: [team] }
    groups: [team]
    min_group_size: 5
    questions:
      - { id: flow, text: Work flows, dimension: delivery, type: likert }
      - { id: enps, text: Recommend the team?, dimension: culture, type: enps }
      - { id: comment, text: Anything else?, dimension: culture, type: text }
    """

  /// search has 7 respondents; only s7 answered eNPS (3: eNPS −100) and
  /// wrote a comment. ads' six all answered eNPS with 9 or 10.
  static let pulseCSV = """
    respondent,team,flow,enps,comment
    s1,search,4,,
    s2,search,4,,
    s3,search,3,,
    s4,search,5,,
    s5,search,4,,
    s6,search,2,,
    s7,search,3,3,My manager ignores the on-call rota
    a1,ads,4,9,
    a2,ads,4,10,
    a3,ads,5,9,
    a4,ads,3,10,
    a5,ads,4,9,
    a6,ads,4,10,

    """

  @Test func oneAnswerToAQuestionIsShownNowhere() throws {
    let dir = try StewardBinary.scratch(["pulse.yaml": Self.pulsePlaybook, "r.csv": Self.pulseCSV])
    var outputs: [String: String] = [:]
    for format in ["text", "markdown", "json", "html"] {
      let r = try StewardBinary.run(
        ["run", "pulse.yaml", "--format", format, "--store", "h.sqlite"], in: dir)
      #expect(r.status == 0, "\(format): \(r.stderr)")
      outputs[format] = r.stdout + r.stderr
    }
    outputs["store"] = try Self.dump(dir.appendingPathComponent("h.sqlite").path)
    #expect(outputs["store"]?.contains("team=search") == true)
    for (name, output) in outputs {
      #expect(!output.contains("-100"), "\(name) shows search's eNPS")
      #expect(!output.contains("on-call rota"), "\(name) shows s7's comment")
      #expect(!output.contains("n=1;"), "\(name) shows how many answered")
    }
    // Differencing: everyone's 7 eNPS answers minus ads' 6 would give s7's,
    // so ads' eNPS is hidden too; everyone's (7 answers) is shown.
    let json = try Self.json(
      try StewardBinary.run(["run", "pulse.yaml", "--format", "json", "--no-record"], in: dir)
        .stdout)
    let teams = Self.teams(json)
    func enps(_ group: [String: Any]?) -> [String: Any] {
      (group?["questions"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "enps" } ?? [:]
    }
    #expect(enps(teams["search"])["hidden"] as? Bool == true)
    #expect(enps(teams["ads"])["hidden"] as? Bool == true)
    #expect(enps(json["overall"] as? [String: Any])["answered"] as? Int == 7)
    #expect(outputs["text"]?.contains("enps [enps] not shown: too few answers") == true)
  }

  // MARK: 3. A missing column

  static let ladderPlaybook = """
    steward: 1
    kind: survey
    name: ladder
    responses: { file: r.csv, metadata: [team, date] }
    groups: [team]
    min_group_size: 5
    questions:
      - { id: pipeline, text: Data comes by pipeline, dimension: build, type: likert }
      - { id: cicd, text: Releases go through CI/CD, dimension: release, type: likert }
    levels:
      - { id: "0" }
      - id: "1"
        criteria: [{ question: pipeline, min: 3.5 }]
      - id: "2"
        criteria: [{ question: cicd, min: 3.5 }]
    """

  static func ladderCSV(month: String, cicd: (String) -> String) -> String {
    var out = "respondent,team,date,pipeline,cicd\n"
    for team in ["ads", "search"] {
      for i in 1...5 { out += "\(team)\(i),\(team),\(month)-10,4,\(cicd(team))\n" }
    }
    return out
  }

  @Test func aMissingColumnThatALevelNeedsIsAnError() throws {
    let csv =
      "respondent,team,date,pipeline,ci_cd\n"
      + (1...5).map { "a\($0),ads,2026-11-02,4,4\n" }
      .joined()
    let dir = try StewardBinary.scratch(["ladder.yaml": Self.ladderPlaybook, "r.csv": csv])
    let r = try StewardBinary.run(["run", "ladder.yaml", "--store", "h.sqlite"], in: dir)
    #expect(r.status == 2, "\(r.stdout)")
    #expect(
      r.stderr.contains("no column for question \"cicd\", which a level needs"), "\(r.stderr)")
    #expect(r.stderr.contains("[Q104]"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.sqlite").path))
  }

  @Test func aCriterionNobodyAnsweredIsUnknownNeverZero() throws {
    let before = Self.ladderCSV(month: "2026-10") { _ in "4" }
    // In November nobody in search answered cicd: its level is unknown
    // (at least 1), not a fall from 2 to 1.
    let after = Self.ladderCSV(month: "2026-11") { $0 == "search" ? "" : "4" }
    let dir = try StewardBinary.scratch([
      "ladder.yaml": Self.ladderPlaybook, "oct.csv": before, "nov.csv": after,
    ])
    let store = "h.sqlite"
    let first = try StewardBinary.run(
      ["run", "ladder.yaml", "--store", store, "--input", "responses=oct.csv"], in: dir)
    #expect(first.status == 0, "\(first.stderr)")
    let r = try StewardBinary.run(
      ["run", "ladder.yaml", "--store", store, "--input", "responses=nov.csv", "--format", "json"],
      in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let search = Self.teams(try Self.json(r.stdout))["search"]
    #expect(Self.level(search)["level"] is NSNull)
    #expect(Self.level(search)["unknown"] as? String == "nobody answered cicd")
    #expect(Self.level(search)["at_least"] as? String == "1")
    #expect((search?["trend"] as? [String: Any])?["level_move"] is NSNull)
    let dump = try Self.dump(dir.appendingPathComponent(store).path)
    #expect(dump.contains("team=search | level | unknown"), "\(dump)")
    let runs = try SQLiteHistoryStore(path: dir.appendingPathComponent(store).path)
      .runs(playbook: "ladder", limit: nil)
    #expect(runs.first?.metric("team=search/level") == nil)
    #expect(runs.last?.metric("team=search/level") == 2)
  }

  // MARK: 4. Waves by period

  @Test func wavesAreComparedByPeriodNotByRun() throws {
    // October: search misses CI/CD (level 1); November: everyone at 2.
    let oct = Self.ladderCSV(month: "2026-10") { $0 == "search" ? "3" : "4" }
    let nov = Self.ladderCSV(month: "2026-11") { _ in "4" }
    let dir = try StewardBinary.scratch([
      "ladder.yaml": Self.ladderPlaybook, "oct.csv": oct, "nov.csv": nov,
    ])
    func run(_ file: String, _ format: String = "text") throws -> StewardBinary.Result {
      let r = try StewardBinary.run(
        [
          "run", "ladder.yaml", "--store", "h.sqlite", "--input", "responses=\(file)",
          "--format", format,
        ], in: dir)
      #expect(r.status == 0, "\(r.stderr)")
      return r
    }
    // November first, then October, recorded late: October has nothing
    // before it, so no "down".
    #expect(try run("nov.csv").stdout.contains("period: 2026-11 (no earlier period recorded)"))
    let late = try run("oct.csv").stdout
    #expect(late.contains("period: 2026-10 (no earlier period recorded)"), "\(late)")
    #expect(!late.contains("(down)") && !late.contains("trend:"))
    // November again, in another format: compared with October, not with itself.
    let again = try run("nov.csv", "markdown").stdout
    #expect(again.contains("trend: 2026-11 compared with 2026-10 (run "), "\(again)")
    #expect(again.contains("level 1 → 2 (up)"))
    let json = try Self.json(try run("nov.csv", "json").stdout)
    #expect(json["period"] as? String == "2026-11")
    #expect((json["previous_run"] as? [String: Any])?["period"] as? String == "2026-10")
    // Re-running a period replaces its run: one run per period.
    let store = try SQLiteHistoryStore(path: dir.appendingPathComponent("h.sqlite").path)
    #expect(try store.runs(playbook: "ladder", limit: nil).count == 2)
  }

  @Test func thePeriodCanBeGivenAndIsChecked() throws {
    let undated = Self.ladderPlaybook.replacingOccurrences(
      of: "metadata: [team, date]", with: "metadata: [team]")
    let csv = "respondent,team,pipeline,cicd\n" + (1...5).map { "a\($0),ads,4,4\n" }.joined()
    let spread =
      "respondent,team,date,pipeline,cicd\n"
      + ["2026-09-30", "2026-10-01", "2026-11-02", "2026-11-03", "2026-11-04"].enumerated().map {
        "a\($0.offset),ads,\($0.element),4,4\n"
      }.joined()
    let dir = try StewardBinary.scratch([
      "undated.yaml": undated, "ladder.yaml": Self.ladderPlaybook, "r.csv": csv,
      "spread.csv": spread,
    ])
    let given = try StewardBinary.run(
      ["run", "undated.yaml", "--no-record", "--period", "2026-12"], in: dir)
    #expect(given.status == 0, "\(given.stderr)")
    #expect(given.stdout.contains("period: 2026-12"))
    let bad = try StewardBinary.run(
      ["run", "undated.yaml", "--no-record", "--period", "2026-13"], in: dir)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("--period takes a month as YYYY-MM (2026-11), found \"2026-13\""))
    // Dates over three months are more than one wave.
    let r = try StewardBinary.run(
      ["run", "ladder.yaml", "--no-record", "--input", "responses=spread.csv"], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("run from 2026-09 to 2026-11: more than one wave"), "\(r.stderr)")
    #expect(r.stderr.contains("[Q114]"))
  }

  // MARK: 5. Cut-offs on the line

  static func weightedPlaybook(_ w1: String, _ w2: String, cutoff: String) -> String {
    """
    steward: 1
    kind: survey
    name: weighted
    responses: r.csv
    min_group_size: 5
    questions:
      - { id: a, text: A, dimension: d, type: likert, weight: \(w1) }
      - { id: b, text: B, dimension: d, type: likert, weight: \(w2) }
    levels:
      - { id: below, min_score: 1 }
      - { id: on, min_score: \(cutoff) }
    """
  }

  @Test(arguments: [
    // Weights 3 and 1: means 1.2 and 1.6 give exactly 1.3, computed as 1.2999999999999998.
    ("3", "1", "1.3", "1,1,1,1,2", "1,2,2,2,1"),
    // Weights 0.1 and 0.2 (their sum is not 0.3 in binary): means 2 and 5 give exactly 4.
    ("0.1", "0.2", "4", "2,2,2,2,2", "5,5,5,5,5"),
  ])
  func aScoreExactlyOnACutOffReachesIt(
    w1: String, w2: String, cutoff: String, a: String, b: String
  ) throws {
    let (xs, ys) = (a.split(separator: ","), b.split(separator: ","))
    let csv = "respondent,a,b\n" + (0..<5).map { "r\($0),\(xs[$0]),\(ys[$0])\n" }.joined()
    let dir = try StewardBinary.scratch([
      "w.yaml": Self.weightedPlaybook(w1, w2, cutoff: cutoff), "r.csv": csv,
    ])
    let r = try StewardBinary.run(["run", "w.yaml", "--no-record", "--format", "json"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let overall = try #require(try Self.json(r.stdout)["overall"] as? [String: Any])
    #expect(Self.level(overall)["level"] as? String == "on", "\(Self.level(overall))")
    // One answer lower misses it.
    let lower = csv.replacingOccurrences(of: "r4,\(xs[4]),\(ys[4])", with: "r4,1,1")
    try Data(lower.utf8).write(to: dir.appendingPathComponent("r.csv"))
    let miss = try StewardBinary.run(["run", "w.yaml", "--no-record", "--format", "json"], in: dir)
    let missed = try #require(try Self.json(miss.stdout)["overall"] as? [String: Any])
    #expect(Self.level(missed)["level"] as? String == "below")
  }
}

/// `experiments.sample_ratio_mismatch` on broken and extreme records (issue 17, point 7).
@Suite struct SampleRatioEdgeTests {
  static func review(_ arms: String) throws -> StewardBinary.Result {
    let playbook = """
      steward: 1
      kind: audit
      name: review
      plugins: [\(StewardBinary.packageRoot.path)/Plugins/experiments.lua]
      inputs:
        experiments: exp.yaml
      subjects: experiments
      checks:
        - use: experiments.sample_ratio_mismatch
      """
    let record = "id: exp-1\nowner: growth\narms:\n" + arms
    let dir = try StewardBinary.scratch(["review.yaml": playbook, "exp.yaml": record])
    return try StewardBinary.run(["run", "review.yaml", "--no-record"], in: dir)
  }

  @Test func aFractionalUserCountIsNamedAtItsLine() throws {
    let r = try Self.review(
      "  - {name: control, weight: 0.5, users: 45000}\n"
        + "  - {name: treatment, weight: 0.5, users: 44000.5}\n")
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(!r.stderr.contains("no integer representation"))
    #expect(
      r.stdout.contains("arm treatment records 44000.5 users, not a whole count of units"),
      "\(r.stdout)")
    #expect(r.stdout.contains("exp.yaml:5:"), "\(r.stdout)")
  }

  @Test func aPValueThatUnderflowsIsABound() throws {
    let r = try Self.review(
      "  - {name: control, weight: 0.5, users: 1000000}\n"
        + "  - {name: treatment, weight: 0.5, users: 10}\n")
    #expect(r.status == 1)
    #expect(r.stdout.contains("p < 1e-300"), "\(r.stdout)")
    #expect(!r.stdout.contains("p = 0"))
  }
}
