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

/// A baseline is not a waiver (decision 0045): attacks from a review, each
/// through the binary. Every test here fails against the steward before the
/// fix (all but the campaign one because that steward passed the gate).
@Suite("Baselines that cannot be abused")
struct BaselineAbuseTests {
  static let cards = [
    "cards/m1.yaml": "id: m1\nowner: recsys\n",
    "cards/m2.yaml": "id: m2\nowner: ads\nversion: 2\n",
  ]

  static func playbook(_ name: String, _ extra: String = "", waivable: Bool = true) -> String {
    """
    steward: 1
    kind: audit
    name: \(name)
    subjects: cards
    checks:
      - id: has-version
        builtin: required
        params: { path: version }\(waivable ? "" : "\n    waivable: false")
    \(extra)
    """
  }

  static func json(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  /// Writes the baseline of today's findings (m1's), then, with
  /// `newCard`, adds card m3, which fails too: its failure is new.
  static func baselined(
    _ files: [String: String], newCard: Bool = false, environment: [String: String] = [:]
  ) throws -> URL {
    let dir = try StewardBinary.scratch(cards.merging(files) { $1 })
    let first = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--fail-on", "none", "--report", "json=baseline.json"],
      in: dir, environment: environment)
    #expect(first.status == 0, "\(first.stderr)")
    if newCard { try addNewCard(in: dir) }
    return dir
  }

  static func addNewCard(in dir: URL) throws {
    try Data("id: m3\nowner: new-team\n".utf8).write(
      to: dir.appendingPathComponent("cards/m3.yaml"))
  }

  /// (a) An entry written by hand, with its fingerprint left out or made
  /// up, was recomputed from its own fields and hid m3's new failure.
  @Test func anEntryWithoutItsFingerprintIsRefused() throws {
    let dir = try Self.baselined(["gate.yaml": Self.playbook("gate")], newCard: true)
    let report = try String(
      contentsOf: dir.appendingPathComponent("baseline.json"), encoding: .utf8)
    let first = try #require(report.range(of: "\"results\": [\n"))
    let forged = [
      (
        "missing.json",
        #"{"check":"has-version","subject":"m3","status":"fail","path":"version","evidence":{"version":null},"message":"version is missing"},"#
      ),
      (
        "null.json",
        #"{"check":"has-version","subject":"m3","status":"fail","path":"version","evidence":{"version":null},"message":"version is missing","fingerprint":null},"#
      ),
      (
        "short.json",
        #"{"check":"has-version","subject":"m3","status":"fail","fingerprint":"24b5a5"},"#
      ),
      (
        "upper.json",
        #"{"check":"has-version","subject":"m3","status":"fail","fingerprint":"\#(String(repeating: "AB", count: 32))"},"#
      ),
      (
        "status.json",
        #"{"check":"has-version","subject":"m3","status":"failed","fingerprint":null},"#
      ),
    ]
    for (name, entry) in forged {
      var text = report
      text.insert(contentsOf: "    " + entry + "\n", at: first.upperBound)
      try Data(text.utf8).write(to: dir.appendingPathComponent(name))
      let run = try StewardBinary.run(
        ["run", "gate.yaml", "--no-record", "--baseline", name], in: dir)
      #expect(run.status == 2, "\(name): \(run.stdout)")
      // At the entry, on the line after `"results": [`.
      let line = report[..<first.upperBound].split(
        separator: "\n", omittingEmptySubsequences: false
      )
      .count
      #expect(run.stderr.contains("\(name):\(line):"), "\(name): \(run.stderr)")
      #expect(run.stderr.contains("[A042]"), "\(name): \(run.stderr)")
      #expect(run.stdout.isEmpty)
    }
    let honest = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json"], in: dir)
    #expect(honest.status == 1, "\(honest.stdout)")
    #expect(honest.stdout.contains("1 new, 1 in the baseline (not counted)"), "\(honest.stdout)")
  }

