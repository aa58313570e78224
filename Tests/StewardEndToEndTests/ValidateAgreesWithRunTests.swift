import Foundation
import Testing

/// `validate` agrees with `run` (issue 18, point 7): it takes `--input`
/// and `--plugin-path` and reads the playbook with the run's own load; and
/// `validate FOLDER` knows a waiver file, fixtures and a report for what
/// they are.
@Suite struct ValidateAgreesWithRunTests {
  static let plugin = """
    local p = steward.plugin{ name = "shared", version = "1" }
    p:check{ id = "c", run = function(s) return { status = "pass" } end,
      examples = { { subject = { id = "m" }, expect = "pass" } } }
    return p

    """

  static func folder() throws -> URL {
    try StewardBinary.scratch([
      "lib/shared.lua": plugin,
      "cards/a.yaml": "id: a\nowner: x\n",
      "other/b.yaml": "id: b\n",
      "gate.yaml":
        "steward: 1\nkind: audit\nname: g\nplugins: [shared]\nsubjects: cards/\nchecks:\n  - use: shared.c\n  - { id: owned, builtin: required, params: { path: owner } }\n",
    ])
  }

  /// Each pair of arguments gets the same verdict (exit 0, or 2 for the
  /// same reason) from `validate` and from `run`.
  @Test func validateAndRunJudgeAlike() throws {
    let dir = try Self.folder()
    let cases: [(arguments: [String], status: Int32, says: String?)] = [
      ([], 2, "plugin \"shared\" not found"),
      (["--plugin-path", "lib"], 0, nil),
      (["--plugin-path", "lib", "--input", "subjects=nowhere/"], 2, "nowhere"),
      (["--plugin-path", "lib", "--input", "sujbects=other/"], 2, "I001"),
      (["--plugin-path", "lib", "--input", "subjects=other/"], 0, nil),
    ]
    for c in cases {
      let validate = try StewardBinary.run(["validate", "gate.yaml"] + c.arguments, in: dir)
      let run = try StewardBinary.run(
        ["run", "gate.yaml", "--no-record", "--fail-on", "none"] + c.arguments, in: dir)
      #expect(validate.status == c.status, "validate \(c.arguments): \(validate.stderr)")
      #expect(run.status == c.status, "run \(c.arguments): \(run.stderr)")
      if let says = c.says {
        #expect(validate.stderr.contains(says), "validate \(c.arguments): \(validate.stderr)")
        #expect(run.stderr.contains(says), "run \(c.arguments): \(run.stderr)")
      }
    }
  }

  @Test func aFolderHoldsWaiversFixturesAndReportsBesidePlaybooks() throws {
    let dir = try Self.folder()
    let write = { (name: String, text: String) in
      try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("ci"), withIntermediateDirectories: true)
    try write(
      "ci/waivers.yaml",
      "waivers:\n  - { check: owned, subject: b, reason: r, owner: o, expires: 2099-01-01 }\n")
    try write(
      "ci/gate.tests.yaml",
      "tests:\n  - { name: a, file: ../cards/a.yaml, expect: { owned: pass } }\n")
    let report = try StewardBinary.run(
      [
        "run", "gate.yaml", "--no-record", "--plugin-path", "lib", "--format", "json", "--output",
        "ci/report.json",
      ], in: dir)
    #expect(report.status == 0, "\(report.stderr)")
    let r = try StewardBinary.run(["validate", "ci", "gate.yaml", "--plugin-path", "lib"], in: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("ci/waivers.yaml  waiver file (1 waiver)"))
    #expect(r.stdout.contains("ci/gate.tests.yaml  audit fixtures (1 fixture"))
    #expect(r.stdout.contains("ci/report.json  a report steward wrote, not a playbook"))
    // A waiver file is still checked as a run checks it.
    try write(
      "ci/waivers.yaml",
      "waivers:\n  - { check: owned, subject: b, reason: r, expires: 2099-01-01 }\n")
    let broken = try StewardBinary.run(["validate", "ci"], in: dir)
    #expect(broken.status == 2)
    #expect(broken.stderr.contains("ci/waivers.yaml:2:5: error:"), "\(broken.stderr)")
  }
}
