import Foundation
import GRDB
import StewardCore
import TestSupport
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

/// One suite for every store: each test runs on every backend it names, the
/// PostgreSQL one on the test server (`scripts/pg-test-cluster`).
@Suite struct HistoryStoreTests {
  enum Kind: String, CaseIterable { case memory, sqlite, postgres }

  /// Every store; PostgreSQL's when the test server is there (or required).
  static let kinds = Kind.allCases.filter { $0 != .postgres || PostgresTestServer.runnable }
  /// The stores on disk or on a server, which open again and migrate.
  static let persistent = kinds.filter { $0 != .memory }

  static func makeStore(_ kind: Kind) throws -> any HistoryStore {
    switch kind {
    case .memory: InMemoryHistoryStore()
    case .sqlite, .postgres: try Backend(kind).open()
    }
  }

  /// A new store's location, and what a user's own client would do to it.
  struct Backend {
    var kind: Kind
    var location: String

    init(_ kind: Kind) throws {
      self.kind = kind
      location =
        kind == .postgres
        ? try PostgresTestServer.newDatabase() : try Scratch([:]).path("nested/h.sqlite")
    }

    func open(upTo: String? = nil) throws -> any HistoryStore {
      kind == .postgres
        ? try PostgresHistoryStore(url: location, upTo: upTo)
        : try SQLiteHistoryStore(path: location, upTo: upTo)
    }

    func migrations(_ store: any HistoryStore) throws -> [String] {
      try (store as? SQLiteHistoryStore)?.appliedMigrations()
        ?? (store as? PostgresHistoryStore)?.appliedMigrations() ?? []
    }

    func integrityProblems(_ store: any HistoryStore) throws -> [String] {
      try (store as? SQLiteHistoryStore)?.integrityProblems()
        ?? (store as? PostgresHistoryStore)?.integrityProblems() ?? ["unknown store"]
    }

    /// Runs SQL as `sqlite3` or `psql` would, outside steward.
    func execute(_ sql: String) throws {
      if kind == .postgres {
        try PostgresTestServer.psql(location, sql)
      } else {
        let queue = try DatabaseQueue(path: location)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
      }
    }

    func count(_ sql: String) throws -> Int {
      if kind == .postgres { return Int(try PostgresTestServer.psql(location, sql)) ?? -1 }
      let queue = try DatabaseQueue(path: location)
      defer { try? queue.close() }
      return try queue.read { try Int.fetchOne($0, sql: sql) } ?? -1
    }

