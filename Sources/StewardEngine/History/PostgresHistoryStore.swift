public import Foundation
import PostgresNIO
import Synchronization

/// The history in a PostgreSQL database (`--store postgres://user@host/db`):
/// one history for many teams and many CI jobs at once (decision 0032).
///
/// The tables, their columns and the migrations ("v1", "v2"…) are SQLite's
/// (``SQLiteHistoryStore``), with PostgreSQL's types; the applied ones are
/// listed in the same `grdb_migrations` table, so that both stores say their
/// schema version the same way. A run is one transaction, so a writer killed
/// part way leaves nothing (the server rolls back when the connection drops),
/// and writers never wait on each other but for the few rows they share
/// (none: each run gets its own id).
///
/// ```swift
/// let store = try PostgresHistoryStore(url: "postgres://ci@db.internal/steward?sslmode=require")
/// try store.record(run, results: rows)
/// ```
public final class PostgresHistoryStore: CopyingResultStore, ResultKeyStore, TimelineStore, Sendable
{
  /// The URL as given; messages start with it (without its password).
  public let path: String
  let connection: PostgresConnection
  /// One connection carries one transaction at a time: a record and a read
  /// from another thread must not interleave on it.
  private let lock = NSLock()
  private static let logger: Logger = {
    var logger = Logger(label: "steward-history")
    logger.logLevel = .critical
    return logger
  }()

  /// Whether `store` names a PostgreSQL database rather than an SQLite file.
  public static func isURL(_ store: String) -> Bool {
    store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
  }

  /// Connects to the database `url` names and migrates it forward.
  /// - Parameter upTo: stop at this migration; tests use it to build an old store.
  /// Whether results have their fingerprint column: a store opened `upTo:`
  /// an older migration (tests build old stores so) lacks it.
  let keepsFingerprints: Bool
  /// Whether reused results can be references (migration v8).
  let keepsReuses: Bool

  /// - Parameter migrating: false for a command that only reads: the
  ///   schema is read as it is, nothing is created (a read-only account, or
  ///   a mistyped database, got steward's tables made in it), and a
  ///   database with no steward history is refused.
  public init(url: String, upTo: String? = nil, migrating: Bool = true) throws {
    let target = try PostgresURL(url)
    path = target.display
    let known = SQLiteHistoryStore.schemaVersions
    let connection: PostgresConnection
    do {
      connection = try PostgresConnection.connect(
        on: PostgresConnection.defaultEventLoopGroup.any(),
        configuration: target.configuration(), id: 1, logger: Self.logger
      ).wait()
    } catch {
      throw Self.describe(error, path: target.display, doing: "cannot connect to the history store")
    }
    var applied: Set<String>?
    if !migrating {
      do {
        let there = try connection.query(
          "SELECT to_regclass('grdb_migrations') IS NOT NULL", logger: Self.logger
        ).wait().rows.first.map { try $0.decode(Bool.self) }
        guard there == true else {
          throw HistoryError(
            path: target.display,
            "no steward history in this database; `steward run --store URL` creates one")
        }
        applied = Set(
          try connection.query("SELECT identifier FROM grdb_migrations", logger: Self.logger)
            .wait().rows.map { try $0.decode(String.self) })
        guard applied?.isSubset(of: known) == true else {
          throw HistoryError(
            path: target.display,
            "the history store was written by a newer steward (its schema is past \(known.last ?? "")); upgrade steward or use another --store"
          )
        }
      } catch {
        let closing: EventLoopFuture<Void> = connection.close()
        try? closing.wait()
        throw Self.describe(error, path: target.display, doing: "cannot read the history store")
      }
    }
    self.connection = connection
    func has(_ migration: String) -> Bool {
      if let applied { return applied.contains(migration) }
      return upTo.map {
        (known.firstIndex(of: $0) ?? 0) >= (known.firstIndex(of: migration) ?? 0)
      } ?? true
    }
    keepsFingerprints = has("v5-result-fingerprint")
    keepsReuses = has("v8-result-reuse")
    if migrating { try migrate(upTo: upTo) }
  }

  deinit {
    // Said goodbye to, so that the server does not log a lost connection.
    let closing: EventLoopFuture<Void> = connection.close()
    try? closing.wait()
  }

  /// A session-level advisory lock, released by the server when the
  /// connection ends, a killed export included.
  public func exclusively<T>(_ body: () throws -> T) throws -> T {
    try locked("cannot lock the history store for the export") {
      try execute("SELECT pg_advisory_lock(\(Self.exportLock))")
    }
    defer {
      _ = try? locked("cannot unlock the history store") {
        try execute("SELECT pg_advisory_unlock(\(Self.exportLock))")
      }
    }
    return try body()
  }

  /// The advisory lock key of `history export` ("stwx" as a number).
  static let exportLock: Int64 = 0x7374_7778

  // MARK: - Runs

  @discardableResult
  public func record(_ run: RunRecord, results: [ResultRecord]) throws -> Int64 {
    try record(run, results: results, commitIf: { true }) ?? -1
  }

