import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The deployment gate over 10,000 generated model cards, run the way a user
/// runs it (`steward run Playbooks/deployment-gate.yaml --input models=DIR`),
/// beside an equivalent Python script (PyYAML's C loader, the same rules) on
/// the same files. Targets: under 0.5 s on 2 cores, at least 20x the Python
/// script, peak RSS under 300 MB.
enum GateBench {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func run(quick: Bool) {
    let count = quick ? 1_000 : 10_000
    let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let steward = bench.deletingLastPathComponent().appendingPathComponent("steward").path
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "steward-gate-\(getpid())")
    let keep = ProcessInfo.processInfo.environment["STEWARD_BENCH_KEEP"] != nil
    defer { if !keep { try? FileManager.default.removeItem(at: dir) } }
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      for i in 0..<count {
        try Data(BenchData.gateCardYAML(i).utf8).write(
          to: dir.appendingPathComponent(String(format: "card-%05d.yaml", i)))
      }
    } catch {
      print("gate: cannot write the cards: \(error)")
      return
    }
    let playbook = root.appendingPathComponent("Playbooks/deployment-gate.yaml").path
    let script = root.appendingPathComponent("Benchmarks/python/deployment_gate.py").path
    let report = dir.path + "-report.json"
    defer { try? FileManager.default.removeItem(atPath: report) }
    // The cards were just written: let their writeback finish before the
    // clock starts, and give every run the same start, with no earlier
    // report to replace (unlinking 46 MB took about 20 ms of the rename).
    sync()
    let store = dir.path + "-history.sqlite"
    let stores = [store, store + "-wal", store + "-shm"]
    defer { for file in stores { try? FileManager.default.removeItem(atPath: file) } }
    // Without a history (`--no-record`), and the way a user's plain
    // `steward run` goes, recording every result in a new store.
    func gateRun(_ extra: [String]) -> Child.Outcome? {
      for file in [report] + stores { try? FileManager.default.removeItem(atPath: file) }
      // Each run from the same start: the last one's 46 MB report and
      // store written back before the clock starts, not during this run.
      sync()
      return Child.run(
        steward,
        [
          "run", playbook, "--input", "models=\(dir.path)", "--format", "json", "--output",
          report,
        ]
          + extra,
        directory: root.path)
    }
    func bestOfFive(_ extra: [String]) -> Child.Outcome? {
      (0..<5).compactMap { _ in gateRun(extra) }.min { $0.seconds < $1.seconds }
    }
    let cardFiles = (0..<count).map {
      dir.appendingPathComponent(String(format: "card-%05d.yaml", $0)).path
    }
    let plugin = root.appendingPathComponent("Plugins/ml-governance.lua").path
    let floorRounds = GateFloors.Rounds(cards: cardFiles, plugin: plugin)
    var floorsMeasured = floorRounds != nil
    let server = PostgresBenchServer.start(root: root.path)
    defer { server?.stop() }
    // Best of five rounds, each of them a run of every kind and a round of
    // the floors: the ratios below divide one line by another, and this
    // machine's load comes and goes in phases that, measured one block
    // after another, fell on one line and not the other (the PostgreSQL
    // ratio read from 0.46x to 2.45x on the same code).
    var plainRuns: [Child.Outcome] = []
    var recordedRuns: [Child.Outcome] = []
    var postgresRuns: [Child.Outcome] = []
    for _ in 0..<5 {
      if let run = gateRun(["--no-record"]) { plainRuns.append(run) }
      if let run = gateRun(["--store", store]) { recordedRuns.append(run) }
      if let server, server.freshDatabase(), let run = gateRun(["--store", server.url]) {
        postgresRuns.append(run)
      }
      if floorsMeasured, let floorRounds { floorsMeasured = floorRounds.next() }
    }
    func fastest(_ runs: [Child.Outcome]) -> Child.Outcome? {
      runs.min { $0.seconds < $1.seconds }
    }
    guard let best = fastest(plainRuns), let recorded = fastest(recordedRuns) else {
      print("gate: cannot run \(steward)")
      return
    }
    let checks = countChecks(playbook)
    print(
      String(
        format:
          "gate: %d cards x %d checks, steward run  %.3f s  %.0f cards/s  peak RSS %.0f MB  (exit %d; best of 5; targets < 0.5 s, < 300 MB)",
        count, checks, best.seconds, Double(count) / best.seconds, best.peakMB, best.status))
    print(
      String(
        format:
          "gate: the same, recorded in a new history store  %.3f s  %.0f cards/s  peak RSS %.0f MB  (exit %d; %.3f s for the history)",
        recorded.seconds, Double(count) / recorded.seconds, recorded.peakMB, recorded.status,
        recorded.seconds - best.seconds))
    if server == nil {
      print("gate: (no PostgreSQL server: scripts/setup --test installs one; its line is left out)")
    } else if let pg = fastest(postgresRuns) {
      print(
        String(
          format:
            "gate: the same, recorded in PostgreSQL (a new database, a local server, fsync on)  %.3f s  (exit %d; %.3f s for the history, %.2fx SQLite's; target <= 1.5x)",
          pg.seconds, pg.status, pg.seconds - best.seconds,
          (pg.seconds - best.seconds) / max(recorded.seconds - best.seconds, 0.001)))
    }
    let incremental = incrementalRerun(
      steward: steward, playbook: playbook, cards: dir, count: count, report: report)
    print("gate: steward counts   \(summary(of: report))")
    // The same run with only the two built-in checks: what reading, parsing,
    // the schema and the report cost without the Lua checks.
    let builtins = bestOfFive([
      "--no-record", "--only", "deployment_stage", "--only", "model_name",
    ])
    let floors = floorsMeasured ? floorRounds?.figures : nil
    if best.status > 1 {
      let errors = dir.appendingPathComponent("steward.err").path
      _ = Child.run(
        steward, ["run", playbook, "--input", "models=\(dir.path)"], directory: root.path,
        stderr: errors)
      print(
        "gate: steward failed:\n"
          + ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").prefix(2000))
    }
    let pythonOut = dir.appendingPathComponent("python.txt").path
    guard
      let python = Child.run(
        "/usr/bin/env", ["python3", script, dir.path], directory: root.path, stdout: pythonOut)
    else {
      print("gate: python3 not found; the comparison needs PyYAML with libyaml")
      return
    }
    print(
      String(
        format:
          "gate: python3 PyYAML CSafeLoader, same rules  %.3f s  %.0f cards/s  peak RSS %.0f MB  (exit %d)",
        python.seconds, Double(count) / python.seconds, python.peakMB, python.status))
    let pythonCounts = (try? String(contentsOfFile: pythonOut, encoding: .utf8)) ?? ""
    if python.status != 0 {
      let errors = dir.appendingPathComponent("python.err").path
      _ = Child.run(
        "/usr/bin/env", ["python3", script, dir.path], directory: root.path, stderr: errors)
      print(
        "gate: python failed:\n"
          + ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").prefix(2000))
    }
    print("gate: python counts    \(pythonCounts.trimmingCharacters(in: .whitespacesAndNewlines))")
    print(
      String(
        format: "gate: steward is %.1fx the Python script (target >= 20x); %.1fx when recording",
        python.seconds / best.seconds, python.seconds / recorded.seconds))
    if let incremental {
      print(
        String(
          format:
            "gate: --incremental re-run, 1%% of the cards changed  %.3f s  (exit %d; best of 5; %.2f of the full recorded run, target < 0.33; %.1fx the Python script, target >= 10x)",
          incremental.seconds, incremental.status, incremental.seconds / recorded.seconds,
          python.seconds / incremental.seconds))
    }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("gate: what the targets are up against, on the same cards and \(cores) cores:")
    if let builtins {
      print(
        String(
          format: "  steward with only its 2 built-in checks (no Lua)       %.3f s",
          builtins.seconds))
    }
    guard let floors else {
      print("  (the floors could not be measured)")
      return
    }
    print(
      String(
        format: "  libyaml's bare event scan of every card (read + scan)  %.3f s",
        floors.yamlSeconds))
    print(
      String(
        format:
          "  the plugin's Lua checks alone, cards already in Lua     %.3f s  (%d calls: ",
        floors.luaSeconds, floors.luaCalls) + floors.luaStatuses + ")")
    let floor = floors.yamlSeconds + floors.luaSeconds
    print(
      String(
        format:
          "  floor: scan + Lua checks                                %.3f s  against < 0.5 s and Python / 20 = %.3f s",
        floor, python.seconds / 20))
    print(
      String(
        format:
          "gate: the full (cold) gate is %.2fx the floor: %.3f s against %.3f s (target <= 2x)",
        best.seconds / floor, best.seconds, floor))
    let extra = floors.readOnlySeconds - floors.plainSeconds
    print(
      String(
        format:
          "gate: read-only subjects, params and ctx: the checks with their cards' conversion  %.3f CPU-s as plain tables, %.3f CPU-s behind read-only proxies: %+.3f CPU-s, %.1f %% of the gate run's %.3f CPU-s (target <= 10 %%)",
        floors.plainSeconds, floors.readOnlySeconds, extra, 100 * extra / best.cpuSeconds,
        best.cpuSeconds))
  }

  /// "pass=N fail=N skip=N" from steward's JSON report, to compare with the
  /// Python script's verdicts on the same cards.
  static func summary(of report: String) -> String {
    guard let data = FileManager.default.contents(atPath: report),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let summary = json["summary"] as? [String: Any]
    else { return "(no report)" }
    return ["pass", "fail", "skip"].map { "\($0)=\(summary[$0] ?? 0)" }.joined(separator: " ")
  }

  static func countChecks(_ playbook: String) -> Int {
    guard let text = try? String(contentsOfFile: playbook, encoding: .utf8) else { return 0 }
    return text.split(separator: "\n").filter {
      let t = $0.trimmingCharacters(in: .whitespaces)
      return t.hasPrefix("- use:") || t.hasPrefix("- id:") || t.hasPrefix("- builtin:")
        || t.hasPrefix("- expr:")
    }.count
  }
}

