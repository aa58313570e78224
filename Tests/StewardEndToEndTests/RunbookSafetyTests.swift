import Foundation
import GRDB
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `steward` started in the background, with an environment of the test's
/// choosing, for tests that kill it or run two at once.
final class StewardProcess {
  let process = Process()
  let out = Pipe()
  let err = Pipe()

  init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
    process.executableURL = StewardBinary.executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  var pid: pid_t { process.processIdentifier }

  /// Waits for it to end; its status, stdout and stderr.
  func finish() -> StewardBinary.Result {
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return StewardBinary.Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Runs to the end, in the foreground.
  static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:])
    throws -> StewardBinary.Result
  {
    try StewardProcess(arguments, in: directory, environment: environment).finish()
  }

  /// Waits up to `seconds` for `file` to appear in `directory`.
  static func waitFor(_ file: String, in directory: URL, seconds: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) {
        return true
      }
      usleep(20_000)
    }
    return false
  }

  /// Whether `pid` is a live process (a zombie waiting for init counts as dead).
  static func alive(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
      return false
    }
    let state = stat.split(separator: ")").last?.split(separator: " ").first
    return state != "Z" && state != "X"
  }
}

@Suite(.serialized) struct RunbookSecretTests {
  // Split in the playbook ("s3cr3t-VAL""UE…" in sh) so that only a leak puts it whole in a file.
  static let secret = "s3cr3t-VALUE-7f9a2c"

  static func playbook(port: UInt16) -> String {
    """
    steward: 1
    kind: runbook
    name: leak
    vars:
      token: placeholder
    secrets: [token, DEPLOY_KEY]
    escalation:
      contact: "on-call (key {{token}})"
      command: [sh, -c, 'cat > hook-stdin.txt; printf "%s|%s\\n" "$STEWARD_CONTACT" "$STEWARD_REASON" > hook-env.txt']
      webhook: "http://127.0.0.1:\(port)/hook"
    steps:
      - id: args
        run: [sh, -c, 'echo arg $1 env $DEPLOY_KEY tok $TOKEN', x, "{{token}}"]
        env: { TOKEN: "{{token}}" }
      - id: cwd
        run: [echo, hi]
        cwd: "missing-{{token}}"
        on_failure: continue
      - id: notfound
        run: ["./bin-{{token}}/tool"]
        on_failure: continue
      - id: pause
        run: [sh, -c, 'test -f go || { touch waiting; sleep 60; }; echo resumed with $TOKEN']
        env: { TOKEN: "{{token}}" }
      - id: same
        title: the resumed step got the real secret, not ***
        run: [sh, -c, 'test "$TOKEN" = "s3cr3t-VAL""UE-7f9a2c" && test "$DEPLOY_KEY" = "s3cr3t-VAL""UE-7f9a2c"']
        env: { TOKEN: "{{token}}" }
      - id: page
        escalate: "lag seen with key {{token}}"
    """
  }

