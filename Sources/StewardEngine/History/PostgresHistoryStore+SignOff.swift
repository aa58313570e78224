import Foundation
import PostgresNIO

/// Sign-offs in PostgreSQL: the tables of migrations "v6-signoff" and
/// "v7-signoff-binding", as SQLite keeps them
/// (``SQLiteHistoryStore/signOffSchema``), so that an
/// organisation's one history holds who signed what, and a gate that needs
/// sign-off opens on either store.
extension PostgresHistoryStore: SignOffStore {
  public func recordTrigger(_ trigger: RunTrigger, bindings: [String]) throws {
    try locked("cannot record who triggered run \(trigger.run)") {
      try execute("BEGIN")
      do {
        try execute(
          """
          INSERT INTO run_trigger (run_id, triggered_by, identity, results_sha256)
          VALUES (\(trigger.run), \(PGText.encode(trigger.people.joined(separator: "\n"))),
                  \(PGText.encode(trigger.sources.joined(separator: "\n"))), \(trigger.resultsHash))
          """)
        // Digests are hex: written as they are, a few thousand rows per statement.
        let batch = 2000
        for start in stride(from: 0, to: bindings.count, by: batch) {
          let rows = bindings[start..<min(start + batch, bindings.count)].enumerated().map {
            "(\(trigger.run), \(start + $0.offset), '\($0.element.filter(\.isHexDigit))')"
          }
          try execute(
            "INSERT INTO signoff_binding (run_id, position, digest) VALUES \(unescaped: rows.joined(separator: ", "))"
          )
        }
        try execute("COMMIT")
      } catch {
        try? execute("ROLLBACK")
        throw error
      }
    }
  }

  public func trigger(ofRun run: Int64) throws -> RunTrigger? {
    try locked("cannot read the sign-offs") {
      try rows(
        "SELECT triggered_by, identity, results_sha256 FROM run_trigger WHERE run_id = \(run)"
      ).first.map { row in
        let (who, identity, hash) = try row.decode((String, String, String).self)
        return RunTrigger(
          run: run, people: PGText.decode(who).components(separatedBy: "\n"),
          sources: PGText.decode(identity).components(separatedBy: "\n"), resultsHash: hash)
      }
    }
  }

  public func bindings(ofRun run: Int64) throws -> [String] {
    try locked("cannot read the sign-offs") {
      try rows(
        "SELECT digest FROM signoff_binding WHERE run_id = \(run) ORDER BY position"
      ).map { try $0.decode(String.self) }
    }
  }

  public func runSummary(_ run: Int64) throws -> (playbook: String, path: String, kind: String)? {
    try locked("cannot read the history store") {
      try rows("SELECT playbook, playbook_path, kind FROM run WHERE id = \(run)").first.map {
        row in
        let (playbook, path, kind) = try row.decode((String, String, String).self)
        return (PGText.decode(playbook), PGText.decode(path), PGText.decode(kind))
      }
    }
  }

  @discardableResult
  public func recordSignOff(_ s: SignOffRecord) throws -> Int64 {
    try locked("cannot record the sign-off") {
      let id = try rows(
        """
        INSERT INTO signoff (run_id, playbook, check_id, subject, results_sha256, role,
                             signed_by, identity, decision, note, signed_at)
        VALUES (\(s.run), \(PGText.encode(s.playbook)), \(PGText.encode(s.check)),
                \(PGText.encode(s.subject)), \(s.resultsHash), \(PGText.encode(s.role)),
                \(PGText.encode(s.who)), \(PGText.encode(s.identity)), \(s.decision),
                \(PGText.encode(s.note)), \(SQLiteHistoryStore.timestamp(s.signedAt)))
        RETURNING id
        """
      ).first.map { try $0.decode(Int64.self) }
      guard let id else { throw HistoryError(path: path, "the sign-off got no id") }
      return id
    }
  }

  public func signOffs(playbook: String, role: String? = nil) throws -> [SignOffRecord] {
    try locked("cannot read the sign-offs") {
      try rows(
        """
        SELECT id, run_id, playbook, check_id, subject, results_sha256, role, signed_by,
               identity, decision, note, signed_at
        FROM signoff
        WHERE playbook = \(PGText.encode(playbook))
          AND (\(role.map(PGText.encode))::text IS NULL OR role = \(role.map(PGText.encode)))
        ORDER BY id
        """
      ).map { row in
        let (
          id, run, playbook, check, subject, hash, role, who, identity, decision, note, signedAt
        ) =
          try row.decode(
            (
              Int64, Int64, String, String, String, String, String, String, String, String, String,
              String
            ).self)
        return SignOffRecord(
          id: id, run: run, playbook: PGText.decode(playbook), check: PGText.decode(check),
          subject: PGText.decode(subject), resultsHash: hash, role: PGText.decode(role),
          who: PGText.decode(who), identity: PGText.decode(identity), decision: decision,
          note: PGText.decode(note), signedAt: SQLiteHistoryStore.date(signedAt))
      }
    }
  }
}
