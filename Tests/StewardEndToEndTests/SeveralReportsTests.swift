import Foundation
import GRDB
import Testing

/// `--report FORMAT=PATH`: several reports from one run, recorded once; and
/// when the input is wrong, each report still says why.
@Suite(.serialized) struct SeveralReportsTests {
  static let gate = "Playbooks/deployment-gate.yaml"

  @Test func oneRunWritesEveryReportAndIsRecordedOnce() throws {
    let dir = try StewardBinary.scratch([:])
    let path = { (name: String) in dir.appendingPathComponent(name).path }
    let r = try StewardBinary.run([
      "run", Self.gate, "--store", path("h.sqlite"), "--report", "sarif=\(path("g.sarif"))",
      "--report", "junit=\(path("g.xml"))", "--report", "json=\(path("g.json"))",
    ])
    #expect(r.status == 1, "\(r.stderr)")  // the StreamRec gate blocks
    #expect(r.stdout.contains("Deployment gate for ML models"))  // the text, on stdout
    // The same reports as separate runs would write (SARIF has no clock in it).
    let alone = try StewardBinary.run(["run", Self.gate, "--no-record", "--format", "sarif"])
    #expect(try String(contentsOfFile: path("g.sarif"), encoding: .utf8) == alone.stdout)
    let json =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("g.json"))))
      as? [String: Any]
    let summary = json?["summary"] as? [String: Int]
    let xml = try String(contentsOfFile: path("g.xml"), encoding: .utf8)
    #expect(xml.contains("failures=\"\(summary?["fail"] ?? -1)\""))
    let db = try DatabaseQueue(path: path("h.sqlite"))
    #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run") } == 1)
  }

  @Test func aWrongInputStillWritesEachReportWithTheError() throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": "steward: 1\nkind: audit\nname: g\nsubjects: cards/\nchecks:\n  - {use: nope}\n"
    ])
    let r = try StewardBinary.run(
      [
        "run", "gate.yaml", "--store", "h.sqlite", "--report", "sarif=g.sarif", "--report",
        "junit=g.xml", "--report", "json=g.json", "--report", "github=g.txt",
      ], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("gate.yaml:6:11: error:"))
    let read = { (name: String) in
      try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }
    let sarif = try read("g.sarif")
    #expect(sarif.contains("\"toolExecutionNotifications\""))
    #expect(sarif.contains("\"startLine\": 6"))
    #expect(sarif.contains("\"executionSuccessful\": false"))
    #expect(try read("g.xml").contains("<error message=\"&quot;use&quot; takes PLUGIN.CHECK"))
    #expect(try read("g.json").contains("\"code\": \"A002\""))
    #expect(try read("g.txt").hasPrefix("::error file=gate.yaml,line=6,col=11::"))
    // Nothing ran: no store was made.
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.sqlite").path))
    // The SARIF error report is valid SARIF, by the official schema.
    let schema = StewardBinary.packageRoot.appendingPathComponent(
      "Tests/StewardEngineTests/Golden/sarif-schema-2.1.0.json")
    let check = try StewardBinary.python(
      "import json, sys, jsonschema\njsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))\nprint('valid')",
      [schema.path, dir.appendingPathComponent("g.sarif").path])
    #expect(check.contains("valid"), "\(check)")
  }

  @Test func reportsAreRefusedLikeFormats() throws {
    let html = try StewardBinary.run(["run", Self.gate, "--no-record", "--report", "html=x.html"])
    #expect(html.status == 2)
    #expect(html.stderr.contains("\"html\" is not a format of an audit report"))
    let twice = try StewardBinary.run([
      "run", Self.gate, "--no-record", "--report", "json=x", "--report", "sarif=x",
    ])
    #expect(twice.status == 2)
    #expect(twice.stderr.contains("another report is written to x"))
    // The same file by another spelling is the same file.
    let dir = try StewardBinary.scratch([:])
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: dir.appendingPathComponent("outlink"),
      withDestinationURL: dir.appendingPathComponent("out"))
    for (first, second) in [
      ("out/a", "./out/a"), ("out/a", "out/../out/a"), ("out/a", "outlink/a"),
    ] {
      let aliased = try StewardBinary.run(
        [
          "run", Self.gate, "--no-record", "--report", "sarif=\(first)", "--report",
          "junit=\(second)",
        ], in: dir)
      #expect(aliased.status == 2, "\(first) \(second)")
      #expect(aliased.stderr.contains("another report is written to \(second)"))
      let output = try StewardBinary.run(
        ["run", Self.gate, "--no-record", "--output", first, "--report", "sarif=\(second)"],
        in: dir)
      #expect(output.status == 2, "\(first) \(second)")
    }
    let bare = try StewardBinary.run(["run", Self.gate, "--no-record", "--report", "sarif"])
    #expect(bare.status == 2)
    #expect(bare.stderr.contains("--report takes FORMAT=PATH"))
  }
}
