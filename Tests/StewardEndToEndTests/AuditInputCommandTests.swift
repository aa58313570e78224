import Foundation
import Testing

/// Audit input that `steward run` refuses with exit 2 before anything runs.
@Suite struct AuditInputCommandTests {
  static let gate = StewardBinary.packageRoot.appendingPathComponent(
    "Playbooks/deployment-gate.yaml"
  ).path

  @Test func aMistypedOnlyIsExitTwoAndCreatesNoStore() throws {
    let dir = try StewardBinary.scratch([:])
    let r = try StewardBinary.run(
      ["run", Self.gate, "--fail-on", "high", "--only", "fairnes", "--format", "json"], in: dir)
    #expect(r.status == 2, "\(r.stdout)")
    #expect(r.stdout.isEmpty)
    #expect(
      r.stderr.contains(
        #"deployment-gate.yaml: error: --only fairnes: no check has the id or tag "fairnes"; did you mean "fairness"? [A012]"#
      ), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".steward").path))
  }

  @Test func aSkipThatNamesNothingIsExitTwo() throws {
    let r = try StewardBinary.run(["run", Self.gate, "--no-record", "--skip", "has-owner"])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        #"--skip has-owner: no check has the id or tag "has-owner"; did you mean "has_owner"?"#))
  }
}

extension AuditInputCommandTests {
  static let badExpressions = """
    steward: 1
    kind: audit
    name: t
    subjects: models
    checks:
      - id: staged
        builtin: required
        params: { path: stage }
        when: stage ==== "production"
      - id: x
        expr: subject.stage ==
    """

  @Test(arguments: [["validate", "gate.yaml"], ["run", "gate.yaml", "--format", "json"]])
  func anExpressionThatDoesNotCompileIsExitTwoAtItsValue(arguments: [String]) throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": Self.badExpressions, "models/a.yaml": "id: a\nstage: production\n",
    ])
    let r = try StewardBinary.run(arguments, in: dir)
    #expect(r.status == 2)
    #expect(!r.stdout.contains("{"))
    #expect(
      r.stderr.contains(
        "gate.yaml:9:11: error: \"when\" does not compile: unexpected symbol near '==' [L001]"),
      "\(r.stderr)")
    #expect(r.stderr.contains("gate.yaml:11:11: error: \"expr\" does not compile: "))
  }
}
