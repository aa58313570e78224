import Foundation
import StewardEngine
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `--store postgres://…` through the binary, on the throwaway server that
/// `scripts/pg-test-cluster` starts (decision 0032): every test gets a new
/// database, and reads it back with `psql` as a user would.
@Suite(.enabled(if: PostgresTestServer.runnable))
struct PostgresStoreCommandTests {
  static func psql(_ url: String, _ sql: String) throws -> String {
    try PostgresTestServer.psql(url, sql)
  }

  /// Every run has exactly `result_count` result rows: no partial run.
  /// A new database holding one recorded gate run, and the project it ran in.
  static func recordedStore() throws -> (url: String, dir: URL) {
    let url = try PostgresTestServer.newDatabase()
    let dir = try HistoryCommandTests.project()
    #expect(try StewardBinary.run(["run", "gate.yaml", "--store", url], in: dir).status == 1)
    return (url, dir)
  }

  /// The URL of a new login role of `url`'s server, given `grants` (each a
  /// GRANT statement that ends in "TO").
  static func account(_ url: String, _ prefix: String, _ grants: String...) throws -> String {
    let role = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    try psql(
      url, (["CREATE ROLE \(role) LOGIN"] + grants.map { "\($0) \(role)" }).joined(separator: "; "))
    var components = try #require(URLComponents(string: url))
    components.user = role
    return try #require(components.string)
  }

  static func partialRuns(_ url: String) throws -> String {
    try psql(
      url,
      """
      SELECT string_agg(id || ':' || result_count || '/' || n, ',') FROM (
        SELECT run.id, run.result_count, (SELECT COUNT(*) FROM result WHERE run_id = run.id) AS n
        FROM run) AS counts WHERE result_count <> n
      """)
  }

