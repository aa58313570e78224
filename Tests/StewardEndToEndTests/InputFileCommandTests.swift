import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// How `steward run` finds and reads its input files: globs at any depth,
/// and every file it cannot judge (empty, non-finite, not a regular file)
/// refused with exit 2 rather than skipped.
@Suite struct InputFileCommandTests {
  /// An audit of the input `models` whose one check needs a finite
  /// `ratio` of at least 0.5, gated on any failure.
  static let gate = """
    steward: 1
    kind: audit
    name: t
    inputs:
      models: models
    subjects: models
    checks:
      - id: ratio
        builtin: range
        params: { path: ratio, min: 0.5 }
    gate:
      fail_on: info

    """

  static func card(_ id: String, ratio: String = "0.9") -> String {
    "id: \(id)\nstage: production\nratio: \(ratio)\n"
  }

  // MARK: Globs

  @Test func aDoubleStarReachesCardsAtEveryDepth() throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": Self.gate,
      "models/a.yaml": Self.card("a"),
      "models/team/b.yaml": Self.card("b"),
      "models/team/deep/c.yaml": Self.card("c", ratio: "0.1"),
      "models/.drafts/h.yaml": Self.card("h", ratio: "0.1"),
      "models/team/notes.txt": "not a card",
    ])
    // A link back up must not loop the walk.
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("models/team/loop").path, withDestinationPath: "..")
    for pattern in ["models/**/*.yaml", "models/**", "**/deep/*.yaml"] {
      let r = try StewardBinary.run(
        ["run", "gate.yaml", "--no-record", "--format", "json", "--input", "models=\(pattern)"],
        in: dir, killAfter: 30)
      #expect(!r.killed, "\(pattern)")
      // c, two folders down, fails the gate; the hidden draft is not read.
      #expect(r.status == 1, "\(pattern): \(r.stderr)")
      let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      let ids = (report?["subjects"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
      #expect(ids == (pattern.hasPrefix("**") ? ["c"] : ["a", "b", "c"]), "\(pattern)")
    }
  }

  @Test func aDoubleStarThatMatchesNothingIsExitTwo() throws {
    let dir = try StewardBinary.scratch(["gate.yaml": Self.gate, "models/a.yaml": Self.card("a")])
    let r = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--input", "models=models/**/*.yml"], in: dir)
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        #"models/**/*.yml: error: no subject files match "models/**/*.yml" [A010]"#),
      "\(r.stderr)")
  }

  // MARK: Empty subjects

  @Test(arguments: [
    ("", ["models/empty.yaml:1:1"]),
    ("# a card to be written\n\n", ["models/empty.yaml:1:1"]),
    ("---\n---\n", ["models/empty.yaml:1:1", "models/empty.yaml:2:1"]),
    ("id: e\nstage: production\nratio: 0.9\n---\n", ["models/empty.yaml:4:1"]),
  ])
  func anEmptySubjectFileOrDocumentIsExitTwo(content: String, marks: [String]) throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": Self.gate, "models/a.yaml": Self.card("a"), "models/empty.yaml": content,
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(r.status == 2, "\(content.debugDescription): \(r.stdout)")
    let found = r.stderr.split(separator: "\n").filter { $0.hasSuffix("[A015]") }
    #expect(
      found.map { String($0.prefix { $0 != " " }.dropLast()) } == marks, "\(r.stderr)"
    )
  }

  // MARK: Numbers

  @Test func aFloatOverflowInACardIsExitTwoAtItsValue() throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": Self.gate, "models/a.yaml": Self.card("a", ratio: "1e400"),
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(r.status == 2, "\(r.stdout)")
    #expect(
      r.stderr.contains(
        "models/a.yaml:3:8: error: number 1e400 is too large for a 64-bit float (it would become"
          + " infinity); quote it to keep it as text [Y019]"), "\(r.stderr)")
  }

  @Test(arguments: [".inf", "-.inf", ".nan", "!!float .inf"])
  func anInfinityOrNaNInACardIsExitTwo(ratio: String) throws {
    let dir = try StewardBinary.scratch([
      "gate.yaml": Self.gate, "models/a.yaml": Self.card("a", ratio: ratio),
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(r.status == 2, "\(ratio): \(r.stdout)")
    #expect(r.stderr.contains("models/a.yaml:3:8: error: "), "\(r.stderr)")
    #expect(r.stderr.contains("is not a finite number"), "\(r.stderr)")
    #expect(r.stderr.contains("[Y023]"), "\(r.stderr)")
  }

  // MARK: Files that are not regular files

  @Test func aFIFOAmongTheSubjectsIsExitTwoWithoutWaiting() throws {
    let dir = try StewardBinary.scratch(["gate.yaml": Self.gate, "models/a.yaml": Self.card("a")])
    try Self.fifo(dir, "models/pipe.yaml")
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir, killAfter: 10)
    #expect(!r.killed, "steward waited on the FIFO")
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "models/pipe.yaml: error: cannot read models/pipe.yaml: it is a FIFO (named pipe), not a"
          + " regular file [Y016]"), "\(r.stderr)")
  }

  @Test func aDeviceNamedAsSubjectsIsExitTwo() throws {
    guard FileManager.default.fileExists(atPath: "/dev/zero") else { return }
    let dir = try StewardBinary.scratch(["gate.yaml": Self.gate])
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("zero.yaml").path, withDestinationPath: "/dev/zero")
    let r = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--input", "models=zero.yaml"], in: dir, killAfter: 10)
    #expect(!r.killed, "steward read /dev/zero")
    #expect(r.status == 2)
    #expect(r.stderr.contains("cannot read zero.yaml: it is a device, not a regular file [Y016]"))
  }

  @Test func aFIFOAsSurveyResponsesOrCSVIsExitTwoWithoutWaiting() throws {
    let survey = """
      steward: 1
      kind: survey
      name: health
      responses: { file: r.csv, metadata: [team] }
      groups: [team]
      min_group_size: 1
      questions:
        - { id: fun, text: Fun, dimension: culture, type: likert }
      """
    let dir = try StewardBinary.scratch(["health.yaml": survey])
    try Self.fifo(dir, "r.csv")
    let run = try StewardBinary.run(["run", "health.yaml", "--no-record"], in: dir, killAfter: 10)
    #expect(!run.killed, "steward waited on the FIFO")
    #expect(run.status == 2)
    #expect(run.stderr.contains("cannot read r.csv: it is a FIFO (named pipe)"), "\(run.stderr)")
    let inspect = try StewardBinary.run(["inspect", "r.csv"], in: dir, killAfter: 10)
    #expect(!inspect.killed, "steward waited on the FIFO")
    #expect(inspect.status == 2)
    #expect(inspect.stderr.contains("it is a FIFO (named pipe), not a regular file [Y016]"))
  }

  static func fifo(_ dir: URL, _ name: String) throws {
    let path = dir.appendingPathComponent(name).path
    guard mkfifo(path, 0o600) == 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
  }

  // MARK: Wide CSV

  /// 200,000 columns once took minutes (each field's column was counted
  /// from the start of its line); the bound is generous, the figure is in
  /// `scripts/bench csv`.
  @Test func aWideCSVIsReadInLinearTime() throws {
    let columns = 200_000
    let csv =
      (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
      + (0..<columns).map { "\($0 % 10)" }.joined(separator: ",") + "\n"
    let dir = try StewardBinary.scratch(["wide.csv": csv])
    let r = try StewardBinary.run(["inspect", "wide.csv"], in: dir, killAfter: 60)
    #expect(!r.killed, "inspecting 200,000 columns took over a minute")
    #expect(r.status == 0, "\(r.stderr)")
    // The last field is found at its own column: 199,999 commas and the
    // 199,999 one-digit fields before it.
    let last =
      "\"c\(columns - 1)\": {\n              \"type\": \"string\",\n              \"at\": \"2:\(2 * columns - 1)\""
    #expect(r.stdout.contains(last), "\(r.stdout.suffix(300))")
  }
}
