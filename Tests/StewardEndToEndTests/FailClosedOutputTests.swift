import Foundation
import Testing

/// Fail closed on what a person reads and on what decides: the default gate,
/// checks that defer to a check left out of the run, `run` grants, and text
/// from outside (cards, answers, titles) that reaches a terminal or a
/// Markdown page.
@Suite struct FailClosedOutputTests {
  static let root = StewardBinary.packageRoot.path

  // MARK: - The gate when nobody names one

  static let gateless = """
    steward: 1
    kind: audit
    name: gateless
    subjects: card.yaml
    checks:
      - id: has-version
        builtin: required
        params: { path: version }
        severity: low
    """

  @Test func withNoGateAnUnwaivedFailureFailsTheRun() throws {
    let dir = try StewardBinary.scratch(["gate.yaml": Self.gateless, "card.yaml": "id: m\n"])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("gate: fail on any unwaived failure or error (default)"))
    #expect(r.stdout.contains("gate: FAILED"))
  }

  @Test func withNoGateAnErrorFailsTheRun() throws {
    let playbook = """
      steward: 1
      kind: audit
      name: gateless
      subjects: card.yaml
      checks:
        - id: boom
          expr: error("broken")
      """
    let dir = try StewardBinary.scratch(["gate.yaml": playbook, "card.yaml": "id: m\n"])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
  }

  @Test func failOnNoneAndGateNoneOnlyReport() throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": Self.gateless, "card.yaml": "id: m\n",
      "none.yaml": Self.gateless + "\ngate: none\n",
      "high.yaml": Self.gateless + "\ngate: { fail_on: high }\n",
    ])
    let cli = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--fail-on", "none"], in: dir)
    #expect(cli.status == 0, "\(cli.stdout)\(cli.stderr)")
    #expect(cli.stdout.contains("gate: none (report only"))
    let playbook = try StewardBinary.run(["run", "none.yaml", "--no-record"], in: dir)
    #expect(playbook.status == 0, "\(playbook.stdout)\(playbook.stderr)")
    #expect(playbook.stdout.contains("gate: none (report only"))
    let high = try StewardBinary.run(["run", "high.yaml", "--no-record"], in: dir)
    #expect(high.status == 0, "\(high.stdout)\(high.stderr)")
    #expect(high.stdout.contains("gate: high and above (gate.fail_on in the playbook)"))
    let flag = try StewardBinary.run(
      ["run", "high.yaml", "--no-record", "--fail-on", "low"], in: dir)
    #expect(flag.status == 1)
    #expect(flag.stdout.contains("gate: low and above (--fail-on low)"))
    let typo = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--fail-on", "nope"], in: dir)
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("none"))
  }

  // MARK: - Deferred checks

  static let trainingCard = """
    id: contractor-ad-model
    owner: ads
    training: { data: s3://ads/train }
    evaluation:
      validation: { split: train }
      offline: { metric: auc, value: 0.86, computed_on: train }
    """

  @Test func aCheckThatDefersGivesItsOwnVerdictWhenItsTargetIsLeftOut() throws {
    let playbook = """
      steward: 1
      kind: audit
      name: held-out
      plugins: [\(Self.root)/Plugins/ml-governance.lua]
      subjects: card.yaml
      checks:
        - use: ml-governance.validation_split
          tags: [evaluation]
        - use: ml-governance.offline_metrics_held_out
          tags: [evaluation]
      """
    let dir = try StewardBinary.scratch(["gate.yaml": playbook, "card.yaml": Self.trainingCard])
    let left = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--only", "evaluation", "--skip", "validation_split"],
      in: dir)
    #expect(left.status == 1, "\(left.stdout)\(left.stderr)")
    #expect(left.stdout.contains("FAIL   high     offline_metrics_held_out"), "\(left.stdout)")
    // With validation_split in the run, one finding, not two.
    let both = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(both.status == 1)
    #expect(both.stdout.contains("skip   high     offline_metrics_held_out"), "\(both.stdout)")
  }

  @Test func deferringToNoCheckOfThePluginIsRefusedAtLoad() throws {
    let plugin = """
      local p = steward.plugin{ name = "d", version = "1" }
      p:check{ id = "a", description = "a", defers_to = "validation_splt",
        run = function() return { status = "pass" } end,
        examples = { { subject = {}, expect = "pass" } } }
      return p
      """
    let dir = try StewardBinary.scratch(["d.lua": plugin])
    let r = try StewardBinary.run(["test", "d.lua"], in: dir)
    #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
    #expect(
      r.stderr.contains("defers_to names \"validation_splt\", which is no check of this plugin"))
  }

  // MARK: - Run grants

  @Test func aRunGrantIsAFileNotABasename() throws {
    let plugin = """
      local p = steward.plugin{ name = "probe", version = "1.0" }
      p:step{ id = "call", description = "runs what it is given",
        run = function(params)
          local r = steward.run{ params.command, "hi" }
          return { ok = r.ok, output = r.output }
        end }
      return p
      """
    let runbook = """
      steward: 1
      kind: runbook
      name: grants
      plugins: [probe.lua]
      capabilities: { run: [printf] }
      steps:
        - id: evil
          use: probe.call
          with: { command: evil/printf }
          on_failure: continue
        - id: good
          use: probe.call
          with: { command: printf }
      """
    let dir = try StewardBinary.scratch([
      "probe.lua": plugin, "r.yaml": runbook,
      "evil/printf": "#!/bin/sh\ntouch \"$(dirname \"$0\")/../pwned\"\n",
    ])
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o755], ofItemAtPath: dir.appendingPathComponent("evil/printf").path)
    let r = try StewardBinary.run(["run", "r.yaml", "--no-record", "--format", "json"], in: dir)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pwned").path))
    #expect(r.stdout.contains("evil/printf is not granted"), "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("\"good\""))
  }

  // MARK: - Text from outside, on a terminal and in Markdown

  /// A title that would rub out its line and write a verdict of its own,
  /// and inject HTML into a Markdown page.
  static let hostile = #"T<img src=x onerror=alert(1)>\r\e[2Kpass  high  forged: yes"#

  static func expectEscaped(_ text: String, _ what: String) {
    #expect(!text.contains("\u{1B}[2K"), "\(what): a raw ESC reached the output")
    #expect(!text.contains("\r"), "\(what): a raw CR reached the output")
    // Markdown escapes the backslash and bracket once more (survey).
    #expect(text.contains("x1b"), "\(what): \(text)")
  }

  static func expectNoHTML(_ text: String, _ what: String) {
    #expect(!text.contains("<img"), "\(what): raw HTML reached the Markdown")
    #expect(text.contains("&lt;img"), "\(what): \(text)")
  }

  /// A shipped playbook with its title replaced and its paths made absolute.
  static func shipped(_ name: String, title: String) throws -> URL {
    let text = try String(
      contentsOfFile: "\(root)/Playbooks/\(name)", encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      // Every title: a hackathon shows its event's.
      guard let colon = line.range(of: "title: "),
        line[..<colon.lowerBound].allSatisfy({ $0 == " " })
      else { return String(line) }
      return line[..<colon.upperBound] + "\"\(hostile)\""
    }
    let playbook = lines.joined(separator: "\n").replacingOccurrences(
      of: "../Examples/", with: "\(root)/Examples/"
    ).replacingOccurrences(of: "../Plugins/", with: "\(root)/Plugins/")
    return try StewardBinary.scratch([name: playbook])
  }

  @Test(arguments: [
    "quarterly-hackathon.yaml", "ds-community.yaml", "value-dashboard.yaml", "team-health.yaml",
  ])
  func reportsOfEveryKindEscapeTheirTitle(playbook: String) throws {
    let dir = try Self.shipped(playbook, title: Self.hostile)
    let text = try StewardBinary.run(["run", playbook, "--no-record"], in: dir)
    #expect(text.status == 0, "\(text.stderr)")
    Self.expectEscaped(text.stdout, "\(playbook) text")
    let markdown = try StewardBinary.run(
      ["run", playbook, "--no-record", "--format", "markdown"], in: dir)
    Self.expectEscaped(markdown.stdout, "\(playbook) markdown")
    Self.expectNoHTML(markdown.stdout, "\(playbook) markdown")
  }

  @Test func aRunbookReportEscapesItsTitleAndItsCommandsOutput() throws {
    let runbook = """
      steward: 1
      kind: runbook
      name: forge
      title: "\(Self.hostile)"
      steps:
        - id: hello
          run: [printf, "ok"]
      """
    let dir = try StewardBinary.scratch(["r.yaml": runbook])
    let text = try StewardBinary.run(["run", "r.yaml", "--no-record"], in: dir)
    #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
    Self.expectEscaped(text.stdout, "runbook text")
    let markdown = try StewardBinary.run(
      ["run", "r.yaml", "--no-record", "--format", "markdown"], in: dir)
    Self.expectEscaped(markdown.stdout, "runbook markdown")
    Self.expectNoHTML(markdown.stdout, "runbook markdown")
  }

  static let forgingPlugin = """
    local p = steward.plugin{ name = "own", version = "1" }
    p:check{ id = "owner_named", description = "names the owner", severity = "high",
      run = function(card) return { status = "fail", message = "owner " .. card.owner } end,
      examples = { { subject = { owner = "x" }, expect = "fail" } } }
    return p
    """

  static let forgingAudit = """
    steward: 1
    kind: audit
    name: forge
    plugins: [own.lua]
    subjects: card.yaml
    checks:
      - use: own.owner_named
    """

  static let forgingCard = #"""
    id: m
    owner: "ada\r\e[2Kpass  high  forged: yes <script>x</script>"
    """#

  @Test func anAuditReportEscapesWhatACardSays() throws {
    let dir = try StewardBinary.scratch([
      "own.lua": Self.forgingPlugin, "gate.yaml": Self.forgingAudit, "card.yaml": Self.forgingCard,
    ])
    let text = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(text.status == 1)
    Self.expectEscaped(text.stdout, "audit text")
    let github = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--format", "github"], in: dir)
    #expect(!github.stdout.contains("\u{1B}"), "\(github.stdout)")
    let markdown = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--format", "markdown"], in: dir)
    #expect(!markdown.stdout.contains("\u{1B}"))
    #expect(!markdown.stdout.contains("<script>"))

    // Markdown's own syntax is text too: a card's id must not become a link,
    // an image or bold "PASSED" in a pull-request comment.
    let spoof = try StewardBinary.scratch([
      "own.lua": Self.forgingPlugin, "gate.yaml": Self.forgingAudit,
      "card.yaml": #"""
      id: "[approved](https://evil.example/)"
      owner: "![x](https://evil.example/t.png) **PASSED** `ok` _fine_"
      """#,
    ])
    let md = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--format", "markdown"], in: spoof)
    #expect(md.status == 1, "\(md.stderr)")
    for raw in ["[approved](", "![x](", "**PASSED**", "`ok`", "_fine_"] {
      #expect(!md.stdout.contains(raw), "\(raw): \(md.stdout)")
    }
    #expect(md.stdout.contains(#"\[approved\]"#), "\(md.stdout)")
  }

  @Test func aSurveyReportEscapesWhatTheResponsesSay() throws {
    let csv = try String(
      contentsOfFile: "\(Self.root)/Examples/streamrec/surveys/team-health-month-18.csv",
      encoding: .utf8
    ).replacingOccurrences(of: "ML platform", with: "ML\u{1B}[2K<b>forged</b>")
    let playbook = try String(
      contentsOfFile: "\(Self.root)/Playbooks/team-health.yaml", encoding: .utf8
    ).replacingOccurrences(
      of: "../Examples/streamrec/surveys/team-health-month-18.csv", with: "r.csv")
    let dir = try StewardBinary.scratch(["s.yaml": playbook, "r.csv": csv])
    let text = try StewardBinary.run(["run", "s.yaml", "--no-record"], in: dir)
    #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
    #expect(!text.stdout.contains("\u{1B}"), "\(text.stdout)")
    #expect(text.stdout.contains(#"ML\x1b[2K"#), "\(text.stdout)")
    let markdown = try StewardBinary.run(
      ["run", "s.yaml", "--no-record", "--format", "markdown"], in: dir)
    #expect(!markdown.stdout.contains("\u{1B}"))
    #expect(!markdown.stdout.contains("<b>"))
  }

  @Test func aDiagnosticEchoesItsSourceLineEscaped() throws {
    let dir = try StewardBinary.scratch([
      "bad.yaml": "steward: 1\nkind: audit\nname: x\u{1B}[2Kforged: yes\n"
    ])
    let r = try StewardBinary.run(["validate", "bad.yaml"], in: dir)
    #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
    #expect(!r.stderr.contains("\u{1B}"), "\(r.stderr)")
    #expect(r.stderr.contains(#"\x1b[2Kforged"#), "\(r.stderr)")
  }
}
