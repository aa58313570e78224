import Foundation
import Testing

/// `--baseline FILE` and `--baseline-run RUN` (issue 18, point 2), through
/// the binary: only new findings fail the gate, gone ones are fixed, lines
/// that move keep a finding, and a wrong baseline is refused.
@Suite("Baselines")
struct BaselineTests {
  static let playbook = """
    steward: 1
    kind: audit
    name: gate
    subjects: cards
    checks:
      - id: owner
        builtin: required
        params: { path: owner }
      - id: stage
        builtin: one_of
        params: { path: stage, values: [staging, production] }
    """

  static func folder() throws -> URL {
    try StewardBinary.scratch([
      "gate.yaml": Self.playbook,
      "cards/a.yaml": "name: a\nstage: production\n",
      "cards/b.yaml": "name: b\nowner: t\nstage: lab\n",
      "cards/c.yaml": "name: c\nowner: t\nstage: staging\n",
    ])
  }

  static func write(_ text: String, _ name: String, in dir: URL) throws {
    try Data(text.utf8).write(to: dir.appendingPathComponent(name))
  }

  static func json(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  @Test func onlyNewFindingsFailAndGoneOnesAreFixed() throws {
    let dir = try Self.folder()
    let first = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--report", "json=baseline.json"], in: dir)
    #expect(first.status == 1)
    // Same findings, lines moved: nothing new, the gate passes.
    try Self.write("# a comment\n\nstage: production\nname: a\n", "cards/a.yaml", in: dir)
    try Self.write("# moved\nname: b\n\nowner: t\nstage: lab\n", "cards/b.yaml", in: dir)
    let moved = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json"], in: dir)
    #expect(moved.status == 0, "\(moved.stdout)")
    #expect(
      moved.stdout.contains("0 new, 2 in the baseline (not counted), 0 fixed"), "\(moved.stdout)")
    #expect(moved.stdout.contains("(in the baseline)"))
    // One fixed (a gets an owner), one new (c's stage).
    try Self.write("name: a\nowner: t\nstage: production\n", "cards/a.yaml", in: dir)
    try Self.write("name: c\nowner: t\nstage: prod\n", "cards/c.yaml", in: dir)
    let changed = try StewardBinary.run(
      [
        "run", "gate.yaml", "--no-record", "--baseline", "baseline.json", "--format", "json",
        "--report", "sarif=gate.sarif", "--report", "junit=gate.xml",
      ], in: dir)
    #expect(changed.status == 1)
    let report = try Self.json(changed.stdout)
    let baseline = report["baseline"] as? [String: Any]
    #expect(baseline?["new"] as? Int == 1)
    #expect(baseline?["unchanged"] as? Int == 1)
    let fixed = baseline?["fixed"] as? [[String: Any]] ?? []
    #expect(fixed.count == 1 && fixed.first?["subject"] as? String == "a", "\(fixed)")
    let results = report["results"] as? [[String: Any]] ?? []
    let states = results.compactMap { r -> String? in
      guard let state = r["baseline"] as? String else { return nil }
      return "\(r["subject"] ?? "")/\(r["check"] ?? ""): \(state)"
    }
    #expect(states.sorted() == ["b/stage: unchanged", "c/stage: new"], "\(states)")
    let sarif = try String(contentsOf: dir.appendingPathComponent("gate.sarif"), encoding: .utf8)
    #expect(sarif.contains("\"stewardFinding/v1\""))
    for state in ["\"new\"", "\"unchanged\"", "\"absent\""] {
      #expect(sarif.contains("\"baselineState\": \(state)"), "\(state)")
    }
    let junit = try String(contentsOf: dir.appendingPathComponent("gate.xml"), encoding: .utf8)
    #expect(junit.contains("<skipped message=\"in the baseline\">"), "\(junit)")
    #expect(junit.contains("failures=\"1\""), "\(junit)")
  }

