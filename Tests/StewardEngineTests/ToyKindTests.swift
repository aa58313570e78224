import Foundation
import GRDB
import StewardCore
import StewardEngine
import TestSupport
import Testing

/// A kind from its own folder (ToyKind/) joins the tool with one line, and
/// the pipeline does the rest: inputs, formats, flags, the store, the exit.
@Suite struct ToyKindTests {
  /// The one registration line; scoped to the test, so that other tests
  /// running meanwhile in this process see the shipped kinds only.
  func run(_ options: RunOptions) throws -> RunOutcome {
    try KindRegistry.with(ToyKind.self) { try RunPipeline.run(options) }
  }

  func scratch(_ playbook: String) throws -> URL {
    let dir = try TestFolders.make("toy")
    try Data(playbook.utf8).write(to: dir.appendingPathComponent("daily.yaml"))
    try Data("a\nb\nc\n".utf8).write(to: dir.appendingPathComponent("notes.txt"))
    return dir
  }

  static let playbook = """
    steward: 1
    kind: standup
    name: daily
    items: [shipped the gate, blocked on data access]
    inputs: {notes: notes.txt}

    """

  func options(_ dir: URL, _ edit: (inout RunOptions) -> Void = { _ in }) -> RunOptions {
    var o = RunOptions(playbook: dir.appendingPathComponent("daily.yaml").path)
    o.store = dir.appendingPathComponent("h.sqlite").path
    o.output = dir.appendingPathComponent("out").path
    edit(&o)
    return o
  }

  @Test func runsRendersRecordsAndExits() throws {
    let dir = try scratch(Self.playbook)
    let outcome = try run(options(dir))
    #expect(outcome.exitStatus == 1)  // one item is blocked
    let text = try String(contentsOf: dir.appendingPathComponent("out"), encoding: .utf8)
    #expect(text == "- shipped the gate\n- blocked on data access\nnotes: 3\n")
    let db = try DatabaseQueue(path: dir.appendingPathComponent("h.sqlite").path)
    let kinds = try db.read { try String.fetchAll($0, sql: "SELECT kind FROM run") }
    #expect(kinds == ["standup"])
    let results = try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM result") }
    #expect(results == 2)
  }

  @Test func itsFormatsAndFlagsAreItsOwn() throws {
    let dir = try scratch(Self.playbook)
    let json = try run(
      options(dir) {
        $0.format = "json"; $0.noRecord = true
      })
    #expect(json.exitStatus == 1)
    let text = try String(contentsOf: dir.appendingPathComponent("out"), encoding: .utf8)
    #expect(text.contains("\"note_lines\": 3"))
    #expect(throws: UsageError.self) {
      try run(options(dir) { $0.format = "sarif" })
    }
    do {
      _ = try run(options(dir) { $0.ics = "x.ics" })
      Issue.record("--ics was taken")
    } catch let error as UsageError {
      #expect(
        error.description == "--ics does not apply to a standup; a standup takes --input, --var")
    }
  }

  @Test func anUnknownInputIsRefusedWithTheClosestName() throws {
    let dir = try scratch(Self.playbook)
    let outcome = try run(options(dir) { $0.inputs = ["note=other.txt"] })
    #expect(outcome.exitStatus == 2)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.sqlite").path))
  }

  @Test func itsKeysAreValidatedAsAnyKindsAre() throws {
    let dir = try scratch(Self.playbook.replacingOccurrences(of: "items:", with: "itemz:"))
    let outcome = try run(options(dir))
    #expect(outcome.exitStatus == 2)
    let result = KindRegistry.with(ToyKind.self) {
      Validator.validate(paths: [dir.appendingPathComponent("daily.yaml").path])
    }
    #expect(!result.ok)
    #expect(
      result.files.first?.diagnostics.first?.message.contains("did you mean \"items\"") == true)
    let good = try scratch(Self.playbook)
    let ok = KindRegistry.with(ToyKind.self) {
      Validator.validate(paths: [good.appendingPathComponent("daily.yaml").path])
    }
    #expect(ok.files.first?.summary == "standup playbook daily (2 items)")
  }
}
