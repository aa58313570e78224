import Foundation
import StewardEngine
import Testing

/// The shipped survey playbooks on Examples/streamrec/surveys: month 0 (May
/// 2025) then month 18 (November 2026) on one store tell the story's trend,
/// level by level and team by team.
@Suite struct StreamRecSurveyTests {
  /// Runs `playbook` on month 0 then on its default input (month 18) in one
  /// store; returns both JSON reports and the store. `month0Status` is 1
  /// for a wave under the playbook's anonymity threshold.
  static func twoRuns(_ name: String, format: String = "json", month0Status: Int32 = 0) throws
    -> (month0: [String: Any], month18: [String: Any], store: SQLiteHistoryStore, text: String)
  {
    let dir = try StewardBinary.scratch([:])
    let store = dir.appendingPathComponent("h.sqlite").path
    let playbook = "Playbooks/\(name).yaml"
    let month0 = "Examples/streamrec/surveys/\(name)-month-00.csv"
    let first = try StewardBinary.run(
      ["run", playbook, "--format", "json", "--store", store, "--input", "responses=\(month0)"])
    #expect(first.status == month0Status, "\(first.stderr)")
    let second = try StewardBinary.run(["run", playbook, "--format", "json", "--store", store])
    #expect(second.status == 0, "\(second.stderr)")
    // The same two runs as text, on a second store.
    let textStore = dir.appendingPathComponent("t.sqlite").path
    _ = try StewardBinary.run(
      ["run", playbook, "--store", textStore, "--input", "responses=\(month0)"])
    let text = try StewardBinary.run(["run", playbook, "--store", textStore]).stdout
    return (
      try json(first.stdout), try json(second.stdout), try SQLiteHistoryStore(path: store), text
    )
  }

  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// team name → group object, for the first grouping.
  static func teams(_ report: [String: Any]) -> [String: [String: Any]] {
    let groupings = report["groupings"] as? [[String: Any]] ?? []
    let groups = groupings.first?["groups"] as? [[String: Any]] ?? []
    var out: [String: [String: Any]] = [:]
    for g in groups { out[g["name"] as? String ?? ""] = g }
    return out
  }

  static func level(_ group: [String: Any]?) -> String? {
    (group?["level"] as? [String: Any])?["level"] as? String
  }

  static func trend(_ group: [String: Any]?) -> [String: Any]? {
    group?["trend"] as? [String: Any]
  }

