import Foundation
import GRDB
import StewardEngine
import Testing

/// `steward demo` is the README's first command: it must run the whole story
/// from the repository, each step ending as the story says, and leave a
/// folder a person can open.
@Suite struct DemoCommandTests {
  @Test func theWholeStoryRunsIntoAFolderOfReports() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("steward-demo-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try StewardBinary.run(["demo", "--output", folder.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains(folder.appendingPathComponent("index.html").path))

    let index = try String(
      contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("Every step ended as the story expects"))
    for step in DemoPlan.steps {
      #expect(index.contains("id=\"\(step.id)\""), "index misses \(step.id)")
      for file in [step.mainFile] + step.renderings.map(\.file) + step.extraFiles.map(\.file) {
        let path = folder.appendingPathComponent(file).path
        #expect(FileManager.default.fileExists(atPath: path), "missing \(file)")
        #expect(index.contains("href=\"\(file)\""), "index does not link \(file)")
      }
    }
    // Self-contained: no asset is fetched from anywhere (the reports quoted
    // in the page may mention web addresses as text).
    for asset in ["<script", "<link", "src=", "@import", "url("] {
      #expect(!index.contains(asset), "index.html loads an asset: \(asset)")
    }

    // A page for leadership: the month 0 → month 18 table first, then the
    // gate, the hackathon and the surveys as cards, then the steps.
    let order = [
      "Month 0 → month 18", "The deployment gate", "The quarterly hackathon",
      "Model-card campaigns: new rules", "The surveys: maturity per team",
      "Every step of the story",
    ].map {
      index.range(of: $0)?.lowerBound
    }
    #expect(order.allSatisfy { $0 != nil }, "\(order)")
    #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
    #expect(
      index.contains(
        "<tr><td>Data scientists</td><td>3</td><td>28</td><td class=\"neutral\">+25</td></tr>"))
    #expect(
      index.contains(
        "<tr><td>Cost</td><td>$600K</td><td>$4.2M</td><td class=\"bad\">+$3.6M</td></tr>"))
    #expect(
      index.contains(
        "<tr><td>Experiment win rate</td><td>60 %</td><td>42 %</td><td class=\"neutral\">−18 pts</td></tr>"
      ))
    #expect(index.contains("Blocked: 5 failures, 61 passes of 70 results"))
    #expect(index.contains("aria-label=\"Deployment gate failures by severity, before the fixes\""))
    #expect(index.contains("aria-label=\"Hackathon funnel\""))
    #expect(index.contains("aria-label=\"Maturity"), "the heat map is missing")
    // Reports are HTML, not Markdown: tables are tables, and the
    // "passed or skipped" list folds as the Markdown report means.
    #expect(index.contains("<th>severity</th>"))
    #expect(index.contains("<details><summary>65 passed or skipped</summary>"))
    #expect(!index.contains("&lt;details"))
    #expect(!index.contains("| severity |"))
    // A survey is scored, not passed; a wave under its anonymity threshold
    // (team eNPS at month 0, 3 answers) is withheld, as the story expects.
    let withheld = DemoPlan.steps.filter { $0.role == .survey && $0.expectedExit == 1 }
    #expect(withheld.map(\.id) == ["team-enps-month-00"])
    for step in DemoPlan.steps where step.role == .survey {
      guard let start = index.range(of: "id=\"\(step.id)\"") else { continue }
      let heading = index[start.upperBound...].prefix(300)
      let badge =
        step.expectedExit == 1
        ? "badge held\">withheld: too few answers (exit 1)</span>"
        : "badge fine\">scored (exit 0)</span>"
      #expect(heading.contains(badge), "\(step.id): \(heading)")
      #expect(!heading.contains(">passed"), "\(step.id) has a passed badge")
    }
    // Month 0's comments are in the responses file, never on the page.
    for comment in ["Small team, big scope.", "We ship and learn fast."] {
      let file = try String(
        contentsOf: StewardBinary.packageRoot.appendingPathComponent(
          "Examples/streamrec/surveys/team-enps-month-00.csv"), encoding: .utf8)
      #expect(file.contains(comment))
      #expect(!index.contains(comment), "index.html shows \(comment)")
    }

    // Each step's recorded run is in the demo's own store, once.
    let store = try DatabaseQueue(path: folder.appendingPathComponent("history.sqlite").path)
    let runs = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run") }
    #expect(runs == DemoPlan.steps.count)
  }

  @Test func aStepThatDoesNotEndAsTheStoryExpectsFailsTheDemo() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent(
      "steward-demo-root-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: root) }
    try fm.createDirectory(at: root, withIntermediateDirectories: true)
    for folder in ["Playbooks", "Plugins", "Examples", "schemas"] {
      try fm.copyItem(
        at: StewardBinary.packageRoot.appendingPathComponent(folder),
        to: root.appendingPathComponent(folder))
    }
    // Markup in a model card reaches the gate's report, and must reach the
    // index page as text, never as markup.
    let card = root.appendingPathComponent("Examples/streamrec/models/ad-targeting.yaml")
    let original = try String(contentsOf: card, encoding: .utf8)
    try Data(
      original.replacingOccurrences(
        of: "split: train ",
        with: "split: \"train <script>alert(1)</script><img src=x onerror=alert(2)>\" "
      ).utf8
    ).write(to: card)
    // The org-design step expects exit 0; a broken playbook makes it exit 2.
    try Data("steward: 1\nkind: audit\nname: org-design\nchecks: 3\n".utf8).write(
      to: root.appendingPathComponent("Playbooks/org-design.yaml"))
    let out = root.appendingPathComponent("out")
    let result = try StewardBinary.run(["demo", "--root", root.path, "--output", out.path])
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("!!  Org design"), "\(result.stderr)")
    let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("expected 0"))
    #expect(index.contains("Some steps did not end as the story expects"))
    #expect(index.contains("alert(1)"), "the hostile split is not in the report")
    for markup in ["<script", "<img"] {
      #expect(!index.contains(markup), "index.html carries \(markup) from a model card")
    }
  }
}

