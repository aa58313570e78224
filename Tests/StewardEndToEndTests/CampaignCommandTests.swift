import Foundation
import Testing

/// `campaigns:`: a new check's failures are progress until its deadline and
/// gate after it; `steward history --campaign` draws the burn-up. The clock
/// is moved with STEWARD_TODAY.
@Suite struct CampaignCommandTests {
  static let playbook = """
    steward: 1
    kind: audit
    name: model-cards
    subjects: models
    checks:
      - id: has_owner
        builtin: required
        params: { path: owner }
      - id: eval_dataset
        builtin: required
        params: { path: evaluation.dataset }
    campaigns:
      - name: eval-data
        checks: [eval_dataset]
        start: 2026-11-01
        deadline: 2026-12-31
        owner: ml-platform

    """

  static let files: [String: String] = [
    "model-cards.yaml": playbook,
    "models/churn.yaml": "id: churn\nowner: growth\nevaluation: { dataset: churn-2026q3 }\n",
    "models/search.yaml": "id: search\nowner: search\n",
  ]

  func run(_ dir: URL, on day: String, _ extra: [String] = []) throws -> StewardBinary.Result {
    try StewardBinary.run(
      ["run", "model-cards.yaml", "--store", dir.path + "/h.sqlite"] + extra, in: dir,
      environment: ["STEWARD_TODAY": day])
  }

  @Test func failuresAreProgressBeforeTheDeadlineAndGateAfterIt() throws {
    let dir = try StewardBinary.scratch(Self.files)
    let before = try run(dir, on: "2026-12-01")
    #expect(before.status == 0, "\(before.stdout)\(before.stderr)")
    #expect(
      before.stdout.contains(
        "warning: model-cards.yaml: campaign eval-data (owner ml-platform, from 2026-11-01): 1 of 2 subjects pass; it holds 1 failure out of the gate until 2026-12-31; failing: search"
      ))
    try Data("id: search\nowner: search\nevaluation: { dataset: queries-2026 }\n".utf8).write(
      to: dir.appendingPathComponent("models/search.yaml"))
    #expect(try run(dir, on: "2026-12-15").stdout.contains("2 of 2 subjects pass"))
    try Data("id: search\nowner: search\n".utf8).write(
      to: dir.appendingPathComponent("models/search.yaml"))
    #expect(try run(dir, on: "2026-12-31").status == 0)
    let after = try run(dir, on: "2027-01-01")
    #expect(after.status == 1, "\(after.stdout)")
    #expect(after.stdout.contains("past its deadline 2026-12-31: it gates"))
    #expect(after.stdout.contains("gate: FAILED"))

