import Foundation
import GRDB
import StewardEngine
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct HistoryCommandTests {
  static let gate = """
    steward: 1
    kind: audit
    name: gate
    subjects: models
    checks:
      - id: owned
        expr: steward.get(subject, "owner") ~= nil
        severity: high
      - id: versioned
        expr: steward.get(subject, "version") ~= nil
    gate:
      fail_on: high
    """

  static func project() throws -> URL {
    try StewardBinary.scratch([
      "gate.yaml": gate, "models/a.yaml": "id: a\nowner: recsys\nversion: 1\n",
      "models/b.yaml": "id: b\n",
    ])
  }

  /// A runbook's timeline and its record in the history are numbered
  /// apart: `steward timeline` given the history's number says which
  /// timeline that is (new-user review: "there is no runbook run 2" only).
  @Test func aTimelineAskedForByItsHistoryNumberIsNamed() throws {
    let dir = try Self.project()
    try Data(
      "steward: 1\nkind: runbook\nname: rb\nsteps:\n  - id: hello\n    run: [sh, -c, 'true']\n"
        .utf8
    ).write(to: dir.appendingPathComponent("rb.yaml"))
    #expect(
      try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir).status == 1)
    let runbook = try StewardBinary.run(["run", "rb.yaml", "--store", "h.sqlite"], in: dir)
    #expect(runbook.status == 0, "\(runbook.stderr)")
    let asked = try StewardBinary.run(["timeline", "2", "--store", "h.sqlite"], in: dir)
    #expect(asked.status == 2)
    #expect(
      asked.stderr.contains(
        "there is no runbook run 2 in h.sqlite; run 2 in `steward history` is the record of runbook run 1: use 1"
      ), "\(asked.stderr)")
    #expect(try StewardBinary.run(["timeline", "1", "--store", "h.sqlite"], in: dir).status == 0)
    // The history's line for the record says the runbook run's number.
    let listed = try StewardBinary.run(["history", "--store", "h.sqlite"], in: dir)
    let line = listed.stdout.split(separator: "\n").first { $0.contains(" rb ") } ?? ""
    #expect(line.contains("runbook run 1 (steward timeline 1)"), "\(listed.stdout)")
  }

  /// A misspelt `--playbook` or `--metric` is refused with the nearest
  /// recorded name: it listed nothing and exited 0, which a CI trend script
  /// read as an empty history (new-user review).
  @Test func aMisspeltPlaybookOrMetricIsRefused() throws {
    let dir = try Self.project()
    #expect(
      try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir).status == 1)
    for (arguments, expected) in [
      (["--playbook", "gaet"], #"no recorded run has the playbook "gaet"; did you mean "gate"?"#),
      (
        ["--playbook", "gate", "--metric", "fial"],
        #"no recorded run has the metric "fial"; did you mean "fail"?"#
      ),
    ] {
      let r = try StewardBinary.run(["history", "--store", "h.sqlite"] + arguments, in: dir)
      #expect(r.status == 2, "\(arguments): \(r.stdout)")
      #expect(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
    }
    let right = try StewardBinary.run(
      ["history", "--store", "h.sqlite", "--playbook", "gate", "--metric", "fail"], in: dir)
    #expect(right.status == 0, "\(right.stderr)")
  }

  /// An export that stops at a broken run of its source says how many
  /// runs it had copied: the new store held them, and nothing said so
  /// (new-user review).
  @Test func anExportStoppedPartWaySaysWhatItCopied() throws {
    let dir = try Self.project()
    for _ in 0..<2 {
      #expect(
        try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir).status == 1)
    }
    let queue = try DatabaseQueue(path: dir.appendingPathComponent("h.sqlite").path)
    try queue.write { db in
      try db.execute(sql: "DELETE FROM result WHERE run_id = 2 AND position = 0")
    }
    let r = try StewardBinary.run(
      ["history", "export", "--from", "h.sqlite", "--to", "copy.sqlite"], in: dir)
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "copy.sqlite: note: the export stopped after copying 1 run (0 already there)"),
      "\(r.stderr)")
  }

  @Test func runsAreListedAndTrendsShown() throws {
    let dir = try Self.project()
    let first = try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir)
    #expect(first.status == 1, "\(first.stderr)")
    try Data("id: b\nowner: ads\nversion: 2\n".utf8).write(
      to: dir.appendingPathComponent("models/b.yaml"))
    let second = try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir)
    #expect(second.status == 0, "\(second.stderr)")

    let list = try StewardBinary.run(["history", "--store", "h.sqlite"], in: dir)
    #expect(list.status == 0, "\(list.stderr)")
    let lines = list.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("RUN  STARTED"))
    #expect(lines[1].hasPrefix("  2  "))
    #expect(lines[1].contains("audit  passed  results 4, subjects 2, checks 2, pass 4, fail 0"))
    #expect(lines[2].contains("audit  failed  results 4, subjects 2, checks 2, pass 2, fail 2"))

    let trend = try StewardBinary.run(
      ["history", "--store", "h.sqlite", "--playbook", "gate", "--metric", "fail"], in: dir)
    let rows = trend.stdout.split(separator: "\n").map(String.init)
    #expect(rows.first == "fail of gate, oldest first")
    #expect(rows.count == 4)
    #expect(rows[2].hasPrefix("  1  ") && rows[2].hasSuffix("Z     2"))
    #expect(rows[3].hasPrefix("  2  ") && rows[3].hasSuffix("Z     0      -2"))

    let json = try StewardBinary.run(
      ["history", "--store", "h.sqlite", "--playbook", "gate", "--format", "json"], in: dir)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["schema_version"] as? Int == 1)
    let runs = try #require(object["runs"] as? [[String: Any]])
    #expect(runs.map { $0["id"] as? Int } == [2, 1])
    #expect(runs[1]["gate"] as? String == "failed")
    #expect((runs[1]["summary"] as? [String: Any])?["fail"] as? Int == 2)
    #expect((runs[1]["inputs"] as? [[String: Any]])?.count == 2)
    // Keys in a stable order.
    #expect(json.stdout.contains("\"schema_version\": 1,\n  \"runs\": [\n    {\n      \"id\": 2,"))
    #expect(
      json.stdout.range(of: "\"playbook_sha256\"")!.lowerBound
        < json.stdout.range(of: "\"summary\"")!.lowerBound)

    let trendJSON = try StewardBinary.run(
      [
        "history", "--store", "h.sqlite", "--playbook", "gate", "--metric", "fail", "--format",
        "json",
      ],
      in: dir)
    let points = try #require(
      (try JSONSerialization.jsonObject(with: Data(trendJSON.stdout.utf8)) as? [String: Any])?[
        "points"] as? [[String: Any]])
    #expect(points.map { $0["value"] as? Int } == [2, 0])
    #expect(points[1]["change"] as? Int == -2)
  }

  @Test func theDefaultStoreIsCreatedAndNoRecordLeavesNone() throws {
    let dir = try Self.project()
    let recorded = try StewardBinary.run(["run", "gate.yaml"], in: dir)
    #expect(recorded.status == 1, "\(recorded.stderr)")
    #expect(
      FileManager.default.fileExists(
        atPath: dir.appendingPathComponent(".steward/history.sqlite").path))
    let listed = try StewardBinary.run(["history"], in: dir)
    #expect(listed.stdout.split(separator: "\n").count == 2)

    let other = try Self.project()
    let unrecorded = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--store", "x.sqlite"], in: other)
    #expect(unrecorded.status == 1)
    #expect(unrecorded.stdout.contains("gate: FAILED"))
    let left = try FileManager.default.contentsOfDirectory(atPath: other.path).sorted()
    #expect(left == ["gate.yaml", "models"])

    // --no-record touches no store the run does not read: a server that
    // is down (STEWARD_STORE, as a CI job sets it) is not connected to, and
    // an old store is not migrated.
    let down = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record"], in: other,
      environment: ["STEWARD_STORE": "postgres://steward@127.0.0.1:1/steward"])
    #expect(down.status == 1, "\(down.stderr)")
    #expect(!down.stderr.contains("cannot connect"), "\(down.stderr)")
    let old = other.appendingPathComponent("old.sqlite").path
    _ = try SQLiteHistoryStore(path: old, upTo: "v1")
    let before = try Data(contentsOf: URL(fileURLWithPath: old))
    let dry = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--store", "old.sqlite"], in: other)
    #expect(dry.status == 1, "\(dry.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: old)) == before)
    let applied = try DatabaseQueue(path: old).read {
      try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations")
    }
    #expect(applied == ["v1"])
  }

  @Test func anUnusableStoreIsAnErrorBeforeTheRun() throws {
    let dir = try Self.project()
    try Data(String(repeating: "junk\n", count: 200).utf8).write(
      to: dir.appendingPathComponent("junk.sqlite"))
    let junk = try StewardBinary.run(["run", "gate.yaml", "--store", "junk.sqlite"], in: dir)
    #expect(junk.status == 2)
    #expect(junk.stdout.isEmpty)
    #expect(junk.stderr.hasPrefix("junk.sqlite: error: cannot open the history store"))

    let folder = try StewardBinary.run(["run", "gate.yaml", "--store", "models"], in: dir)
    #expect(folder.status == 2)
    #expect(folder.stderr.contains("models: error: the history store is a folder"))

    // An empty file is said, not made into a store by a read.
    FileManager.default.createFile(
      atPath: dir.appendingPathComponent("empty.sqlite").path, contents: Data())
    let empty = try StewardBinary.run(["history", "--store", "empty.sqlite"], in: dir)
    #expect(empty.status == 2)
    #expect(empty.stderr.contains("empty.sqlite: error: an empty file, not a history store"))
    #expect(
      (try FileManager.default.attributesOfItem(
        atPath: dir.appendingPathComponent("empty.sqlite").path)[.size] as? Int) == 0)

    let missing = try StewardBinary.run(["history", "--store", "none.sqlite"], in: dir)
    #expect(missing.status == 2)
    #expect(missing.stderr.hasPrefix("none.sqlite: error: no history store here"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.sqlite").path))

    let usage = try StewardBinary.run(["history", "--metric", "fail"], in: dir)
    #expect(usage.status == 2)
    #expect(usage.stderr.contains("--metric needs --playbook NAME"))
    for command in ["run gate.yaml", "history"] {
      let empty = try StewardBinary.run(
        command.split(separator: " ").map(String.init) + ["--store", ""], in: dir)
      #expect(empty.status == 2)
      #expect(empty.stderr.contains("--store takes a file path"))
    }
  }

  /// A store name meant as a PostgreSQL URL but mistyped would have been
  /// an SQLite file beside the checkout, the run recorded there with no
  /// word: each is refused before the run, and nothing is left behind.
  @Test func aMistypedURLIsRefusedNotTakenForAFile() throws {
    let dir = try Self.project()
    let cases = [
      ("postgres:/ci:s3cret@db.internal:5432/steward", "this looks like a mistyped PostgreSQL URL"),
      ("postgres//ci@db.internal/steward", "this looks like a mistyped PostgreSQL URL"),
      ("postgresql:ci@db.internal/steward", "this looks like a mistyped PostgreSQL URL"),
      (" postgres://ci@db.internal/steward", "begins or ends with a space"),
      ("postgres://ci@db.internal/steward\n", "begins or ends with a space"),
      ("ci@db.internal:5432/steward", "this looks like a mistyped PostgreSQL URL"),
      ("history/", "the history store names a folder"),
      ("postgresql+psycopg2://ci:s3cret@db/steward", "postgresql+psycopg2:// is not a store"),
      ("jdbc:postgresql://db/steward?user=ci&password=s3cret", "jdbc:postgresql:// is not a store"),
      ("Postgres://ci:s3cret@db/steward", "this looks like a mistyped PostgreSQL URL"),
      ("//ci:s3cret@db/steward", "this looks like a mistyped PostgreSQL URL"),
      ("postgres ://ci:s3cret@db/steward", "this looks like a mistyped PostgreSQL URL"),
      ("db.internal:5432", "this looks like a mistyped PostgreSQL URL"),
      ("ci:s3cret@db", "this looks like a mistyped PostgreSQL URL"),
      ("postgres:/ci:s3c@ret@db/steward", "this looks like a mistyped PostgreSQL URL"),
    ]
    for (store, message) in cases {
      let run = try StewardBinary.run(["run", "gate.yaml", "--store", store], in: dir)
      #expect(run.status == 2, "\(store)")
      #expect(run.stdout.isEmpty, "\(store)")
      #expect(run.stderr.contains(message), "\(store): \(run.stderr)")
      #expect(!run.stderr.contains("s3c"), "\(store): \(run.stderr)")
      // Readers say the same, not "no history store here".
      let read = try StewardBinary.run(["history", "--store", store], in: dir)
      #expect(read.status == 2, "\(store)")
      #expect(read.stderr.contains(message), "\(store): \(read.stderr)")
      #expect(!read.stderr.contains("s3c"), "\(store): \(read.stderr)")
      // Nor in the help, where STEWARD_STORE is every command's default.
      let help = try StewardBinary.run(
        ["run", "--help"], in: dir, environment: ["STEWARD_STORE": store])
      #expect(!help.stdout.contains("s3c"), "\(store): \(help.stdout)")
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(left == ["gate.yaml", "models"], "\(left)")
    // A server that is not there is said in words, not as NIO's error.
    let down = try StewardBinary.run(
      ["history", "--store", "postgres://steward@127.0.0.1:1/steward"], in: dir)
    #expect(down.status == 2)
    #expect(
      down.stderr.contains("the server refused the connection; is PostgreSQL running"),
      "\(down.stderr)")
    // A file whose name merely looks a little like one is a file.
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("postgres"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("ci@runner"), withIntermediateDirectories: true)
    for name in ["postgres-history.sqlite", "postgres/history.sqlite", "ci@runner/history.sqlite"] {
      let file = try StewardBinary.run(["run", "gate.yaml", "--store", name], in: dir)
      #expect(file.status == 1, "\(name): \(file.stderr)")
    }
  }

  /// Two CI jobs that started in the same millisecond on other cards are
  /// two runs: exporting both histories into one keeps both.
  @Test func runsStartedInTheSameMillisecondAreNotTakenForOneAnother() throws {
    let dir = try Self.project()
    let started = Date(timeIntervalSince1970: 1_796_000_000.288)
    for (name, sha, gate) in [("a", "aa", "failed"), ("b", "bb", "passed")] {
      let store = try SQLiteHistoryStore(path: dir.appendingPathComponent("\(name).sqlite").path)
      try store.record(
        RunRecord(
          playbook: "gate", kind: "audit", playbookPath: "gate.yaml", playbookHash: "ab",
          startedAt: started, duration: 0.5, stewardVersion: "0.1.0",
          exitStatus: gate == "failed" ? 1 : 0, gate: gate,
          inputs: [InputHash(path: "models/a.yaml", sha256: sha)]),
        results: [ResultRecord(subject: "a", check: "owner", status: "pass", severity: "high")])
    }
    for (from, expected) in [
      ("a", "copied 1 run to m.sqlite; 0 already there\n"),
      ("b", "copied 1 run to m.sqlite; 0 already there\n"),
      ("b", "copied 0 runs to m.sqlite; 1 already there\n"),
    ] {
      let export = try StewardBinary.run(
        ["history", "export", "--from", "\(from).sqlite", "--to", "m.sqlite"], in: dir)
      #expect(export.status == 0, "\(export.stderr)")
      #expect(export.stdout == expected)
    }
    let merged = try SQLiteHistoryStore(path: dir.appendingPathComponent("m.sqlite").path)
    #expect(
      try merged.runs(playbook: nil, limit: nil).map(\.gate).sorted() == ["failed", "passed"])
  }

  /// A report is never written over what the run reads or records into:
  /// a SARIF file over the history store destroyed the whole history, with
  /// the gate's exit status; over a card, the card.
  @Test func aReportOverTheStoreThePlaybookOrACardIsRefused() throws {
    let dir = try Self.project()
    #expect(
      try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir).status == 1)
    let card = try Data(contentsOf: dir.appendingPathComponent("models/a.yaml"))
    for (arguments, message) in [
      (
        ["--store", "h.sqlite", "--report", "sarif=h.sqlite"],
        "would be written over the history store"
      ),
      (
        ["--store", "h.sqlite", "--report", "junit=./h.sqlite-wal"],
        "would be written over the history store"
      ),
      (
        ["--store", "h.sqlite", "--input", "models=nothere", "--report", "junit=h.sqlite"],
        "would be written over the history store"
      ),
      (["--no-record", "--output", "gate.yaml"], "would be written over the playbook"),
      (["--store", "h.sqlite", "--report", "sarif=models/a.yaml"], "which the run read"),
    ] {
      let run = try StewardBinary.run(["run", "gate.yaml"] + arguments, in: dir)
      #expect(run.status == 2, "\(arguments): \(run.stderr)")
      #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
    }
    #expect(try Data(contentsOf: dir.appendingPathComponent("models/a.yaml")) == card)
    let verify = try StewardBinary.run(["history", "verify", "h.sqlite"], in: dir)
    #expect(verify.stdout == "h.sqlite: ok (1 run)\n", "\(verify.stderr)")
  }

  @Test func aRecordThatFailsKeepsTheReportAndExits2() throws {
    let dir = try Self.project()
    let store = dir.appendingPathComponent("h.sqlite").path
    _ = try SQLiteHistoryStore(path: store)
    let queue = try DatabaseQueue(path: store)
    try queue.write {
      try $0.execute(
        sql:
          "CREATE TRIGGER refuse BEFORE INSERT ON result BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
      )
    }
    try queue.close()
    let r = try StewardBinary.run(["run", "gate.yaml", "--store", "h.sqlite"], in: dir)
    #expect(r.status == 2)
    #expect(r.stdout.contains("gate: FAILED"))
    #expect(r.stderr == "h.sqlite: error: cannot record the run: disk on fire\n")
    #expect(try SQLiteHistoryStore(path: store).runs(playbook: nil, limit: nil).isEmpty)
  }

  /// The run is recorded while its report is written, and kept only once
  /// the report is out: a report that cannot be written leaves no run.
  @Test func aReportThatCannotBeWrittenLeavesNoRun() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    let dir = try Self.project()
    let store = dir.appendingPathComponent("h.sqlite").path
    let lost = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "h.sqlite", "--format", "json", "--output", "/dev/full"],
      in: dir)
    #expect(lost.status == 2)
    #expect(lost.stderr.contains("cannot write the report"))
    #expect(try SQLiteHistoryStore(path: store).runs(playbook: nil, limit: nil).isEmpty)
    let kept = try StewardBinary.run(
      ["run", "gate.yaml", "--store", "h.sqlite", "--format", "json", "--output", "r.json"], in: dir
    )
    #expect(kept.status == 1)
    let runs = try SQLiteHistoryStore(path: store).runs(playbook: nil, limit: nil)
    #expect(runs.count == 1)
    #expect(
      try SQLiteHistoryStore(path: store).results(ofRun: runs[0].id ?? 0).count
        == runs[0].resultCount)
  }

  // MARK: - Integrity under concurrency and SIGKILL

  /// A folder of `count` model cards and a playbook `big.yaml` of 70 inline checks
  /// (`count` × 70 results), plus `small.yaml` over three of the cards.
  static func bigProject(subjects count: Int) throws -> URL {
    var files: [String: String] = [:]
    for i in 0..<count {
      files[String(format: "cards/m%05d.yaml", i)] =
        "id: m\(i)\nowner: team\(i % 7)\nscore: \(i % 10)\nstage: production\n"
    }
    for i in 0..<3 { files["few/f\(i).yaml"] = "id: f\(i)\nscore: \(i)\n" }
    let checks = (0..<70).map { "  - id: c\($0)\n    expr: subject.score ~= \($0 % 10)\n" }.joined()
    // Report only: these runs are about what is recorded, not the gate.
    let head = "steward: 1\nkind: audit\ngate: none\n"
    files["big.yaml"] = head + "name: big\nsubjects: cards\nchecks:\n" + checks
    files["small.yaml"] = head + "name: small\nsubjects: few\nchecks:\n" + checks
    return try StewardBinary.scratch(files)
  }

  /// Starts `steward ARGS` in `dir` with its output thrown away.
  static func start(_ arguments: [String], in dir: URL) throws -> Process {
    let process = Process()
    process.executableURL = StewardBinary.executable
    process.arguments = arguments
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  static func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
  }

  @Test func twoProcessesRecordingAtOnceBothLand() throws {
    let dir = try Self.bigProject(subjects: 200)
    // A fresh store each round, so the two also race to create and migrate it.
    for round in 0..<3 {
      let store = "both-\(round).sqlite"
      let processes = try (0..<2).map { _ in
        try Self.start(["run", "big.yaml", "--store", store, "--jobs", "1"], in: dir)
      }
      for p in processes { p.waitUntilExit() }
      #expect(processes.map(\.terminationStatus) == [0, 0], "round \(round)")
      let history = try SQLiteHistoryStore(path: dir.appendingPathComponent(store).path)
      let runs = try history.runs(playbook: "big", limit: nil)
      #expect(runs.count == 2, "round \(round)")
      #expect(runs.map(\.resultCount) == [14_000, 14_000])
      #expect(try history.integrityProblems() == [])
    }
  }

  /// `steward run` records 140,000 result rows; it is killed with SIGKILL once
  /// the store's write-ahead log starts growing (the write is under way), after
  /// a different extra delay each round. Whatever the moment, the store must
  /// hold the earlier run and either all of the killed run's rows or none.
  @Test func aRunKilledMidWriteLeavesNoPartialRun() throws {
    let dir = try Self.bigProject(subjects: 2_000)
    let seed = try StewardBinary.run(["run", "small.yaml", "--store", "seed.sqlite"], in: dir)
    #expect(seed.status == 0, "\(seed.stderr)")
    var interrupted = 0
    for (round, delay) in [0.0, 0.1, 0.3, 0.6].enumerated() {
      let store = dir.appendingPathComponent("killed-\(round).sqlite").path
      try FileManager.default.copyItem(
        atPath: dir.appendingPathComponent("seed.sqlite").path, toPath: store)
      let process = try Self.start(
        ["run", "big.yaml", "--store", store, "--output", "/dev/null"], in: dir)
      var sawWrite = false
      let deadline = Date().addingTimeInterval(300)
      while process.isRunning, Date() < deadline {
        if Self.fileSize(store + "-wal") > 512 * 1024 {
          sawWrite = true
          if delay > 0 { Thread.sleep(forTimeInterval: delay) }
          kill(process.processIdentifier, SIGKILL)
          break
        }
        Thread.sleep(forTimeInterval: 0.002)
      }
      process.waitUntilExit()
      let killed = process.terminationReason == .uncaughtSignal
      #expect(sawWrite, "round \(round): the write was never seen under way")

      let history = try SQLiteHistoryStore(path: store)
      #expect(try history.integrityProblems() == [], "round \(round)")
      let runs = try history.runs(playbook: nil, limit: nil)
      #expect(runs.contains { $0.playbook == "small" }, "round \(round): the earlier run is gone")
      let big = runs.filter { $0.playbook == "big" }
      #expect(big.count <= 1)
      if let run = big.first {
        #expect(run.resultCount == 140_000)
        #expect(try history.results(ofRun: run.id ?? 0).count == 140_000)
      }
      if killed, big.isEmpty { interrupted += 1 }
      // The store stays usable after the crash.
      let after = try StewardBinary.run(["run", "small.yaml", "--store", store], in: dir)
      #expect(after.status == 0, "\(after.stderr)")
      #expect(try history.runs(playbook: "small", limit: nil).count == 2)
    }
    #expect(interrupted > 0, "no round killed the run before its transaction committed")
  }
}
