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
  /// An audit of the files in `models/` whose first check (at line 6) needs
  /// a `stage`; `more` is added to that check.
  static func gate(_ more: String = "") -> String {
    """
    steward: 1
    kind: audit
    name: t
    subjects: models
    checks:
      - id: staged
        builtin: required
        params: { path: stage }

    """ + more
  }

  static let badExpressions = gate(
    """
        when: stage ==== "production"
      - id: x
        expr: subject.stage ==
    """)

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

extension AuditInputCommandTests {
  @Test func subjectIdsThatAreNotNonEmptyStringsAreExitTwoAtTheirValues() throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": Self.gate(),
      "models/one.yaml": "id: 42\nstage: production\n",
      "models/two.yaml": "id: \"\"\nstage: production\n",
      "models/three.yaml": "id: [x]\nstage: production\n",
      "models/four.yaml": "stage: production\n",
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir)
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    let expected = [
      "models/one.yaml:1:5: error: a subject's \"id\" must be a non-empty string, found an int [A013]",
      "models/three.yaml:1:5: error: a subject's \"id\" must be a non-empty string, found a list [A013]",
      "models/two.yaml:1:5: error: a subject's \"id\" must be a non-empty string, found an empty string [A013]",
    ]
    for line in expected { #expect(r.stderr.contains(line), "\(r.stderr)") }
    #expect(!r.stderr.contains("four.yaml"))
  }
}