    func indexes() throws -> [String] {
      if kind == .postgres {
        return try PostgresTestServer.psql(
          location,
          "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey' ORDER BY indexname"
        ).split(separator: "\n").map(String.init)
      }
      return try HistoryStoreTests.indexes(location)
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

  @Test(arguments: kinds)
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

  /// Text that PostgreSQL's COPY format escapes, or that its text type
  /// cannot hold (NUL), comes back as it went in, in results and in input
  /// paths, across the rows each core writes (past 8,192 of them).
  @Test(arguments: persistent)
  func awkwardTextComesBackAsItWent(kind: Kind) throws {
    let awkward = [
      "tab\there", "line\nbreak\r\n", "back\\slash\\", "nul \u{0} and ␀ and ␀␀", "\u{0}",
      "ends in an accent é", "→ ✓ 🎉", "\\N", "", "a\u{E2}", "␀",
      // Once both "\0␀" and "␀\0" were kept as ␀␀␀, and read back as one.
      "\u{0}␀", "␀\u{0}", "a\u{0}\u{2400}b", "␀0", "\u{0}0", "␀␀0",
    ]
    let store = try Self.makeStore(kind)
    let rows = (0..<9_000).map { i in
      ResultRecord(
        subject: awkward[i % awkward.count], check: "c\(i % 7)", status: "fail",
        severity: "high", message: awkward[(i + 3) % awkward.count] + "\(i)",
        location: awkward[(i + 5) % awkward.count])
    }
    var run = Self.run("gate", at: 0, fail: 1)
    // A path holds no NUL: the file system has none to give.
    run.inputs = awkward.filter { !$0.contains("\u{0}") }.enumerated().map {
      InputHash(path: "\($0.offset)/\($0.element)", sha256: "h")
    }
    let id = try store.record(run, results: rows)
    #expect(try store.results(ofRun: id) == rows)
    #expect(
      try store.runs(playbook: nil, limit: nil).first?.inputs.map(\.path).sorted()
        == run.inputs.map(\.path).sorted())
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
            location: r.mark.isKnown ? r.mark.description : "",
            fingerprint: [.fail, .error, .waived].contains(r.status) ? r.fingerprint : "")
        })
    #expect(rows[19_998].location == "models/recommender.yaml:19999:12")
    #expect(rows[19_999].location == "gov.lua:20000")  // column 0 is left out
  }

  /// The SQLite store inserts rows many to a statement and the rest one by
  /// one: every row comes back in its place, across and between batches.
  @Test(arguments: persistent, [0, 1, 31, 32, 33, 70])
  func manyRowsComeBackInOrder(kind: Kind, count: Int) throws {
    let store = try Self.makeStore(kind)
    let rows = (0..<count).map { i in
      ResultRecord(
        subject: "s\(i / 14)", check: "c\(i % 14)", status: i % 5 == 0 ? "fail" : "pass",
        severity: "high", message: String(repeating: "m", count: i), location: "f.yaml:\(i):1")
    }
    let id = try store.record(Self.run("gate", at: 0, fail: 0), results: rows)
    #expect(try store.results(ofRun: id) == rows)
    #expect(try store.runs(playbook: nil, limit: nil).first?.resultCount == count)
  }

  @Test(arguments: kinds)
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

  @Test(arguments: persistent)
  func keepsRunsAcrossOpens(kind: Kind) throws {
    let backend = try Backend(kind)
    try backend.open().record(Self.run("gate", at: 0, fail: 1), results: Self.rows)
    let reopened = try backend.open()
    #expect(try reopened.runs(playbook: "gate", limit: nil).count == 1)
    #expect(try backend.integrityProblems(reopened).isEmpty)
    #expect(try backend.migrations(reopened) == SQLiteHistoryStore.schemaVersions)
  }

  @Test(arguments: persistent)
  func aV1StoreMigratesForwardKeepingItsRuns(kind: Kind) throws {
    let backend = try Backend(kind)
    let old = try backend.open(upTo: "v1")
    #expect(try backend.migrations(old) == ["v1"])
    try old.record(Self.run("gate", at: 0, fail: 1), results: Self.rows)
    #expect(try backend.indexes().isEmpty)

    let current = try backend.open()
    #expect(try backend.migrations(current) == SQLiteHistoryStore.schemaVersions)
    #expect(SQLiteHistoryStore.schemaVersions.prefix(2) == ["v1", "v2"])
    #expect(
      try backend.indexes() == [
        "result_reuse_by_origin", "run_by_playbook", "run_metric_by_name", "signoff_by_playbook",
      ])
    let runs = try current.runs(playbook: "gate", limit: nil)
    #expect(runs.count == 1)
    #expect(try current.results(ofRun: runs[0].id ?? 0) == Self.rows)
  }

  /// PostgreSQL's schema is SQLite's, translated; only `result` goes
  /// without its foreign key (checked row by row, it cost more than half of
  /// recording the gate), and the integrity check finds orphans instead.
  @Test func postgresSchemaIsSQLitesTranslated() {
    let sqlite = SQLiteHistoryStore.migrations
    let pg = PostgresHistoryStore.migrations
    #expect(pg.map(\.name) == sqlite.map(\.name))
    let v1 = pg[0].sql
    #expect(v1.contains("CREATE TABLE result (\n  run_id BIGINT NOT NULL,\n"))
    #expect(v1.contains("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"))
    #expect(v1.components(separatedBy: "REFERENCES run(id)").count == 3)
    #expect(!pg.contains { $0.sql.contains("INTEGER PRIMARY KEY AUTOINCREMENT") })
    #expect(pg[2].sql.contains("runbook_run_id BIGINT NOT NULL REFERENCES runbook_run(id)"))
  }

  @Test(arguments: persistent)
  func aStoreFromANewerStewardIsRefused(kind: Kind) throws {
    let backend = try Backend(kind)
    _ = try backend.open()
    try backend.execute("INSERT INTO grdb_migrations VALUES ('v99')")
    let error = #expect(throws: HistoryError.self) { try backend.open() }
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

  /// A write that fails part way (a trigger refuses the 500th result) leaves
  /// nothing of the run: one transaction.
  @Test(arguments: persistent)
  func aFailedWriteLeavesNoRow(kind: Kind) throws {
    let backend = try Backend(kind)
    let store = try backend.open()
    try backend.execute(
      kind == .postgres
        ? """
        CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.position = 499 THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON result FOR EACH ROW EXECUTE FUNCTION refuse();
        """
        : """
        CREATE TRIGGER refuse BEFORE INSERT ON result WHEN NEW.position = 499
        BEGIN SELECT RAISE(ABORT, 'refused'); END
        """)
    let many = Array(repeating: Self.rows[0], count: 1000)
    let error = #expect(throws: HistoryError.self) {
      try store.record(Self.run("gate", at: 0, fail: 0), results: many)
    }
    #expect(error?.description.contains("refused") == true)
    #expect(try store.runs(playbook: nil, limit: nil).isEmpty)
    #expect(try backend.integrityProblems(store).isEmpty)
    #expect(
      try backend.count(
        "SELECT (SELECT COUNT(*) FROM result) + (SELECT COUNT(*) FROM run_metric) + (SELECT COUNT(*) FROM run_input) + (SELECT COUNT(*) FROM run)"
      ) == 0)
    // The store still records after the failed run.
    try backend.execute(kind == .postgres ? "DROP TRIGGER refuse ON result" : "DROP TRIGGER refuse")
    try store.record(Self.run("gate", at: 1, fail: 0), results: many)
    #expect(try store.runs(playbook: nil, limit: nil).first?.resultCount == 1000)
  }

  /// Rows as a store reads them back: without an incremental run's keys.
  static func plain(_ rows: [ResultRecord]) -> [ResultRecord] {
    rows.map {
      var row = $0
      (row.depKey, row.detail) = ("", "")
      return row
    }
  }

  /// Reused results are references to the run that holds their rows
  /// (decision 0047): three runs in a chain read back whole, every
  /// reference names the first run, neighbouring ranges are one row, and a
  /// reference to rows no longer there is refused and reported.
  @Test(arguments: persistent)
  func reusedResultsAreReferencesToTheirOrigin(kind: Kind) throws {
    let backend = try Backend(kind)
    let store = try #require(try backend.open() as? any CopyingResultStore)
    let keys = try #require(store as? any ResultKeyStore)
    // Four files of two results each; a file's key and detail on its first.
    func rows(_ tag: String) -> [ResultRecord] {
      (0..<8).map { n in
        var row = ResultRecord(
          subject: "s\(n / 2)", check: "c\(n % 2)", status: n % 3 == 0 ? "fail" : "pass",
          severity: "high", message: "\(tag) \(n)", location: "f\(n / 2).yaml:1:1",
          fingerprint: n % 3 == 0 ? "fp\(n)" : "")
        if n % 2 == 0 { (row.depKey, row.detail) = ("key\(n / 2)", "detail \(tag) \(n / 2)") }
        return row
      }
    }
    let first = rows("first")
    let one = try store.record(Self.run("gate", at: 0, fail: 1), results: first)
    // Run 2 reuses files 0, 1 and 3 of run 1; file 2 is checked again.
    var second = first
    for n in 4..<6 { second[n].message = "second \(n)" }
    second[4].detail = "detail second 2"
    let copies2 = [
      ResultCopy(fromRun: one, from: 0, to: 0, count: 2),
      ResultCopy(fromRun: one, from: 2, to: 2, count: 2),
      ResultCopy(fromRun: one, from: 6, to: 6, count: 2),
    ]
    let two = try #require(
      try store.record(
        Self.run("gate", at: 1, fail: 1), results: second, copies: copies2, commitIf: { true }))
    #expect(try store.results(ofRun: two) == Self.plain(second))
    #expect(
      try keys.resultKeys(ofRun: two).map(\.detail) == [
        "detail first 0", "detail first 1", "detail second 2", "detail first 3",
      ])
    // Run 3 reuses all of run 2: files 0, 1 and 3 from run 1, file 2 from run 2.
    let copies3 = (0..<4).map { ResultCopy(fromRun: two, from: 2 * $0, to: 2 * $0, count: 2) }
    let three = try #require(
      try store.record(
        Self.run("gate", at: 2, fail: 1), results: second, copies: copies3, commitIf: { true }))
    #expect(try store.results(ofRun: three) == Self.plain(second))
    #expect(try keys.resultKeys(ofRun: three).map(\.position) == [0, 2, 4, 6])
    #expect(try backend.integrityProblems(store).isEmpty)
    // Rows of its own: run 2 the two of file 2, run 3 none.
    #expect(try backend.count("SELECT COUNT(*) FROM result WHERE run_id = \(two)") == 2)
    #expect(try backend.count("SELECT COUNT(*) FROM result WHERE run_id = \(three)") == 0)
    // Files 0 and 1 of run 2 are one reference; run 3's three references
    // name the run that holds each row, never run 2's references.
    #expect(try backend.count("SELECT COUNT(*) FROM result_reuse WHERE run_id = \(two)") == 2)
    #expect(
      try backend.count(
        "SELECT COUNT(*) FROM result_reuse WHERE run_id = \(three) AND from_run = \(one)") == 2)
    #expect(
      try backend.count(
        "SELECT COUNT(*) FROM result_reuse WHERE run_id = \(three) AND from_run = \(two)") == 1)
    // Rows referred to that are gone: the next record is refused whole,
    // and the store's check names the runs short of rows.
    try backend.execute("DELETE FROM result WHERE run_id = \(one) AND position = 7")
    let refused = #expect(throws: HistoryError.self) {
      try store.record(
        Self.run("gate", at: 3, fail: 1), results: second, copies: copies3, commitIf: { true })
    }
    #expect(refused?.description.contains("no longer all in the store") == true)
    #expect(try store.runs(playbook: nil, limit: nil).count == 3)
    let problems = try backend.integrityProblems(store)
    #expect(problems.contains("run \(one) records 8 results but has 7 rows"))
    #expect(problems.contains("run \(two) records 8 results but has 7 rows"))
    #expect(problems.contains("run \(three) records 8 results but has 7 rows"))
  }

  /// A new store with run 1 (four results, a key on the first) and run 2,
  /// which reuses all four by reference.
  static func aRunReusingAnother(_ kind: Kind) throws -> (
    Backend, any CopyingResultStore & ResultKeyStore, [ResultRecord], Int64, Int64
  ) {
    let backend = try Backend(kind)
    let store = try #require(try backend.open() as? any CopyingResultStore & ResultKeyStore)
    var rows = Self.rows
    rows[0].depKey = "k"
    rows[0].detail = "d"
    let one = try store.record(Self.run("gate", at: 0, fail: 1), results: rows)
    let two = try #require(
      try store.record(
        Self.run("gate", at: 1, fail: 1), results: rows,
        copies: [ResultCopy(fromRun: one, from: 0, to: 0, count: 4)], commitIf: { true }))
    return (backend, store, rows, one, two)
  }

  /// A run that another refers to is replaced (a survey wave recorded
  /// again): the runs that referred to it keep their results.
  @Test(arguments: persistent)
  func replacingARunReferredToKeepsTheResultsOfItsReusers(kind: Kind) throws {
    let (backend, store, rows, one, two) = try Self.aRunReusingAnother(kind)
    var replacing = Self.run("gate", at: 2, fail: 0)
    replacing.replacing = [one]
    try store.record(replacing, results: Self.rows)
    #expect(try store.results(ofRun: two) == Self.plain(rows))
    #expect(try store.resultKeys(ofRun: two).map(\.detail) == ["d"])
    #expect(try backend.integrityProblems(store).isEmpty)
    // The replaced run is gone, rows and all.
    #expect(try store.runs(playbook: nil, limit: nil).map(\.id) == [3, two])
    #expect(try backend.count("SELECT COUNT(*) FROM result WHERE run_id = \(one)") == 0)
    #expect(try backend.count("SELECT COUNT(*) FROM result_key WHERE run_id = \(one)") == 0)
  }

  /// References no steward writes (a tampered store) are refused when the
  /// run is read, on both stores, never read as other results or crashed
  /// on: a huge count, a negative one, two that overlap, one that repeats
  /// the run's own rows.
  @Test(arguments: persistent)
  func referencesThatDoNotAddUpAreRefused(kind: Kind) throws {
    let tampering = [
      "UPDATE result_reuse SET count = 2147483647, from_position = 5",
      "UPDATE result_reuse SET count = -5",
      "UPDATE result_reuse SET position = 2147483600",
      "UPDATE result_reuse SET count = 2; INSERT INTO result_reuse VALUES (2, 1, 2, 1, 1)",
      "UPDATE result_reuse SET count = 3, from_position = 1",
    ]
    for sql in tampering {
      let (backend, store, rows, _, two) = try Self.aRunReusingAnother(kind)
      try backend.execute(sql)
      let results = #expect(throws: HistoryError.self, "\(sql)") {
        try store.results(ofRun: two)
      }
      #expect(
        results?.description.contains("the history store is inconsistent: run \(two)") == true,
        "\(sql): \(String(describing: results))")
      // Reusing from it again is refused too, and records nothing.
      #expect(throws: HistoryError.self, "\(sql)") {
        try store.record(
          Self.run("gate", at: 2, fail: 1), results: rows,
          copies: [ResultCopy(fromRun: two, from: 0, to: 0, count: 4)], commitIf: { true })
      }
      #expect(try store.runs(playbook: nil, limit: nil).count == 2)
    }
  }

  /// A record whose commit is declined (the report could not be written)
  /// leaves nothing, and the next one lands.
  @Test(arguments: persistent)
  func aDeclinedCommitLeavesNoRun(kind: Kind) throws {
    let store = try Self.makeStore(kind)
    #expect(
      try store.record(Self.run("gate", at: 0, fail: 0), results: Self.rows, commitIf: { false })
        == nil)
    #expect(try store.runs(playbook: nil, limit: nil).isEmpty)
    let id = try store.record(
      Self.run("gate", at: 1, fail: 0), results: Self.rows, commitIf: { true })
    #expect(try store.results(ofRun: id ?? -1) == Self.rows)
  }

  /// A runbook's timeline: each event kept as it is appended, read back in order.
  @Test(arguments: persistent)
  func timelinesRoundTrip(kind: Kind) throws {
    let store = try #require(try Self.makeStore(kind) as? any TimelineStore)
    let started = Date(timeIntervalSince1970: 1_795_000_000.5)
    let id = try store.begin(
      TimelineRun(
        playbook: "deploy", playbookPath: "deploy.yaml", playbookHash: "ab", startedAt: started,
        status: "running", vars: ["env": "prod", "nul": "a\u{0}b"]))
    for seq in 1...3 {
      try store.append(
        TimelineEvent(
          seq: seq, at: started.addingTimeInterval(Double(seq)), step: "s\(seq)", type: "step_ok",
          message: "tab\there ␀", data: ["n": Value(.int(Int64(seq)))]), to: id)
    }
    try store.finish(id, status: "done", historyRun: nil)
    let (run, events) = try #require(try store.timeline(id))
    #expect(run.status == "done")
    #expect(run.vars == ["env": "prod", "nul": "a\u{0}b"])
    #expect(run.startedAt == started)
    #expect(events.map(\.step) == ["s1", "s2", "s3"])
    #expect(events.allSatisfy { $0.message == "tab\there ␀" })
    #expect(try store.timeline(id + 100) == nil)
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