  public func record(
    _ run: RunRecord, results: [ResultRecord], copies: [ResultCopy], commitIf commit: () -> Bool
  ) throws -> Int64? {
    let sent = try ResultCopy.sentPositions(
      results.count, copies: copies, path: path, keepsReuses: keepsReuses)
    return try locked("cannot record the run") {
      var encoding: Background<([[UInt8]], [[UInt8]])>?
      do {
        try execute("BEGIN")
        // A survey wave recorded again replaces its run, as on SQLite; the
        // results and keys have no foreign key here, so they go by hand.
        for replaced in run.replacing {
          if keepsReuses {
            for statement in ResultReuse.materializing(run: replaced) {
              try execute(PostgresQuery(unsafeSQL: statement))
            }
          }
          try execute("DELETE FROM result WHERE run_id = \(replaced)")
          try execute("DELETE FROM result_key WHERE run_id = \(replaced)")
          try execute("DELETE FROM run WHERE id = \(replaced)")
        }
        let id = try insertRun(run, resultCount: results.count)
        // The rows carry the run's id: encoded on another core while the
        // server takes the run's inputs. Encoded after them, the 140,000
        // rows of a large audit kept the server waiting 0.15 s. (The id
        // comes from the insert, not from `nextval` beforehand, which needs
        // a grant on the sequence that a role allowed to insert may lack.)
        let fingerprints = keepsFingerprints
        encoding = Background {
          let keyed = sent.filter { !results[$0].depKey.isEmpty }
          return (
            PGCopy.chunks(results, positions: sent, run: id, fingerprints: fingerprints),
            PGCopy.chunks(count: keyed.count) { n, writer in
              writer.integer(id)
              writer.integer(Int64(keyed[n]))
              writer.text(results[keyed[n]].depKey)
              writer.text(results[keyed[n]].detail)
            }
          )
        }
        try insertInputsAndMetrics(run, id: id)
        let (rows, keys) = encoding?.value ?? ([], [])
        try copy(
          into: "result",
          columns: [
            "run_id", "position", "subject", "check_id", "status", "severity", "message",
            "location",
          ] + (keepsFingerprints ? ["fingerprint"] : []),
          rows)
        try insertReuses(copies, into: id)
        try copy(into: "result_key", columns: ["run_id", "position", "dep_key", "detail"], keys)
        guard commit() else {
          try execute("ROLLBACK")
          return nil
        }
        try execute("COMMIT")
        return id
      } catch {
        // Waited for, so that no encoding outlives the call.
        _ = encoding?.value
        try? execute("ROLLBACK")
        throw error
      }
    }
  }

  /// Records each range of reused results as a reference to the run that
  /// holds their rows, once they are found all there (decision 0047).
  private func insertReuses(_ copies: [ResultCopy], into id: Int64) throws {
    guard !copies.isEmpty else { return }
    var existing: [Int64: [ResultReuse]] = [:]
    for from in Set(copies.map(\.fromRun)) {
      existing[from] = try ResultReuse.checked(references(of: from), run: from, path: path)
    }
    for reuse in ResultReuse.resolve(copies, existing: existing) {
      let from = Int32(reuse.fromPosition)
      let there = try rows(
        """
        SELECT COUNT(*) FROM result WHERE run_id = \(reuse.fromRun)
          AND position >= \(from) AND position < \(from + Int32(reuse.count))
        """
      ).first.map { try $0.decode(Int64.self) }
      guard there == Int64(reuse.count) else {
        throw HistoryError(
          path: path,
          "cannot record the run: the results reused from run \(reuse.fromRun) are no longer all in the store"
        )
      }
      try execute(
        """
        INSERT INTO result_reuse (run_id, position, count, from_run, from_position)
        VALUES (\(id), \(Int32(reuse.position)), \(Int32(reuse.count)), \(reuse.fromRun), \(from))
        """)
    }
  }

  private func insertRun(_ run: RunRecord, resultCount: Int) throws -> Int64 {
    let id = try rows(
      """
      INSERT INTO run (playbook, kind, playbook_path, playbook_hash, started_at, duration_ms,
                       steward_version, exit_status, gate, result_count)
      VALUES (\(PGText.encode(run.playbook)), \(PGText.encode(run.kind)),
              \(PGText.encode(run.playbookPath)), \(run.playbookHash),
              \(SQLiteHistoryStore.timestamp(run.startedAt)),
              \(Int64((run.duration * 1000).rounded())), \(run.stewardVersion),
              \(Int32(run.exitStatus)), \(run.gate), \(Int32(resultCount)))
      RETURNING id
      """
    ).first.map { try $0.decode(Int64.self) }
    guard let id else { throw HistoryError(path: path, "the new run got no id") }
    return id
  }

  /// The run's input hashes and metrics.
  private func insertInputsAndMetrics(_ run: RunRecord, id: Int64) throws {
    // SQLite's INSERT OR REPLACE keeps the last of two rows with one key.
    var inputs: [String: String] = [:]
    for input in run.inputs { inputs[input.path] = input.sha256 }
    if !inputs.isEmpty {
      // A gate's 10,000 file hashes: a COPY, like the results.
      let paths = inputs.keys.sorted()
      let hashes = paths.map { inputs[$0] ?? "" }
      try copy(
        into: "run_input", columns: ["run_id", "path", "sha256"],
        PGCopy.chunks(count: paths.count) { i, writer in
          writer.integer(id)
          writer.text(paths[i])
          writer.text(hashes[i])
        })
    }
    var lastByName: [String: Int] = [:]
    for (n, metric) in run.metrics.enumerated() { lastByName[metric.name] = n }
    let kept = run.metrics.indices.filter { lastByName[run.metrics[$0].name] == $0 }
    if !kept.isEmpty {
      try execute(
        """
        INSERT INTO run_metric (run_id, position, name, value)
        SELECT \(id), * FROM unnest(\(kept.map { Int32($0) })::integer[],
                                    \(kept.map { run.metrics[$0].name })::text[],
                                    \(kept.map { run.metrics[$0].value })::double precision[])
        """)
    }
  }