/// The demo shown a year after the story: the same dashboard, every number
/// of the board's table read from the runs the demo itself recorded.
extension DemoCommandTests {
  /// `YYYY-MM-DD` a year after the machine's day (UTC).
  static func aYearAhead() -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let later = calendar.date(byAdding: .year, value: 1, to: Date())!
    let c = calendar.dateComponents([.year, .month, .day], from: later)
    return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
  }

  /// eNPS from a responses file, counted here: % 9–10 minus % 0–6.
  static func enps(_ file: String) throws -> Double {
    let text = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent(file), encoding: .utf8)
    let lines = text.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }
    let column = try #require(lines.first?.firstIndex(of: "recommend"))
    let answers = lines.dropFirst().compactMap { Int($0[column]) }
    let promoters = answers.filter { $0 >= 9 }.count
    let detractors = answers.filter { $0 <= 6 }.count
    return 100 * Double(promoters - detractors) / Double(answers.count)
  }

  @Test func theStoryIsTheSameAYearLater() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("steward-demo-later-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try StewardBinary.run(
      ["demo", "--output", folder.path], environment: ["STEWARD_TODAY": Self.aYearAhead()])
    #expect(result.status == 0, "\(result.stderr)")

    // Every run is recorded on the day it stands for, not on the clock's:
    // the story's day, and the campaign's earlier measurements on theirs.
    let store = try DatabaseQueue(path: folder.appendingPathComponent("history.sqlite").path)
    let days = try store.read {
      try String.fetchAll(
        $0, sql: "SELECT DISTINCT substr(started_at, 1, 10) FROM run ORDER BY 1")
    }
    #expect(days == DemoPlan.campaignDays + [DemoPlan.storyDay])
    try Self.checkCampaignBurnUps(folder, store: store)

    let data = try Data(contentsOf: folder.appendingPathComponent("value-dashboard.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["period"] as? String == "2026-11")
    #expect(json["compare"] as? String == "2025-05")
    let metrics = json["metrics"] as? [[String: Any]] ?? []
    func metric(_ id: String) -> [String: Any] {
      metrics.first { $0["id"] as? String == id } ?? [:]
    }
    func point(_ id: String, _ which: String) -> [String: Any] {
      metric(id)[which] as? [String: Any] ?? [:]
    }
    func texts(_ id: String) -> (String?, String?) {
      (point(id, "compare")["text"] as? String, point(id, "current")["text"] as? String)
    }
    func fact(_ id: String, _ which: String, _ name: String) -> Double? {
      (point(id, which)["facts"] as? [String: Any])?[name] as? Double
    }
    func part(_ id: String, _ which: String, _ team: String) -> Double? {
      let parts = point(id, which)["breakdown"] as? [[String: Any]] ?? []
      return parts.first { $0["name"] as? String == team }?["value"] as? Double
    }

    // The board's table, month 0 → month 18.
    #expect(texts("headcount") == ("3", "28"))
    // The org plan: 30 positions by month 18, 28 filled, 2 open (search and
    // business analytics), and every spoke's team in the surveys.
    #expect(fact("headcount", "current", "planned") == 30)
    #expect(fact("headcount", "current", "filled") == 28)
    #expect(fact("headcount", "current", "open") == 2)
    #expect(fact("headcount", "current", "beyond_plan") == 0)
    for team in [
      "ML platform", "recommendations", "ads", "trust and safety", "search", "business analytics",
    ] {
      #expect(part("mlops_maturity", "current", team) == 2, "\(team)")
      #expect(part("experimentation_maturity", "current", team) != nil, "\(team)")
    }
    // Team eNPS keeps the default threshold of 5: ads, search and business
    // analytics (3 data scientists each) are reported together, as "other".
    let healthTeams = (point("team_health", "current")["breakdown"] as? [[String: Any]] ?? [])
      .compactMap { $0["name"] as? String }
    #expect(Set(healthTeams) == ["ML platform", "recommendations", "trust and safety", "other"])
    #expect(texts("models_in_production") == ("2", "11"))
    #expect(texts("ab_tests") == ("2", "14"))
    #expect(texts("win_rate") == ("60 %", "42 %"))
    #expect(fact("win_rate", "compare", "wins") == 3 && fact("win_rate", "compare", "valid") == 5)
    #expect(fact("win_rate", "current", "wins") == 21 && fact("win_rate", "current", "valid") == 50)
    #expect(texts("attributed_revenue") == ("$18M", "$47M"))
    #expect(texts("team_cost") == ("$600K", "$4.2M"))
    #expect(texts("roi") == ("30×", "11.2×"))
    #expect(texts("mlops_maturity") == ("level 1", "level 2"))
    #expect(texts("experimentation_maturity") == ("level 2", "level 3"))

    // Team health: month 0's 3 answers are under team eNPS's anonymity
    // threshold of 5, so the wave is withheld: no share, no eNPS. At month
    // 18, 27 of 28 would recommend the team, and eNPS is as the responses
    // give it, counted here from the same file.
    #expect(texts("team_health") == ("withheld (3 answers; fewer than 5)", "96 %"))
    #expect(point("team_health", "compare")["value"] is NSNull)
    #expect(fact("team_health", "compare", "enps") == nil)
    #expect(fact("team_health", "compare", "respondents") == 3)
    #expect(
      (point("team_health", "compare")["missing"] as? String)?.contains(
        "withheld, 3 answers fewer than its anonymity threshold of 5") == true)
    #expect(
      (point("team_health", "current")["detail"] as? String)?.hasPrefix("27 of 28 would recommend")
        == true)
    let enps18 = try Self.enps("Examples/streamrec/surveys/team-enps-month-18.csv")
    #expect(abs((fact("team_health", "current", "enps") ?? 0) - enps18) < 1e-9)
    #expect(Int(enps18.rounded()) == 61)

    // Maturity per team, for the heat map: recommendations walks, then flies.
    #expect(part("experimentation_maturity", "compare", "recommendations") == 2)
    #expect(part("experimentation_maturity", "current", "recommendations") == 4)
    #expect(part("experimentation_maturity", "current", "ads") == 3)
    #expect(part("mlops_maturity", "compare", "ads") == 1)
    #expect(part("mlops_maturity", "current", "ads") == 2)

    // The table's other rows: revenue per person ($18M ÷ 3, $47M ÷ 28),
    // experiments concluded in the month, and the gate, not yet run in May 2025.
    #expect(texts("revenue_per_head") == ("$6M", "$1.7M"))
    #expect(texts("experiments_concluded") == ("1", "12"))
    #expect(texts("audit") == ("–", "100 %"))

    // Each metric's colour follows the direction the story reads it in,
    // every metric of the table: rising cost is bad news, a falling win
    // rate is judged by its band, not by its direction.
    let directions: [String: (better: String, verdict: String)] = [
      "headcount": ("none", "neutral"), "models_in_production": ("up", "good"),
      "ab_tests": ("up", "good"), "win_rate": ("none", "neutral"),
      "attributed_revenue": ("up", "good"), "team_cost": ("down", "bad"),
      "roi": ("up", "bad"), "team_health": ("up", "flat"),
      "mlops_maturity": ("up", "good"), "experimentation_maturity": ("up", "good"),
      "audit": ("up", "flat"), "revenue_per_head": ("none", "neutral"),
      "experiments_concluded": ("none", "neutral"),
    ]
    #expect(Set(metrics.compactMap { $0["id"] as? String }) == Set(directions.keys))
    let index = try String(
      contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    for m in metrics {
      let id = m["id"] as? String ?? ""
      let (better, verdict) = directions[id] ?? ("?", "?")
      #expect(m["better"] as? String == better, "\(id)")
      #expect(m["verdict"] as? String == verdict, "\(id)")
      // The index page's table colours the row the same way.
      let (then, now) = texts(id)
      let title = m["title"] as? String ?? ""
      #expect(
        index.contains(
          "<tr><td>\(title)</td><td>\(then ?? "")</td><td>\(now ?? "")</td><td class=\"\(verdict)\">"
        ),
        "\(id) in index.html")
    }
    // The surveys' card says why month 0 has no team-health figure.
    let health = try #require(index.range(of: "<strong>Team health: 96 %.</strong> Month 0: "))
    #expect(
      index[health.upperBound...].prefix(300).contains(
        "withheld, 3 answers fewer than its anonymity threshold of 5"))

    // The gate card is not empty: the remediated gate run of the story's day.
    #expect(texts("audit").1 == "100 %")
    #expect(fact("audit", "current", "results") == 28)
    #expect((point("audit", "current")["detail"] as? String)?.contains("of 2026-11-30") == true)
  }
}