  /// The fingerprint ignores lines: the same finding moved keeps it, and a
  /// different value (other evidence) gets another.
  @Test func fingerprintsSurviveMovedLines() throws {
    let dir = try Self.folder()
    let before = try Self.json(
      try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir).stdout
    )
    try Self.write("\n\n\nname: b\nstage: lab\nowner: t\n", "cards/b.yaml", in: dir)
    let after = try Self.json(
      try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir).stdout
    )
    func fingerprint(_ report: [String: Any], _ subject: String) -> String? {
      (report["results"] as? [[String: Any]])?.first {
        $0["subject"] as? String == subject && $0["check"] as? String == "stage"
      }?["fingerprint"] as? String
    }
    #expect(fingerprint(before, "b") != nil)
    #expect(fingerprint(before, "b") == fingerprint(after, "b"))
    try Self.write("name: b\nstage: qa\nowner: t\n", "cards/b.yaml", in: dir)
    let other = try Self.json(
      try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir).stdout
    )
    #expect(fingerprint(other, "b") != fingerprint(before, "b"))
  }

  @Test func aBaselineFromTheHistory() throws {
    let dir = try Self.folder()
    let first = try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir)
    #expect(first.status == 1)
    let again = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "h.sqlite", "--baseline-run", "1"], in: dir)
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(again.stdout.contains("baseline run 1 of h.sqlite: 0 new, 2 in the baseline"))
    let missing = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "h.sqlite", "--baseline-run", "9"], in: dir)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no run 9 in h.sqlite"), "\(missing.stderr)")
    let noStore = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "none.sqlite", "--baseline-run", "1"], in: dir)
    #expect(noStore.status == 2)
    #expect(noStore.stderr.contains("there is no history store at none.sqlite"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.sqlite").path))
  }

  @Test func aWrongBaselineIsRefused() throws {
    let dir = try Self.folder()
    _ = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--report", "json=good.json"], in: dir)
    let good = try String(contentsOf: dir.appendingPathComponent("good.json"), encoding: .utf8)
    try Self.write("{\n  \"kind\": \"audit\",\n  \"results\": [1,\n", "broken.json", in: dir)
    try Self.write(
      good.replacingOccurrences(of: "\"name\": \"gate\"", with: "\"name\": \"other-gate\""),
      "other.json", in: dir)
    try Self.write(
      good.replacingOccurrences(of: "\"kind\": \"audit\"", with: "\"kind\": \"survey\""),
      "survey.json", in: dir)
    let cases: [(arguments: [String], expected: String)] = [
      (["--baseline", "broken.json"], "broken.json:4:1:"),
      (["--baseline", "other.json"], "a report of playbook \"other-gate\", not of \"gate\""),
      (["--baseline", "survey.json"], "not the JSON report of an audit"),
      (["--baseline", "nowhere.json"], "no baseline report at nowhere.json"),
      (["--baseline", "good.json", "--baseline-run", "1"], "give one baseline"),
      (["--baseline", "fifo.json"], "fifo.json"),
    ]
    #expect(mkfifo(dir.appendingPathComponent("fifo.json").path, 0o600) == 0)
    for c in cases {
      let run = try StewardBinary.run(
        ["run", "gate.yaml", "--no-record"] + c.arguments, in: dir, killAfter: 60)
      #expect(!run.killed, "\(c.arguments)")
      #expect(run.status == 2, "\(c.arguments)")
      #expect(run.stderr.contains(c.expected), "\(c.arguments): \(run.stderr)")
      #expect(run.stdout.isEmpty, "\(c.arguments): \(run.stdout)")
    }
  }

  /// The CI step of docs/audit.md runs as written: against a baseline of
  /// the shipped gate's own findings it passes, and both reports are written.
  @Test func theDocumentedCIStepRuns() throws {
    let doc = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent("docs/audit.md"),
      encoding: .utf8)
    let start = try #require(doc.range(of: "# .github/workflows/model-gate.yml\n"))
    let workflow = doc[start.lowerBound...]
    let run = try #require(workflow.range(of: "run: >\n"))
    let end = try #require(workflow[run.upperBound...].range(of: "\n      - if:"))
    var arguments = workflow[run.upperBound..<end.lowerBound]
      .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    #expect(arguments.first == "steward")
    arguments.removeFirst()
    let dir = try StewardBinary.scratch([:])
    func here(_ name: String) -> String { dir.appendingPathComponent(name).path }
    let baseline = try StewardBinary.run(
      [
        "run", "Playbooks/deployment-gate.yaml", "--no-record", "--fail-on", "none",
        "--report", "json=" + here("baseline.json"),
      ])
    #expect(baseline.status == 0, "\(baseline.stderr)")
    arguments = arguments.map {
      $0 == "Playbooks/baseline.json"
        ? here("baseline.json")
        : $0.replacingOccurrences(of: "=gate.", with: "=" + here("gate."))
    }
    let step = try StewardBinary.run(arguments)
    #expect(step.status == 0, "\(arguments) \(step.stdout)\(step.stderr)")
    #expect(step.stdout.contains("0 new,"), "\(step.stdout)")
    for file in ["gate.sarif", "gate.xml"] {
      #expect(FileManager.default.fileExists(atPath: here(file)), "\(file)")
    }
  }
}
