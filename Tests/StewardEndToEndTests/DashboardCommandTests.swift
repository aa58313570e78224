import Foundation
import Testing

/// `steward run` on a dashboard: every format, the history it reads and
/// writes, and bad input exiting 2.
@Suite struct DashboardCommandTests {
  static let playbook = "Playbooks/value-dashboard.yaml"

  static func store() throws -> String {
    try StewardBinary.scratch([:]).appendingPathComponent("h.sqlite").path
  }

  @Test(arguments: ["text", "markdown", "json", "html", "slack"])
  func everyFormat(format: String) throws {
    let r = try StewardBinary.run(
      ["run", Self.playbook, "--format", format, "--store", try Self.store()])
    #expect(r.status == 0, "\(r.stderr)")
    switch format {
    case "json":
      let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      #expect(json?["schema_version"] as? Int == 1)
      let metrics = json?["metrics"] as? [[String: Any]] ?? []
      let models = metrics.first { $0["id"] as? String == "models_in_production" }
      #expect((models?["current"] as? [String: Any])?["value"] as? Double == 11)
      #expect((models?["compare"] as? [String: Any])?["value"] as? Double == 2)
    case "markdown":
      #expect(r.stdout.contains("| Monthly A/B tests | 2 | 14 | +12 |"))
      #expect(
        r.stdout.contains(
          "- **Experiment win rate: 42 %** (range 29 % to 56 %); was 60 % in 2025-05 (−18 pts)."))
    case "html":
      #expect(r.stdout.hasPrefix("<!DOCTYPE html>"))
    case "slack":
      #expect(r.stdout.contains("\"blocks\""))
    default:
      #expect(r.stdout.contains("ROI (return multiple)"))
      #expect(r.stdout.contains("30× → 11.2×"))
    }
  }

  @Test func readsTheAuditRunAndComparesWithTheLastRecordedRun() throws {
    let store = try Self.store()
    let gate = try StewardBinary.run(["run", "Playbooks/deployment-gate.yaml", "--store", store])
    #expect(gate.status == 1, "\(gate.stderr)")  // the story's failures block the gate
    // This month, whatever the clock says, so that the gate run just recorded counts.
    let c = Calendar(identifier: .gregorian).dateComponents(
      in: TimeZone(identifier: "UTC")!, from: Date())
    let month = String(format: "%04d-%02d", c.year ?? 0, c.month ?? 0)
    let out = try StewardBinary.scratch([:]).appendingPathComponent("d.json").path
    let first = try StewardBinary.run([
      "run", Self.playbook, "--store", store, "--var", "month=\(month)", "--var", "compare=none",
      "--format", "json", "--output", out,
    ])
    #expect(first.status == 0, "\(first.stderr)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.contains("\"fail\": 5"))
    #expect(text.contains("deployment-gate run #1 of"))
    // The next month's dashboard compares with the run just recorded.
    let next = String(
      format: "%04d-%02d", (c.month ?? 1) == 12 ? (c.year ?? 0) + 1 : (c.year ?? 0),
      (c.month ?? 1) % 12 + 1)
    let second = try StewardBinary.run([
      "run", Self.playbook, "--store", store, "--var", "month=\(next)", "--var", "compare=previous",
      "--format", "json",
    ])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("\"compare_source\": \"history run #2\""))
    let history = try StewardBinary.run(["history", "--store", store])
    #expect(history.stdout.contains("value-dashboard"))
  }

  @Test func badInputExits2WithItsPlace() throws {
    let dir = try StewardBinary.scratch([
      "d.yaml":
        "steward: 1\nkind: dashboard\nname: d\nperiod: {month: May}\nmetrics:\n  - builtin: ab_tests\n"
    ])
    let r = try StewardBinary.run(["run", "d.yaml", "--no-record"], in: dir)
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "d.yaml:4:17: error: \"May\" is not a month; write YYYY-MM, e.g. 2026-11 [D001]"))
    #expect(r.stderr.contains("d.yaml:6:5: error: ab_tests reads the input \"experiments\""))
    #expect(r.stdout.isEmpty)

    let format = try StewardBinary.run(["run", Self.playbook, "--format", "junit", "--no-record"])
    #expect(format.status == 2)
    let hook = try StewardBinary.run([
      "run", Self.playbook, "--slack-webhook", "not a url", "--no-record",
    ])
    #expect(hook.status == 2)
    #expect(hook.stderr.contains("--slack-webhook takes an http(s) URL"))
  }

  @Test func anUnreachableWebhookExits2AfterTheReport() throws {
    // Port 9 on the loopback (discard) is closed here: the post fails fast, never the network.
    let dir = try StewardBinary.scratch([:])
    let out = dir.appendingPathComponent("d.md").path
    let r = try StewardBinary.run([
      "run", Self.playbook, "--no-record", "--format", "markdown", "--output", out,
      "--slack-webhook", "http://127.0.0.1:9/hook",
    ])
    #expect(r.status == 2)
    #expect(FileManager.default.fileExists(atPath: out))
    #expect(r.stderr.contains("http://127.0.0.1:9/hook: error:"))
  }
}

