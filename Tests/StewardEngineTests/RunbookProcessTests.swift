import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// Process control with real processes: timeouts end the whole group, a
/// child that ignores SIGTERM included; output stays bounded; retries back off.
@Suite("Runbook processes") struct RunbookProcessTests {
  @Test func aTimeoutKillsTheStepAndItsChildren() async throws {
    // No wall-clock bound (the suite shares two cores): a step that was not
    // cut short would run its 30 s and not be marked timed out.
    let (fixture, report) = try await runUntilStarted(grace: 0.3) { timeout in
      """
      steward: 1
      kind: runbook
      name: t
      steps:
        - id: hang
          shell: true
          run: "sleep 30 & echo $! > child.pid; sleep 30"
          timeout: \(timeout)
      """
    }
    let step = try #require(report.step("hang"))
    #expect(step.status == .failed)
    #expect(step.timedOut)
    #expect(step.message.contains("timed out"))
    let child = try #require(
      Int32(fixture.text("child.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
    // The pipe closes a moment before the kernel marks the child dead.
    var gone = false
    for _ in 0..<50 where !gone {
      gone = processIsGone(child)
      if !gone { try await Task.sleep(nanoseconds: 100_000_000) }
    }
    #expect(gone, "the background child \(child) outlived the timeout")
    #expect(report.exitCode == 1)
  }

  @Test func aChildThatIgnoresSIGTERMIsKilled() async throws {
    let (fixture, report) = try await runUntilStarted(
      grace: 0.3,
      files: [
        "stubborn.py": """
        import os, signal, subprocess, sys, time
        # Its output goes elsewhere, so the pipe closes when the parent dies:
        # only the SIGKILL to the whole group can end it.
        child = subprocess.Popen([sys.executable, "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        open("child.pid", "w").write(str(child.pid))
        time.sleep(60)
        """
      ]
    ) { timeout in
      """
      steward: 1
      kind: runbook
      name: t
      steps:
        - id: stubborn
          run: [python3, stubborn.py]
          timeout: \(timeout)
      """
    }
    #expect(report.step("stubborn")?.timedOut == true)
    let child = try #require(Int32(fixture.text("child.pid")))
    // The run waits to send its SIGKILL; the kernel takes a moment to act on it.
    var gone = false
    for _ in 0..<30 where !gone {
      gone = processIsGone(child)
      if !gone { try await Task.sleep(nanoseconds: 100_000_000) }
    }
    #expect(gone, "the SIGTERM-ignoring child \(child) survived (it sleeps 60 s)")
  }

  /// Runs the playbook `yaml(timeout)` with a timeout of 500 ms, then
  /// longer ones, until its step got as far as writing `child.pid` before
  /// it was cut short: on a loaded machine a short timeout can fire before
  /// the interpreter has even started, and then there is no child to check.
  func runUntilStarted(
    grace: Double, files: [String: String] = [:], _ yaml: (String) -> String
  ) async throws -> (RunbookFixture, RunbookReport) {
    var milliseconds = 500
    while true {
      let fixture = try RunbookFixture(yaml("\(milliseconds)ms"), files: files)
      let report = try await fixture.run(grace: grace)
      if !fixture.text("child.pid").isEmpty || milliseconds >= 16_000 {
        return (fixture, report)
      }
      milliseconds *= 2
    }
  }

  @Test func aHundredMegabytesOfOutputStayBounded() async throws {
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: t
      steps:
        - id: loud
          run: [python3, -c, "import sys\\nline = 'x' * 1023 + '\\\\n'\\nfor _ in range(102400): sys.stdout.write(line)\\nprint('the end')"]
          timeout: 120s
          expect:
            output: 'the (?<word>end)'
      """)
    let store = InMemoryTimelineStore()
    let runner = try RunbookRunner(playbook: fixture.playbook, store: store)
    let streamed = ByteCounter()
    runner.terminal = { streamed.add($0.count) }
    let report = try await runner.run()
    let step = try #require(report.step("loud"))
    #expect(step.status == .ok)
    #expect(step.output.totalBytes == 100 * 1024 * 1024 + 8)
    // Everything reached the terminal; the runner kept head and tail only.
    #expect(streamed.total >= 100 * 1024 * 1024)
    let kept = step.output.head.utf8.count + step.output.tail.utf8.count
    #expect(kept <= 64 * 1024, "kept \(kept) bytes of output")
    #expect(step.captures["word"] == "end")
    let eventBytes = report.events.reduce(0) { $0 + JSONText.render($1.data).utf8.count }
    #expect(eventBytes < 64 * 1024, "the timeline holds \(eventBytes) bytes")
  }

  @Test func theCollectorHoldsItsBoundWhatever() {
    let collector = OutputCollector(headLimit: 1024, tailLimit: 1024)
    let chunk = [UInt8](repeating: 65, count: 65_536)
    for _ in 0..<1600 { collector.append(chunk) }  // 100 MiB
    #expect(collector.total == 1600 * 65_536)
    #expect(collector.retainedBytes < 8 * 65_536)
    #expect(collector.excerpt.truncated)
    #expect(collector.excerpt.text.contains("bytes not kept"))
  }

  @Test func retriesBackOffAndDouble() async throws {
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: t
      steps:
        - id: flaky
          shell: true
          run: "date +%s.%N >> attempts.txt; test $(wc -l < attempts.txt) -ge 3"
          retries: 3
          backoff: 200ms
      """)
    let report = try await fixture.run()
    let step = try #require(report.step("flaky"))
    #expect(step.status == .ok)
    #expect(step.attempts == 3)
    let times = fixture.text("attempts.txt").split(separator: "\n").compactMap { Double($0) }
    try #require(times.count == 3)
    // 200 ms, then 400 ms.
    #expect(times[1] - times[0] >= 0.2)
    #expect(times[2] - times[1] >= 0.4)
    let waits = report.events.filter { $0.type == "retry" }.compactMap { $0.data["wait"]?.number }
    #expect(waits == [0.2, 0.4])
  }

  @Test func aMissingCommandFailsTheStepNotTheRun() async throws {
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: t
      steps:
        - { id: missing, run: [no-such-command-xyz], on_failure: continue }
        - { id: after, run: [true] }
      """)
    let report = try await fixture.run()
    #expect(report.step("missing")?.status == .failed)
    #expect(report.step("missing")?.message.contains("cannot run no-such-command-xyz") == true)
    #expect(report.step("after")?.status == .ok)
  }
}

final class ByteCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  func add(_ n: Int) { lock.withLock { count += n } }
  var total: Int { lock.withLock { count } }
}