  /// Rows by `COPY … FROM STDIN`: the gate's 140,000 results are one
  /// stream, not 140,000 statements.
  private func copy(into table: String, columns: [String], _ chunks: [[UInt8]]) throws {
    guard !chunks.isEmpty else { return }
    let connection = self.connection
    try answered {
      try Blocking.wait {
        try await connection.copyFrom(table: table, columns: columns, logger: Self.logger) {
          writer in
          for chunk in chunks { try await writer.write(ByteBuffer(bytes: chunk)) }
        }
      }
    }
  }

  public func runs(playbook: String?, limit: Int?) throws -> [RunRecord] {
    try locked("cannot read the history store") {
      let columns = """
        SELECT id, playbook, kind, playbook_path, playbook_hash, started_at, duration_ms,
               steward_version, exit_status, gate, result_count FROM run
        """
      let limit = Int64(limit ?? Int(Int64.max))
      let found =
        try playbook.map {
          try rows(
            "\(unescaped: columns) WHERE playbook = \(PGText.encode($0)) ORDER BY started_at DESC, id DESC LIMIT \(limit)"
          )
        }
        ?? rows("\(unescaped: columns) ORDER BY started_at DESC, id DESC LIMIT \(limit)")
      var runs = try found.map { row in
        let (
          id, name, kind, playbookPath, hash, startedAt, durationMS, version, exit, gate, count
        ) =
          try row.decode(
            (
              Int64, String, String, String, String, String, Int64, String, Int32, String, Int32
            ).self)
        return RunRecord(
          id: id, playbook: PGText.decode(name), kind: PGText.decode(kind),
          playbookPath: PGText.decode(playbookPath), playbookHash: hash,
          startedAt: SQLiteHistoryStore.date(startedAt), duration: Double(durationMS) / 1000,
          stewardVersion: version, exitStatus: Int(exit), gate: gate, resultCount: Int(count))
      }
      let ids = runs.compactMap(\.id)
      guard !ids.isEmpty else { return runs }
      var index: [Int64: Int] = [:]
      for (n, run) in runs.enumerated() { index[run.id ?? -1] = n }
      for row in try rows(
        "SELECT run_id, path, sha256 FROM run_input WHERE run_id = ANY(\(ids)) ORDER BY run_id, path"
      ) {
        let (id, path, sha) = try row.decode((Int64, String, String).self)
        if let n = index[id] {
          runs[n].inputs.append(InputHash(path: PGText.decode(path), sha256: sha))
        }
      }
      for row in try rows(
        "SELECT run_id, name, value FROM run_metric WHERE run_id = ANY(\(ids)) ORDER BY run_id, position"
      ) {
        let (id, name, value) = try row.decode((Int64, String, Double).self)
        if let n = index[id] { runs[n].metrics.append(Metric(name, value)) }
      }
      return runs
    }
  }

  public func newestRun(playbook: String) throws -> (id: Int64, kind: String)? {
    try locked("cannot read the history store") {
      try rows(
        """
        SELECT id, kind FROM run WHERE playbook = \(PGText.encode(playbook))
        ORDER BY started_at DESC, id DESC LIMIT 1
        """
      ).first.map {
        let (id, kind) = try $0.decode((Int64, String).self)
        return (id, PGText.decode(kind))
      }
    }
  }

  public func results(ofRun id: Int64) throws -> [ResultRecord] {
    try locked("cannot read the history store") {
      try ResultReuse.whole(
        resolved(
          run: id, table: "result",
          columns:
            "subject, check_id, status, severity, message, location, \(keepsFingerprints ? "fingerprint" : "''")"
        ) { row in
          let (position, subject, check, status, severity, message, location, fingerprint) =
            try row.decode((Int32, String, String, String, String, String, String, String).self)
          return (
            Int(position),
            ResultRecord(
              subject: PGText.decode(subject), check: PGText.decode(check),
              status: PGText.decode(status), severity: PGText.decode(severity),
              message: PGText.decode(message), location: PGText.decode(location),
              fingerprint: PGText.decode(fingerprint))
          )
        }, run: id, path: path)
    }
  }

  public func resultKeys(ofRun id: Int64) throws -> [(
    position: Int, key: String, detail: String
  )] {
    try locked("cannot read the history store") {
      try resolved(run: id, table: "result_key", columns: "dep_key, detail") { row in
        let (position, key, detail) = try row.decode((Int32, String, String).self)
        return (Int(position), (PGText.decode(key), PGText.decode(detail)))
      }.rows.map { ($0.0, $0.1.0, $0.1.1) }
    }
  }