  /// Every place the secret could end up after a run and its resume.
  static func leaks(in directory: URL, outputs: [String], playbook: String = "leak.yaml") throws
    -> [String]
  {
    var found: [String] = []
    for (i, text) in outputs.enumerated() where text.contains(secret) {
      found.append("output \(i): \(text)")
    }
    let files =
      FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []
    for name in files where name != playbook {
      let data = (try? Data(contentsOf: directory.appendingPathComponent(name))) ?? Data()
      if data.range(of: Data(secret.utf8)) != nil { found.append("file \(name)") }
    }
    let queue = try DatabaseQueue(path: directory.appendingPathComponent("h.db").path)
    try queue.read { db in
      for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type='table'")
      {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
          for (column, value) in row where "\(value)".contains(secret) {
            found.append("table \(table).\(column)")
          }
        }
      }
    }
    return found
  }

  @Test func aSecretThroughEverythingAndAResumeAppearsNowhere() throws {
    let server = try LoopbackServer(status: 200)
    let dir = try StewardBinary.scratch(["leak.yaml": Self.playbook(port: server.port)])
    let first = try StewardProcess(
      ["run", "leak.yaml", "--store", "h.db", "--var", "token=\(Self.secret)"], in: dir,
      environment: ["DEPLOY_KEY": Self.secret])
    #expect(StewardProcess.waitFor("waiting", in: dir))
    kill(first.pid, SIGKILL)
    let killed = first.finish()

    // Resumed without its secrets: refused, naming each, and nothing runs.
    let refused = try StewardProcess.run(
      ["run", "leak.yaml", "--store", "h.db", "--resume", "1"], in: dir)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("the variable token"))
    #expect(refused.stderr.contains("the environment variable DEPLOY_KEY"))

    try Data().write(to: dir.appendingPathComponent("go"))
    let resumed = try StewardProcess.run(
      ["run", "leak.yaml", "--store", "h.db", "--resume", "1", "--format", "json"], in: dir,
      environment: ["token": Self.secret, "DEPLOY_KEY": Self.secret])
    #expect(resumed.status == 1)
    #expect(resumed.stdout.contains("\"same\""))
    #expect(resumed.stderr.contains("■ same ok"), "the resumed steps got the real secret")
    #expect(resumed.stderr.contains("ESCALATE to on-call (key ***): lag seen with key ***"))
    let markdown = try StewardProcess.run(
      ["timeline", "1", "--store", "h.db", "--format", "markdown"], in: dir)
    let history = try StewardProcess.run(["history", "--store", "h.db"], in: dir)

    let request = server.received()
    #expect(request.contains("lag seen with key ***"))
    let hookEnv = try String(
      contentsOf: dir.appendingPathComponent("hook-env.txt"), encoding: .utf8)
    #expect(hookEnv.contains("on-call (key ***)|lag seen with key ***"))
    let outputs = [
      killed.stdout, killed.stderr, refused.stdout, refused.stderr, resumed.stdout,
      resumed.stderr, markdown.stdout, markdown.stderr, history.stdout, history.stderr, request,
    ]
    #expect(try Self.leaks(in: dir, outputs: outputs) == [])
    // The failed cwd and the command not found say where, redacted.
    #expect(resumed.stdout.contains("no such directory"))
    #expect(resumed.stdout.contains("bin-***"))
  }
}

@Suite(.serialized) struct RunbookSecretAtATerminalTests {
  /// The secret a resume needs, typed at a real terminal (tmux): not echoed,
  /// and the resumed step gets it.
  @Test func aResumeAsksForAMissingSecretAtTheTerminal() throws {
    let secret = RunbookSecretTests.secret
    let dir = try StewardBinary.scratch([
      "t.yaml": """
      steward: 1
      kind: runbook
      name: t
      vars: { token: placeholder }
      secrets: [token]
      steps:
        - id: pause
          run: [sh, -c, 'test -f go || { touch waiting; sleep 60; }']
        - id: same
          run: [sh, -c, 'test "$TOKEN" = "s3cr3t-VAL""UE-7f9a2c"']
          env: { TOKEN: "{{token}}" }
      """
    ])
    let first = try StewardProcess(
      ["run", "t.yaml", "--store", "h.db", "--var", "token=\(secret)"], in: dir)
    #expect(StewardProcess.waitFor("waiting", in: dir))
    kill(first.pid, SIGKILL)
    _ = first.finish()
    try Data().write(to: dir.appendingPathComponent("go"))

    let socket = "steward-test-\(UUID().uuidString.prefix(8))"
    let command =
      "cd '\(dir.path)' && '\(StewardBinary.executable.path)' run t.yaml --store h.db --resume 1 > out.txt 2>&1; echo $? > exit.txt"
    defer { _ = try? RunbookCommandTests.tmux(socket, ["kill-server"]) }
    _ = try RunbookCommandTests.tmux(
      socket, ["new-session", "-d", "-x", "200", "-y", "40", command])
    var screen = ""
    for _ in 0..<100 where !screen.contains("secret token (not echoed):") {
      Thread.sleep(forTimeInterval: 0.1)
      screen = (try? RunbookCommandTests.tmux(socket, ["capture-pane", "-p"])) ?? ""
    }
    #expect(screen.contains("secret token (not echoed):"), "\(screen)")
    _ = try RunbookCommandTests.tmux(socket, ["send-keys", secret, "Enter"])
    #expect(StewardProcess.waitFor("exit.txt", in: dir))
    Thread.sleep(forTimeInterval: 0.2)
    screen = (try? RunbookCommandTests.tmux(socket, ["capture-pane", "-p"])) ?? ""
    let status = try String(contentsOf: dir.appendingPathComponent("exit.txt"), encoding: .utf8)
    let output = try String(contentsOf: dir.appendingPathComponent("out.txt"), encoding: .utf8)
    #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(output)")
    #expect(output.contains("■ same ok"))
    #expect(!screen.contains(secret), "not echoed")
    #expect(try RunbookSecretTests.leaks(in: dir, outputs: [output], playbook: "t.yaml") == [])
  }
}