  @Test func mlopsMaturityGoesFromOneToTwoWithRecommendationsApproachingThree() throws {
    let (m0, m18, store, _) = try Self.twoRuns("mlops-maturity")
    let before = Self.teams(m0)
    let after = Self.teams(m18)
    // Month 0: level 1 everywhere; trust and safety (2 respondents) is under
    // the threshold and only inside "other".
    #expect(Set(before.keys) == ["recommendations", "ads", "other"])
    #expect(before.values.allSatisfy { Self.level($0) == "1" })
    #expect(Self.level(m0["overall"] as? [String: Any]) == "1")
    // Month 18: level 2 for every team, up from 1.
    #expect(
      Set(after.keys) == [
        "ML platform", "recommendations", "ads", "trust and safety", "search", "business analytics",
      ])
    #expect(after.values.allSatisfy { Self.level($0) == "2" })
    for team in ["recommendations", "ads"] {
      #expect(Self.trend(after[team])?["previous_level"] as? String == "1")
      #expect(Self.trend(after[team])?["level_move"] as? String == "up")
    }
    #expect(Self.trend(after["trust and safety"])?["new"] as? Bool == true)
    // Approaching 3: recommendations lack only CI/CD releases, at 3.44 of 3.5.
    let recs = try #require(after["recommendations"]?["level"] as? [String: Any])
    #expect(recs["missing_for_next"] as? [String] == ["models released through CI/CD (is 3.44)"])
    #expect(
      (after["ads"]?["level"] as? [String: Any])?["missing_for_next"].map {
        ($0 as? [String])?.count
      }
        == 2)
    // The dashboard's series, oldest first.
    let series = try store.series(metric: "team=recommendations/level", playbook: "mlops-maturity")
    #expect(series.map(\.value) == [1, 2])
    #expect(
      try store.series(metric: "all/level", playbook: "mlops-maturity").map(\.value) == [1, 2])
    #expect(
      try store.series(metric: "team=trust and safety/level", playbook: "mlops-maturity")
        .map(\.value) == [2])
  }

  @Test func experimentationGoesFromWalkForRecommendationsToRunEverywhereAndFly() throws {
    let (m0, m18, store, text) = try Self.twoRuns("experimentation-maturity")
    let before = Self.teams(m0)
    let after = Self.teams(m18)
    // Month 0: level 2 (walk) for recommendations only.
    #expect(Self.level(before["recommendations"]) == "walk")
    #expect(Self.level(before["ads"]) == "crawl")
    #expect(Self.level(before["other"]) == "crawl")
    // Month 18: level 3 (run) for every product team, 4 (fly) for recommendations.
    #expect(Self.level(after["recommendations"]) == "fly")
    for team in ["ads", "trust and safety", "ML platform"] {
      #expect(Self.level(after[team]) == "run")
    }
    #expect(Self.trend(after["recommendations"])?["previous_level"] as? String == "walk")
    #expect(Self.trend(after["ads"])?["level_move"] as? String == "up")
    // Level numbers as the story counts them: walk 2 → fly 4; crawl 1 → run 3.
    #expect(
      try store.series(metric: "team=recommendations/level", playbook: "experimentation-maturity")
        .map(\.value) == [2, 4])
    #expect(
      try store.series(metric: "team=ads/level", playbook: "experimentation-maturity")
        .map(\.value) == [1, 3])
    #expect(text.contains("== team: recommendations\nrespondents: 9\nlevel: fly (Fly)"))
  }

  /// The same trends, computed by period: month 18 recorded first, then
  /// month 0 (compared with nothing: no "down"), then month 18 again in two
  /// formats (compared with month 0, never with itself; one run per period).
  @Test(arguments: [
    ("mlops-maturity", ["recommendations": ("1", "2"), "ads": ("1", "2")]),
    (
      "experimentation-maturity",
      ["recommendations": ("walk", "fly"), "ads": ("crawl", "run")]
    ),
  ])
  func trendsAreByPeriodWhateverTheOrderOfRuns(name: String, moves: [String: (String, String)])
    throws
  {
    let dir = try StewardBinary.scratch([:])
    let store = dir.appendingPathComponent("h.sqlite").path
    let playbook = "Playbooks/\(name).yaml"
    let month0 = "Examples/streamrec/surveys/\(name)-month-00.csv"
    func run(_ extra: [String]) throws -> StewardBinary.Result {
      let r = try StewardBinary.run(["run", playbook, "--store", store] + extra)
      #expect(r.status == 0, "\(r.stderr)")
      return r
    }
    _ = try run([])
    let late = try run(["--input", "responses=\(month0)"]).stdout
    #expect(late.contains("period: 2025-05 (no earlier period recorded)"))
    #expect(!late.contains("(down)"))
    let text = try run(["--format", "markdown"]).stdout
    #expect(text.contains("trend: 2026-11 compared with 2025-05"))
    let report = try Self.json(try run(["--format", "json"]).stdout)
    #expect((report["previous_run"] as? [String: Any])?["period"] as? String == "2025-05")
    let teams = Self.teams(report)
    for (team, (then, now)) in moves {
      #expect(Self.trend(teams[team])?["previous_level"] as? String == then, "\(team)")
      #expect(Self.level(teams[team]) == now, "\(team)")
      #expect(Self.trend(teams[team])?["level_move"] as? String == "up", "\(team)")
    }
    let runs = try SQLiteHistoryStore(path: store).runs(playbook: name, limit: nil)
    #expect(runs.count == 2)
  }

  @Test func googleMLOpsGoesFromZeroToOne() throws {
    let (m0, m18, _, _) = try Self.twoRuns("mlops-maturity-google")
    #expect(Self.teams(m0).values.allSatisfy { Self.level($0) == "0" })
    #expect(Self.teams(m18).values.allSatisfy { Self.level($0) == "1" })
    #expect(Self.trend(Self.teams(m18)["ads"])?["level_move"] as? String == "up")
  }

  @Test func teamHealthCardsImproveWithTheirTrend() throws {
    let (_, m18, _, text) = try Self.twoRuns("team-health")
    let recs = try #require(Self.teams(m18)["recommendations"])
    let questions = recs["questions"] as? [[String: Any]] ?? []
    let release = try #require(questions.first { $0["id"] as? String == "easy_to_release" })
    #expect(release["trend"] as? String == "improving")
    #expect((release["previous_counts"] as? [Int])?.count == 3)
    #expect(text.contains("trend: 2026-11 compared with 2025-05 (run 1 of "))
    #expect(text.contains("trend improving"))
  }

  /// Team eNPS keeps the default anonymity threshold of 5: month 0's three
  /// respondents are withheld, everyone included, in every format, and
  /// their comments are never shown; month 18's 28 are reported.
  @Test func monthZerosThreeAnswersAreWithheldWithTheirComments() throws {
    let playbook = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent("Playbooks/team-enps.yaml"),
      encoding: .utf8)
    #expect(!playbook.contains("\nmin_group_size:"), "team-enps sets its own threshold")
    let month0 = "Examples/streamrec/surveys/team-enps-month-00.csv"
    let csv = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent(month0), encoding: .utf8)
    // The comments month 0's respondents wrote, read from the file itself.
    let comments = csv.split(separator: "\n").dropFirst().compactMap { line -> String? in
      let comment = line.split(separator: ",", maxSplits: 5, omittingEmptySubsequences: false)
        .dropFirst(5).first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
      return comment?.isEmpty == false ? comment : nil
    }
    #expect(comments.count == 2)
    for format in ["text", "markdown", "json", "html"] {
      let r = try StewardBinary.run([
        "run", "Playbooks/team-enps.yaml", "--no-record", "--format", format, "--input",
        "responses=\(month0)",
      ])
      #expect(r.status == 1, "\(format): \(r.stderr)")
      for comment in comments {
        #expect(!r.stdout.contains(comment), "\(format) shows the comment \(comment)")
      }
      #expect(!r.stdout.contains("+100") && !r.stdout.contains("recommendations"), "\(format)")
    }

    let (m0, m18, store, text) = try Self.twoRuns("team-enps", month0Status: 1)
    #expect(m0["overall"] is NSNull)
    #expect(m0["min_group_size"] as? Int == 5)
    #expect(Self.teams(m0).isEmpty)
    #expect((m18["overall"] as? [String: Any])?["respondents"] as? Int == 28)
    #expect(text.contains("period: 2026-11 (no earlier period recorded)"), "\(text)")
    // The store holds the withheld wave's count and threshold, and no figure.
    let runs = try store.runs(playbook: "team-enps", limit: nil)
    let withheld = try #require(runs.last)
    #expect(withheld.exitStatus == 1)
    #expect(withheld.metric("respondents") == 3)
    #expect(withheld.metric("min_group_size") == 5)
    #expect(!withheld.metrics.contains { $0.name.hasPrefix("all/") })
    #expect(
      try store.series(metric: "all/question/recommend/enps", playbook: "team-enps").count == 1)
  }

  @Test func listeningTourFoldsSmallFunctionsAndHidesWhoSaidWhat() throws {
    let r = try StewardBinary.run(["run", "Playbooks/listening-tour.yaml", "--no-record"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("== stakeholder: product"))
    #expect(r.stdout.contains("== stakeholder: other\nrespondents: 5"))
    #expect(!r.stdout.contains("stakeholder: finance") && !r.stdout.contains("lt-0"))
  }
}