  /// Run `id`'s references, in order of position.
  private func references(of id: Int64) throws -> [ResultReuse] {
    try rows(
      """
      SELECT position, count, from_run, from_position FROM result_reuse
      WHERE run_id = \(id) ORDER BY position
      """
    ).map {
      let (position, count, from, fromPosition) = try $0.decode((Int32, Int32, Int64, Int32).self)
      return ResultReuse(
        position: Int(position), count: Int(count), fromRun: from,
        fromPosition: Int(fromPosition))
    }
  }

  /// The rows of `table` that belong to run `id`, by position: its own and
  /// those its references name (decision 0047), as SQLite's store reads
  /// them; `row` decodes a row whose first column is its position.
  private func resolved<T>(
    run id: Int64, table: String, columns: String, row: (PostgresRow) throws -> (Int, T)
  ) throws -> (rows: [(Int, T)], count: Int) {
    guard
      let count = try rows("SELECT result_count FROM run WHERE id = \(id)").first.map({
        Int(try $0.decode(Int32.self))
      })
    else { return ([], 0) }
    let own = try rows(
      """
      SELECT position, \(unescaped: columns) FROM \(unescaped: table)
      WHERE run_id = \(id) ORDER BY position
      """
    ).map(row)
    let references = keepsReuses ? try references(of: id) : []
    let all = try ResultReuse.rows(
      own: own, references: references, run: id, count: count, path: path
    ) { from, low, high in
      try rows(
        """
        SELECT position, \(unescaped: columns) FROM \(unescaped: table)
        WHERE run_id = \(from) AND position >= \(Int32(low)) AND position < \(Int32(high))
        ORDER BY position
        """
      ).map(row)
    }
    return (all, count)
  }

  public func series(metric: String, playbook: String) throws -> [MetricPoint] {
    try locked("cannot read the history store") {
      try rows(
        """
        SELECT run.id, run.started_at, run_metric.value
        FROM run JOIN run_metric ON run_metric.run_id = run.id
        WHERE run.playbook = \(PGText.encode(playbook)) AND run_metric.name = \(metric)
        ORDER BY run.started_at, run.id
        """
      ).map { row in
        let (id, startedAt, value) = try row.decode((Int64, String, Double).self)
        return MetricPoint(runID: id, startedAt: SQLiteHistoryStore.date(startedAt), value: value)
      }
    }
  }

  /// The history's own invariant, as ``SQLiteHistoryStore/integrityProblems()``
  /// checks it: every run has exactly `result_count` result rows.
  public func integrityProblems() throws -> [String] {
    try locked("cannot read the history store") {
      try rows(
        """
        SELECT run.id, run.result_count,
               (SELECT COUNT(*)
                FROM \(unescaped: keepsReuses ? SQLiteHistoryStore.resolvedResults : "result AS resolved")
                WHERE resolved.run_id = run.id)
        FROM run ORDER BY run.id
        """
      ).compactMap { row in
        let (id, expected, actual) = try row.decode((Int64, Int32, Int64).self)
        return Int64(expected) == actual
          ? nil : "run \(id) records \(expected) results but has \(actual) rows"
      }
        + rows(
          "SELECT COUNT(*) FROM result WHERE NOT EXISTS (SELECT 1 FROM run WHERE run.id = result.run_id)"
        ).compactMap { row in
          let orphans = try row.decode(Int64.self)
          return orphans == 0 ? nil : "\(orphans) result rows belong to no run"
        }
        + (keepsReuses
          ? ResultReuse.integrityChecks.flatMap { check in
            try rows(PostgresQuery(unsafeSQL: check.sql)).map {
              "run \(try $0.decode(Int64.self)) \(check.problem)"
            }
          } : [])
    }
  }

  // MARK: - Runbook timelines

  public func begin(_ run: TimelineRun) throws -> Int64 {
    try locked("cannot start the runbook timeline") {
      let id = try rows(
        """
        INSERT INTO runbook_run (playbook, playbook_path, playbook_hash, started_at, status, vars)
        VALUES (\(PGText.encode(run.playbook)), \(PGText.encode(run.playbookPath)),
                \(run.playbookHash), \(SQLiteHistoryStore.timestamp(run.startedAt)), \(run.status),
                \(PGText.encode(SQLiteHistoryStore.varsJSON(run))))
        RETURNING id
        """
      ).first.map { try $0.decode(Int64.self) }
      guard let id else { throw HistoryError(path: path, "the new timeline got no id") }
      return id
    }
  }

  /// One event, one autocommitted INSERT: on the server once this returns.
  public func append(_ event: TimelineEvent, to run: Int64) throws {
    try locked("cannot append to the runbook timeline") {
      try execute(
        """
        INSERT INTO runbook_event (runbook_run_id, seq, at, step, type, message, data)
        VALUES (\(run), \(Int64(event.seq)), \(RunbookFormat.timestamp(event.at)),
                \(PGText.encode(event.step)), \(event.type), \(PGText.encode(event.message)),
                \(PGText.encode(SQLiteHistoryStore.dataJSON(event.data))))
        """)
    }
  }

  public func finish(_ run: Int64, status: String, historyRun: Int64?) throws {
    try locked("cannot finish the runbook timeline") {
      try execute(
        "UPDATE runbook_run SET status = \(status), run_id = \(historyRun) WHERE id = \(run)")
    }
  }