@Suite(.serialized) struct RunbookOrphanTests {
  @Test func killingTheRunnerKillsTheStepAndItsGrandchildren() throws {
    let dir = try StewardBinary.scratch([
      "hang.yaml": """
      steward: 1
      kind: runbook
      name: hang
      steps:
        - id: hang
          run: [sh, -c, 'if test -f go; then exit 0; fi; sleep 300 & echo $! > grandchild.pid; echo $$ > child.pid; wait']
      """
    ])
    let runner = try StewardProcess(["run", "hang.yaml", "--store", "h.db"], in: dir)
    #expect(StewardProcess.waitFor("child.pid", in: dir))
    #expect(StewardProcess.waitFor("grandchild.pid", in: dir))
    let pids = try ["child.pid", "grandchild.pid"].map {
      pid_t(
        try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)
          .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
    #expect(pids.allSatisfy { $0 > 0 && StewardProcess.alive($0) })
    kill(runner.pid, SIGKILL)
    _ = runner.finish()
    usleep(1_000_000)
    #expect(pids.filter(StewardProcess.alive) == [], "no process of the step outlives the runner")

    try Data().write(to: dir.appendingPathComponent("go"))
    let resumed = try StewardProcess.run(
      ["run", "hang.yaml", "--store", "h.db", "--resume", "1"], in: dir)
    #expect(resumed.status == 0, "\(resumed.stderr)")
  }
}

@Suite(.serialized) struct RunbookResumeSafetyTests {
  static let playbook = """
    steward: 1
    kind: runbook
    name: slow
    steps:
      - id: one
        run: [sh, -c, 'test -f go || { touch waiting; sleep 60; }; echo one done']
      - id: two
        run: [echo, two]
    """

  /// A run killed by SIGKILL while its first step waits.
  static func interrupted() throws -> URL {
    let dir = try StewardBinary.scratch(["slow.yaml": playbook])
    let first = try StewardProcess(["run", "slow.yaml", "--store", "h.db"], in: dir)
    #expect(StewardProcess.waitFor("waiting", in: dir))
    // While it runs, a resume is refused too, naming it.
    let early = try StewardProcess.run(
      ["run", "slow.yaml", "--store", "h.db", "--resume", "1"], in: dir)
    #expect(early.status == 2)
    #expect(early.stderr.contains("run 1 is in use by process \(first.pid)"), "\(early.stderr)")
    kill(first.pid, SIGKILL)
    _ = first.finish()
    try FileManager.default.removeItem(at: dir.appendingPathComponent("waiting"))
    return dir
  }

  @Test func aSecondResumeAtOnceIsToldWhichProcessHoldsTheRun() throws {
    let dir = try Self.interrupted()
    let resuming = try StewardProcess(
      ["run", "slow.yaml", "--store", "h.db", "--resume", "1"], in: dir)
    #expect(StewardProcess.waitFor("waiting", in: dir))
    let second = try StewardProcess.run(
      ["run", "slow.yaml", "--store", "h.db", "--resume", "1"], in: dir)
    #expect(second.status == 2)
    #expect(!second.stderr.contains("SQLite"))
    #expect(
      second.stderr.contains("run 1 is in use by process \(resuming.pid) ("), "\(second.stderr)")
    #expect(second.stderr.contains("resuming since"))
    kill(resuming.pid, SIGKILL)
    _ = resuming.finish()
  }

