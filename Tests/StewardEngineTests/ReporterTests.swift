import Foundation
import StewardCore
import StewardYAML
import Testing

@testable import StewardEngine

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Each format checked against a reviewed golden file (SwiftLint's canned
/// reporter outputs). Set STEWARD_UPDATE_GOLDEN=1 to rewrite them, then
/// review the diff.
@Suite struct ReporterTests {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden")

  static func fixture() -> AuditReport {
    let file = "models/ad-targeting.yaml"
    func at(_ line: Int, _ column: Int) -> SourceMark {
      SourceMark(file: file, line: line, column: column)
    }
    let waiver = Waiver(
      check: "monitoring", subject: "ad-*", reason: "dashboards ship in sprint 42", owner: "maria",
      expires: "2026-12-31", mark: SourceMark(file: "gate.yaml", line: 20, column: 5))
    let checks = [
      CheckSpec(
        id: "validation_split", title: "Metrics come from held-out data",
        source: .plugin(plugin: "gov", check: "validation_split"),
        params: OrderedMap(), severity: .critical, remediation: "Evaluate on a holdout split.",
        when: nil, tags: ["governance"], at: nil, mark: .unknown, expressionMark: .unknown,
        whenMark: .unknown),
      CheckSpec(
        id: "monitoring", title: "Production models are monitored", source: .builtin("required"),
        params: OrderedMap(), severity: .high, remediation: nil, when: nil, tags: [], at: nil,
        mark: .unknown, expressionMark: .unknown, whenMark: .unknown),
    ]
    let results = [
      CheckResult(
        checkID: "validation_split", subjectID: "ad-targeting", status: .fail, severity: .critical,
        title: checks[0].title, message: "the model was evaluated on its training data <&>",
        evidence: ["split": "train"], mark: at(11, 12), path: "evaluation.validation.split",
        remediation: "Evaluate on a holdout split.", tags: ["governance"]),
      CheckResult(
        checkID: "monitoring", subjectID: "ad-targeting", status: .waived, severity: .high,
        title: checks[1].title, message: "monitoring.enabled is missing", mark: at(16, 3),
        path: "monitoring.enabled", waiver: waiver),
      CheckResult(
        checkID: "validation_split", subjectID: "recommender", status: .pass, severity: .critical,
        title: checks[0].title,
        mark: SourceMark(file: "models/recommender.yaml", line: 12, column: 12),
        path: "evaluation.validation.split", tags: ["governance"]),
      CheckResult(
        checkID: "monitoring", subjectID: "recommender", status: .error, severity: .high,
        title: checks[1].title, message: "gov.lua:12: attempt to index a nil value",
        mark: SourceMark(file: "gov.lua", line: 12, column: 0)),
    ]
    return AuditReport(
      playbookName: "deployment-gate", playbookTitle: "Deployment gate | ML",
      playbookPath: "Playbooks/deployment-gate.yaml",
      startedAt: Date(timeIntervalSince1970: 1_795_000_000), duration: 0.25,
      subjects: [
        .init(id: "ad-targeting", file: file),
        .init(id: "recommender", file: "models/recommender.yaml"),
      ],
      checks: checks, results: results,
      warnings: [
        Diagnostic(
          .warning, at: SourceMark(file: "gate.yaml", line: 25, column: 5), code: "W011",
          "waiver for owner on legacy matches no failure; remove it if it is no longer needed")
      ],
      gate: GatePolicy(threshold: .high, origin: .commandLine), errorsFail: true, gateFailed: true)
  }

  @Test(arguments: ReportFormat.allCases)
  func matchesGolden(format: ReportFormat) throws {
    let text = format.reporter(color: false).render(Self.fixture())
    let ext =
      ["json": "json", "sarif": "sarif", "junit": "xml", "markdown": "md"][format.rawValue] ?? "txt"
    let url = Self.golden.appendingPathComponent("audit.\(format.rawValue).\(ext)")
    if ProcessInfo.processInfo.environment["STEWARD_UPDATE_GOLDEN"] == "1" {
      try Data((text + "\n").utf8).write(to: url)
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(text + "\n" == expected)
  }

  @Test func textColourOnlyWhenAsked() {
    let plain = TextReporter(color: false).render(Self.fixture())
    let coloured = TextReporter(color: true).render(Self.fixture())
    #expect(!plain.contains("\u{1B}["))
    #expect(coloured.contains("\u{1B}[1;31mFAIL"))
  }

  @Test func sarifValidatesAgainstTheOfficialSchema() throws {
    let sarif = SARIFReporter().render(Self.fixture())
    let report = try Scratch(["report.sarif": sarif]).url.appendingPathComponent("report.sarif")
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1]))
      jsonschema.validate(json.load(open(sys.argv[2])), schema)
      print("valid")
      """
    let result = try Python.run(
      script,
      arguments: [Self.golden.appendingPathComponent("sarif-schema-2.1.0.json").path, report.path])
    #expect(result.status == 0, "\(result.output)")
    #expect(result.output.contains("valid"))
  }

  /// The JSON report satisfies the project's published schema, checked by
  /// Python's jsonschema and by steward's own validator.
  @Test func jsonSatisfiesItsPublishedSchema() throws {
    let json = JSONReporter().render(Self.fixture())
    let schemaPath = Scratch.packageRoot.appendingPathComponent(
      "docs/schemas/audit-report.schema.json"
    ).path
    let report = try Scratch(["report.json": json]).url.appendingPathComponent("report.json")
    let script = """
      import json, sys, jsonschema
      jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
      print("valid")
      """
    let result = try Python.run(script, arguments: [schemaPath, report.path])
    #expect(result.status == 0 && result.output.contains("valid"), "\(result.output)")

    let root = try #require(try DocumentLoader.load(path: schemaPath).first)
    let schema = try JSONSchema(path: schemaPath, root: root)
    let parsed = try #require(try YAMLLoader.load(json, file: "report.json").first)
    #expect(schema.violations(of: parsed).isEmpty)
  }

  /// A JUnit consumer (Python's junitparser, as CI dashboards use) reads the
  /// report with the same counts.
  @Test func junitReadsInAJUnitConsumer() throws {
    let xml = JUnitReporter().render(Self.fixture())
    let report = try Scratch(["report.xml": xml]).url.appendingPathComponent("report.xml")
    let script = """
      import sys
      from junitparser import JUnitXml, Failure, Error, Skipped
      xml = JUnitXml.fromfile(sys.argv[1])
      cases = [c for suite in xml for c in suite]
      kinds = []
      for c in cases:
          r = c.result
          kinds.append(type(r[0]).__name__ if r else "Pass")
      print(len(cases), ",".join(kinds))
      """
    let result = try Python.run(script, arguments: [report.path], module: "junitparser")
    #expect(result.status == 0, "\(result.output)")
    #expect(
      result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        == "4 Failure,Skipped,Pass,Error")
  }

  @Test func junitIsWellFormedXML() throws {
    let xml = JUnitReporter().render(Self.fixture())
    let document = try XMLDocument(xmlString: xml)
    let cases = try document.nodes(forXPath: "//testcase")
    #expect(cases.count == 4)
    #expect(try document.nodes(forXPath: "//failure").count == 1)
    #expect(try document.nodes(forXPath: "//skipped").count == 1)
    #expect(try document.nodes(forXPath: "//error").count == 1)
  }

  /// A result line is the compact rendering of the result as a map with the
  /// documented keys in order, whatever is null or needs escaping.
  @Test func aResultLineIsTheCompactMapOfItsFields() {
    let report = Self.fixture()
    var odd = report.results[0]
    odd.mark = .unknown
    odd.path = nil
    odd.message = "tab\tquote\" back\\ é \u{2028} \u{1}"
    odd.evidence = ["rates": ["en": 0.31, "hi": 0.2], "n": 3, "none": nil]
    for r in report.results + [odd] {
      var line = JSONText(pretty: false)
      withUnsafePointer(to: r) { JSONReporter.writeLine($0, into: &line) }
      let location: Value =
        r.mark.isKnown
        ? [
          "file": Value(.string(r.mark.file)), "line": Value(.int(Int64(r.mark.line))),
          "column": Value(.int(Int64(r.mark.column))),
        ] : nil
      let expected: Value = [
        "check": Value(.string(r.checkID)), "subject": Value(.string(r.subjectID)),
        "status": Value(.string(r.status.rawValue)),
        "severity": Value(.string(r.severity.rawValue)),
        "message": Value(.string(r.displayMessage)), "location": location,
        "path": r.path.map { Value(.string($0)) } ?? nil, "evidence": r.evidence,
        "waiver": ReportValues.waiver(r.waiver),
        "fingerprint": [.fail, .error, .waived].contains(r.status)
          ? Value(.string(r.fingerprint)) : nil,
      ]
      #expect(line.text == JSONText.render(expected, pretty: false))
    }
  }

  @Test func jsonParsesAndKeepsItsKeyOrder() throws {
    let json = JSONReporter().render(Self.fixture())
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    #expect(object?["schema_version"] as? Int == 2)
    let keys = [
      "schema_version", "tool", "kind", "playbook", "started_at", "duration_ms", "gate", "summary",
      "checks", "subjects", "results", "warnings",
    ]
    var last = json.startIndex
    for key in keys {
      let range = try #require(json.range(of: "\n  \"\(key)\":"))
      #expect(range.lowerBound >= last)
      last = range.lowerBound
    }
  }
}

/// Runs a Python script with a Python that has `module` (jsonschema or
/// junitparser: independent checkers of our outputs). `scripts/setup --test`
/// installs them from Debian.
enum Python {
  struct Result {
    var status: Int32
    var output: String
  }

  static func run(_ script: String, arguments: [String], module: String = "jsonschema") throws
    -> Result
  {
    var last = Result(
      status: -1, output: "no python3 with the \(module) module found; run scripts/setup --test")
    for python in ["/usr/bin/python3", "python3"] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [python, "-c", script] + arguments
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = pipe
      do { try process.run() } catch { continue }
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      last = Result(
        status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
      if !last.output.contains("No module named '\(module)'") { return last }
    }
    return last
  }
}

extension ReporterTests {
  /// SARIF locations are URI references that give back the path: relative
  /// ones stay relative, absolute ones become `file://` URIs.
  @Test(arguments: [
    ("sub dir,x:y/h m.yaml", "sub%20dir,x%3Ay/h%20m.yaml"),
    ("100%/a#b?c/é ü,x.yaml", "100%25/a%23b%3Fc/%C3%A9%20%C3%BC,x.yaml"),
    ("models/ad-targeting.yaml", "models/ad-targeting.yaml"),
    ("/work/sub dir,x:y/h m#%é.yaml", "file:///work/sub%20dir,x:y/h%20m%23%25%C3%A9.yaml"),
  ])
  func sarifLocationsArePercentEncodedURIs(path: String, uri: String) throws {
    #expect(SARIFReporter.uri(path) == uri)
    let parsed = try #require(URLComponents(string: uri))
    #expect(parsed.path == path)
    #expect(parsed.scheme == (path.hasPrefix("/") ? "file" : nil))
    var report = Self.fixture()
    report.results[0].mark.file = path
    let sarif = try #require(
      try YAMLLoader.load(SARIFReporter().render(report), file: "report.sarif").first)
    let written = sarif.lookup(
      "runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri")
    #expect(written.value?.string == uri)
  }
}