/// A child process timed from spawn to exit, with its own peak RSS (wait4).
enum Child {
  struct Outcome {
    var seconds: Double
    var peakMB: Double
    var status: Int32
    /// User and system CPU time: unlike the wall clock, it hardly moves
    /// with the machine's other load, so shares of it compare well.
    var cpuSeconds: Double = 0
  }

  static func run(
    _ path: String, _ arguments: [String], directory: String, stdout: String = "/dev/null",
    stderr: String = "/dev/null"
  ) -> Outcome? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let previous = FileManager.default.currentDirectoryPath
    _ = FileManager.default.changeCurrentDirectoryPath(directory)
    defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    func time(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return Outcome(
      seconds: seconds, peakMB: Double(usage.ru_maxrss) / 1024, status: (status >> 8) & 0xff,
      cpuSeconds: time(usage.ru_utime) + time(usage.ru_stime))
  }
}

extension GateBench {
  /// `--incremental` after 1 % of the cards changed: a full incremental run
  /// records every key, a hundred cards get a new line, and each timed run
  /// starts from a copy of the store as the full run left it.
  static func incrementalRerun(
    steward: String, playbook: String, cards: URL, count: Int, report: String
  ) -> Child.Outcome? {
    let store = cards.path + "-incremental.sqlite"
    let kept = store + ".kept"
    let files = [store, store + "-wal", store + "-shm", kept]
    defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
    let arguments = [
      "run", playbook, "--input", "models=\(cards.path)", "--format", "json", "--output", report,
      "--store", store, "--incremental",
    ]
    guard Child.run(steward, arguments, directory: root.path) != nil,
      (try? FileManager.default.copyItem(atPath: store, toPath: kept)) != nil
    else { return nil }
    let changed = stride(from: 0, to: count, by: 100).map {
      cards.appendingPathComponent(String(format: "card-%05d.yaml", $0))
    }
    for card in changed {
      guard let handle = try? FileHandle(forWritingTo: card) else { return nil }
      handle.seekToEndOfFile()
      handle.write(Data("# edited for the incremental benchmark\n".utf8))
      try? handle.close()
    }
    defer {
      for (i, card) in zip(stride(from: 0, to: count, by: 100), changed) {
        try? Data(BenchData.gateCardYAML(i).utf8).write(to: card)
      }
    }
    return (0..<5).compactMap { _ -> Child.Outcome? in
      for file in files.dropLast() { try? FileManager.default.removeItem(atPath: file) }
      guard (try? FileManager.default.copyItem(atPath: kept, toPath: store)) != nil else {
        return nil
      }
      try? FileManager.default.removeItem(atPath: report)
      sync()
      return Child.run(steward, arguments, directory: root.path, stderr: "/dev/null")
    }.min { $0.seconds < $1.seconds }
  }
}