  @Test func aResumeOfAChangedPlaybookIsRefusedShowingWhatChangedUnlessForced() throws {
    let dir = try Self.interrupted()
    try Self.playbook.replacingOccurrences(of: "[echo, two]", with: "[echo, deleted everything]")
      .write(to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
    try Data().write(to: dir.appendingPathComponent("go"))
    let refused = try StewardProcess.run(
      ["run", "slow.yaml", "--store", "h.db", "--resume", "1"], in: dir)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("run 1 started from another version of this playbook"))
    #expect(refused.stderr.contains("line 8: -     run: [echo, two]"), "\(refused.stderr)")
    #expect(refused.stderr.contains("line 8: +     run: [echo, deleted everything]"))
    #expect(refused.stderr.contains("--force"))
    #expect(!refused.stderr.contains("one done"), "nothing ran")

    let forced = try StewardProcess.run(
      ["run", "slow.yaml", "--store", "h.db", "--resume", "1", "--force", "--format", "json"],
      in: dir)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(forced.stdout.contains("changed since the run started"))
    #expect(forced.stderr.contains("deleted everything"))
  }
}

@Suite struct RunbookAnswersFileTests {
  @Test func anAnswersFileIsCheckedBeforeTheFirstStep() throws {
    let dir = try StewardBinary.scratch([
      "ask.yaml": """
      steward: 1
      kind: runbook
      name: ask
      steps:
        - id: first
          run: [touch, ran.txt]
        - id: rollback
          confirm: Roll back the model?
          run: [echo, rolled back]
        - id: note
          prompt: { text: "Anything to add?", type: text }
      """,
      "a.yaml": "rollbak: yes\nrollback: maybe\nfirst: yes\nnote: 42\n",
    ])
    let result = try StewardBinary.run(
      ["run", "ask.yaml", "--store", "h.db", "--answers", "a.yaml"], in: dir)
    #expect(result.status == 2)
    #expect(
      result.stderr.contains(
        "a.yaml:1:1: error: the answers file answers step \"rollbak\", which runbook ask does not have; did you mean \"rollback\"? [R031]"
      ), "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "a.yaml:2:11: error: step rollback asks \"Roll back the model?\", which takes yes, no or skip, not \"maybe\" [R032]"
      ))
    #expect(
      result.stderr.contains(
        "a.yaml:3:1: error: step first asks nothing; the steps that ask are rollback, note"))
    #expect(!result.stderr.contains("step note"), "a text question takes any answer")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ran.txt").path))

    try "rollback: no\nnote: 42\n".write(
      to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
    let good = try StewardBinary.run(
      ["run", "ask.yaml", "--store", "h.db", "--answers", "a.yaml"], in: dir)
    #expect(good.status == 1, "declined: the step fails, as before")
  }
}

@Suite(.serialized) struct RunbookApprovalTests {
  /// The example of docs/runbook.md, "Approval by a second person".
  static let playbook: String = {
    let docs =
      (try? String(
        contentsOf: StewardBinary.packageRoot.appendingPathComponent("docs/runbook.md"),
        encoding: .utf8)) ?? ""
    let blocks = docs.components(separatedBy: "```yaml\n").dropFirst()
      .map { $0.components(separatedBy: "\n```")[0] + "\n" }
    return blocks.first { $0.contains("name: rollback") } ?? ""
  }()

  static func scratch(_ playbook: String = playbook) throws -> URL {
    try StewardBinary.scratch(["approve.yaml": playbook, "roster.yaml": "sre: [dana, lee, sam]\n"])
  }

  static func steward(_ arguments: [String], as user: String, in dir: URL) throws
    -> StewardBinary.Result
  {
    try StewardProcess.run(arguments, in: dir, environment: ["STEWARD_USER": user])
  }