extension DashboardCommandTests {
  /// `steward new playbook dashboard` writes the inputs it names too, so
  /// that it runs as written and every metric has a value.
  @Test func theStarterPlaybookValidatesAndRuns() throws {
    let dir = try StewardBinary.scratch([:])
    let made = try StewardBinary.run(["new", "playbook", "dashboard", "value"], in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    for file in ["value.yaml", "value-experiments.csv", "value-finance.csv"] {
      #expect(made.stdout.contains(file), "\(made.stdout)")
    }
    let valid = try StewardBinary.run(["validate", "value.yaml"], in: dir)
    #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
    let run = try StewardBinary.run(
      ["run", "value.yaml", "--no-record", "--format", "json"], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    #expect(json?["period"] as? String == "2026-09")
    for metric in json?["metrics"] as? [[String: Any]] ?? [] {
      let current = metric["current"] as? [String: Any]
      #expect(
        current?["value"] is Double,
        "\(metric["id"] ?? "?") has no value: \(current?["missing"] ?? "")")
    }
    #expect(run.stderr.isEmpty, "\(run.stderr)")
  }
}

extension DashboardCommandTests {
  static let survey = """
    steward: 1
    kind: survey
    name: practice
    responses: { file: RESPONSES, metadata: [team, date] }
    groups: [team]
    min_group_size: 2
    questions:
      - { id: q, text: We test every change., dimension: practice, type: likert }
    levels:
      - { id: "1" }
      - id: "2"
        criteria: [{ question: q, min: 4 }]
    """

  /// What `steward demo` does: both survey waves scored now, one after the
  /// other, with the CLI; each counts for the month of its responses.
  @Test func surveysScoredTodayCountForTheMonthOfTheirResponses() throws {
    let dir = try StewardBinary.scratch([
      "m0.yaml": Self.survey.replacingOccurrences(of: "RESPONSES", with: "m0.csv"),
      "m18.yaml": Self.survey.replacingOccurrences(of: "RESPONSES", with: "m18.csv"),
      "m0.csv": "respondent,team,date,q\na,recs,2025-05-12,3\nb,recs,2025-05-20,2\n",
      "m18.csv": "respondent,team,date,q\na,recs,2026-11-03,5\nb,recs,2026-11-10,4\n",
      "d.yaml": """
      steward: 1
      kind: dashboard
      name: d
      period: {month: 2026-11, compare: 2025-05}
      metrics:
        - builtin: maturity
          params: {survey: practice}

      """,
    ])
    // Month 18 first, then month 0: the order of recording does not matter.
    for wave in ["m18.yaml", "m0.yaml"] {
      let r = try StewardBinary.run(["run", wave, "--store", "h.sqlite"], in: dir)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let r = try StewardBinary.run(
      ["run", "d.yaml", "--store", "h.sqlite", "--no-record", "--format", "markdown"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("| Maturity level | level 1 | level 2 | +1 |"), "\(r.stdout)")
    #expect(r.stdout.contains("run #1 as of 2026-11-10"))
  }
}

extension DashboardCommandTests {
  /// Slack refuses a header block past 150 characters: a long title is cut,
  /// keeping the month, and the message still says it in full in `text`.
  @Test func aLongTitleIsShortenedToSlacksHeaderLimit() throws {
    let title = String(repeating: "Recommendations and search value ", count: 6)
      .trimmingCharacters(in: .whitespaces)
    let dir = try StewardBinary.scratch([
      "d.yaml": """
      steward: 1
      kind: dashboard
      name: d
      title: \(title)
      period: {month: 2026-11}
      metrics:
        - {id: one, expression: "1"}

      """
    ])
    let r = try StewardBinary.run(["run", "d.yaml", "--no-record", "--format", "slack"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let payload = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let blocks = payload?["blocks"] as? [[String: Any]] ?? []
    let header = (blocks.first?["text"] as? [String: Any])?["text"] as? String ?? ""
    #expect(title.count > 150)
    #expect(header.count == 150, "\(header.count): \(header)")
    #expect(header.hasSuffix("…: 2026-11"))
    #expect(header.hasPrefix("Recommendations and search value"))
    #expect((payload?["text"] as? String)?.hasPrefix(title + ": 2026-11") == true)
  }
}