  public func timeline(_ run: Int64) throws -> (TimelineRun, [TimelineEvent])? {
    try locked("cannot read the runbook timeline") {
      guard
        let row = try rows(
          """
          SELECT id, playbook, playbook_path, playbook_hash, started_at, status, vars, run_id
          FROM runbook_run WHERE id = \(run)
          """
        ).first
      else { return nil }
      let (id, playbook, playbookPath, hash, startedAt, status, vars, historyRun) =
        try row.decode((Int64, String, String, String, String, String, String, Int64?).self)
      var record = TimelineRun(
        id: id, playbook: PGText.decode(playbook), playbookPath: PGText.decode(playbookPath),
        playbookHash: hash, startedAt: SQLiteHistoryStore.date(startedAt), status: status,
        vars: [:], historyRun: historyRun)
      SQLiteHistoryStore.readVars(PGText.decode(vars), into: &record)
      let events = try rows(
        """
        SELECT seq, at, step, type, message, data FROM runbook_event
        WHERE runbook_run_id = \(run) ORDER BY seq
        """
      ).map { row in
        let (seq, at, step, type, message, data) = try row.decode(
          (Int64, String, String, String, String, String).self)
        return TimelineEvent(
          seq: Int(seq), at: SQLiteHistoryStore.date(at), step: PGText.decode(step), type: type,
          message: PGText.decode(message),
          data: SQLiteHistoryStore.data(fromJSON: PGText.decode(data)))
      }
      return (record, events)
    }
  }

  public func timeline(recordedAs run: Int64) throws -> Int64? {
    try locked("cannot read the runbook timelines") {
      try rows("SELECT id FROM runbook_run WHERE run_id = \(run) ORDER BY id LIMIT 1").first.map {
        try $0.decode(Int64.self)
      }
    }
  }

  public func unfinishedTimelines() throws -> [Int64] {
    try locked("cannot read the runbook timelines") {
      try rows(
        "SELECT id FROM runbook_run WHERE status IN ('running', 'waiting') ORDER BY id DESC"
      ).map { try $0.decode(Int64.self) }
    }
  }

  // MARK: - Runbook run locks

  /// The run locks' key space ("runbook" in ASCII), beside the migrations'.
  private static let runLockKey = Int32(0x7275_6E62)

  /// Takes run `run`'s lock for this connection's session, which the server
  /// drops with the connection (a killed steward's included); nil when
  /// taken, else who holds it ("" when it is not known). `note` becomes this session's
  /// `application_name`, which is how another process learns who.
  func takeRunLock(_ run: Int64, note: String) throws -> String? {
    try locked("cannot lock the runbook run") {
      let taken = try rows(
        "SELECT pg_try_advisory_lock(\(Self.runLockKey), \(Int32(truncatingIfNeeded: run)))"
      ).first.map { try $0.decode(Bool.self) }
      guard taken == true else { return try holder(run) ?? "" }
      // application_name keeps 63 bytes; the note is shorter than that.
      try execute("SELECT set_config('application_name', \(note), false)")
      return nil
    }
  }

  func releaseRunLock(_ run: Int64) throws {
    try locked("cannot unlock the runbook run") {
      try execute(
        "SELECT pg_advisory_unlock(\(Self.runLockKey), \(Int32(truncatingIfNeeded: run)))")
    }
  }

  /// Who holds run `run`'s lock, or nil when nobody does.
  func runLockHolder(_ run: Int64) throws -> String? {
    try locked("cannot read the runbook run locks") { try holder(run) }
  }

  private func holder(_ run: Int64) throws -> String? {
    try rows(
      """
      SELECT coalesce(activity.application_name, '') FROM pg_locks AS lock
      LEFT JOIN pg_stat_activity AS activity ON activity.pid = lock.pid
      WHERE lock.locktype = 'advisory' AND lock.granted AND lock.classid::bigint = \(Int64(Self.runLockKey))
        AND lock.objid::bigint = \(Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: run)))) AND lock.objsubid = 2
      """
    ).first.map { try $0.decode(String.self) }
  }

  // MARK: - Schema

  /// The migrations applied, oldest first.
  public func appliedMigrations() throws -> [String] {
    try locked("cannot read the history store") {
      let applied = Set(
        try rows("SELECT identifier FROM grdb_migrations").map { try $0.decode(String.self) })
      return SQLiteHistoryStore.schemaVersions.filter(applied.contains)
    }
  }

  /// SQLite's migrations (``SQLiteHistoryStore/migrations``) in PostgreSQL's
  /// words: the same tables, columns, keys and indexes, by the same names.
  static let migrations: [(name: String, sql: String)] = SQLiteHistoryStore.migrations.map {
    ($0.name, translate($0.sql))
  }