  /// (b) A baseline covered the failures of a `waivable: false` check.
  @Test func aBaselineDoesNotCoverAnUnwaivableCheck() throws {
    let dir = try Self.baselined(["gate.yaml": Self.playbook("gate", waivable: false)])
    let run = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json"], in: dir)
    #expect(run.status == 1, "\(run.stdout)")
    #expect(run.stdout.contains("1 new, 0 in the baseline (not counted)"), "\(run.stdout)")
    #expect(
      run.stdout.contains(
        "baseline baseline.json holds 1 result of has-version that still counts (the check is waivable: false"
      ), "\(run.stdout)")
    #expect(!run.stdout.contains("(in the baseline)"))
  }

  /// (c) A result waived when the baseline was written hid the failure
  /// once its waiver expired: only a failure entry covers.
  @Test func aWaivedEntryCoversNothingOnceItsWaiverExpires() throws {
    let waiver = """
      waivers:
        - check: has-version
          subject: m1
          reason: fix by end of year
          owner: maria
          expires: 2026-12-31
      """
    let dir = try Self.baselined(
      ["gate.yaml": Self.playbook("gate", waiver)], environment: ["STEWARD_TODAY": "2026-12-01"])
    let run = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json", "--format", "json"],
      in: dir, environment: ["STEWARD_TODAY": "2027-01-05"])
    #expect(run.status == 1, "\(run.stdout)")
    let report = try Self.json(run.stdout)
    let codes = (report["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    #expect(codes.contains("W010") && codes.contains("W018"), "\(codes)")
    #expect((report["gate"] as? [String: Any])?["failed"] as? Bool == true)
    let m1 = (report["results"] as? [[String: Any]])?.first { $0["subject"] as? String == "m1" }
    #expect(m1?["status"] as? String == "fail")
    #expect(m1?["baseline"] as? String == "new")
  }

  /// (d) A check that errors on every card was baselined, and so silenced
  /// for good.
  @Test func errorsAlwaysCount() throws {
    let dir = try Self.baselined([
      "gate.yaml": """
      steward: 1
      kind: audit
      name: gate
      subjects: cards
      checks:
        - id: owner-known
          expr: "#subject.nonexistent > 0"
      """
    ])
    let run = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json"], in: dir)
    #expect(run.status == 1, "\(run.stdout)")
    #expect(run.stdout.contains("2 new, 0 in the baseline (not counted)"), "\(run.stdout)")
    #expect(
      run.stdout.contains(
        "holds 2 results of owner-known that still count (they are errors, and a baseline covers no error): m1, m2"
      ), "\(run.stdout)")
  }

  /// What a baseline covers is a warning in every format, with its count,
  /// as a `*` waiver is (W015): each is a failure the gate does not see.
  @Test func coveredFailuresAreWarnedInEveryFormat() throws {
    let dir = try Self.baselined(["gate.yaml": Self.playbook("gate")])
    let warning =
      "baseline baseline.json covers 1 failure of has-version, not counted by the gate: m1"
    for format in ["text", "json", "sarif", "junit", "markdown", "github"] {
      let run = try StewardBinary.run(
        ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json", "--format", format],
        in: dir)
      #expect(run.status == 0, "\(format): \(run.stdout)")
      #expect(run.stdout.contains(warning), "\(format): \(run.stdout)")
      if format == "json" {
        let warnings = try Self.json(run.stdout)["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { $0["code"] as? String == "W017" }, "\(warnings)")
      }
    }
  }

  /// (e) With a campaign open, the gate was decided again without the
  /// baseline: "0 unwaived outside open campaigns", then FAILED.
  @Test func anOpenCampaignKeepsTheBaseline() throws {
    let campaign = """
        - id: has-team
          builtin: required
          params: { path: team }
      campaigns:
        - name: teams
          checks: [has-team]
          start: 2026-11-01
          deadline: 2027-01-31
          owner: platform
      """
    let dir = try Self.baselined(
      ["gate.yaml": Self.playbook("gate", campaign)], environment: ["STEWARD_TODAY": "2026-12-07"])
    let run = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json"], in: dir,
      environment: ["STEWARD_TODAY": "2026-12-07"])
    #expect(run.status == 0, "\(run.stdout)")
    #expect(run.stdout.contains("gate: passed"), "\(run.stdout)")
    // m3's failure is new, outside the campaign: the gate fails again.
    try Self.addNewCard(in: dir)
    let again = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--baseline", "baseline.json"], in: dir,
      environment: ["STEWARD_TODAY": "2026-12-07"])
    #expect(again.status == 1, "\(again.stdout)")
    #expect(again.stdout.contains("gate: FAILED (1 unwaived outside open campaigns)"))
  }
}