    let burnUp = try StewardBinary.run(
      ["history", "--campaign", "eval-data", "--store", dir.path + "/h.sqlite"], in: dir)
    #expect(burnUp.status == 0, "\(burnUp.stderr)")
    let lines = burnUp.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 5)
    #expect(lines[1].hasPrefix("2026-12-01  run 1  model-cards  ██████████░░░░░░░░░░  1 of 2"))
    #expect(lines[2].hasPrefix("2026-12-15  run 2  model-cards  ████████████████████  2 of 2"))
    #expect(lines[4].hasPrefix("2027-01-01  run 4") && lines[4].hasSuffix("1 of 2"))
    let unknown = try StewardBinary.run(
      ["history", "--campaign", "nope", "--store", dir.path + "/h.sqlite"], in: dir)
    #expect(unknown.status == 2)
  }

  /// Each format names the campaign's progress: JSON keys (deadline,
  /// before or after it, subjects passing and failing), a Markdown table, the
  /// SARIF run's properties and a JUnit test case.
  @Test func everyFormatNamesTheCampaignProgress() throws {
    let dir = try StewardBinary.scratch(Self.files)
    func campaign(on day: String) throws -> [String: Any] {
      let r = try run(dir, on: day, ["--format", "json"])
      let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      try Data(r.stdout.utf8).write(to: dir.appendingPathComponent("r.json"))
      let valid = try ErrorReportFilesTests.validates(
        dir.appendingPathComponent("r.json"), against: "docs/schemas/audit-report.schema.json")
      #expect(valid.contains("valid"), "\(valid)")
      return try #require((object?["campaigns"] as? [[String: Any]])?.first)
    }
    let before = try campaign(on: "2026-12-01")
    #expect(before["name"] as? String == "eval-data")
    #expect(before["owner"] as? String == "ml-platform")
    #expect(before["checks"] as? [String] == ["eval_dataset"])
    #expect(before["start"] as? String == "2026-11-01")
    #expect(before["deadline"] as? String == "2026-12-31")
    #expect(before["before_deadline"] as? Bool == true)
    #expect(before["subjects"] as? Int == 2)
    #expect(before["passing"] as? Int == 1)
    #expect(before["failing"] as? [String] == ["search"])
    let after = try campaign(on: "2027-01-01")
    #expect(after["before_deadline"] as? Bool == false)
    #expect(after["failing"] as? [String] == ["search"])

    let markdown = try run(dir, on: "2026-12-01", ["--format", "markdown"]).stdout
    #expect(markdown.contains("### Campaigns"))
    #expect(
      markdown.contains(
        "| eval-data | ml-platform | 2026-11-01 | 2026-12-31 | 1 of 2 | no, until the deadline | search |"
      ))
    #expect(
      markdown.contains(
        "**Gate passed**: nothing unwaived at or above `info` outside open campaigns."),
      "\(markdown)")
    let sarif = try run(dir, on: "2026-12-01", ["--format", "sarif"]).stdout
    #expect(
      sarif.contains(
        "eval-data: 1 of 2 subjects pass; until 2026-12-31 its failures do not fail the gate"))
    let junit = try run(dir, on: "2026-12-01", ["--format", "junit"]).stdout
    #expect(
      junit.contains(
        #"<skipped message="eval-data: 1 of 2 subjects pass; until 2026-12-31 its failures do not fail the gate"/>"#
      ))
    let late = try run(dir, on: "2027-01-01", ["--format", "junit"]).stdout
    #expect(
      late.contains("eval-data: 1 of 2 subjects pass; past its deadline 2026-12-31, it gates"))
    #expect(late.contains(#"<failure message="evaluation.dataset is missing""#), "\(late)")
  }

  @Test func aCampaignDoesNotHideTheOtherChecks() throws {
    var files = Self.files
    files["models/search.yaml"] = "id: search\n"
    let dir = try StewardBinary.scratch(files)
    let r = try run(dir, on: "2026-12-01")
    #expect(r.status == 1, "\(r.stdout)")
    #expect(r.stdout.contains("gate: FAILED (1 unwaived outside open campaigns)"))
  }

  @Test func aCampaignOverACheckThePlaybookLacksIsBadInput() throws {
    var files = Self.files
    files["model-cards.yaml"] = Self.playbook.replacingOccurrences(
      of: "checks: [eval_dataset]", with: "checks: [eval_data]"
    )
    .replacingOccurrences(of: "deadline: 2026-12-31", with: "deadline: 2026-31-12")
    let dir = try StewardBinary.scratch(files)
    let r = try run(dir, on: "2026-12-01")
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "model-cards.yaml:14:14: error: campaign eval-data: the playbook has no check \"eval_data\""
      ))
    #expect(
      r.stderr.contains(
        "model-cards.yaml:16:15: error: campaign eval-data: deadline must be a date"))
  }

  /// A campaign is a grace period with an end, not a waiver: a check that
  /// no waiver may cover cannot be in one, and a campaign lasts at most 366
  /// days, its deadline not before its start. Each is bad input at its
  /// place in the playbook, and nothing is recorded.
  @Test func aCampaignCannotHoldAnUnwaivableCheckOrLastForever() throws {
    let cases: [(String, String, String)] = [
      (
        "    params: { path: evaluation.dataset }\n",
        "    params: { path: evaluation.dataset }\n    waivable: false\n",
        "model-cards.yaml:15:14: error: campaign eval-data: check \"eval_dataset\" is waivable: false, so no campaign may hold its failures out of the gate"
      ),
      (
        "deadline: 2026-12-31", "deadline: 9999-12-31",
        "model-cards.yaml:16:15: error: campaign eval-data: the deadline 9999-12-31 is 2912138 days after its start 2026-11-01; a campaign lasts at most 366 days"
      ),
      (
        "deadline: 2026-12-31", "deadline: 2027-11-03",
        "model-cards.yaml:16:15: error: campaign eval-data: the deadline 2027-11-03 is 367 days after its start 2026-11-01"
      ),
      (
        "deadline: 2026-12-31", "deadline: 2026-10-31",
        "model-cards.yaml:16:15: error: campaign eval-data: the deadline 2026-10-31 is before its start 2026-11-01"
      ),
    ]
    for (from, to, said) in cases {
      var files = Self.files
      let changed = Self.playbook.replacingOccurrences(of: from, with: to)
      #expect(changed != Self.playbook)
      files["model-cards.yaml"] = changed
      let dir = try StewardBinary.scratch(files)
      let r = try run(dir, on: "2026-12-01")
      #expect(r.status == 2, "\(to): \(r.stdout)")
      #expect(r.stderr.contains(said), "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: dir.path + "/h.sqlite"))
      let validate = try StewardBinary.run(["validate", "model-cards.yaml"], in: dir)
      #expect(validate.status == 2)
    }
    // 366 days, across a leap day, is still a campaign.
    var files = Self.files
    files["model-cards.yaml"] = Self.playbook.replacingOccurrences(
      of: "start: 2026-11-01\n    deadline: 2026-12-31",
      with: "start: 2027-03-01\n    deadline: 2028-03-01")
    let leap = try run(try StewardBinary.scratch(files), on: "2027-06-01")
    #expect(leap.status == 0, "\(leap.stdout)\(leap.stderr)")
  }

  /// Before its start a campaign's check is not in force either, and the
  /// report says so, with what it holds out of the gate.
  @Test func beforeItsStartACampaignIsReportedAndDoesNotGate() throws {
    let dir = try StewardBinary.scratch(Self.files)
    let r = try run(dir, on: "2026-10-15")
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(
      r.stdout.contains(
        "warning: model-cards.yaml: campaign eval-data (owner ml-platform, starts 2026-11-01): 1 of 2 subjects pass; not started yet; it holds 1 failure out of the gate until 2026-12-31; failing: search"
      ), "\(r.stdout)")
  }

  /// Every format says that the gate passes only because a campaign holds
  /// failures out of it, and says it as a warning: a JSON or SARIF reader
  /// must not take the pass for a clean one.
  @Test func everyFormatWarnsThatACampaignHoldsFailuresOutOfTheGate() throws {
    let dir = try StewardBinary.scratch(Self.files)
    let held = "it holds 1 failure out of the gate until 2026-12-31"
    for format in ["text", "json", "junit", "sarif", "markdown", "github"] {
      let r = try run(dir, on: "2026-12-01", ["--format", format, "--no-record"])
      #expect(r.status == 0, "\(format): \(r.stderr)")
      #expect(r.stdout.contains(held), "\(format): \(r.stdout)")
      switch format {
      case "text": #expect(r.stdout.contains("warning: model-cards.yaml: campaign eval-data"))
      case "github":
        #expect(
          r.stdout.split(separator: "\n").contains {
            $0.hasPrefix("::warning") && $0.contains(held)
          })
      case "junit": #expect(r.stdout.contains("model-cards.yaml: warning: campaign eval-data"))
      case "markdown": #expect(r.stdout.contains("### Warnings"))
      case "sarif":
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let run = (json?["runs"] as? [[String: Any]])?.first
        let invocation = (run?["invocations"] as? [[String: Any]])?.first
        let notes = invocation?["toolExecutionNotifications"] as? [[String: Any]] ?? []
        let campaign = notes.first {
          (($0["message"] as? [String: Any])?["text"] as? String)?.contains(held) == true
        }
        #expect(campaign?["level"] as? String == "warning", "\(notes)")
      case "json":
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let warnings = json?["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { ($0["message"] as? String)?.contains(held) == true })
      default: break
      }
    }
    // Past the deadline, or with nothing to hold, it is a note.
    let after = try run(dir, on: "2027-01-01", ["--no-record"])
    #expect(after.stdout.contains("note: model-cards.yaml: campaign eval-data"), "\(after.stdout)")
    #expect(!after.stdout.contains("holds"))
  }

  /// A CI job that reads JUnit or annotations is not red while the gate
  /// passes: before the deadline the campaign's failure is a skipped test
  /// case and a warning annotation; after it, a failure and an error.
  @Test func aFailureInAnOpenCampaignIsNotAFailureInJUnitOrAnnotations() throws {
    let dir = try StewardBinary.scratch(Self.files)
    let junit = try run(dir, on: "2026-12-01", ["--format", "junit", "--no-record"])
    #expect(junit.status == 0)
    #expect(!junit.stdout.contains("<failure"), "\(junit.stdout)")
    #expect(junit.stdout.contains(#"<skipped message="in an open campaign"#))
    #expect(junit.stdout.contains(#"<testsuites name="model-cards" tests="#))
    #expect(junit.stdout.contains(#" failures="0" "#))
    let github = try run(dir, on: "2026-12-01", ["--format", "github", "--no-record"])
    let annotation = github.stdout.split(separator: "\n").first { $0.contains("eval_dataset") }
    #expect(annotation?.hasPrefix("::warning") == true, "\(github.stdout)")
    #expect(annotation?.contains("[in an open campaign") == true)

    let lateJUnit = try run(dir, on: "2027-01-01", ["--format", "junit", "--no-record"])
    #expect(lateJUnit.status == 1)
    #expect(lateJUnit.stdout.contains("<failure"), "\(lateJUnit.stdout)")
    let lateGitHub = try run(dir, on: "2027-01-01", ["--format", "github", "--no-record"])
    let late = lateGitHub.stdout.split(separator: "\n").first { $0.contains("eval_dataset") }
    #expect(late?.hasPrefix("::error") == true, "\(lateGitHub.stdout)")
  }

  @Test func theDocsExampleRunsAsShown() throws {
    let files = try DocSession.run(section: "## Campaigns", in: "docs/audit.md")
    #expect(files == ["model-cards.yaml", "models/churn.yaml", "models/search.yaml"])
  }

  /// The shipped campaigns over the StreamRec cards: one past its deadline
  /// (every card complies, so it gates and passes), one ahead of it (two
  /// cards to go, which do not fail the gate until 31 March 2027).
  @Test func theStreamRecCampaignsOneDoneOneUnderWay() throws {
    let dir = try StewardBinary.scratch([:])
    func run(_ day: String) throws -> StewardBinary.Result {
      try StewardBinary.run(
        ["run", "Playbooks/model-card-campaigns.yaml", "--store", dir.path + "/h.sqlite"],
        environment: ["STEWARD_TODAY": day])
    }
    let now = try run("2026-11-23")
    #expect(now.status == 0, "\(now.stdout)")
    #expect(
      now.stdout.contains(
        "campaign reproducible-seeds (owner ml-platform, from 2026-07-01): 5 of 5 subjects pass; past its deadline 2026-09-30: it gates"
      ))
    #expect(
      now.stdout.contains(
        "campaign business-monitoring (owner ml-platform, from 2026-11-01): 3 of 5 subjects pass; it holds 2 failures out of the gate until 2027-03-31; failing: ad-targeting, search-ranking"
      ))
    let late = try run("2027-04-01")
    #expect(late.status == 1)
    #expect(now.stdout.contains("gate: passed (nothing unwaived outside open campaigns)"))
    #expect(late.stdout.contains("gate: FAILED (2 unwaived)"))
    let burnUp = try StewardBinary.run([
      "history", "--campaign", "business-monitoring", "--store", dir.path + "/h.sqlite",
    ])
    #expect(burnUp.stdout.contains("2026-11-23  run 1  model-card-campaigns"))
    #expect(burnUp.stdout.contains("3 of 5"))
  }
}