  /// SQLite's types as PostgreSQL's: ids are 64-bit identities (and the
  /// columns that point at them 64-bit), `REAL` is a double.
  static func translate(_ sql: String) -> String {
    sql.replacingOccurrences(
      of: "INTEGER PRIMARY KEY AUTOINCREMENT",
      with: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    )
    .replacingOccurrences(of: "run_id INTEGER", with: "run_id BIGINT")
    .replacingOccurrences(of: "from_run INTEGER", with: "from_run BIGINT")
    .replacingOccurrences(of: "duration_ms INTEGER", with: "duration_ms BIGINT")
    .replacingOccurrences(of: " REAL ", with: " DOUBLE PRECISION ")
    // PostgreSQL checks a foreign key row by row: for the gate's 140,000
    // results, 1.1 s of a 1.9 s COPY. A run's results go in with the run, in
    // its transaction, and steward deletes no run; `integrityProblems`
    // counts any result that belongs to no run.
    .replacingOccurrences(
      of: "CREATE TABLE result (\n  run_id BIGINT NOT NULL REFERENCES run(id) ON DELETE CASCADE,",
      with: "CREATE TABLE result (\n  run_id BIGINT NOT NULL,"
    )
    .replacingOccurrences(
      of:
        "CREATE TABLE result_key (\n  run_id BIGINT NOT NULL REFERENCES run(id) ON DELETE CASCADE,",
      with: "CREATE TABLE result_key (\n  run_id BIGINT NOT NULL,")
  }

  /// Applies the missing migrations in one transaction under an advisory
  /// lock: sixteen jobs opening a new database at once migrate it once, the
  /// others wait and then find it done.
  private func migrate(upTo: String?) throws {
    let known = SQLiteHistoryStore.schemaVersions
    let needed =
      upTo.flatMap { last in known.firstIndex(of: last).map { known[...$0] } } ?? known[...]
    try locked("cannot open the history store") {
      try execute("BEGIN")
      do {
        // The key is "steward" in ASCII: any number, the same in every steward.
        try execute("SELECT pg_advisory_xact_lock(\(Int64(0x73_7465_7761_7264)))")
        try execute(
          "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        let applied = Set(
          try rows("SELECT identifier FROM grdb_migrations").map { try $0.decode(String.self) })
        if !applied.isSubset(of: known) {
          throw HistoryError(
            path: path,
            "the history store was written by a newer steward (its schema is past \(known.last ?? "")); upgrade steward or use another --store"
          )
        }
        for (name, sql) in Self.migrations where needed.contains(name) && !applied.contains(name) {
          for statement in sql.components(separatedBy: ";")
          where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try execute(PostgresQuery(unsafeSQL: statement))
          }
          try execute("INSERT INTO grdb_migrations (identifier) VALUES (\(name))")
        }
        try execute("COMMIT")
      } catch {
        try? execute("ROLLBACK")
        throw error
      }
    }
  }

  // MARK: - Helpers

  func execute(_ query: PostgresQuery) throws {
    _ = try answered { try connection.query(query, logger: Self.logger).wait() }
  }

  func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
    try answered { try connection.query(query, logger: Self.logger).wait().rows }
  }

  /// How long one statement may wait for the server's answer.
  static let answerTimeout: Int64 = 120

  /// Runs one exchange with the server, never waiting forever: a
  /// connection the server closed meanwhile (an idle timeout, a restart)
  /// is said at once, and one that stops answering is closed after
  /// ``answerTimeout`` seconds, which fails the exchange. A CI job hung
  /// until its own timeout when a run's connection dropped before it was
  /// recorded.
  private func answered<T>(_ exchange: () throws -> T) throws -> T {
    let closed = HistoryError(
      path: path,
      "the server closed the connection (an idle timeout, a restart or an administrator); nothing more is read or recorded"
    )
    guard !connection.isClosed else { throw closed }
    let connection = self.connection
    let expired = Mutex(false)
    let watchdog = connection.eventLoop.scheduleTask(in: .seconds(Self.answerTimeout)) {
      expired.withLock { $0 = true }
      let closing: EventLoopFuture<Void> = connection.close()
      _ = closing
    }
    defer { watchdog.cancel() }
    do {
      return try exchange()
    } catch {
      if expired.withLock({ $0 }) {
        throw HistoryError(
          path: path,
          "the server did not answer within \(Self.answerTimeout) s; the connection is closed and nothing more is read or recorded"
        )
      }
      if connection.isClosed { throw closed }
      throw error
    }
  }

  func locked<T>(_ doing: String, _ body: () throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    do {
      return try body()
    } catch {
      throw Self.describe(error, path: path, doing: doing)
    }
  }

  static func describe(_ error: any Error, path: String, doing: String) -> HistoryError {
    if let error = error as? HistoryError { return error }
    if let error = error as? PSQLError {
      if let message = error.serverInfo?[.message] {
        return HistoryError(path: path, "\(doing): \(message)")
      }
      if error.code == .sslUnsupported {
        return HistoryError(
          path: path, "\(doing): the server does not offer TLS, and the URL asks for it (sslmode)")
      }
      if error.code == .authMechanismRequiresPassword {
        return HistoryError(
          path: path,
          "\(doing): the server asks for a password; give it in the URL (postgres://USER:PASSWORD@HOST/DATABASE, percent-encoded) or in PGPASSWORD"
        )
      }
      let underlying = error.underlying.map { String(describing: $0) } ?? ""
      if underlying.contains("Connection refused") {
        return HistoryError(
          path: path,
          "\(doing): the server refused the connection; is PostgreSQL running and listening at this host and port?"
        )
      }
      if underlying.contains("failedToValidateHostname") {
        return HistoryError(
          path: path,
          "\(doing): the server's certificate does not name this host (sslmode verify-full checks the host name); connect by the name in the certificate, or use sslmode=verify-ca"
        )
      }
      if underlying.contains("CERTIFICATE_VERIFY_FAILED") || underlying.contains("handshakeFailed")
      {
        return HistoryError(
          path: path,
          "\(doing): the TLS handshake failed: the server's certificate is not trusted (sslmode verify-ca or verify-full); name the CA that signed it with sslrootcert=FILE, or check the host name"
        )
      }
      return HistoryError(
        path: path, "\(doing): \(error.code)\(underlying.isEmpty ? "" : ": " + underlying)")
    }
    return HistoryError(path: path, "\(doing): \(error)")
  }
}