extension DemoCommandTests {
  @Test func aClockThatIsNotADayStopsStewardBeforeItRecordsAnything() throws {
    let dir = try StewardBinary.scratch([:])
    let r = try StewardBinary.run(
      ["run", "Playbooks/org-design.yaml", "--store", dir.appendingPathComponent("h.sqlite").path],
      environment: ["STEWARD_TODAY": "2027-02-30"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("STEWARD_TODAY=2027-02-30 is not a day"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.sqlite").path))
  }
}

/// The dashboard's burn-up charts, checked against the campaign runs the
/// demo recorded: subjects passing per day counted here from the results
/// stored for each run, not from steward's campaign metrics.
extension DemoCommandTests {
  static func checkCampaignBurnUps(_ folder: URL, store: DatabaseQueue) throws {
    // Day by day, how many cards pass each campaign's check.
    let rows = try store.read {
      try Row.fetchAll(
        $0,
        sql: """
          SELECT substr(run.started_at, 1, 10) AS day, result.check_id AS check_id,
                 SUM(result.status = 'pass') AS passing, COUNT(*) AS subjects
          FROM run JOIN result ON result.run_id = run.id
          WHERE run.playbook = 'model-card-campaigns'
            AND result.check_id IN ('reproducible_seed', 'business_monitoring')
          GROUP BY day, check_id ORDER BY day
          """)
    }
    func counted(_ check: String, from start: String) -> [String] {
      rows.filter { $0["check_id"] == check && ($0["day"] as String) >= start }.map {
        "\($0["day"] as String) \($0["passing"] as Int)/\($0["subjects"] as Int)"
      }
    }
    let seeds = counted("reproducible_seed", from: "2026-07-01")
    let business = counted("business_monitoring", from: "2026-11-01")
    // The story: seeds on 1, 3, 4 then all 5 cards by the 29 September
    // deadline; business monitoring on 1, 2, then 3 of 5 by month 18.
    #expect(
      seeds == [
        "2026-07-15 1/5", "2026-08-14 3/5", "2026-09-15 4/5", "2026-09-29 5/5", "2026-11-02 5/5",
        "2026-11-16 5/5", "2026-11-30 5/5",
      ])
    #expect(business == ["2026-11-02 1/5", "2026-11-16 2/5", "2026-11-30 3/5"])

    let html = try String(
      contentsOf: folder.appendingPathComponent("value-dashboard.html"), encoding: .utf8)
    /// The points a campaign's card draws, as `DAY PASSING/SUBJECTS`.
    func drawn(_ campaign: String) throws -> (card: String, points: [String]) {
      let start = try #require(html.range(of: "id=\"campaign-\(campaign)\""), "\(campaign)")
      let card = String(html[start.upperBound...]).components(separatedBy: "</svg>")[0]
      let pattern = #/data-day="([0-9-]+)" data-passing="([0-9]+)" data-subjects="([0-9]+)"/#
      return (card, card.matches(of: pattern).map { "\($0.1) \($0.2)/\($0.3)" })
    }
    let done = try drawn("reproducible-seeds")
    #expect(done.points == seeds)
    #expect(done.card.contains("5 of 5 <span class=\"unit\">subjects pass on 2026-11-30"))
    #expect(done.card.contains("deadline 2026-09-30 passed: it gates, and every subject passes"))
    #expect(done.card.contains(">deadline 2026-09-30</text>"))
    #expect(done.card.contains(">target: all 5 subjects</text>"))
    let ahead = try drawn("business-monitoring")
    #expect(ahead.points == business)
    #expect(ahead.card.contains("3 of 5 <span class=\"unit\">subjects pass on 2026-11-30"))
    #expect(
      ahead.card.contains(
        "121 days to the deadline 2027-03-31; until then its failures do not fail the gate"))
    #expect(ahead.card.contains(">deadline 2027-03-31</text>"))

    // The JSON report carries the same burn-ups, and the index page the charts.
    let data = try Data(contentsOf: folder.appendingPathComponent("value-dashboard.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let campaigns = json["campaigns"] as? [[String: Any]] ?? []
    #expect(
      campaigns.map { $0["name"] as? String } == ["reproducible-seeds", "business-monitoring"])
    #expect(campaigns.map { $0["past_deadline"] as? Bool } == [true, false])
    let valid = try ErrorReportFilesTests.validates(
      folder.appendingPathComponent("value-dashboard.json"),
      against: "docs/schemas/dashboard-report.schema.json")
    #expect(valid.contains("valid"), "\(valid)")
    let index = try String(
      contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("id=\"campaign-reproducible-seeds\""))
    #expect(index.contains("id=\"campaign-business-monitoring\""))
    // The Slack message too: a team that reads only the channel learns
    // when a campaign starts to gate.
    let slack = try String(
      contentsOf: folder.appendingPathComponent("value-dashboard.slack.json"), encoding: .utf8)
    #expect(slack.contains("*business-monitoring (model-card-campaigns)*: 3 of 5 subjects pass"))
    #expect(
      slack.contains(
        "121 days to the deadline 2027-03-31; until then its failures do not fail the gate"))
    #expect(slack.contains("*reproducible-seeds (model-card-campaigns)*: 5 of 5 subjects pass"))
  }
}
