import Foundation
import Testing

/// The report files of a run whose input is wrong (exit 2): written for
/// every format of every kind, the JSON one in the shape its kind's
/// published schema admits; and none at all for a usage error.
@Suite(.serialized) struct ErrorReportFilesTests {
  static let kinds = ["audit", "survey", "runbook", "hackathon", "ritual", "dashboard"]

  /// A playbook of `kind` with a key no kind takes: refused at 4:1.
  static func broken(_ kind: String) throws -> URL {
    try StewardBinary.scratch(["p.yaml": "steward: 1\nkind: \(kind)\nname: x\nbogus_key: 1\n"])
  }

  static func validates(_ report: URL, against schema: String) throws -> String {
    try StewardBinary.python(
      "import json, sys, jsonschema\njsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))\nprint('valid')",
      [StewardBinary.packageRoot.appendingPathComponent(schema).path, report.path])
  }

  @Test func everyFormatOfADashboardSaysWhy() throws {
    let dir = try Self.broken("dashboard")
    let formats = ["json", "html", "slack", "markdown", "text"]
    let r = try StewardBinary.run(
      ["run", "p.yaml", "--no-record"] + formats.flatMap { ["--report", "\($0)=r.\($0)"] }, in: dir)
    #expect(r.status == 2)
    for format in formats {
      let text = try String(
        contentsOf: dir.appendingPathComponent("r.\(format)"), encoding: .utf8)
      #expect(text.contains("bogus_key"), "\(format): \(text)")
    }
    let slack =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: dir.appendingPathComponent("r.slack"))) as? [String: Any]
    #expect((slack?["text"] as? String)?.contains("p.yaml was not run") == true)
    let check = try Self.validates(
      dir.appendingPathComponent("r.json"), against: "docs/schemas/dashboard-report.schema.json")
    #expect(check.contains("valid"), "\(check)")
  }

  /// Each kind's error JSON names the kind and its schema_version; the
  /// audit's and the dashboard's satisfy their published schemas.
  @Test(arguments: kinds) func theErrorJSONNamesItsKind(kind: String) throws {
    let dir = try Self.broken(kind)
    let r = try StewardBinary.run(
      ["run", "p.yaml", "--no-record", "--report", "json=r.json"], in: dir)
    #expect(r.status == 2)
    let report = dir.appendingPathComponent("r.json")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
    #expect(json["kind"] as? String == kind)
    #expect(json["schema_version"] as? Int == (kind == "audit" ? 2 : 1))
    #expect(json["exit_status"] as? Int == 2)
    if kind == "audit" || kind == "dashboard" {
      let check = try Self.validates(report, against: "docs/schemas/\(kind)-report.schema.json")
      #expect(check.contains("valid"), "\(check)")
    }
  }

  /// A header that does not load (no name): the kind is read from the
  /// text, so the report still fits the audit's schema. Text that is no
  /// YAML at all names no kind: null.
  @Test func aPlaybookWhoseHeaderFailsStillNamesItsKind() throws {
    let dir = try StewardBinary.scratch([
      "p.yaml": "steward: 1\nkind: audit\n", "q.yaml": "steward: 1\nkind: audit\nname: [x\n",
    ])
    let read = { (name: String) throws -> [String: Any]? in
      try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name)))
        as? [String: Any]
    }
    for (playbook, report) in [("p.yaml", "p.json"), ("q.yaml", "q.json")] {
      let r = try StewardBinary.run(
        ["run", playbook, "--no-record", "--report", "json=\(report)"], in: dir)
      #expect(r.status == 2)
    }
    #expect(try read("p.json")?["kind"] as? String == "audit")
    let check = try Self.validates(
      dir.appendingPathComponent("p.json"), against: "docs/schemas/audit-report.schema.json")
    #expect(check.contains("valid"), "\(check)")
    #expect(try read("q.json")?["kind"] is NSNull)
  }

  /// A mistake on the command line is a usage error: exit 2 and no report
  /// file, whatever the kind. A value checked against the playbook (an
  /// unknown --var, --input or --only) is an input error for every kind:
  /// its reports say why.
  @Test func usageErrorsWriteNoReportFiles() throws {
    let playbooks = StewardBinary.packageRoot.appendingPathComponent("Playbooks").path
    let usage: [[String]] = [
      ["\(playbooks)/deployment-gate.yaml", "--fail-on", "bogus"],
      ["\(playbooks)/deployment-gate.yaml", "--format", "bogus"],
      ["\(playbooks)/deployment-gate.yaml", "--ics", "x.ics"],
      ["\(playbooks)/deployment-gate.yaml", "--input", "subjects"],
      ["\(playbooks)/team-health.yaml", "--period", "2026-13"],
      ["\(playbooks)/value-dashboard.yaml", "--slack-webhook", "ftp://x"],
      ["\(playbooks)/recsys-oncall.yaml", "--resume", "abc"],
    ]
    let input: [[String]] = [
      ["\(playbooks)/recsys-oncall.yaml", "--var", "nope=1"],
      ["\(playbooks)/quarterly-hackathon.yaml", "--var", "nope=1"],
      ["\(playbooks)/value-dashboard.yaml", "--var", "nope=1"],
      ["\(playbooks)/deployment-gate.yaml", "--only", "nope"],
      ["\(playbooks)/deployment-gate.yaml", "--input", "nope=x"],
    ]
    for (arguments, written) in usage.map({ ($0, false) }) + input.map({ ($0, true) }) {
      let dir = try StewardBinary.scratch([:])
      let r = try StewardBinary.run(
        ["run"] + arguments + ["--no-record", "--report", "json=r.json"], in: dir)
      #expect(r.status == 2, "\(arguments)")
      let exists = FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.json").path)
      #expect(exists == written, "\(arguments): \(r.stderr)")
    }
  }
}