  /// Times and durations change from run to run; the rest must not.
  static func normalized(_ markdown: String) -> String {
    var text = markdown
    for (pattern, with) in [
      (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, "TIME"), (#"\d\d:\d\d:\d\d(\.\d+)?"#, "TIME"),
      (#"\d+(\.\d+)? m?s\b"#, "DURATION"), (#"sha256 [0-9a-f]{12}"#, "sha256 HASH"),
    ] {
      text = text.replacingOccurrences(of: pattern, with: with, options: .regularExpression)
    }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func twoPeopleApproveInTheirOwnProcessesAndTheRunGoesOn() throws {
    let dir = try Self.scratch()
    let run = ["run", "approve.yaml", "--store", "h.db"]
    let started = try Self.steward(run, as: "dana", in: dir)
    #expect(started.status == 3, "\(started.stderr)")
    #expect(
      started.stdout.contains(
        "rollback waits for 2 more approval(s) from lee, sam: steward approve 1 rollback --as NAME"
      ), "\(started.stdout)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("rolled.txt").path))

    let approve = ["approve", "1", "rollback", "--store", "h.db"]
    let own = try Self.steward(approve, as: "dana", in: dir)
    #expect(own.status == 2)
    #expect(own.stderr.contains("dana started run 1 and so cannot approve or deny its steps"))
    let stranger = try Self.steward(approve + ["--as", "eve"], as: "lee", in: dir)
    #expect(stranger.status == 2)
    #expect(stranger.stderr.contains("eve may not approve step rollback; dana, lee, sam may"))

    let lee = try Self.steward(approve + ["--reason", "error rate confirmed"], as: "lee", in: dir)
    #expect(lee.status == 0, "\(lee.stderr)")
    #expect(
      lee.stdout.contains(
        "approved by lee (STEWARD_USER), 1 of 2: error rate confirmed; 1 more needed"))
    let twice = try Self.steward(approve, as: "lee", in: dir)
    #expect(twice.stderr.contains("lee has already decided on step rollback of run 1"))

    let early = try Self.steward(run + ["--resume", "1"], as: "dana", in: dir)
    #expect(early.status == 3, "one approval of two: still waiting")

    let sam = try Self.steward(approve + ["--as", "sam"], as: "dana", in: dir)
    #expect(sam.status == 0, "\(sam.stderr)")
    #expect(sam.stdout.contains("resume it: steward run approve.yaml --resume 1"))

    let done = try Self.steward(
      run + ["--resume", "1", "--format", "markdown", "--output", "timeline.md"], as: "dana",
      in: dir)
    #expect(done.status == 0, "\(done.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rolled.txt").path))
    let markdown = try String(
      contentsOf: dir.appendingPathComponent("timeline.md"), encoding: .utf8)
    #expect(
      markdown.contains(#"rollback: approved by lee (STEWARD\_USER), 1 of 2: error rate confirmed"#))
    #expect(markdown.contains("rollback: approved by sam (--as), 2 of 2"))

    // docs/runbook.md shows this very timeline.
    let docs = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent("docs/runbook.md"),
      encoding: .utf8)
    let block = docs.components(separatedBy: "<!-- approval-timeline -->").dropFirst().first ?? ""
    let shown = block.components(separatedBy: "```").dropFirst().first?.dropFirst("markdown".count)
    #expect(Self.normalized(String(shown ?? "")) == Self.normalized(markdown))
  }

  @Test func aDenialIsRoutedLikeAFailure() throws {
    let dir = try Self.scratch()
    _ = try Self.steward(["run", "approve.yaml", "--store", "h.db"], as: "dana", in: dir)
    let no = try Self.steward(
      ["approve", "1", "rollback", "--store", "h.db", "--deny", "--reason", "wrong model"],
      as: "sam", in: dir)
    #expect(no.status == 0, "\(no.stderr)")
    let resumed = try Self.steward(
      ["run", "approve.yaml", "--store", "h.db", "--resume", "1"], as: "dana", in: dir)
    #expect(resumed.status == 1)
    #expect(resumed.stdout.contains("rollback: failed — denied by sam: wrong model"))
    #expect(resumed.stderr.contains("ESCALATE to"), "on_failure: escalate")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("rolled.txt").path))
  }

  @Test func anExpiredRequestIsRoutedLikeAFailure() throws {
    let dir = try Self.scratch(Self.playbook.replacingOccurrences(of: "30m", with: "1s"))
    let first = try Self.steward(["run", "approve.yaml", "--store", "h.db"], as: "dana", in: dir)
    #expect(first.status == 3)
    usleep(1_200_000)
    let late = try Self.steward(
      ["approve", "1", "rollback", "--store", "h.db"], as: "lee", in: dir)
    #expect(late.status == 2)
    #expect(late.stderr.contains("the request for step rollback expired at"))
    let resumed = try Self.steward(
      ["run", "approve.yaml", "--store", "h.db", "--resume", "1"], as: "dana", in: dir)
    #expect(resumed.status == 1)
    #expect(resumed.stdout.contains("rollback: failed — approval expired: 0 of 2 within 1.0 s"))
  }
}

@Suite(.serialized) struct RunbookHistoryOfUnfinishedRunsTests {
  @Test func historyListsInterruptedRunningAndWaitingRunsWithHowToGoOn() throws {
    let dir = try RunbookResumeSafetyTests.interrupted()
    let history = try StewardBinary.run(["history", "--store", "h.db"], in: dir)
    #expect(history.status == 0)
    #expect(!history.stdout.contains("no runs recorded"), "\(history.stdout)")
    #expect(history.stdout.contains("runbook runs not ended:"))
    #expect(
      history.stdout.contains(
        ", interrupted before its first step ended: steward run slow.yaml --resume 1"),
      "\(history.stdout)")

    let second = try StewardProcess(["run", "slow.yaml", "--store", "h.db"], in: dir)
    #expect(StewardProcess.waitFor("waiting", in: dir))
    let busy = try StewardBinary.run(["history", "--store", "h.db"], in: dir)
    #expect(busy.stdout.contains("  2  "))
    #expect(busy.stdout.contains("running in process \(second.pid) ("), "\(busy.stdout)")
    kill(second.pid, SIGKILL)
    _ = second.finish()

    for format in ["markdown", "json", "text"] {
      let timeline = try StewardBinary.run(
        ["timeline", "1", "--store", "h.db", "--format", format], in: dir)
      #expect(timeline.status == 0, "\(timeline.stderr)")
      #expect(
        timeline.stdout.contains(format == "text" ? "slow (run 1)" : "run 1 of slow started by"))
    }
    let markdown = try StewardBinary.run(
      ["timeline", "2", "--store", "h.db", "--format", "markdown"], in: dir)
    #expect(markdown.stdout.contains("**INTERRUPTED** · run 2 of `slow`"))
    let json = try StewardBinary.run(
      ["timeline", "1", "--store", "h.db", "--format", "json"], in: dir)
    #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [String: Any])
    let missing = try StewardBinary.run(["timeline", "9", "--store", "h.db"], in: dir)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("there is no runbook run 9"))
  }

  @Test func historyShowsARunWaitingForApproval() throws {
    let dir = try RunbookApprovalTests.scratch()
    _ = try RunbookApprovalTests.steward(
      ["run", "approve.yaml", "--store", "h.db"], as: "dana", in: dir)
    let history = try StewardBinary.run(["history", "--store", "h.db"], in: dir)
    #expect(
      history.stdout.contains(
        "rollback by dana, waiting for approval of rollback: steward approve 1 rollback --as NAME, then steward run approve.yaml --resume 1"
      ), "\(history.stdout)")
  }
}

