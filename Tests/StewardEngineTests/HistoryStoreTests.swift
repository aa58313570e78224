import Foundation
import GRDB
import StewardCore
import Testing

@testable import StewardEngine

@Suite struct SHA256Tests {
  /// The digest of bytes `(i * 7 + 3) % 256` for i in 0..<n, from Python's hashlib:
  /// lengths around the 55/56/64-byte padding boundaries.
  static let vectors: [(Int, String)] = [
    (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
    (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
    (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
    (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
    (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
    (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
    (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
    (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
  ]

  /// The digest of `bytes` with the SHA extensions or the Swift block function.
  static func hex(_ bytes: [UInt8], hardware: Bool) -> String {
    var hasher = SHA256(hardware: hardware)
    hasher.update(bytes)
    return hasher.hexDigest()
  }

  /// Both block functions: the machine's SHA extensions when it has them
  /// (`true` then falls back to Swift elsewhere, so both cases still run).
  @Test(arguments: [true, false])
  func fipsVectors(hardware: Bool) {
    #expect(SHA256(hardware: hardware).usesHardware == (hardware && SHA256.hardwareAvailable))
    #expect(
      Self.hex([], hardware: hardware)
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      Self.hex(Array("abc".utf8), hardware: hardware)
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      Self.hex(
        Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8), hardware: hardware)
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      Self.hex([UInt8](repeating: 0x61, count: 1_000_000), hardware: hardware)
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test(arguments: vectors)
  func paddingBoundariesInOneGoAndInPieces(length: Int, digest: String) {
    let bytes = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
    #expect(SHA256.hex(bytes) == digest)
    #expect(Self.hex(bytes, hardware: false) == digest)
    #expect(bytes.withUnsafeBytes { SHA256.hex($0) } == digest)
    // A sequence without contiguous storage takes the copying path.
    #expect(SHA256.hex(bytes.lazy.map { $0 }) == digest)
    for hardware in [true, false] {
      for piece in [1, 13, 64, 100] {
        var hasher = SHA256(hardware: hardware)
        var i = 0
        while i < bytes.count {
          hasher.update(bytes[i..<min(i + piece, bytes.count)])
          i += piece
        }
        #expect(hasher.hexDigest() == digest, "fed \(piece) bytes at a time, hardware \(hardware)")
      }
    }
  }

  /// The two block functions agree on every length up to five blocks and on
  /// a large input fed in uneven pieces.
  @Test func bothBlockFunctionsAgree() {
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    let bytes = (0..<(1 << 20) + 37).map { _ in
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: seed >> 56)
    }
    for length in 0...320 {
      let prefix = Array(bytes[..<length])
      #expect(Self.hex(prefix, hardware: true) == Self.hex(prefix, hardware: false), "\(length)")
    }
    var pieces = SHA256(hardware: true)
    var i = 0
    var step = 1
    while i < bytes.count {
      pieces.update(bytes[i..<min(i + step, bytes.count)])
      i += step
      step = step % 997 + 61
    }
    #expect(pieces.hexDigest() == Self.hex(bytes, hardware: false))
  }

  @Test func files() throws {
    let scratch = try Scratch(["a.txt": "abc"])
    #expect(
      try SHA256.hex(ofFile: scratch.path("a.txt"))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(throws: HistoryError.self) { try SHA256.hex(ofFile: scratch.path("missing")) }
  }
}

@Suite struct HistoryStoreTests {
  enum Kind: String, CaseIterable { case memory, sqlite }

  static func makeStore(_ kind: Kind) throws -> any HistoryStore {
    switch kind {
    case .memory: InMemoryHistoryStore()
    case .sqlite: try SQLiteHistoryStore(path: try Scratch([:]).path("nested/h.sqlite"))
    }
  }

  static func run(_ playbook: String, at seconds: Double, fail: Double) -> RunRecord {
    RunRecord(
      playbook: playbook, kind: "audit", playbookPath: "\(playbook).yaml",
      playbookHash: String(repeating: "ab", count: 32),
      startedAt: Date(timeIntervalSince1970: 1_795_000_000 + seconds), duration: 1.25,
      stewardVersion: "0.1.0", exitStatus: fail > 0 ? 1 : 0, gate: fail > 0 ? "failed" : "passed",
      inputs: [
        InputHash(path: "models/b.yaml", sha256: "bb"),
        InputHash(path: "models/a.yaml", sha256: "aa"),
      ],
      metrics: [Metric("results", 3), Metric("pass", 3 - fail), Metric("fail", fail)])
  }

  static let rows = [
    ResultRecord(
      subject: "a", check: "owner", status: "pass", severity: "high", location: "models/a.yaml:1:1"),
    ResultRecord(
      subject: "a", check: "ratio", status: "fail", severity: "medium", message: "0.5 < 0.8"),
    ResultRecord(
      subject: "b", check: "owner", status: "pass", severity: "high", message: "ünïcode ✓"),
    // Bound with their lengths: a NUL stays inside the text, and empty text
    // is "" rather than NULL.
    ResultRecord(
      subject: "b", check: "nul", status: "error", severity: "low", message: "a\u{0}b",
      location: ""),
  ]

  @Test(arguments: Kind.allCases)
  func roundTrip(kind: Kind) throws {
    let store = try Self.makeStore(kind)
    let id = try store.record(Self.run("gate", at: 0, fail: 1), results: Self.rows)
    let runs = try store.runs(playbook: nil, limit: nil)
    #expect(runs.count == 1)
    var expected = Self.run("gate", at: 0, fail: 1)
    expected.id = id
    expected.resultCount = Self.rows.count
    expected.inputs.sort { $0.path < $1.path }
    #expect(runs.first == expected)
    #expect(try store.results(ofRun: id) == Self.rows)
    #expect(try store.results(ofRun: id + 100).isEmpty)
  }

  /// Past 8,192 results the recorder makes its rows on all cores: the same
  /// rows, in the same order, as one at a time.
  @Test func manyResultsBecomeRowsInOrder() {
    var report = ReporterTests.fixture()
    let base = report.results
    report.results = (0..<20_000).map { i in
      var r = base[i % base.count]
      r.subjectID = "subject-\(i)"
      r.mark.line = i + 1
      return r
    }
    let rows = AuditRecorder.results(report)
    #expect(rows.count == 20_000)
    #expect(
      rows
        == report.results.map { r in
          ResultRecord(
            subject: r.subjectID, check: r.checkID, status: r.status.rawValue,
            severity: r.severity.rawValue, message: r.displayMessage,
            location: r.mark.isKnown ? r.mark.description : "")
        })
    #expect(rows[19_998].location == "models/recommender.yaml:19999:12")
    #expect(rows[19_999].location == "gov.lua:20000")  // column 0 is left out
  }

  /// The SQLite store inserts rows many to a statement and the rest one by
  /// one: every row comes back in its place, across and between batches.
  @Test(arguments: [0, 1, 31, 32, 33, 70])
  func manyRowsComeBackInOrder(count: Int) throws {
    let store = try Self.makeStore(.sqlite)
    let rows = (0..<count).map { i in
      ResultRecord(
        subject: "s\(i / 14)", check: "c\(i % 14)", status: i % 5 == 0 ? "fail" : "pass",
        severity: "high", message: String(repeating: "m", count: i), location: "f.yaml:\(i):1")
    }
    let id = try store.record(Self.run("gate", at: 0, fail: 0), results: rows)
    #expect(try store.results(ofRun: id) == rows)
    #expect(try store.runs(playbook: nil, limit: nil).first?.resultCount == count)
  }

  @Test(arguments: Kind.allCases)
  func listsNewestFirstAndFiltersByPlaybook(kind: Kind) throws {
    let store = try Self.makeStore(kind)
    try store.record(Self.run("gate", at: 10, fail: 2), results: [])
    try store.record(Self.run("other", at: 20, fail: 0), results: [])
    try store.record(Self.run("gate", at: 30, fail: 1), results: [])
    try store.record(Self.run("gate", at: 5, fail: 3), results: [])  // recorded late, ran early
    #expect(
      try store.runs(playbook: nil, limit: nil).map(\.playbook) == [
        "gate", "other", "gate", "gate",
      ])
    #expect(
      try store.runs(playbook: "gate", limit: nil).compactMap { $0.metric("fail") } == [1, 2, 3])
    #expect(try store.runs(playbook: "gate", limit: 1).count == 1)
    #expect(try store.runs(playbook: "nope", limit: nil).isEmpty)
    let series = try store.series(metric: "fail", playbook: "gate")
    #expect(series.map(\.value) == [3, 2, 1])
    #expect(try store.series(metric: "missing", playbook: "gate").isEmpty)
  }

  @Test func trendOutput() throws {
    let store = InMemoryHistoryStore()
    try store.record(Self.run("gate", at: 0, fail: 2), results: [])
    try store.record(Self.run("gate", at: 60, fail: 0.5), results: [])
    let points = try store.series(metric: "fail", playbook: "gate")
    #expect(
      HistoryRenderer.text(trend: points, metric: "fail", playbook: "gate") == """
        fail of gate, oldest first
        RUN  STARTED               FAIL  CHANGE
          1  2026-11-18T11:06:40Z     2
          2  2026-11-18T11:07:40Z   0.5    -1.5
        """)
    let json = HistoryRenderer.json(trend: points, metric: "fail", playbook: "gate")
    #expect(json.contains("\"value\": 0.5,\n      \"change\": -1.5"))
    #expect(
      json.hasPrefix(
        "{\n  \"schema_version\": 1,\n  \"playbook\": \"gate\",\n  \"metric\": \"fail\""))
  }

  @Test func sqliteStoreKeepsRunsAcrossOpens() throws {
    let path = try Scratch([:]).path("h.sqlite")
    try SQLiteHistoryStore(path: path).record(Self.run("gate", at: 0, fail: 1), results: Self.rows)
    let reopened = try SQLiteHistoryStore(path: path)
    #expect(try reopened.runs(playbook: "gate", limit: nil).count == 1)
    #expect(try reopened.integrityProblems().isEmpty)
    #expect(try reopened.appliedMigrations() == SQLiteHistoryStore.schemaVersions)
  }

  @Test func aV1StoreMigratesForwardKeepingItsRuns() throws {
    let path = try Scratch([:]).path("old.sqlite")
    let old = try SQLiteHistoryStore(path: path, upTo: "v1")
    #expect(try old.appliedMigrations() == ["v1"])
    try old.record(Self.run("gate", at: 0, fail: 1), results: Self.rows)
    #expect(try Self.indexes(path).isEmpty)

    let current = try SQLiteHistoryStore(path: path)
    #expect(try current.appliedMigrations() == SQLiteHistoryStore.schemaVersions)
    #expect(SQLiteHistoryStore.schemaVersions.prefix(2) == ["v1", "v2"])
    #expect(
      try Self.indexes(path) == ["run_by_playbook", "run_metric_by_name", "signoff_by_playbook"])
    let runs = try current.runs(playbook: "gate", limit: nil)
    #expect(runs.count == 1)
    #expect(try current.results(ofRun: runs[0].id ?? 0) == Self.rows)
  }

  @Test func aStoreFromANewerStewardIsRefused() throws {
    let path = try Scratch([:]).path("new.sqlite")
    _ = try SQLiteHistoryStore(path: path)
    let queue = try DatabaseQueue(path: path)
    try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')") }
    try queue.close()
    let error = #expect(throws: HistoryError.self) { try SQLiteHistoryStore(path: path) }
    #expect(error?.description.contains("written by a newer steward") == true)
  }

  @Test func badStoresAreClearErrors() throws {
    let scratch = try Scratch(["junk.sqlite": String(repeating: "not a database\n", count: 100)])
    let junk = #expect(throws: HistoryError.self) {
      try SQLiteHistoryStore(path: scratch.path("junk.sqlite"))
    }
    #expect(junk?.description.hasPrefix(scratch.path("junk.sqlite") + ": error: ") == true)
    #expect(throws: HistoryError.self) { try SQLiteHistoryStore(path: scratch.url.path) }
    #expect(throws: HistoryError.self) {
      try SQLiteHistoryStore(path: scratch.path("junk.sqlite/inside.sqlite"))
    }
  }

  @Test func aFailedWriteLeavesNoRow() throws {
    let path = try Scratch([:]).path("h.sqlite")
    let store = try SQLiteHistoryStore(path: path)
    // A trigger that refuses the 500th result makes the transaction fail part way.
    let queue = try DatabaseQueue(path: path)
    try queue.write {
      try $0.execute(
        sql: """
          CREATE TRIGGER refuse BEFORE INSERT ON result WHEN NEW.position = 499
          BEGIN SELECT RAISE(ABORT, 'refused'); END
          """)
    }
    try queue.close()
    let many = Array(repeating: Self.rows[0], count: 1000)
    #expect(throws: HistoryError.self) {
      try store.record(Self.run("gate", at: 0, fail: 0), results: many)
    }
    #expect(try store.runs(playbook: nil, limit: nil).isEmpty)
    #expect(try store.integrityProblems().isEmpty)
    let leftovers = try DatabaseQueue(path: path).read {
      try Int.fetchOne(
        $0,
        sql:
          "SELECT (SELECT COUNT(*) FROM result) + (SELECT COUNT(*) FROM run_metric) + (SELECT COUNT(*) FROM run_input)"
      )
    }
    #expect(leftovers == 0)
  }

  /// With `hashInputs` the workers hash the bytes they parse; without, the
  /// recorder reads each subject file again. Both record the same inputs.
  @Test(arguments: [true, false])
  func auditRunsAreRecordedWithHashesAndMetrics(hashInputs: Bool) throws {
    let scratch = try Scratch([
      "gate.yaml": """
      steward: 1
      kind: audit
      name: gate
      subjects: models
      checks:
        - id: owned
          expr: steward.get(subject, "owner") ~= nil
          severity: high
      gate:
        fail_on: high
      """,
      "models/a.yaml": "id: a\nowner: recsys\n",
      "models/b.yaml": "id: b\n",
    ])
    let path = scratch.path("gate.yaml")
    var runner = AuditRunner(
      playbook: try AuditPlaybook.load(header: try PlaybookLoader.load(path: path), path: path))
    runner.hashInputs = hashInputs
    let report = try runner.run()
    #expect((report.inputHashes != nil) == hashInputs)
    let store = InMemoryHistoryStore()
    let id = try AuditRecorder.record(report, in: RunContext(history: store))
    #expect(try AuditRecorder.record(report, in: RunContext()) == nil)
    let run = try #require(try store.runs(playbook: "gate", limit: nil).first)
    #expect(run.id == id)
    #expect(run.kind == "audit")
    #expect(run.gate == "failed")
    #expect(run.exitStatus == 1)
    #expect(run.playbookHash == (try SHA256.hex(ofFile: path)))
    #expect(
      run.inputs.map(\.path) == [scratch.path("models/a.yaml"), scratch.path("models/b.yaml")])
    #expect(run.inputs[0].sha256 == SHA256.hex(Array("id: a\nowner: recsys\n".utf8)))
    #expect(
      run.metrics.map { "\($0.name)=\(Int($0.value))" } == [
        "results=2", "subjects=2", "checks=1", "pass=1", "fail=1", "skip=0", "waived=0",
        "error=0", "blocking=1",
      ])
    let results = try store.results(ofRun: id ?? 0)
    #expect(results.map(\.status) == ["pass", "fail"])
    #expect(results[1].location.hasPrefix(scratch.path("models/b.yaml") + ":"))
  }

  static func indexes(_ path: String) throws -> [String] {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read {
      try String.fetchAll(
        $0,
        sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
      )
    }
  }
}