  @Test func aGateIsRecordedAndReadBackByEveryCommand() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try HistoryCommandTests.project()
    let run = try StewardBinary.run(["run", "gate.yaml", "--store", url], in: dir)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(
      try Self.psql(url, "SELECT playbook || ' ' || gate || ' ' || result_count FROM run")
        == "gate failed 4")
    #expect(
      try Self.psql(
        url, "SELECT string_agg(identifier, ',' ORDER BY identifier) FROM grdb_migrations")
        == SQLiteHistoryStore.schemaVersions.joined(separator: ","))

    // STEWARD_STORE names the store when --store does not.
    let second = try StewardBinary.run(
      ["run", "gate.yaml", "--output", "r.json", "--format", "json"], in: dir,
      environment: ["STEWARD_STORE": url])
    #expect(second.status == 1, "\(second.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".steward").path))
    let list = try StewardBinary.run(["history"], in: dir, environment: ["STEWARD_STORE": url])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.split(separator: "\n").count == 3)
    let trend = try StewardBinary.run(
      ["history", "--store", url, "--playbook", "gate", "--metric", "fail"], in: dir)
    #expect(trend.stdout.hasPrefix("fail of gate, oldest first"))
    #expect(trend.stdout.split(separator: "\n").count == 4)
  }

  /// A connection the server closes while the run works (an idle timeout
  /// here) is said and exits 2 when the run comes to record, with the
  /// report written and no run left: the run used to wait forever.
  @Test func aConnectionClosedDuringTheRunIsAnErrorNotAHang() throws {
    let url = try PostgresTestServer.newDatabase()
    let name = try Self.psql(url, "SELECT current_database()")
    try Self.psql(url, "ALTER DATABASE \(name) SET idle_session_timeout = '20ms'")
    let dir = try IncrementalGateTests.cards()
    let started = Date()
    let run = try StewardBinary.run(
      [
        "run", IncrementalGateTests.gate, "--input", "models=models", "--format", "json",
        "--output", "r.json", "--store", url,
      ], in: dir)
    #expect(Date().timeIntervalSince(started) < 60)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.contains("the server closed the connection"), "\(run.stderr)")
    #expect(!run.stderr.contains("s3cret"))
    try Self.psql(url, "ALTER DATABASE \(name) RESET idle_session_timeout")
    #expect(try Self.psql(url, "SELECT COUNT(*) FROM run") == "0")
  }

  /// Commands that only read never write the schema: an account that may
  /// only SELECT lists the history, and a database with no steward history
  /// (a mistyped name) is said, not given steward's tables.
  @Test func readingNeedsNoWriteAndMakesNoTables() throws {
    let (url, dir) = try Self.recordedStore()
    let reader = try Self.account(url, "reader", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO")
    for arguments in [
      ["history", "--store", reader], ["history", "verify", reader],
      ["history", "export", "--from", reader, "--to", "copy.sqlite"],
    ] {
      let read = try StewardBinary.run(arguments, in: dir)
      #expect(read.status == 0, "\(arguments): \(read.stderr)")
    }
    let empty = try PostgresTestServer.newDatabase()
    let none = try StewardBinary.run(["history", "--store", empty], in: dir)
    #expect(none.status == 2)
    #expect(none.stderr.contains("no steward history in this database"), "\(none.stderr)")
    #expect(
      try Self.psql(
        empty, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
        == "0")
  }

  /// An account allowed to insert into steward's tables records a run: it
  /// needs no grant on the run id's sequence, which a `nextval` before the
  /// insert did (attacker review).
  @Test func aRoleWithTableRightsRecords() throws {
    let (url, dir) = try Self.recordedStore()
    let writer = try Self.account(
      url, "writer",
      "GRANT CREATE ON SCHEMA public TO",
      "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO")
    let run = try StewardBinary.run(["run", "gate.yaml", "--store", writer], in: dir)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(!run.stderr.contains("permission denied"), "\(run.stderr)")
    #expect(try Self.psql(url, "SELECT COUNT(*) FROM run") == "2")
  }

  /// A survey wave recorded again replaces the earlier run of its period,
  /// on the server as in an SQLite file: trends count each period once.
  @Test func aSurveyWaveRecordedAgainReplacesItsRun() throws {
    let url = try PostgresTestServer.newDatabase()
    let survey = StewardBinary.packageRoot.appendingPathComponent("Playbooks/team-enps.yaml").path
    for _ in 0..<2 {
      let wave = try StewardBinary.run(["run", survey, "--store", url])
      #expect(wave.status <= 1, "\(wave.stderr)")
    }
    #expect(try Self.psql(url, "SELECT COUNT(*) FROM run") == "1")
    #expect(try Self.psql(url, "SELECT MIN(id) FROM run") == "2")
    #expect(try Self.psql(url, "SELECT COUNT(*) FROM result WHERE run_id = 1") == "0")
    #expect(try Self.partialRuns(url) == "")
  }

  /// A runbook's timeline goes to the server event by event, and `--resume`
  /// reads it back from there.
  @Test func aRunbookTimelineIsKeptOnTheServer() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try StewardBinary.scratch([
      "deploy.yaml": """
      steward: 1
      kind: runbook
      name: deploy
      steps:
        - id: hello
          run: [echo, hello]
        - id: bye
          run: [echo, bye]
      """
    ])
    let run = try StewardBinary.run(["run", "deploy.yaml", "--store", url], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.psql(url, "SELECT status FROM runbook_run") == "ok")
    #expect(Int(try Self.psql(url, "SELECT COUNT(*) FROM runbook_event")) ?? 0 >= 4)
    #expect(try Self.psql(url, "SELECT COUNT(*) FROM run WHERE kind = 'runbook'") == "1")
  }

  /// Approvals, `steward timeline`, the unfinished runs of `steward history`
  /// and the run lock work on the server as on an SQLite file: the lock is
  /// the server's (a session advisory lock), so it names its holder and a
  /// killed holder's is gone with its connection.
  @Test func aRunbookWaitsIsApprovedAndLockedOnTheServer() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try RunbookApprovalTests.scratch()
    let run = ["run", "approve.yaml", "--store", url]
    let started = try RunbookApprovalTests.steward(run, as: "dana", in: dir)
    #expect(started.status == 3, "\(started.stderr)")
    let waiting = try StewardBinary.run(["history", "--store", url], in: dir)
    #expect(
      waiting.stdout.contains("rollback by dana, waiting for approval of rollback"),
      "\(waiting.stdout)\(waiting.stderr)")
    for user in ["lee", "sam"] {
      let approved = try RunbookApprovalTests.steward(
        ["approve", "1", "rollback", "--store", url], as: user, in: dir)
      #expect(approved.status == 0, "\(approved.stderr)")
    }
    let done = try RunbookApprovalTests.steward(run + ["--resume", "1"], as: "dana", in: dir)
    #expect(done.status == 0, "\(done.stderr)")
    let timeline = try StewardBinary.run(
      ["timeline", "1", "--store", url, "--format", "markdown"], in: dir)
    #expect(timeline.status == 0, "\(timeline.stderr)")
    #expect(timeline.stdout.contains(#"rollback: approved by sam (STEWARD\_USER), 2 of 2"#))
    // Nothing beside the project: a database server has no folder for locks.
    let made = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(made == ["approve.yaml", "rolled.txt", "roster.yaml"], "\(made)")

    try RunbookResumeSafetyTests.playbook.write(
      to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
    let first = try StewardProcess(["run", "slow.yaml", "--store", url], in: dir)
    #expect(StewardProcess.waitFor("waiting", in: dir))
    let early = try StewardProcess.run(
      ["run", "slow.yaml", "--store", url, "--resume", "2"], in: dir)
    #expect(early.status == 2)
    #expect(early.stderr.contains("run 2 is in use by process \(first.pid) ("), "\(early.stderr)")
    let listed = try StewardBinary.run(["history", "--store", url], in: dir)
    #expect(listed.stdout.contains("running in process \(first.pid)"), "\(listed.stdout)")
    kill(first.pid, SIGKILL)
    _ = first.finish()
    try Data().write(to: dir.appendingPathComponent("go"))
    // The server notices the dead connection and drops its lock.
    var resumed = try StewardProcess.run(
      ["run", "slow.yaml", "--store", url, "--resume", "2"], in: dir)
    for _ in 0..<20 where resumed.status == 2 {
      usleep(250_000)
      resumed = try StewardProcess.run(
        ["run", "slow.yaml", "--store", url, "--resume", "2"], in: dir)
    }
    #expect(resumed.status == 0, "\(resumed.stderr)")
  }

  /// A store that cannot be reached, or a URL steward does not know, stops
  /// the run before it starts: exit 2, the reason on stderr, and no report.
  @Test func aStoreThatCannotBeReachedIsRefusedBeforeTheRun() throws {
    let dir = try HistoryCommandTests.project()
    let down = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "postgres://steward@127.0.0.1:1/none"], in: dir)
    #expect(down.status == 2)
    #expect(down.stderr.hasPrefix("postgres://steward@127.0.0.1:1/none: error: cannot connect"))
    #expect(down.stdout.isEmpty)
    let other = try StewardBinary.run(["run", "gate.yaml", "--store", "mysql://x/db"], in: dir)
    #expect(other.status == 2)
    #expect(other.stderr.contains("mysql:// is not a store steward knows"))
    let secret = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "postgres://steward:hunter2@127.0.0.1:1/none"], in: dir)
    #expect(secret.status == 2)
    #expect(!secret.stderr.contains("hunter2"))
    let mode = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "postgres://steward@127.0.0.1/x?sslmode=sometimes"], in: dir)
    #expect(mode.status == 2)
    #expect(mode.stderr.contains("sslmode \"sometimes\" is not one of"))
  }

  /// `sslmode=require` makes the connection TLS (the server's log says so
  /// for that database), and a Unix socket, which has none, is refused.
  @Test func tlsIsUsedWhenTheURLAsksForIt() throws {
    let socketURL = try PostgresTestServer.newDatabase()
    var parts = try #require(URLComponents(string: socketURL))
    let folder = try #require(parts.queryItems?.first { $0.name == "host" }?.value)
    let database = String(parts.path.dropFirst())
    parts.queryItems = [URLQueryItem(name: "sslmode", value: "require")]
    let dir = try HistoryCommandTests.project()
    let tls = try StewardBinary.run(["run", "gate.yaml", "--store", parts.string ?? ""], in: dir)
    #expect(tls.status == 1, "\(tls.stderr)")
    let log = try String(contentsOfFile: folder + "/server.log", encoding: .utf8)
    let authorized = log.split(separator: "\n").filter {
      $0.contains("connection authorized") && $0.contains("database=\(database)")
    }
    #expect(!authorized.isEmpty)
    #expect(authorized.allSatisfy { $0.contains("SSL enabled") }, "\(authorized)")

    let socket = try StewardBinary.run(
      ["run", "gate.yaml", "--store", socketURL + "&sslmode=require"], in: dir)
    #expect(socket.status == 2)
    #expect(socket.stderr.contains("needs a host and port, not a Unix socket"))
  }

  /// Sixteen processes record into one new database at once (racing to
  /// create its tables, too): every run lands whole, none fails on a lock.
  @Test func sixteenWritersAtOnceLoseNothing() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try HistoryCommandTests.bigProject(subjects: 60)
    let processes = try (0..<16).map { _ in
      try HistoryCommandTests.start(["run", "big.yaml", "--store", url, "--jobs", "1"], in: dir)
    }
    for p in processes { p.waitUntilExit() }
    #expect(processes.map(\.terminationStatus) == Array(repeating: 0, count: 16))
    #expect(try Self.psql(url, "SELECT COUNT(*) FROM run") == "16")
    #expect(try Self.psql(url, "SELECT COUNT(*) FROM result") == String(16 * 60 * 70))
    #expect(try Self.partialRuns(url) == "")
  }

  /// `steward run` records 140,000 result rows into the server and is
  /// killed with SIGKILL while its COPY is under way, after a different
  /// delay each round: the run is there whole or not at all, and the
  /// database takes the next run.
  @Test func aRunKilledMidWriteLeavesNoPartialRun() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try HistoryCommandTests.bigProject(subjects: 2_000)
    let seed = try StewardBinary.run(["run", "small.yaml", "--store", url], in: dir)
    #expect(seed.status == 0, "\(seed.stderr)")
    let database = String(try #require(URLComponents(string: url)).path.dropFirst())
    var interrupted = 0
    var landed = 0
    for (round, delay) in [0.0, 0.05, 0.15, 0.3].enumerated() {
      let process = try HistoryCommandTests.start(
        ["run", "big.yaml", "--store", url, "--output", "/dev/null"], in: dir)
      var sawWrite = false
      let deadline = Date().addingTimeInterval(300)
      while process.isRunning, Date() < deadline {
        let copying = try Self.psql(
          url,
          "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '\(database)' AND query LIKE 'COPY%'"
        )
        if copying != "0" {
          sawWrite = true
          if delay > 0 { Thread.sleep(forTimeInterval: delay) }
          kill(process.processIdentifier, SIGKILL)
          break
        }
      }
      process.waitUntilExit()
      let killed = process.terminationReason == .uncaughtSignal
      #expect(sawWrite, "round \(round): the write was never seen under way")
      // The server rolls back once it sees the connection gone.
      var others = "1"
      for _ in 0..<200 where others != "0" {
        others = try Self.psql(
          url,
          "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()"
        )
        Thread.sleep(forTimeInterval: 0.05)
      }
      #expect(try Self.partialRuns(url) == "", "round \(round)")
      let big = try Self.psql(url, "SELECT result_count FROM run WHERE playbook = 'big'")
        .split(separator: "\n")
      #expect(big.allSatisfy { $0 == "140000" }, "round \(round)")
      #expect(big.count == landed || big.count == landed + 1, "round \(round)")
      if killed, big.count == landed { interrupted += 1 }
      landed = big.count
      #expect(try Self.psql(url, "SELECT COUNT(*) FROM run WHERE playbook = 'small'") == "1")
    }
    #expect(interrupted > 0, "no round killed the run before its transaction committed")
    let after = try StewardBinary.run(["run", "small.yaml", "--store", url], in: dir)
    #expect(after.status == 0, "\(after.stderr)")
    #expect(try Self.partialRuns(url) == "")
  }

  /// Exports into one store at the same time copy each run once: each
  /// found the runs missing and copied them all (attacker review).
  @Test func exportsAtOnceCopyEachRunOnce() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try HistoryCommandTests.project()
    for _ in 0..<6 {
      #expect(
        try StewardBinary.run(["run", "gate.yaml", "--store", "laptop.sqlite"], in: dir).status == 1
      )
    }
    for target in [url, "moved.sqlite"] {
      // The SQLite target exists first, as a store a team already uses.
      if target == "moved.sqlite" {
        #expect(try StewardBinary.run(["history", "--store", target], in: dir).status != 1)
      }
      let exports = try (0..<4).map { _ in
        try HistoryCommandTests.start(
          ["history", "export", "--from", "laptop.sqlite", "--to", target], in: dir)
      }
      for export in exports {
        export.waitUntilExit()
        #expect(export.terminationStatus == 0, "\(target)")
      }
      let listed = try StewardBinary.run(
        ["history", "--store", target, "--format", "json"], in: dir)
      let history = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))
      let runs = (history as? [String: Any])?["runs"] as? [Any]
      #expect(runs?.count == 6, "\(target): \(listed.stdout.prefix(300))\(listed.stderr)")
    }
  }

  /// An SQLite history moves to PostgreSQL and back, whole; a second export
  /// copies nothing, and a run added since is the only one copied next time.
  @Test func aHistoryMovesToPostgresAndBack() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try HistoryCommandTests.project()
    for _ in 0..<3 {
      #expect(
        try StewardBinary.run(["run", "gate.yaml", "--store", "laptop.sqlite"], in: dir).status == 1
      )
    }
    let out = try StewardBinary.run(
      ["history", "export", "--from", "laptop.sqlite", "--to", url], in: dir)
    #expect(out.status == 0, "\(out.stderr)")
    #expect(out.stdout == "copied 3 runs to \(url); 0 already there\n")
    let again = try StewardBinary.run(
      ["history", "export", "--from", "laptop.sqlite", "--to", url], in: dir)
    #expect(again.stdout == "copied 0 runs to \(url); 3 already there\n")

    #expect(try StewardBinary.run(["run", "gate.yaml", "--store", url], in: dir).status == 1)
    let back = try StewardBinary.run(
      ["history", "export", "--from", url, "--to", "back.sqlite"], in: dir)
    #expect(back.stdout == "copied 4 runs to back.sqlite; 0 already there\n", "\(back.stderr)")
    let more = try StewardBinary.run(
      ["history", "export", "--from", url, "--to", "laptop.sqlite"], in: dir)
    #expect(more.stdout == "copied 1 run to laptop.sqlite; 3 already there\n", "\(more.stderr)")

    // The same history in all three, as `steward history` shows it.
    let shown = try ["laptop.sqlite", url, "back.sqlite"].map { store in
      try StewardBinary.run(["history", "--store", store, "--format", "json"], in: dir).stdout
    }
    #expect(shown[0] == shown[1])
    #expect(shown[1] == shown[2])
    let pg = try PostgresHistoryStore(url: url)
    let sqlite = try SQLiteHistoryStore(path: dir.appendingPathComponent("back.sqlite").path)
    for (a, b) in zip(
      try pg.runs(playbook: nil, limit: nil), try sqlite.runs(playbook: nil, limit: nil))
    {
      #expect(a == b)
      #expect(try pg.results(ofRun: a.id ?? 0) == (try sqlite.results(ofRun: b.id ?? 0)))
    }
  }

  /// Sign-off on the organisation's one history: the gate waits, another
  /// person approves through the server, the gate opens, and the history
  /// says who signed. Moving a laptop's history keeps its sign-offs.
  @Test func signOffAndItsHistoryLiveOnTheServer() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try StewardBinary.scratch(SignOffCommandTests.files)
    func steward(_ arguments: [String], as user: String, store: String = url) throws
      -> StewardBinary.Result
    {
      var environment = Dictionary(
        uniqueKeysWithValues: SignOffCommandTests.ciActors.map { ($0, "") })
      environment["STEWARD_USER"] = user
      return try StewardBinary.run(
        arguments + ["--store", store], in: dir, environment: environment)
    }
    let waiting = try steward(["run", "fairness-gate.yaml"], as: "sam")
    #expect(waiting.status == 3, "\(waiting.stdout)\(waiting.stderr)")
    #expect(waiting.stderr.contains("run 1 awaits sign-off by responsible-ai: steward signoff 1"))
    #expect(try Self.psql(url, "SELECT triggered_by FROM run_trigger WHERE run_id = 1") == "sam")
    let own = try steward(
      ["signoff", "1", "--role", "responsible-ai", "--decision", "approve", "--note", "ok"],
      as: "sam")
    #expect(own.status == 2, "sam triggered the run: \(own.stdout)")
    let signed = try steward(
      [
        "signoff", "1", "--role", "responsible-ai", "--decision", "approve", "--note",
        "slices reviewed",
      ], as: "priya")
    #expect(signed.status == 0, "\(signed.stderr)")
    #expect(
      try Self.psql(url, "SELECT signed_by || ' ' || decision FROM signoff") == "priya approve")
    let open = try steward(["run", "fairness-gate.yaml"], as: "sam")
    #expect(open.status == 0, "\(open.stdout)\(open.stderr)")
    #expect(open.stdout.contains("signed off by priya (responsible-ai)"))
    let history = try steward(
      ["history", "--playbook", "fairness-gate", "--signoffs"], as: "sam")
    #expect(history.status == 0, "\(history.stderr)")
    #expect(history.stdout.contains("run 1  approve  priya (STEWARD_USER) as responsible-ai"))

    // A laptop's approved history, moved to a new database: its gate stays
    // open there, and exporting again copies no sign-off twice.
    let laptop = dir.appendingPathComponent("laptop.sqlite").path
    #expect(try steward(["run", "fairness-gate.yaml"], as: "sam", store: laptop).status == 3)
    #expect(
      try steward(
        [
          "signoff", "1", "--role", "responsible-ai", "--decision", "approve", "--note", "ok",
        ], as: "tomas", store: laptop
      ).status == 0)
    let moved = try PostgresTestServer.newDatabase()
    for _ in 0..<2 {
      let export = try StewardBinary.run(
        ["history", "export", "--from", laptop, "--to", moved], in: dir)
      #expect(export.status == 0, "\(export.stderr)")
    }
    #expect(try Self.psql(moved, "SELECT string_agg(signed_by, ',') FROM signoff") == "tomas")
    #expect(try Self.psql(moved, "SELECT triggered_by FROM run_trigger") == "sam")
    // What the results were bound to moves with them: the run can still be
    // signed there, by another reviewer.
    #expect(try Self.psql(moved, "SELECT count(*) FROM signoff_binding") == "2")
    #expect(
      try steward(
        ["signoff", "1", "--role", "responsible-ai", "--decision", "approve", "--note", "ok"],
        as: "priya", store: moved
      ).status == 0)
    let there = try steward(["run", "fairness-gate.yaml"], as: "sam", store: moved)
    #expect(there.status == 0, "\(there.stdout)\(there.stderr)")
    // And back to a new SQLite file.
    let back = dir.appendingPathComponent("back.sqlite").path
    #expect(
      try StewardBinary.run(["history", "export", "--from", moved, "--to", back], in: dir).status
        == 0)
    #expect(try steward(["run", "fairness-gate.yaml"], as: "sam", store: back).status == 0)
  }

  /// `--baseline-run` reads the run from the server, as from an SQLite file.
  @Test func aBaselineRunIsReadFromTheServer() throws {
    let url = try PostgresTestServer.newDatabase()
    let dir = try HistoryCommandTests.project()
    #expect(try StewardBinary.run(["run", "gate.yaml", "--store", url], in: dir).status == 1)
    let adopted = try StewardBinary.run(
      ["run", "gate.yaml", "--store", url, "--baseline-run", "1"], in: dir)
    #expect(adopted.status == 0, "\(adopted.stdout)\(adopted.stderr)")
    #expect(!adopted.stderr.contains("A044"))
    let missing = try StewardBinary.run(
      ["run", "gate.yaml", "--store", url, "--baseline-run", "9"], in: dir)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no run 9 in"), "\(missing.stderr)")
  }

  /// A password never reaches a message, whether the URL parses or not.
  @Test func aPasswordIsMaskedInEveryMessage() throws {
    let dir = try HistoryCommandTests.project()
    for store in [
      "postgres://steward:S3cretPW@127.0.0.1:abc/steward",
      "postgres://steward:S3cretPW@[::1/steward",
      "postgres://steward@127.0.0.1:1/steward?password=S3cretPW&sslmode=require",
      "postgres://steward@127.0.0.1:1/steward?password=S3cretPW&bogus=1",
    ] {
      for arguments in [
        ["run", "gate.yaml", "--store", store], ["history", "--store", store],
        ["signoff", "1", "--role", "r", "--decision", "approve", "--note", "n", "--store", store],
      ] {
        let refused = try StewardBinary.run(arguments, in: dir)
        #expect(refused.status == 2, "\(arguments)")
        #expect(!(refused.stdout + refused.stderr).contains("S3cretPW"), "\(refused.stderr)")
        #expect(refused.stderr.contains("***"), "\(refused.stderr)")
      }
    }
    // Nor in the help, which shows STEWARD_STORE as every command's default.
    for command in [
      ["run"], ["history"], ["history", "export"], ["history", "verify"], ["signoff"],
      ["approve"],
    ] {
      let help = try StewardBinary.run(
        command + ["--help"], in: dir,
        environment: ["STEWARD_STORE": "postgres://steward:S3cretPW@db.internal/steward"])
      #expect(help.status == 0, "\(command)")
      #expect(!help.stdout.contains("S3cretPW"), "\(command): \(help.stdout)")
      #expect(help.stdout.contains("postgres://steward:***@db.internal/steward"), "\(command)")
    }
  }
}
