public import Foundation
import GRDB

/// The history in an SQLite file (default `.steward/history.sqlite`), in WAL
/// mode, so that readers never block the run that records and two processes
/// recording at once both land (each waits for the other's transaction).
///
/// The schema is versioned by GRDB's `DatabaseMigrator`: opening a store runs
/// the migrations it lacks ("v1", "v2"…), and a store written by a newer
/// Steward is refused rather than misread. The schema is in docs/history.md.
///
/// ```swift
/// let store = try SQLiteHistoryStore(path: ".steward/history.sqlite")
/// try store.record(run, results: rows)
/// ```
public final class SQLiteHistoryStore: CopyingResultStore, ResultKeyStore, Sendable {
  /// The migrations this version knows, oldest first; the last one is the
  /// schema version a new store gets.
  public static let schemaVersions = migrations.map(\.name)

  public let path: String
  let pool: DatabasePool
  /// Whether results have their fingerprint column: a store opened `upTo:`
  /// an older migration (tests build old stores so) lacks it.
  let keepsFingerprints: Bool
  /// Whether reused results can be references (migration v8), rather than
  /// rows copied into every run that reuses them.
  let keepsReuses: Bool

  /// An exclusive `flock` on the store's own file, which SQLite's locks
  /// (fcntl) leave alone: another export waits for it, a run recording
  /// meanwhile does not, and the kernel drops it when the process ends.
  public func exclusively<T>(_ body: () throws -> T) throws -> T {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw HistoryError(path: path, "cannot lock the history store for the export")
    }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw HistoryError(path: path, "cannot lock the history store for the export")
      }
    }
    return try body()
  }

  /// Opens (creating if needed) the store at `path` and migrates it forward.
  /// - Parameters:
  ///   - createFolder: create the missing parent folder (the default store's `.steward/`).
  ///   - upTo: stop at this migration; tests use it to build an old store.
  ///   - busyTimeout: how long a write waits for another process's transaction.
  public init(
    path: String, createFolder: Bool = true, upTo: String? = nil, busyTimeout: TimeInterval = 60
  ) throws {
    self.path = path
    let versions = Self.schemaVersions
    keepsFingerprints =
      upTo.map {
        (versions.firstIndex(of: $0) ?? 0)
          >= (versions.firstIndex(of: "v5-result-fingerprint") ?? 0)
      } ?? true
    keepsReuses =
      upTo.map {
        (versions.firstIndex(of: $0) ?? 0) >= (versions.firstIndex(of: "v8-result-reuse") ?? 0)
      } ?? true
    let folder = (path as NSString).deletingLastPathComponent
    if createFolder, !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
      do {
        try FileManager.default.createDirectory(
          atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw HistoryError(path: path, "cannot create the folder \(folder) for the history store")
      }
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      throw HistoryError(path: path, "the history store is a folder, not an SQLite file")
    }
    var configuration = Configuration()
    configuration.busyMode = .timeout(busyTimeout)
    configuration.label = "steward-history"
    let migrator = Self.migrator
    let pool: DatabasePool
    do {
      pool = try Self.retryingBusy(for: busyTimeout) {
        try DatabasePool(path: path, configuration: configuration)
      }
      try Self.migrate(pool, with: migrator, upTo: upTo, path: path, timeout: busyTimeout)
    } catch let error as HistoryError {
      throw error
    } catch {
      throw Self.describe(error, path: path, doing: "cannot open the history store")
    }
    self.pool = pool
  }

  /// The applied migrations, oldest first (the schema version is the last).
  public func appliedMigrations() throws -> [String] {
    do {
      return try pool.read { db in
        try Self.migrator.appliedIdentifiers(db).sorted {
          (Self.schemaVersions.firstIndex(of: $0) ?? .max)
            < (Self.schemaVersions.firstIndex(of: $1) ?? .max)
        }
      }
    } catch {
      throw Self.describe(error, path: path, doing: "cannot read the history store")
    }
  }

  /// `PRAGMA integrity_check` plus the history's own invariant (every run has
  /// exactly `result_count` result rows); empty when all is well.
  public func integrityProblems() throws -> [String] {
    do {
      return try pool.read { db in
        var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
        let rows = try Row.fetchAll(
          db,
          sql: """
            SELECT run.id AS id, run.result_count AS expected,
                   (SELECT COUNT(*) FROM \(keepsReuses ? Self.resolvedResults : "result AS resolved")
                    WHERE resolved.run_id = run.id) AS actual
            FROM run
            """)
        for row in rows {
          let id: Int64 = row["id"]
          let expected: Int = row["expected"]
          let actual: Int = row["actual"]
          if expected != actual {
            problems.append("run \(id) records \(expected) results but has \(actual) rows")
          }
        }
        let orphans =
          try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM result WHERE run_id NOT IN (SELECT id FROM run)") ?? 0
        if orphans > 0 { problems.append("\(orphans) result rows belong to no run") }
        if keepsReuses {
          for (sql, problem) in ResultReuse.integrityChecks {
            for id in try Int64.fetchAll(db, sql: sql) { problems.append("run \(id) \(problem)") }
          }
        }
        return problems
      }
    } catch {
      throw Self.describe(error, path: path, doing: "cannot read the history store")
    }
  }

  @discardableResult
  public func record(_ run: RunRecord, results: [ResultRecord]) throws -> Int64 {
    // `commitIf` answering true always commits, so there is an id.
    try record(run, results: results, commitIf: { true }) ?? -1
  }

  /// Thrown inside the transaction to roll it back when `commitIf` says no.
  private struct NotCommitted: Error {}

  public func record(
    _ run: RunRecord, results: [ResultRecord], copies: [ResultCopy], commitIf commit: () -> Bool
  ) throws -> Int64? {
    // The positions whose rows are sent; the others are references.
    let sent = try ResultCopy.sentPositions(
      results.count, copies: copies, path: path, keepsReuses: keepsReuses)
    do {
      // One IMMEDIATE transaction: all rows land, or none do.
      return try pool.write { db in
        for replaced in run.replacing {
          if keepsReuses { try Self.materializeReuses(of: replaced, in: db) }
          try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [replaced])
        }
        try db.execute(
          sql: """
            INSERT INTO run (playbook, kind, playbook_path, playbook_hash, started_at, duration_ms,
                             steward_version, exit_status, gate, result_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            run.playbook, run.kind, run.playbookPath, run.playbookHash,
            Self.timestamp(run.startedAt), Int64((run.duration * 1000).rounded()),
            run.stewardVersion, run.exitStatus, run.gate, results.count,
          ])
        let id = db.lastInsertedRowID
        try Self.insert(
          into: "run_input (run_id, path, sha256)", columns: 3, rows: run.inputs.count,
          orReplace: true, in: db
        ) { n, batch in
          batch.int(id)
          batch.text(run.inputs[n].path)
          batch.text(run.inputs[n].sha256)
        }
        try Self.insert(
          into: "run_metric (run_id, position, name, value)", columns: 4,
          rows: run.metrics.count, orReplace: true, in: db
        ) { n, batch in
          batch.int(id)
          batch.int(n)
          batch.text(run.metrics[n].name)
          batch.double(run.metrics[n].value)
        }
        let fingerprints = keepsFingerprints
        try Self.insert(
          into: "result (run_id, position, subject, check_id, status, severity, message, location"
            + (fingerprints ? ", fingerprint)" : ")"),
          columns: fingerprints ? 9 : 8, rows: sent.count, in: db
        ) { k, batch in
          let n = sent[k]
          batch.int(id)
          batch.int(n)
          batch.text(results[n].subject)
          batch.text(results[n].check)
          batch.text(results[n].status)
          batch.text(results[n].severity)
          batch.text(results[n].message)
          batch.text(results[n].location)
          if fingerprints { batch.text(results[n].fingerprint) }
        }
        try Self.copy(copies, into: id, path: path, in: db)
        let keyed = sent.filter { !results[$0].depKey.isEmpty }
        try Self.insert(
          into: "result_key (run_id, position, dep_key, detail)", columns: 4, rows: keyed.count,
          in: db
        ) { n, batch in
          batch.int(id)
          batch.int(keyed[n])
          batch.text(results[keyed[n]].depKey)
          batch.text(results[keyed[n]].detail)
        }
        guard commit() else { throw NotCommitted() }
        return id
      }
    } catch is NotCommitted {
      return nil
    } catch {
      throw Self.describe(error, path: path, doing: "cannot record the run")
    }
  }

  /// Records each range of reused results as a reference to the run that
  /// holds their rows (decision 0047), after checking those rows are all
  /// there: a range not all there is an error, and the run is not recorded.
  private static func copy(
    _ copies: [ResultCopy], into id: Int64, path: String, in db: Database
  ) throws {
    guard !copies.isEmpty else { return }
    var existing: [Int64: [ResultReuse]] = [:]
    for from in Set(copies.map(\.fromRun)) {
      existing[from] = try ResultReuse.checked(
        references(of: from, in: db), run: from, path: path)
    }
    let count = try db.makeStatement(
      sql: "SELECT COUNT(*) FROM result WHERE run_id = ? AND position >= ? AND position < ?")
    let insert = try db.makeStatement(
      sql: """
        INSERT INTO result_reuse (run_id, position, count, from_run, from_position)
        VALUES (?, ?, ?, ?, ?)
        """)
    for reuse in ResultReuse.resolve(copies, existing: existing) {
      let from = Int64(reuse.fromPosition)
      let there =
        try Int.fetchOne(
          count, arguments: [reuse.fromRun, from, from + Int64(reuse.count)]) ?? 0
      guard there == reuse.count else {
        throw HistoryError(
          path: path,
          "cannot record the run: the results reused from run \(reuse.fromRun) are no longer all in the store"
        )
      }
      try insert.execute(arguments: [
        id, Int64(reuse.position), Int64(reuse.count), reuse.fromRun, from,
      ])
    }
  }

  /// Run `id`'s references, in order of position.
  private static func references(of id: Int64, in db: Database) throws -> [ResultReuse] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT position, count, from_run, from_position FROM result_reuse
        WHERE run_id = ? ORDER BY position
        """, arguments: [id]
    ).map { ResultReuse(position: $0[0], count: $0[1], fromRun: $0[2], fromPosition: $0[3]) }
  }

  /// Gives every run that refers to run `id`'s results rows of its own,
  /// so that deleting `id` takes nothing from them.
  private static func materializeReuses(of id: Int64, in db: Database) throws {
    for statement in ResultReuse.materializing(run: id) { try db.execute(sql: statement) }
  }

  /// Rows inserted per statement: one statement of many rows costs SQLite
  /// far less than as many one-row statements (in a Python trial on 140,000
  /// results, 0.25 s against 0.52 s).
  static let rowsPerInsert = 32

  /// Inserts `rows` rows of `columns` values into `table` (with its column
  /// list), `rowsPerInsert` to a statement and the rest one by one; `row`
  /// adds row `n`'s values to the batch in column order.
  private static func insert(
    into table: String, columns: Int, rows: Int, orReplace: Bool = false, in db: Database,
    row: (Int, inout RowBatch) -> Void
  ) throws {
    let tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
    func statement(rows: Int) throws -> Statement {
      try db.makeStatement(
        sql: "INSERT \(orReplace ? "OR REPLACE " : "")INTO \(table) VALUES "
          + Array(repeating: tuple, count: rows).joined(separator: ", "))
    }
    var batch = RowBatch()
    let whole = rows / rowsPerInsert * rowsPerInsert
    if whole > 0 {
      let many = try statement(rows: rowsPerInsert)
      for n in 0..<whole {
        row(n, &batch)
        if (n + 1) % rowsPerInsert == 0 { try batch.run(many, in: db) }
      }
    }
    if whole < rows {
      let one = try statement(rows: 1)
      for n in whole..<rows {
        row(n, &batch)
        try batch.run(one, in: db)
      }
    }
  }

  public func runs(playbook: String?, limit: Int?) throws -> [RunRecord] {
    do {
      return try pool.read { db in
        var sql = "SELECT * FROM run"
        var arguments: StatementArguments = []
        if let playbook {
          sql += " WHERE playbook = ?"
          arguments += [playbook]
        }
        sql += " ORDER BY started_at DESC, id DESC"
        if let limit {
          sql += " LIMIT ?"
          arguments += [limit]
        }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.run($0, db) }
      }
    } catch {
      throw Self.describe(error, path: path, doing: "cannot read the history store")
    }
  }

  public func newestRun(playbook: String) throws -> (id: Int64, kind: String)? {
    do {
      return try pool.read { db in
        try Row.fetchOne(
          db,
          sql: """
            SELECT id, kind FROM run WHERE playbook = ?
            ORDER BY started_at DESC, id DESC LIMIT 1
            """, arguments: [playbook]
        ).map { ($0[0], $0[1]) }
      }
    } catch {
      throw Self.describe(error, path: path, doing: "cannot read the history store")
    }
  }

  public func results(ofRun id: Int64) throws -> [ResultRecord] {
    do {
      return try pool.read { db in
        // Read as bytes: GRDB reads text up to its first NUL, and a YAML id
        // or a plugin's message can hold one.
        try ResultReuse.whole(
          resolved(
            db, run: id, table: "result",
            columns: """
              CAST(subject AS BLOB), CAST(check_id AS BLOB), CAST(status AS BLOB),
              CAST(severity AS BLOB), CAST(message AS BLOB), CAST(location AS BLOB),
              \(keepsFingerprints ? "CAST(fingerprint AS BLOB)" : "''")
              """
          ) { row in
            ResultRecord(
              subject: Self.text(row, 1), check: Self.text(row, 2), status: Self.text(row, 3),
              severity: Self.text(row, 4), message: Self.text(row, 5),
              location: Self.text(row, 6), fingerprint: Self.text(row, 7))
          }, run: id, path: path)
      }
    } catch {
      throw Self.describe(error, path: path, doing: "cannot read the history store")
    }
  }

  public func resultKeys(ofRun id: Int64) throws -> [(
    position: Int, key: String, detail: String
  )] {
    do {
      return try pool.read { db in
        try resolved(
          db, run: id, table: "result_key",
          columns: "CAST(dep_key AS BLOB), CAST(detail AS BLOB)"
        ) { row in (Self.text(row, 1), Self.text(row, 2)) }
        .rows.map { ($0.0, $0.1.0, $0.1.1) }
      }
    } catch {
      throw Self.describe(error, path: path, doing: "cannot read the history store")
    }
  }

  /// Column `i` of `row`, read as bytes, in place: through a `Data` copy,
  /// a re-run's 25 MB of details were copied twice before they were text.
  private static func text(_ row: Row, _ i: Int) -> String {
    (try? row.withUnsafeData(atIndex: i) { $0.map { String(decoding: $0, as: UTF8.self) } })
      .flatMap { $0 } ?? ""
  }

  /// The rows of `table` (`result` or `result_key`) that belong to run
  /// `id`, by position: its own, and those its references name, each
  /// range read in the order of the table's key. One query over a UNION of
  /// the two would have to sort them, and SQLite spilled the 25 MB of a
  /// gate's details to a temporary file to do it.
  private func resolved<T>(
    _ db: Database, run id: Int64, table: String, columns: String, row: (Row) -> T
  ) throws -> (rows: [(Int, T)], count: Int) {
    guard
      let count = try Int.fetchOne(
        db, sql: "SELECT result_count FROM run WHERE id = ?", arguments: [id])
    else { return ([], 0) }
    // A cursor's rows are read where SQLite has them, not copied first.
    func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [(Int, T)] {
      var rows: [(Int, T)] = []
      let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
      while let one = try cursor.next() { rows.append((one[0] as Int, row(one))) }
      return rows
    }
    let own = try fetch(
      "SELECT position, \(columns) FROM \(table) WHERE run_id = ? ORDER BY position", [id])
    let references = keepsReuses ? try Self.references(of: id, in: db) : []
    let rows = try ResultReuse.rows(
      own: own, references: references, run: id, count: count, path: path
    ) { from, low, high in
      try fetch(
        """
        SELECT position, \(columns) FROM \(table)
        WHERE run_id = ? AND position >= ? AND position < ? ORDER BY position
        """, [from, low, high])
    }
    return (rows, count)
  }

  public func series(metric: String, playbook: String) throws -> [MetricPoint] {
    do {
      return try pool.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT run.id AS id, run.started_at AS started_at, run_metric.value AS value
            FROM run JOIN run_metric ON run_metric.run_id = run.id
            WHERE run.playbook = ? AND run_metric.name = ?
            ORDER BY run.started_at, run.id
            """, arguments: [playbook, metric]
        ).map { row in
          MetricPoint(
            runID: row["id"], startedAt: Self.date(row["started_at"]), value: row["value"])
        }
      }
    } catch {
      throw Self.describe(error, path: path, doing: "cannot read the history store")
    }
  }

  /// The `result` table with each run's references resolved (decision
  /// 0047): a run's own rows, and the rows it refers to at its positions.
  /// The same SQL on PostgreSQL; for counting (the integrity check), not
  /// for reading a run in order (``resolved(_:run:table:columns:row:)``).
  static let resolvedResults = """
    (SELECT * FROM result
     UNION ALL
     SELECT u.run_id AS run_id, u.position + r.position - u.from_position AS position,
            r.subject, r.check_id, r.status, r.severity, r.message, r.location, r.fingerprint
     FROM result_reuse u JOIN result r ON r.run_id = u.from_run
       AND r.position >= u.from_position AND r.position < u.from_position + u.count) AS resolved
    """

  // MARK: - Schema

  /// The schema, one migration at a time, oldest first: SQLite's SQL, which
  /// ``PostgresHistoryStore`` translates, so that both stores have one schema.
  /// Every schema change is a new migration appended here; a migration is
  /// never edited once released (docs/history.md).
  static let migrations: [(name: String, sql: String)] = [
    (
      "v1",
      """
      CREATE TABLE run (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        playbook TEXT NOT NULL,
        kind TEXT NOT NULL,
        playbook_path TEXT NOT NULL,
        playbook_hash TEXT NOT NULL,
        started_at TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        steward_version TEXT NOT NULL,
        exit_status INTEGER NOT NULL,
        gate TEXT NOT NULL,
        result_count INTEGER NOT NULL
      );
      CREATE TABLE run_input (
        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        PRIMARY KEY (run_id, path)
      );
      CREATE TABLE run_metric (
        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (run_id, name)
      );
      CREATE TABLE result (
        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        subject TEXT NOT NULL,
        check_id TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL,
        location TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
      );
      """
    ),
    // v2: `steward history --playbook NAME` and trends read runs by playbook
    // and time; metrics are looked up by name across runs.
    (
      "v2",
      """
      CREATE INDEX run_by_playbook ON run (playbook, started_at);
      CREATE INDEX run_metric_by_name ON run_metric (name, run_id);
      """
    ),
    ("v3-runbook-timeline", timelineSchema),
    // v4: what each result of an `--incremental` run depended on (decision 0033).
    (
      "v4-result-keys",
      """
      CREATE TABLE result_key (
        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        dep_key TEXT NOT NULL,
        detail TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
      );
      """
    ),
    // v5: an audit finding's fingerprint, so that `--baseline-run` can
    // match it whatever lines moved (decision 0041).
    ("v5-result-fingerprint", "ALTER TABLE result ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''"),
    // v6: who triggered an audit run, and the sign-offs on its results
    // (decision 0037).
    ("v6-signoff", signOffSchema),
    // v7: what each result of a run needing sign-off was bound to, so that a
    // sign-off covers its evidence, files and check parameters (decision 0044).
    ("v7-signoff-binding", signOffBindingSchema),
    // v8: an --incremental run's reused results, as references to the run
    // that holds their rows rather than copies of them (decision 0047).
    // Deleting a run that is referred to fails until the runs that refer to
    // it have rows of their own (no ON DELETE on from_run).
    (
      "v8-result-reuse",
      """
      CREATE TABLE result_reuse (
        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        count INTEGER NOT NULL,
        from_run INTEGER NOT NULL REFERENCES run(id),
        from_position INTEGER NOT NULL,
        PRIMARY KEY (run_id, position)
      );
      CREATE INDEX result_reuse_by_origin ON result_reuse (from_run);
      """
    ),
  ]

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    for (name, sql) in migrations {
      migrator.registerMigration(name) { db in try db.execute(sql: sql) }
    }
    return migrator
  }

  // MARK: - Helpers

  private static func run(_ row: Row, _ db: Database) throws -> RunRecord {
    let id: Int64 = row["id"]
    let inputs = try Row.fetchAll(
      db, sql: "SELECT path, sha256 FROM run_input WHERE run_id = ? ORDER BY path", arguments: [id]
    ).map { InputHash(path: $0["path"], sha256: $0["sha256"]) }
    let metrics = try Row.fetchAll(
      db, sql: "SELECT name, value FROM run_metric WHERE run_id = ? ORDER BY position",
      arguments: [id]
    ).map { Metric($0["name"], $0["value"]) }
    let durationMS: Int64 = row["duration_ms"]
    return RunRecord(
      id: id, playbook: row["playbook"], kind: row["kind"], playbookPath: row["playbook_path"],
      playbookHash: row["playbook_hash"], startedAt: date(row["started_at"]),
      duration: Double(durationMS) / 1000, stewardVersion: row["steward_version"],
      exitStatus: row["exit_status"], gate: row["gate"], inputs: inputs, metrics: metrics,
      resultCount: row["result_count"])
  }

  /// UTC with milliseconds, `2026-11-23T12:04:23.123Z`: sorts as text.
  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
  }

  static func date(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text) ?? Date(timeIntervalSince1970: 0)
  }

  /// Applies the missing migrations. Two processes opening a new store at
  /// once can both decide to migrate it; the one that loses fails (a busy
  /// database, or "table run already exists") and tries again, and then finds
  /// the migrations applied. Errors that persist past `timeout` are thrown.
  private static func migrate(
    _ pool: DatabasePool, with migrator: DatabaseMigrator, upTo: String?, path: String,
    timeout: TimeInterval
  ) throws {
    let deadline = Date().addingTimeInterval(timeout)
    let needed =
      upTo.flatMap { last in schemaVersions.firstIndex(of: last).map { schemaVersions[...$0] } }
      ?? schemaVersions[...]
    while true {
      let (superseded, complete) = try retryingBusy(for: timeout) {
        try pool.read { db in
          (
            try migrator.hasBeenSuperseded(db),
            Set(try migrator.appliedIdentifiers(db)).isSuperset(of: needed)
          )
        }
      }
      if superseded {
        throw HistoryError(
          path: path,
          "the history store was written by a newer steward (its schema is past \(schemaVersions.last ?? "")); upgrade steward or use another --store"
        )
      }
      if complete { return }
      do {
        if let upTo { try migrator.migrate(pool, upTo: upTo) } else { try migrator.migrate(pool) }
        return
      } catch let error as DatabaseError where Date() < deadline {
        _ = error
        usleep(UInt32.random(in: 5_000...50_000))
      }
    }
  }

  /// Runs `body` again while SQLite says another process holds the database,
  /// for at most `seconds`.
  private static func retryingBusy<T>(for seconds: TimeInterval, _ body: () throws -> T) throws
    -> T
  {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
      do {
        return try body()
      } catch let error as DatabaseError
        where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED)
        && Date() < deadline
      {
        usleep(UInt32.random(in: 5_000...50_000))
      }
    }
  }

  private static func describe(_ error: any Error, path: String, doing: String) -> HistoryError {
    if let error = error as? HistoryError { return error }
    if let error = error as? DatabaseError {
      let message = error.message ?? "\(error.resultCode)"
      return HistoryError(path: path, "\(doing): \(message)")
    }
    return HistoryError(path: path, "\(doing): \(error)")
  }
}