@Suite struct RunbookPlanAndShippedPathsTests {
  @Test func aDryRunShowsEverySideEffectWithVariablesResolved() throws {
    let dir = try StewardBinary.scratch([
      "plan.yaml": #"""
      steward: 1
      kind: runbook
      name: plan
      vars: { max_lag_minutes: 60, token: t0ps3cr3tvalue }
      secrets: [token]
      escalation:
        contact: "feature store on-call"
        command: [sh, notify.sh, "{{max_lag_minutes}}"]
        webhook: "http://127.0.0.1:9/page"
      steps:
        - id: look
          run: [echo, "lag=75"]
          expect: { output: 'lag=(?<lag>\d+)' }
          cwd: "work-{{max_lag_minutes}}"
          env: { LIMIT: "{{max_lag_minutes}}", TOKEN: "{{token}}" }
          on_failure: escalate
        - id: rollback
          approve: { by: [lee, sam] }
          run: [echo, rollback]
        - id: page
          escalate: "features {{steps.look.captures.lag}} minutes old (limit {{max_lag_minutes}})"
      """#
    ])
    let r = try StewardBinary.run(["run", "plan.yaml", "--dry-run"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let plan = r.stdout
    #expect(plan.contains("escalate: features {{steps.look.captures.lag}} minutes old (limit 60)"))
    #expect(plan.components(separatedBy: "pages: feature store on-call").count == 3, "\(plan)")
    #expect(plan.contains("hook: sh notify.sh 60 (the escalation as JSON on stdin)"))
    #expect(plan.contains("webhook: POST http://127.0.0.1:9/page"))
    #expect(plan.contains("in: work-60"))
    #expect(plan.contains("env: LIMIT=60 TOKEN=***"))
    #expect(plan.contains("approve: 1 of lee, sam, within 1 h;"), "\(plan)")
    let page = plan.components(separatedBy: "3. page").last ?? ""
    #expect(page.contains("then: the run ends, escalated (exit 1)"))
    #expect(!page.contains("on failure"))
    #expect(!plan.contains("t0ps3cr3tvalue"))
    #expect(!plan.contains("{{max_lag_minutes}}"))
  }

  /// Each state of the simulated service, and each answer to each of the
  /// runbook's confirmations: every path ends healthy (exit 0) or with one
  /// escalation that pages someone and says what is true.
  @Test func everyAnswerPathOfTheOnCallRunbookEndsInAStatedOutcome() throws {
    let dir = try StewardBinary.scratch([:])
    let answersFile = dir.appendingPathComponent("answers.yaml")
    let said: [String: String] = [
      "yes": "", "no": "failed: the operator declined", "skip": "skipped: the operator skipped it",
    ]
    for state in ["healthy", "broken", "bad-model"] {
      for answer in ["yes", "no", "skip"] {
        try "fallback-popularity: \(answer)\nrollback-model: \(answer)\n".write(
          to: answersFile, atomically: true, encoding: .utf8)
        let r = try StewardBinary.run([
          "run", "Playbooks/recsys-oncall.yaml", "--no-record", "--var", "state=\(state)",
          "--answers", answersFile.path,
        ])
        let path = "\(state), \(answer)"
        let escalations = r.stderr.components(separatedBy: "ESCALATE to ").count - 1
        if state == "healthy" {
          #expect(r.status == 0, "\(path): \(r.stderr)")
          #expect(escalations == 0, "\(path)")
          continue
        }
        #expect(r.status == 1, "\(path)")
        #expect(escalations == 1, "\(path): one escalation ends it")
        #expect(r.stderr.contains("— PAGE Chen Wei"), "\(path): someone is paged")
        switch (state, answer) {
        case ("broken", "yes"):
          #expect(r.stderr.contains("popularity fallback is serving"), "\(path)")
        case ("broken", _):
          #expect(!r.stderr.contains("popularity fallback is serving"), "\(path)")
          #expect(r.stderr.contains("NO fallback is serving"), "\(path)")
          #expect(r.stderr.contains("(fallback \(said[answer] ?? ""))"), "\(path)")
        case (_, "yes"):
          #expect(r.stderr.contains("rolled back to ranker-v42, which is serving now"), "\(path)")
        default:
          #expect(r.stderr.contains("is still serving"), "\(path)")
          #expect(r.stderr.contains("was not done (\(said[answer] ?? ""))"), "\(path)")
        }
      }
    }
  }
}
