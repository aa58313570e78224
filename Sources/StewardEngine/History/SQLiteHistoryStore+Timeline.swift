import Foundation
import GRDB
import StewardCore
import StewardYAML

/// Runbook timelines in the history database (migration "v3-runbook-timeline",
/// ``timelineSchema``).
///
/// `runbook_run` gets a row when a run starts and `runbook_event` one row per
/// event, each in its own short transaction, written before the runner moves
/// on: what a killed run did is on disk, and `--resume RUN` reads it back.
extension SQLiteHistoryStore: TimelineStore {
  static let timelineSchema = """
    CREATE TABLE runbook_run (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      playbook TEXT NOT NULL,
      playbook_path TEXT NOT NULL,
      playbook_hash TEXT NOT NULL,
      started_at TEXT NOT NULL,
      status TEXT NOT NULL,
      vars TEXT NOT NULL,
      run_id INTEGER REFERENCES run(id) ON DELETE SET NULL
    );
    CREATE TABLE runbook_event (
      runbook_run_id INTEGER NOT NULL REFERENCES runbook_run(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      at TEXT NOT NULL,
      step TEXT NOT NULL,
      type TEXT NOT NULL,
      message TEXT NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (runbook_run_id, seq)
    );
    """

  /// A run's variables as the `vars` column keeps them: a JSON object, by
  /// name. A secret is kept as its name only, `{"secret": "var"}` (or `env`
  /// under `env.NAME`), so that a resume knows to ask for it again.
  static func varsJSON(_ run: TimelineRun) -> String {
    let secret = { (kind: String) in
      Value(.map(OrderedMap([OrderedMap.Entry(key: "secret", value: Value(.string(kind)))])))
    }
    let entries =
      run.vars.sorted { $0.key < $1.key }.map {
        OrderedMap.Entry(key: $0.key, value: Value(.string($0.value)))
      } + run.secretVars.sorted().map { OrderedMap.Entry(key: $0, value: secret("var")) }
      + run.secretEnv.sorted().map { OrderedMap.Entry(key: "env." + $0, value: secret("env")) }
    return JSONText.render(Value(.map(OrderedMap(entries))), pretty: false)
  }

  /// The `vars` column read back into `run`: values, and the secrets' names.
  static func readVars(_ text: String, into run: inout TimelineRun) {
    run.vars = [:]
    run.secretVars = []
    run.secretEnv = []
    guard let parsed = parseJSON(text), let map = parsed.map else { return }
    for entry in map.entries {
      switch entry.value["secret"]?.string {
      case "var": run.secretVars.append(entry.key)
      case "env": run.secretEnv.append(String(entry.key.dropFirst("env.".count)))
      default: run.vars[entry.key] = entry.value.string ?? ""
      }
    }
  }

  /// An event's details as the `data` column keeps them, and back.
  static func dataJSON(_ data: Value) -> String { JSONText.render(data, pretty: false) }

  static func data(fromJSON text: String) -> Value { parseJSON(text) ?? [:] }

  public func begin(_ run: TimelineRun) throws -> Int64 {
    let vars = Self.varsJSON(run)
    return try writing("cannot start the runbook timeline") { db in
      try db.execute(
        sql: """
          INSERT INTO runbook_run (playbook, playbook_path, playbook_hash, started_at, status, vars)
          VALUES (?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          run.playbook, run.playbookPath, run.playbookHash, Self.timestamp(run.startedAt),
          run.status, vars,
        ])
      return db.lastInsertedRowID
    }
  }

  public func append(_ event: TimelineEvent, to run: Int64) throws {
    try appending("cannot append to the runbook timeline") { db in
      try db.cachedStatement(
        sql: """
          INSERT INTO runbook_event (runbook_run_id, seq, at, step, type, message, data)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """
      ).execute(arguments: [
        run, event.seq, RunbookFormat.timestamp(event.at), event.step, event.type, event.message,
        JSONText.render(event.data, pretty: false),
      ])
    }
  }

  public func finish(_ run: Int64, status: String, historyRun: Int64?) throws {
    try writing("cannot finish the runbook timeline") { db in
      try db.execute(
        sql: "UPDATE runbook_run SET status = ?, run_id = ? WHERE id = ?",
        arguments: [status, historyRun, run])
    }
  }

  public func timeline(_ run: Int64) throws -> (TimelineRun, [TimelineEvent])? {
    do {
      return try pool.read { db -> (TimelineRun, [TimelineEvent])? in
        guard
          let row = try Row.fetchOne(
            db, sql: "SELECT * FROM runbook_run WHERE id = ?", arguments: [run])
        else { return nil }
        var record = TimelineRun(
          id: row["id"], playbook: row["playbook"], playbookPath: row["playbook_path"],
          playbookHash: row["playbook_hash"], startedAt: Self.date(row["started_at"]),
          status: row["status"], vars: [:], historyRun: row["run_id"])
        Self.readVars(row["vars"], into: &record)
        let events = try Row.fetchAll(
          db, sql: "SELECT * FROM runbook_event WHERE runbook_run_id = ? ORDER BY seq",
          arguments: [run]
        ).map { r in
          TimelineEvent(
            seq: r["seq"], at: Self.date(r["at"]), step: r["step"], type: r["type"],
            message: r["message"], data: Self.parseJSON(r["data"]) ?? [:])
        }
        return (record, events)
      }
    } catch {
      throw HistoryError(path: path, "cannot read the runbook timeline: \(error)")
    }
  }

  /// JSON is YAML (1.2), so the YAML loader reads back what JSONText wrote.
  static func parseJSON(_ text: String) -> Value? {
    (try? YAMLLoader.load(text, file: "timeline"))?.first
  }

  /// One event, one autocommit INSERT, in WAL mode with `synchronous =
  /// NORMAL`: the commit is in the OS's hands when `append` returns, so a
  /// killed steward loses nothing, without an fsync per event (only an OS
  /// crash or power loss could take back the last few; decision 0008).
  private func appending(_ doing: String, _ body: (Database) throws -> Void) throws {
    do {
      try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        try body(db)
      }
    } catch {
      throw HistoryError(path: path, "\(doing): \(error)")
    }
  }

  private func writing<T>(_ doing: String, _ body: (Database) throws -> T) throws -> T {
    do {
      return try pool.write(body)
    } catch {
      throw HistoryError(path: path, "\(doing): \(error)")
    }
  }
}