/// PostgreSQL's text cannot hold a NUL, which SQLite's can and a plugin's
/// message may: ␀ (U+2400) escapes, a NUL is kept as ␀0 and a ␀ of the text
/// as ␀␀. Each escape is two characters whose second says which it is, so
/// that any text reads back exactly ("\0␀" and "␀\0" were both ␀␀␀ when a
/// NUL was a lone ␀). Text without either is stored as it is, and readable
/// in `psql`.
enum PGText {
  private static let symbol: Character = "\u{2400}"

  static func encode(_ text: String) -> String {
    guard text.utf8.contains(0) || text.contains(symbol) else { return text }
    var out = ""
    for character in text.unicodeScalars {
      if character == "\0" {
        out += "\u{2400}0"
      } else if character == "\u{2400}" {
        out += "\u{2400}\u{2400}"
      } else {
        out.unicodeScalars.append(character)
      }
    }
    return out
  }

  static func decode(_ text: String) -> String {
    guard text.contains(symbol) else { return text }
    var out = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      guard scalar == "\u{2400}" else {
        out.append(scalar)
        continue
      }
      // What no escape makes (a lone ␀, or one before another
      // character) is read as it stands.
      var lookahead = scalars
      switch lookahead.next() {
      case "\u{2400}":
        scalars = lookahead
        out.append("\u{2400}")
      case "0":
        scalars = lookahead
        out.append("\0")
      default:
        out.append("\u{2400}")
      }
    }
    return String(out)
  }
}

/// COPY's text format, written straight from the strings' UTF-8: a tab
/// between fields, a newline after each row, `\\`, `\t`, `\n` and `\r`
/// escaped, and NUL and ␀ as ``PGText`` keeps them. Rows are written on
/// all cores, each core its own run of rows, in 1 MiB chunks.
enum PGCopy {
  static let chunkSize = 1 << 20

  /// The results of run `id`, as the `result` table's columns.
  static func chunks(_ results: [ResultRecord], run id: Int64, fingerprints: Bool = true)
    -> [[UInt8]]
  {
    chunks(results, positions: Array(results.indices), run: id, fingerprints: fingerprints)
  }

  /// The results at `positions` only (the others are references).
  static func chunks(
    _ results: [ResultRecord], positions: [Int], run id: Int64, fingerprints: Bool = true
  ) -> [[UInt8]] {
    chunks(count: positions.count) { k, writer in
      let i = positions[k]
      let result = results[i]
      writer.integer(id)
      writer.integer(Int64(i))
      for field in [
        result.subject, result.check, result.status, result.severity, result.message,
        result.location,
      ] {
        writer.text(field)
      }
      if fingerprints { writer.text(result.fingerprint) }
    }
  }

  /// `count` rows, `row(i, writer)` writing the fields of row `i`.
  static func chunks(count: Int, row: @Sendable (Int, inout Writer) -> Void) -> [[UInt8]] {
    // 140,000 rows took 1.2 s through `String.contains` and one append per
    // byte, on one core while the other waited (half of the gate's history).
    let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / 8192))
    var byPart = [[[UInt8]]](repeating: [], count: parts)
    byPart.withUnsafeMutableBufferPointer { out in
      let to = Shared(out.baseAddress)
      DispatchQueue.concurrentPerform(iterations: parts) { part in
        var writer = Writer()
        for i in (count * part / parts)..<(count * (part + 1) / parts) {
          row(i, &writer)
          writer.endRow()
        }
        to.pointer?[part] = writer.finish()
      }
    }
    return byPart.flatMap { $0 }
  }

  struct Writer {
    private var chunks: [[UInt8]] = []
    private var bytes: [UInt8] = []
    private var first = true

    init() { bytes.reserveCapacity(chunkSize + 4096) }

    private mutating func separate() {
      if !first { bytes.append(0x09) }
      first = false
    }

    mutating func integer(_ value: Int64) {
      separate()
      var digits: [UInt8] = []
      var n = value.magnitude
      repeat {
        digits.append(0x30 + UInt8(n % 10))
        n /= 10
      } while n > 0
      if value < 0 { bytes.append(0x2D) }
      bytes.append(contentsOf: digits.reversed())
    }

    mutating func text(_ field: String) {
      separate()
      var field = field
      field.withUTF8 { utf8 in
        let n = utf8.count
        var plain = 0
        var i = 0
        while i < n {
          let byte = utf8[i]
          var escaped: [UInt8]
          var width = 1
          switch byte {
          case 0x5C: escaped = [0x5C, 0x5C]
          case 0x09: escaped = [0x5C, 0x74]
          case 0x0A: escaped = [0x5C, 0x6E]
          case 0x0D: escaped = [0x5C, 0x72]
          // PGText: NUL, which PostgreSQL's text cannot hold, is ␀0; a ␀ is doubled.
          case 0x00: escaped = [0xE2, 0x90, 0x80, 0x30]
          case 0xE2 where i + 2 < n && utf8[i + 1] == 0x90 && utf8[i + 2] == 0x80:
            escaped = [0xE2, 0x90, 0x80, 0xE2, 0x90, 0x80]
            width = 3
          default:
            i += 1
            continue
          }
          bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain..<i]))
          bytes.append(contentsOf: escaped)
          i += width
          plain = i
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain..<n]))
      }
    }

    mutating func endRow() {
      bytes.append(0x0A)
      first = true
      if bytes.count >= chunkSize {
        chunks.append(bytes)
        bytes.removeAll(keepingCapacity: true)
      }
    }

    consuming func finish() -> [[UInt8]] {
      if !bytes.isEmpty { chunks.append(bytes) }
      return chunks
    }
  }
}

