import Foundation
import StewardEngine
import Testing

@Suite struct AuditCommandTests {
  @Test func shippedGateBlocksTheContractorModel() throws {
    let r = try StewardBinary.run(["run", "Playbooks/deployment-gate.yaml"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stdout.contains("ad-targeting"))
    #expect(r.stdout.contains("Examples/streamrec/models/ad-targeting.yaml:12:12"))
    #expect(r.stdout.contains("gate: FAILED"))
  }

  @Test func gateThresholdDecidesTheExitCode() throws {
    let subjects = "--input=models=Examples/streamrec/models/recommender.yaml"
    let pass = try StewardBinary.run(["run", "Playbooks/deployment-gate.yaml", subjects])
    #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
    let lenient = try StewardBinary.run([
      "run", "Playbooks/deployment-gate.yaml", "--fail-on", "critical", "--only", "monitoring",
    ])
    #expect(lenient.status == 0, "\(lenient.stdout)")
  }

  @Test(arguments: ["json", "junit", "sarif", "markdown", "github"])
  func everyFormatWritesAFile(format: String) throws {
    let dir = try StewardBinary.scratch([:])
    let out = dir.appendingPathComponent("report.\(format)").path
    let r = try StewardBinary.run([
      "run",
      StewardBinary.packageRoot.appendingPathComponent("Playbooks/deployment-gate.yaml").path,
      "--format", format, "--output", out,
    ])
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.contains("ad-targeting"))
  }

  /// Waiver warnings reach stderr whatever the format and destination,
  /// except where a text report on stdout already shows them.
  @Test(arguments: ["text", "json", "github"], [true, false])
  func waiverWarningsAreSaidOnceOnTheTerminal(format: String, toFile: Bool) throws {
    let root = StewardBinary.packageRoot.path
    let dir = try StewardBinary.scratch([
      "w.yaml": """
      steward: 1
      kind: audit
      name: w
      plugins: [\(root)/Plugins/ml-governance.lua]
      subjects: \(root)/Examples/streamrec/models
      checks:
        - use: ml-governance.validation_split
      waivers:
        - { check: validation_split, subject: ad-targeting, reason: r, owner: bob, expires: 2020-01-01 }
        - { check: validation_split, subject: recommender, reason: r, owner: eve, expires: 2099-01-01 }
      """
    ])
    let r = try StewardBinary.run(
      ["run", "w.yaml", "--no-record", "--fail-on", "none", "--format", format]
        + (toFile ? ["-o", "out"] : []),
      in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let onStderr = format != "text" || toFile
    #expect(
      r.stderr.contains("w.yaml:9:5: warning: waiver for validation_split on ad-targeting expired")
        == onStderr, "\(r.stderr)")
    #expect(r.stderr.contains("[W011]") == onStderr)
  }