/// A throwaway PostgreSQL server for the recorded gate (scripts/pg-test-cluster),
/// syncing its commits as a real one does, or the one STEWARD_BENCH_POSTGRES names.
struct PostgresBenchServer {
  var url: String
  var root: String
  var ownDir: String?

  static func start(root: String) -> PostgresBenchServer? {
    if let given = ProcessInfo.processInfo.environment["STEWARD_BENCH_POSTGRES"], !given.isEmpty {
      return PostgresBenchServer(url: given, root: root, ownDir: nil)
    }
    let dir = "/tmp/steward-pg-bench-\(getpid())"
    let port = 40000 + Int(getpid()) % 20000
    setenv("STEWARD_PG_DIR", dir, 1)
    setenv("STEWARD_PG_PORT", String(port), 1)
    setenv("STEWARD_PG_FSYNC", "on", 1)
    guard
      let started = Child.run(
        root + "/scripts/pg-test-cluster", ["start"], directory: root, stdout: "/dev/null"),
      started.status == 0
    else { return nil }
    let server = PostgresBenchServer(
      url: "postgres://steward@127.0.0.1:\(port)/gate?host=\(dir)", root: root, ownDir: dir)
    return server
  }

  /// Drops and makes the `gate` database: each run records into a new one.
  func freshDatabase() -> Bool {
    guard ownDir != nil else { return true }
    let admin = url.replacingOccurrences(of: "/gate?", with: "/postgres?")
    return Child.run(
      "/usr/bin/psql",
      [admin, "-q", "-c", "DROP DATABASE IF EXISTS gate", "-c", "CREATE DATABASE gate"],
      directory: root)?.status == 0
  }

  func stop() {
    guard ownDir != nil else { return }
    _ = Child.run(root + "/scripts/pg-test-cluster", ["stop"], directory: root)
  }
}
