public import Foundation
import GRDB

/// One recorded sign-off decision (`steward signoff`).
public struct SignOffRecord: Sendable, Equatable {
  public var id: Int64?
  public var run: Int64
  public var playbook: String
  /// The check signed for, or empty for every check of the run.
  public var check: String
  /// The subject signed for, or empty for every subject.
  public var subject: String
  /// SHA-256 of the results signed for (``SignOffs/hash(_:bindings:check:subject:)``).
  public var resultsHash: String
  public var role: String
  public var who: String
  /// Where the name came from: `--as`, `STEWARD_USER` or `USER`.
  public var identity: String
  /// `approve` or `reject`.
  public var decision: String
  public var note: String
  public var signedAt: Date
}

/// Who triggered an audit run that needs sign-off, and the hash of its results.
public struct RunTrigger: Sendable, Equatable {
  public var run: Int64
  /// Everyone the run was triggered as: the CI actors, then the local user
  /// (kept one per line in `triggered_by`).
  public var people: [String]
  /// Where each name came from (`GITHUB_ACTOR`, `STEWARD_USER`…), likewise.
  public var sources: [String]
  public var resultsHash: String

  public init(run: Int64, people: [String], sources: [String], resultsHash: String) {
    self.run = run
    self.people = people
    self.sources = sources
    self.resultsHash = resultsHash
  }
}

/// Sign-offs in the history database (migration "v6-signoff"). All of their
/// SQL is in this file, plain enough to port to another database as is.
extension SQLiteHistoryStore: SignOffStore {
  /// The tables of migration v6 (``SQLiteHistoryStore/migrations``).
  static let signOffSchema = """
    CREATE TABLE run_trigger (
      run_id INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
      triggered_by TEXT NOT NULL,
      identity TEXT NOT NULL,
      results_sha256 TEXT NOT NULL
    );
    CREATE TABLE signoff (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
      playbook TEXT NOT NULL,
      check_id TEXT NOT NULL,
      subject TEXT NOT NULL,
      results_sha256 TEXT NOT NULL,
      role TEXT NOT NULL,
      signed_by TEXT NOT NULL,
      identity TEXT NOT NULL,
      decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
      note TEXT NOT NULL,
      signed_at TEXT NOT NULL
    );
    CREATE INDEX signoff_by_playbook ON signoff (playbook, role, id);
    """

  /// Migration v7: what each result of a run that needs sign-off was bound
  /// to (``SignOffs/bindings(_:playbook:)``), by the result's position.
  static let signOffBindingSchema = """
    CREATE TABLE signoff_binding (
      run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      digest TEXT NOT NULL,
      PRIMARY KEY (run_id, position)
    );
    """

  /// Keeps who triggered `trigger.run` and what each of its results was
  /// bound to, in one transaction: a run has both or neither.
  public func recordTrigger(_ trigger: RunTrigger, bindings: [String]) throws {
    try signOffWrite("cannot record who triggered run \(trigger.run)") { db in
      try db.execute(
        sql: """
          INSERT INTO run_trigger (run_id, triggered_by, identity, results_sha256)
          VALUES (?, ?, ?, ?)
          """,
        arguments: [
          trigger.run, trigger.people.joined(separator: "\n"),
          trigger.sources.joined(separator: "\n"), trigger.resultsHash,
        ])
      let insert = try db.makeStatement(
        sql: "INSERT INTO signoff_binding (run_id, position, digest) VALUES (?, ?, ?)")
      for (position, digest) in bindings.enumerated() {
        try insert.execute(arguments: [trigger.run, position, digest])
      }
    }
  }

  public func trigger(ofRun run: Int64) throws -> RunTrigger? {
    try signOffRead { db in
      try Row.fetchOne(
        db,
        sql:
          "SELECT triggered_by, identity, results_sha256 FROM run_trigger WHERE run_id = ?",
        arguments: [run]
      ).map {
        let people: String = $0["triggered_by"]
        let sources: String = $0["identity"]
        return RunTrigger(
          run: run, people: people.components(separatedBy: "\n"),
          sources: sources.components(separatedBy: "\n"), resultsHash: $0["results_sha256"])
      }
    }
  }

  /// What each result of run `run` was bound to, by position; empty for a
  /// run recorded before migration v7.
  public func bindings(ofRun run: Int64) throws -> [String] {
    try signOffRead { db in
      try String.fetchAll(
        db, sql: "SELECT digest FROM signoff_binding WHERE run_id = ? ORDER BY position",
        arguments: [run])
    }
  }

  /// The run's playbook name, path and kind, or nil when there is no such run.
  public func runSummary(_ run: Int64) throws -> (playbook: String, path: String, kind: String)? {
    try signOffRead { db in
      try Row.fetchOne(
        db, sql: "SELECT playbook, playbook_path, kind FROM run WHERE id = ?", arguments: [run]
      ).map { ($0["playbook"], $0["playbook_path"], $0["kind"]) }
    }
  }

  @discardableResult
  public func recordSignOff(_ s: SignOffRecord) throws -> Int64 {
    try signOffWrite("cannot record the sign-off") { db in
      try db.execute(
        sql: """
          INSERT INTO signoff (run_id, playbook, check_id, subject, results_sha256, role,
                               signed_by, identity, decision, note, signed_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          s.run, s.playbook, s.check, s.subject, s.resultsHash, s.role, s.who, s.identity,
          s.decision, s.note, Self.timestamp(s.signedAt),
        ])
      return db.lastInsertedRowID
    }
  }

  /// A playbook's sign-offs, oldest first; only `role`'s when given.
  public func signOffs(playbook: String, role: String? = nil) throws -> [SignOffRecord] {
    try signOffRead { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT id, run_id, playbook, check_id, subject, results_sha256, role, signed_by,
                 identity, decision, note, signed_at
          FROM signoff WHERE playbook = ? AND (? IS NULL OR role = ?) ORDER BY id
          """,
        arguments: [playbook, role, role]
      ).map {
        SignOffRecord(
          id: $0["id"], run: $0["run_id"], playbook: $0["playbook"], check: $0["check_id"],
          subject: $0["subject"], resultsHash: $0["results_sha256"], role: $0["role"],
          who: $0["signed_by"], identity: $0["identity"], decision: $0["decision"],
          note: $0["note"], signedAt: Self.date($0["signed_at"]))
      }
    }
  }

  private func signOffRead<T>(_ body: (Database) throws -> T) throws -> T {
    do { return try pool.read(body) } catch {
      throw HistoryError(path: path, "cannot read the sign-offs: \(error)")
    }
  }

  private func signOffWrite<T>(_ doing: String, _ body: (Database) throws -> T) throws -> T {
    do { return try pool.write(body) } catch {
      throw HistoryError(path: path, "\(doing): \(error)")
    }
  }
}