  @Test func jsonOnStdoutIsPureJSON() throws {
    let r = try StewardBinary.run(["run", "Playbooks/deployment-gate.yaml", "--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    #expect(object?["schema_version"] as? Int == 2)
  }

  @Test func badPlaybookIsExitTwoAndWritesNoReport() throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml":
        "steward: 1\nkind: audit\nname: g\nsubjects: .\nchecks:\n  - builtin: required\n    id: x\n    params: { path: 3 }\n"
    ])
    let r = try StewardBinary.run(
      ["run", "gate.yaml", "--format", "json", "--output", "out.json"], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("gate.yaml:8:"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.json").path))
  }

  @Test func badFlagValuesAreUsageErrors() throws {
    let a = try StewardBinary.run(["run", "Playbooks/deployment-gate.yaml", "--format", "pdf"])
    #expect(a.status == 2)
    let b = try StewardBinary.run(["run", "Playbooks/deployment-gate.yaml", "--fail-on", "severe"])
    #expect(b.status == 2)
  }

  @Test func shippedPluginExamplesPass() throws {
    let r = try StewardBinary.run(["test"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("ok   ml-governance"))
    #expect(r.stdout.contains("ok   hf-model-card"))
  }

  /// A plugin is named as `plugins show` names it: found on the search path
  /// (`--plugin-path`, then ./Plugins), whatever folder it is in.
  @Test func testAcceptsAnInstalledPluginsName() throws {
    let r = try StewardBinary.run(["test", "ml-governance"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("ok   ml-governance"))
    #expect(!r.stdout.contains("experiments"))
    let elsewhere = try StewardBinary.scratch([
      "lib/team.lua": """
      local p = steward.plugin{ name = "team-checks", version = "1" }
      p:check{ id = "c", description = "d", severity = "low",
        run = function() return true end,
        examples = { { subject = { a = 1 }, expect = "pass" } } }
      return p
      """
    ])
    let byPath = try StewardBinary.run(
      ["test", "team-checks", "--plugin-path", "lib"], in: elsewhere)
    #expect(byPath.status == 0, "\(byPath.stdout)\(byPath.stderr)")
    #expect(byPath.stdout.contains("ok   team-checks 1: 3/3 example runs passed"))
    let unknown = try StewardBinary.run(["test", "no-such-plugin"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains(#"no plugin named "no-such-plugin""#), "\(unknown.stderr)")
  }

  /// Testing nothing is an input error, not "0 of 0 passed": a CI step that
  /// names the wrong path must not pass.
  @Test func testOfAPathWithoutPluginsIsAnInputError() throws {
    let dir = try StewardBinary.scratch([
      "my-audit.yaml": "steward: 1\nkind: audit\nname: a\n",
      "empty/notes.yaml": "a: 1\n",
    ])
    // A playbook is tested by its fixtures: an audit without checks is refused first.
    let playbook = try StewardBinary.run(["test", "my-audit.yaml"], in: dir)
    #expect(playbook.status == 2)
    #expect(
      playbook.stderr.contains(
        "my-audit.yaml:1:1: error: an audit needs at least one check under \"checks:\""),
      "\(playbook.stderr)")
    #expect(!playbook.stdout.contains("0 of 0"))
    let folder = try StewardBinary.run(["test", "empty"], in: dir)
    #expect(folder.status == 2)
    #expect(folder.stderr.contains("empty: error: no plugin (.lua file) in this folder [P003]"))
    let here = try StewardBinary.run(["test", "."], in: dir.appendingPathComponent("empty"))
    #expect(here.status == 2)
    #expect(here.stderr.contains(".: error: no plugin"), "\(here.stderr)")
    // With no argument and no Plugins/ folder, the folder is what is missing.
    let bare = try StewardBinary.run(["test"], in: dir)
    #expect(bare.status == 2)
    #expect(
      bare.stderr.contains("Plugins: error: no such file or directory [F001]"), "\(bare.stderr)")
  }

  @Test func failingExampleShowsExpectedAndActual() throws {
    let dir = try StewardBinary.scratch([
      "bad.lua": """
      local p = steward.plugin{ name = "bad", version = "1" }
      p:check{ id = "c", description = "d", severity = "low",
        run = function(s) return true end,
        examples = { { subject = { a = 1 }, expect = "fail", at = "a" } } }
      return p
      """
    ])
    let r = try StewardBinary.run(["test", "bad.lua"], in: dir)
    #expect(r.status == 1)
    #expect(r.stdout.contains("expected fail at a, got pass"))
  }

  @Test func aCheckThatModifiesItsSubjectFailsItsExamples() throws {
    let dir = try StewardBinary.scratch([
      "mut.lua": """
      local p = steward.plugin{ name = "mut", version = "1" }
      p:check{ id = "c", description = "d", severity = "low",
        run = function(s) s.owner = nil; return true end,
        examples = { { subject = { owner = "x" }, expect = "pass" } } }
      return p
      """
    ])
    let r = try StewardBinary.run(["test", "mut.lua"], in: dir)
    #expect(r.status == 1)
    // Subjects are read-only to plugins (decision 0024): the write is the error.
    #expect(r.stdout.contains("check c may not modify its subject, params or ctx (field 'owner')"))
  }

  @Test func pluginsListAndShow() throws {
    let list = try StewardBinary.run(["plugins", "list"])
    #expect(list.status == 0)
    // Under each check, its parameters and one example, a line each.
    let lines = list.stdout.components(separatedBy: "\n")
    let fairness = try #require(lines.firstIndex { $0.contains("check fairness_audit [high]") })
    #expect(lines[fairness + 1] == "    params: min_ratio (number 0…1, default 0.8)")
    #expect(lines[fairness + 2] == #"    example: {"owner":"ads"} → fail at fairness.audited"#)
    let owner = try #require(lines.firstIndex { $0.contains("check has_owner [high]") })
    #expect(lines[owner + 1] == "    params: none")
    #expect(lines[owner + 2].hasPrefix("    example: {"))
    let show = try StewardBinary.run(["plugins", "show", "ml-governance"])
    #expect(show.status == 0)
    #expect(show.stdout.contains("param min_ratio: number 0…1 = 0.8"))
    #expect(show.stdout.contains("example: "))
    let missing = try StewardBinary.run(["plugins", "show", "nope"])
    #expect(missing.status == 2)
  }

  /// The report is written on a queue of its own; a failed write still
  /// says why (the writing thread's errno) and exits 2.
  @Test func aReportThatCannotBeWrittenIsExitTwoWithTheReason() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    let r = try StewardBinary.run(
      ["run", "Playbooks/deployment-gate.yaml", "--format", "json", "--output", "/dev/full"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("/dev/full: error: cannot write the report: No space left on device"))
  }

  @Test func newFilesValidateAndTest() throws {
    let dir = try StewardBinary.scratch([:])
    #expect(try StewardBinary.run(["new", "plugin", "my-checks"], in: dir).status == 0)
    #expect(try StewardBinary.run(["new", "playbook", "audit", "model-gate"], in: dir).status == 0)
    #expect(try StewardBinary.run(["new", "playbook", "survey", "health"], in: dir).status == 0)
    let v = try StewardBinary.run(
      ["validate", "my-checks.lua", "model-gate.yaml", "health.yaml"], in: dir)
    #expect(v.status == 0, "\(v.stderr)")
    let t = try StewardBinary.run(["test", "my-checks.lua"], in: dir)
    #expect(t.status == 0, "\(t.stdout)")
    let again = try StewardBinary.run(["new", "plugin", "my-checks"], in: dir)
    #expect(again.status == 2)
  }

  /// The starter audit reads fields the documented card format has: on the
  /// StreamRec cards it agrees with the shipped gate's monitoring check,
  /// failing only the model served with no monitoring (ad-targeting).
  @Test func theStarterAuditAgreesWithTheShippedGateOnTheStreamRecCards() throws {
    let dir = try StewardBinary.scratch([:])
    #expect(try StewardBinary.run(["new", "playbook", "audit", "model-gate"], in: dir).status == 0)
    let models = StewardBinary.packageRoot.appendingPathComponent("Examples/streamrec/models").path
    let r = try StewardBinary.run(
      [
        "run", "model-gate.yaml", "--no-record", "--only", "production-is-monitored", "--input",
        "subjects=\(models)", "--format", "json",
      ], in: dir)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let results = try #require(json["results"] as? [[String: Any]])
    let failing = results.filter { $0["status"] as? String == "fail" }.compactMap {
      $0["subject"] as? String
    }
    #expect(failing == ["ad-targeting"], "\(r.stdout.prefix(2000))")
    let passing = Set(
      results.filter { $0["status"] as? String == "pass" }.compactMap { $0["subject"] as? String })
    #expect(passing == ["churn", "recommender"])
  }

  /// Every kind's starter validates and runs as written; a hackathon's
  /// comes with the roster, projects and scores files it reads.
  @Test(arguments: PlaybookKind.allCases)
  func everyKindsStarterValidatesAndRuns(_ kind: PlaybookKind) throws {
    let dir = try StewardBinary.scratch([:])
    let name = "my-\(kind.rawValue)"
    let made = try StewardBinary.run(["new", "playbook", kind.rawValue, name], in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let v = try StewardBinary.run(["validate", "\(name).yaml"], in: dir)
    #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    // The folder too: the data files beside the playbook are its inputs,
    // not playbooks that lack `steward:`.
    let folder = try StewardBinary.run(["validate", "."], in: dir)
    #expect(folder.status == 0, "\(folder.stdout)\(folder.stderr)")
    if kind == .survey {
      // Sample responses and a roster: `run` works straight after `new`.
      #expect(made.stdout.contains("wrote ./\(name)-roster.yaml"), "\(made.stdout)")
      let run = try StewardBinary.run(["run", "\(name).yaml", "--no-record"], in: dir)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(run.stdout.contains("respondents: 6 of 8 (75% responded)"), "\(run.stdout)")
      #expect(run.stdout.contains("period: 2026-11"))
    }
    guard kind == .hackathon else { return }
    let named = try StewardBinary.run(["validate", "\(name)-people.yaml"], in: dir)
    #expect(named.status == 2, "a data file named on its own is judged as a playbook")
    #expect(made.stdout.contains("wrote ./\(name)-projects.yaml"))
    let run = try StewardBinary.run(["run", "\(name).yaml", "--no-record"], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("cross-team: 1"))
    // A second `new` writes nothing, not even the files that do not exist yet.
    try FileManager.default.removeItem(at: dir.appendingPathComponent("\(name)-scores.csv"))
    let again = try StewardBinary.run(["new", "playbook", "hackathon", name], in: dir)
    #expect(again.status == 2)
    #expect(
      !FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(name)-scores.csv").path)
    )
  }
}

@Suite struct SubjectSchemaCommandTests {
  @Test func aCardOutsideTheSchemaIsExitTwoAtItsField() throws {
    let card = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent(
        "Examples/streamrec/models/churn.yaml"),
      encoding: .utf8)
    let broken = card.replacingOccurrences(of: "\nstage: ", with: "\nstage: prod-")
    #expect(broken != card)
    let dir = try StewardBinary.scratch(["models/churn.yaml": broken])
    let gate = StewardBinary.packageRoot.appendingPathComponent("Playbooks/deployment-gate.yaml")
      .path
    let r = try StewardBinary.run(
      ["run", gate, "--input", "models=models", "--format", "json"], in: dir)
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains("models/churn.yaml:"))
    #expect(r.stderr.contains("stage: must be one of"))
    #expect(r.stderr.contains("[J010]"))
  }
}
