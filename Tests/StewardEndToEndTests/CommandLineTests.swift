import Foundation
import Testing

@Suite struct CommandLineTests {
  @Test func versionPrintsAndExitsZero() throws {
    let r = try StewardBinary.run(["--version"])
    #expect(r.status == 0)
    #expect(
      r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
  }

  @Test func usageErrorExitsTwoNotSixtyFour() throws {
    let r = try StewardBinary.run(["validate", "--no-such-flag"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("--no-such-flag"))
    #expect(r.stdout.isEmpty)
  }

  @Test func shippedPlaybooksAndPluginsValidate() throws {
    let r = try StewardBinary.run(["validate", "Playbooks", "Plugins"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("ok  Playbooks/deployment-gate.yaml  audit playbook deployment-gate"))
    #expect(
      r.stdout.contains("ok  Plugins/ml-governance.lua  plugin ml-governance 0.2.0 (11 checks)"))
  }

  @Test func badPlaybookIsExitTwoWithItsMark() throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": "steward: 1\nkind: audit\nname: gate\nchecks: []\nchekcs: []\n",
      "dup.yaml": "steward: 1\nkind: audit\nname: a\nname: b\n",
    ])
    let r = try StewardBinary.run(["validate", "gate.yaml", "dup.yaml"], in: dir)
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains(#"gate.yaml:5:1: error: unknown key "chekcs" in audit playbook"#))
    #expect(r.stderr.contains("dup.yaml:4:1: error: duplicate key"))
    // The offending line is echoed under the message, with a caret.
    #expect(r.stderr.contains("chekcs: []\n^"))
  }

  @Test func pluginErrorsCarryTheLuaLine() throws {
    let dir = try StewardBinary.scratch([
      "syntax.lua": "local p = steward.plugin{ name = 'x', version = '1' }\nreturn p +\n",
      "runtime.lua": "local p = steward.plugin{ name = 'y', version = '1' }\n\nerror('boom')\n",
    ])
    let r = try StewardBinary.run(["validate", "syntax.lua", "runtime.lua"], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("syntax.lua:3:"))
    #expect(r.stderr.contains("runtime.lua:3:"))
    #expect(r.stderr.contains("boom"))
  }

  @Test func missingPathIsExitTwo() throws {
    let r = try StewardBinary.run(["validate", "does/not/exist.yaml"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("does/not/exist.yaml: error: no such file or directory"))
  }

  @Test func inspectShowsTypesAndMarks() throws {
    let dir = try StewardBinary.scratch([
      "card.yaml": "owner: recsys\nreplicas: 3\nflag: no\nratio: 1.10\nquoted: \"3\"\n"
    ])
    let r = try StewardBinary.run(["inspect", "card.yaml"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains(#""schema_version": 1"#))
    #expect(r.stdout.contains(#""type": "int","#))
    #expect(r.stdout.contains(#""at": "2:11""#))
    // YAML 1.2: `no` is a string, `1.10` a number, a quoted "3" a string.
    #expect(r.stdout.contains(#""value": "no""#))
    #expect(r.stdout.contains(#""value": 1.1"#))
    #expect(r.stdout.contains(#""value": "3""#))
    let plain = try StewardBinary.run(["inspect", "--plain", "card.yaml"], in: dir)
    #expect(plain.stdout.contains(#""replicas": 3"#))
  }

  @Test func inspectReadsCSVWithLineMarks() throws {
    let dir = try StewardBinary.scratch([
      "r.csv": "team,score\nrecsys,4\n\"ads\nteam\",2\nsearch,5\n"
    ])
    let r = try StewardBinary.run(["inspect", "--plain", "r.csv"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains(#""team": "search""#))
    let typed = try StewardBinary.run(["inspect", "r.csv"], in: dir)
    // The row after a quoted newline starts on line 5.
    #expect(typed.stdout.contains(#""at": "5:"#))
  }

  @Test func inspectOfBadYAMLIsExitTwo() throws {
    let dir = try StewardBinary.scratch(["bad.yaml": "a: [1, 2\nb: 3\n"])
    let r = try StewardBinary.run(["inspect", "bad.yaml"], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("bad.yaml:"))
    #expect(r.stdout.isEmpty)
  }
}