/// A `postgres://` URL, read as libpq reads it: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`,
/// with `?host=/socket/folder` for a Unix socket and `?sslmode=` for TLS
/// (`disable`, `prefer` (the default), `require`, `verify-ca`, `verify-full`).
struct PostgresURL {
  var host: String
  var port: Int
  var socketFolder: String?
  var user: String
  var password: String?
  var database: String
  var sslmode: String
  /// The URL without its password, for messages.
  var display: String
  /// `sslrootcert`: a PEM file of the certificate authorities to trust,
  /// as libpq's parameter of that name (an organisation's own CA).
  var rootCertificates: String?

  /// `text` with any password in it masked, whether or not it parses: a
  /// URL that is refused is still shown in the message that refuses it.
  static func masked(_ text: String) -> String {
    var out = text
    for (pattern, template) in [
      (#"(://[^/?#@:]*:)[^@/?#]*@"#, "$1***@"), (#"([?&]password=)[^&#]*"#, "$1***"),
    ] {
      out = out.replacingOccurrences(
        of: pattern, with: template, options: [.regularExpression, .caseInsensitive])
    }
    return out
  }

  init(_ text: String) throws {
    display = Self.masked(text)
    guard let components = URLComponents(string: text), PostgresHistoryStore.isURL(text) else {
      throw HistoryError(
        path: display, "not a PostgreSQL URL; write postgres://USER@HOST[:PORT]/DATABASE")
    }
    let query = Dictionary(
      (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
    let known = ["host", "port", "sslmode", "sslrootcert", "user", "password"]
    for name in query.keys where !known.contains(name) {
      throw HistoryError(
        path: display,
        "the URL's parameter \"\(name)\" is not one steward knows (\(known.joined(separator: ", ")))"
      )
    }
    rootCertificates = query["sslrootcert"]
    if let file = rootCertificates, !FileManager.default.isReadableFile(atPath: file) {
      throw HistoryError(path: display, "sslrootcert \"\(file)\" is not a readable file")
    }
    host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
    if let folder = query["host"], folder.hasPrefix("/") {
      socketFolder = folder
    } else if let h = query["host"] {
      host = h
    }
    let portText = query["port"] ?? components.port.map(String.init) ?? "5432"
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw HistoryError(path: display, "the URL's port \"\(portText)\" is not a port number")
    }
    self.port = port
    user =
      query["user"] ?? components.user?.removingPercentEncoding
      ?? ProcessInfo.processInfo.environment["PGUSER"] ?? ProcessInfo.processInfo.environment[
        "USER"]
      ?? "postgres"
    password =
      query["password"] ?? components.password?.removingPercentEncoding
      ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
    let name = String(components.path.drop(while: { $0 == "/" }))
    guard !name.isEmpty else {
      throw HistoryError(
        path: display, "the URL names no database; write postgres://USER@HOST/DATABASE")
    }
    database = name.removingPercentEncoding ?? name
    sslmode = query["sslmode"] ?? "prefer"
    guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslmode)
    else {
      throw HistoryError(
        path: display,
        "sslmode \"\(sslmode)\" is not one of disable, allow, prefer, require, verify-ca, verify-full"
      )
    }
  }

  func configuration() throws -> PostgresConnection.Configuration {
    if let socketFolder {
      if ["require", "verify-ca", "verify-full"].contains(sslmode) {
        throw HistoryError(
          path: display, "TLS (sslmode=\(sslmode)) needs a host and port, not a Unix socket")
      }
      return PostgresConnection.Configuration(
        unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password,
        database: database)
    }
    let tls: PostgresConnection.Configuration.TLS
    switch sslmode {
    case "disable", "allow": tls = .disable
    default:
      var settings = TLSConfiguration.makeClientConfiguration()
      // libpq's meaning: require encrypts without checking the certificate;
      // verify-ca checks it against the trusted roots; verify-full also the name.
      switch sslmode {
      case "verify-full": settings.certificateVerification = .fullVerification
      case "verify-ca": settings.certificateVerification = .noHostnameVerification
      default: settings.certificateVerification = .none
      }
      if let rootCertificates { settings.trustRoots = .file(rootCertificates) }
      let context = try NIOSSLContext(configuration: settings)
      tls = sslmode == "prefer" ? .prefer(context) : .require(context)
    }
    return PostgresConnection.Configuration(
      host: host, port: port, username: user, password: password, database: database, tls: tls)
  }
}
