import Foundation
import Testing

/// `steward run` on runbooks, as the person on call runs them: the shipped
/// on-call runbook against the simulated service, dry runs, prompts through
/// a real terminal (tmux), and a run killed with SIGKILL, then resumed.
@Suite struct RunbookCommandTests {
  @Test func theOnCallRunbookPassesOnAHealthyService() throws {
    let dir = try StewardBinary.scratch([:])
    let r = try StewardBinary.run(
      ["run", "Playbooks/recsys-oncall.yaml", "--yes", "--store", dir.path + "/h.sqlite"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("OK: 4 ok, 0 failed, 7 skipped"))
    #expect(r.stderr.contains("authorization=Bearer ***"))
    #expect(!r.stderr.contains("sr-demo-7f3a9c2e51"))
  }

  @Test func aBrokenFeaturePipelineIsDiagnosedFallenBackAndEscalated() throws {
    let dir = try StewardBinary.scratch([:])
    let r = try StewardBinary.run([
      "run", "Playbooks/recsys-oncall.yaml", "--yes", "--var", "state=broken", "--format",
      "markdown", "--output", dir.path + "/timeline.md", "--store", dir.path + "/h.sqlite",
    ])
    #expect(r.status == 1, "\(r.stderr)")
    let md = try String(contentsOf: dir.appendingPathComponent("timeline.md"), encoding: .utf8)
    #expect(md.contains("# Recommender on-call — runbook timeline"))
    #expect(md.contains("**ESCALATED**"))
    #expect(md.contains("| ❌ failed |") && md.contains("lag=317"))
    #expect(md.contains("(`fallback-popularity`) | ✅ ok |"))
    #expect(md.contains("(`verify-fallback`) | ✅ ok |"))
    #expect(md.contains("answered \"yes\" by"))
    #expect(md.contains("**Chen Wei (feature store, ML platform)"))
    #expect(md.contains("PAGE Chen Wei"))
    #expect(md.contains("## Timeline"))
    #expect(!md.contains("sr-demo-7f3a9c2e51"))
    let history = try StewardBinary.run(["history", "--store", dir.path + "/h.sqlite"])
    #expect(history.stdout.contains("recsys-oncall"))
  }

  @Test func theMonitoringReviewWalksFourLayers() throws {
    let healthy = try StewardBinary.run([
      "run", "Playbooks/monitoring-review.yaml", "--yes", "--no-record", "--format", "json",
    ])
    #expect(healthy.status == 0, "\(healthy.stderr)")
    #expect(healthy.stdout.contains("\"answer\": \"nothing unusual\""))
    let broken = try StewardBinary.run([
      "run", "Playbooks/monitoring-review.yaml", "--yes", "--no-record", "--var", "state=broken",
    ])
    #expect(broken.status == 1)
    #expect(broken.stdout.contains("❌ business: failed"))
    #expect(broken.stdout.contains("❌ data: failed"))
    #expect(broken.stdout.contains("✅ system: ok"))
  }

  static let risky = """
    steward: 1
    kind: runbook
    name: risky
    vars: { target: ranker-v42 }
    steps:
      - id: look
        run: [sh, -c, "echo looked >> ran.txt"]
      - id: restart
        when: steps.look.ok
        confirm: "Restart {{target}}?"
        run: [sh, -c, "echo restarted {{target}} >> ran.txt"]
    """

  @Test func aDryRunShowsThePlanAndRunsNothing() throws {
    let dir = try StewardBinary.scratch(["risky.yaml": Self.risky])
    let r = try StewardBinary.run(
      ["run", "risky.yaml", "--dry-run", "--var", "target=ranker-v41"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("run: sh -c 'echo restarted ranker-v41 >> ran.txt'"))
    #expect(r.stdout.contains("when: steps.look.ok"))
    #expect(r.stdout.contains("confirm: Restart ranker-v41?"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ran.txt").path))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".steward").path))
  }

  @Test func aPromptWithoutATerminalFailsClearly() throws {
    let dir = try StewardBinary.scratch([
      "risky.yaml": Self.risky, "answers.yaml": "restart: no\n",
    ])
    let r = try StewardBinary.run(["run", "risky.yaml", "--no-record"], in: dir)
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "step restart asks \"Restart ranker-v42?\" and there is no terminal to answer it; run with --yes, or --answers FILE"
      ))
    let answered = try StewardBinary.run(
      ["run", "risky.yaml", "--no-record", "--answers", "answers.yaml", "--format", "json"], in: dir
    )
    #expect(answered.status == 1)
    #expect(answered.stdout.contains("the operator declined"))
    let bad = try StewardBinary.run(["run", "risky.yaml", "--var", "nope=1"], in: dir)
    #expect(bad.status == 2)
    #expect(
      bad.stderr.contains(
        "risky.yaml:4:7: error: --var nope: the runbook declares no variable \"nope\" (it declares target)"
      ))
  }

  @Test func aPromptAnsweredInATerminalIsRecorded() throws {
    let dir = try StewardBinary.scratch(["risky.yaml": Self.risky])
    let socket = "steward-test-\(UUID().uuidString.prefix(8))"
    let command =
      "cd '\(dir.path)' && '\(StewardBinary.executable.path)' run risky.yaml --store h.sqlite --format json --output out.json; echo $? > exit.txt"
    defer { _ = try? Self.tmux(socket, ["kill-server"]) }
    _ = try Self.tmux(socket, ["new-session", "-d", "-x", "200", "-y", "40", command])
    var screen = ""
    for _ in 0..<100 where !screen.contains("? Restart ranker-v42? [yes/no/skip]") {
      Thread.sleep(forTimeInterval: 0.1)
      screen = (try? Self.tmux(socket, ["capture-pane", "-p"])) ?? ""
    }
    #expect(screen.contains("? Restart ranker-v42? [yes/no/skip]"), "\(screen)")
    _ = try Self.tmux(socket, ["send-keys", "yes", "Enter"])
    let exitFile = dir.appendingPathComponent("exit.txt")
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: exitFile.path) {
      Thread.sleep(forTimeInterval: 0.1)
    }
    let status = try String(contentsOf: exitFile, encoding: .utf8)
    #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    let json = try Self.json(dir.appendingPathComponent("out.json"))
    let events = try #require(json["events"] as? [[String: Any]])
    let prompt = try #require(events.first { $0["type"] as? String == "prompt" })
    let data = try #require(prompt["data"] as? [String: Any])
    #expect(data["answer"] as? String == "yes")
    #expect((data["who"] as? String)?.contains(" at /dev/pts/") == true)
    let ran = try String(contentsOf: dir.appendingPathComponent("ran.txt"), encoding: .utf8)
    #expect(ran == "looked\nrestarted ranker-v42\n")
  }

  @Test func aRunKilledMidwayResumesAndEveryEventIsThereOnce() throws {
    let playbook = """
      steward: 1
      kind: runbook
      name: long
      steps:
        - { id: one, run: [sh, -c, "echo one >> ran.txt"] }
        - { id: two, run: [sh, -c, "echo two >> ran.txt"] }
        - id: three
          shell: true
          run: 'echo three >> ran.txt; if [ ! -f resumed ]; then echo $$ > three.pid; touch started; exec sleep 60; fi'
        - { id: four, run: [sh, -c, "echo four >> ran.txt"] }
      """
    let dir = try StewardBinary.scratch(["long.yaml": playbook])
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    let first = Process()
    first.executableURL = StewardBinary.executable
    first.arguments = ["run", "long.yaml", "--store", "h.sqlite"]
    first.currentDirectoryURL = dir
    first.standardOutput = FileHandle.nullDevice
    first.standardError = FileHandle.nullDevice
    try first.run()
    for _ in 0..<150 where !FileManager.default.fileExists(atPath: path("started")) {
      Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(FileManager.default.fileExists(atPath: path("started")))
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    #expect(first.terminationReason == .uncaughtSignal)
    // Steward died with SIGKILL; its step's group lives on until we end it.
    if let pid = Int32(
      (try? String(contentsOfFile: path("three.pid"), encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    {
      killpg(pid, SIGKILL)
    }
    _ = FileManager.default.createFile(atPath: path("resumed"), contents: nil)

    let r = try StewardBinary.run(
      ["run", "long.yaml", "--store", "h.sqlite", "--resume", "1", "--format", "json"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let json = try Self.json(from: r.stdout)
    let events = try #require(json["events"] as? [[String: Any]])
    let seqs = events.compactMap { $0["seq"] as? Int }
    #expect(seqs == Array(1...events.count))
    func count(_ type: String, _ step: String = "") -> Int {
      events.filter { $0["type"] as? String == type && ($0["step"] as? String ?? "") == step }.count
    }
    #expect(count("run_started") == 1)
    #expect(count("run_resumed") == 1)
    #expect(count("run_finished") == 1)
    for step in ["one", "two", "three", "four"] {
      #expect(count("step_finished", step) == 1, "step \(step)")
    }
    #expect(count("step_started", "one") == 1)
    #expect(count("step_started", "two") == 1)
    // Step three was interrupted once, then ran again.
    #expect(count("step_started", "three") == 2)
    let ran = try String(contentsOfFile: path("ran.txt"), encoding: .utf8)
    #expect(ran == "one\ntwo\nthree\nthree\nfour\n")
    #expect(
      (json["steps"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [
        "one", "two", "three", "four",
      ])

    let again = try StewardBinary.run(
      ["run", "long.yaml", "--store", "h.sqlite", "--resume", "1"], in: dir)
    #expect(again.status == 2)
    #expect(again.stderr.contains("run 1 already ended (ok); there is nothing to resume"))
  }

  @Test func anInterruptEndsTheRunningStepAndTheRunCanResume() throws {
    let playbook = """
      steward: 1
      kind: runbook
      name: wait
      steps:
        - id: wait
          shell: true
          run: 'if [ -f resumed ]; then exit 0; fi; echo $$ > wait.pid; exec sleep 60'
      """
    let dir = try StewardBinary.scratch(["wait.yaml": playbook])
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    let run = Process()
    run.executableURL = StewardBinary.executable
    run.arguments = ["run", "wait.yaml", "--store", "h.sqlite"]
    run.currentDirectoryURL = dir
    run.standardOutput = FileHandle.nullDevice
    run.standardError = FileHandle.nullDevice
    try run.run()
    for _ in 0..<150 where !FileManager.default.fileExists(atPath: path("wait.pid")) {
      Thread.sleep(forTimeInterval: 0.1)
    }
    Thread.sleep(forTimeInterval: 0.2)
    let pid = try #require(
      Int32(
        (try? String(contentsOfFile: path("wait.pid"), encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
    kill(run.processIdentifier, SIGINT)
    run.waitUntilExit()
    #expect(run.terminationStatus == 130)
    var gone = false
    for _ in 0..<30 where !gone {
      let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
      gone = kill(pid, 0) != 0 || status.contains("State:\tZ")
      if !gone { Thread.sleep(forTimeInterval: 0.1) }
    }
    #expect(gone, "the interrupted step \(pid) is still running")
    _ = FileManager.default.createFile(atPath: path("resumed"), contents: nil)
    let resumed = try StewardBinary.run(
      ["run", "wait.yaml", "--store", "h.sqlite", "--resume", "1"], in: dir)
    #expect(resumed.status == 0, "\(resumed.stderr)")
  }

  /// Runs tmux and waits for it with waitpid. Not Foundation's Process: its
  /// wait never returned for the client of `new-session -d` (the client
  /// stayed a zombie while the server it forked lived on).
  static func tmux(_ socket: String, _ arguments: [String]) throws -> String {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("steward-tmux-\(UUID().uuidString)").path
    defer { unlink(file) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let args = ["/usr/bin/tmux", "-L", socket] + arguments
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, args[0], &actions, nil, &argv, environ) == 0 else {
      throw CocoaError(.executableNotLoadable)
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
  }

  static func json(_ url: URL) throws -> [String: Any] {
    try json(from: String(contentsOf: url, encoding: .utf8))
  }

  static func json(from text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
  }
}
