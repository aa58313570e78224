import Foundation
import StewardCore
import TestSupport
import Testing

@testable import StewardEngine

/// Routing (when, on_failure), checks and captures, prompts, secrets, Lua
/// step types and the `run` capability, escalation hooks.
@Suite("Runbook routing") struct RunbookRoutingTests {
  @Test func onFailureRoutesAsDeclared() async throws {
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: routes
      steps:
        - { id: a, run: [sh, -c, "exit 3"], on_failure: { goto: c } }
        - { id: b, run: [sh, -c, "echo b >> ran.txt"] }
        - { id: c, run: [sh, -c, "echo c >> ran.txt"] }
        - { id: d, run: [sh, -c, "exit 1"], on_failure: continue }
        - { id: e, run: [sh, -c, "echo e >> ran.txt"] }
        - { id: f, run: [sh, -c, "exit 1"] }
        - { id: g, run: [sh, -c, "echo g >> ran.txt"] }
      """)
    let report = try await fixture.run()
    #expect(report.steps.map(\.id) == ["a", "c", "d", "e", "f"])
    #expect(report.steps.map(\.status) == [.failed, .ok, .failed, .ok, .failed])
    #expect(report.step("a")?.message == "exit 3, expected 0")
    #expect(fixture.text("ran.txt") == "c\ne\n")
    #expect(report.notReached == ["b", "g"])
    #expect(report.status == "failed")
    #expect(report.exitCode == 1)
    let finished = report.events.filter { $0.type == "step_finished" }
    #expect(finished.map { $0.data["next"]?.string } == ["c", "d", "e", "f", ""])
  }

  @Test func onFailureEscalateRunsTheHookWithTheContext() async throws {
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: esc
      escalation:
        contact: "Chen Wei"
        command: [sh, -c, "cat > page.json; echo paged $STEWARD_CONTACT"]
      steps:
        - id: look
          run: [echo, "lag_minutes=317"]
          expect: { output: 'lag_minutes=(?<lag>\\d+)' }
        - id: judge
          run: [echo, "lag_minutes=317"]
          expect: { output: 'lag_minutes=(?<lag>\\d+)' }
          check: tonumber(captures.lag) < 60
          on_failure: escalate
        - { id: never, run: [true] }
      """)
    let report = try await fixture.run()
    #expect(report.status == "escalated")
    #expect(report.exitCode == 1)
    #expect(report.notReached == ["never"])
    let page = fixture.text("page.json")
    #expect(page.contains("\"contact\":\"Chen Wei\""))
    #expect(page.contains("step judge failed: check failed: tonumber(captures.lag) < 60"))
    #expect(page.contains("look: ok [lag=317]"))
    let hook = try #require(report.events.first { $0.type == "hook" })
    #expect(hook.message.contains("exit 0 — paged Chen Wei"))
  }

  @Test func aWebhookIsPostedToALoopbackServer() async throws {
    let server = try LoopbackServer(status: 200)
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: hook
      escalation:
        contact: on-call
        webhook: "http://127.0.0.1:\(server.port)/page"
      steps:
        - { id: up, escalate: "the service is down" }
      """)
    let report = try await fixture.run()
    let request = server.received()
    #expect(request.hasPrefix("POST /page HTTP/1.1"))
    #expect(request.contains("\"reason\":\"the service is down\""))
    let hook = try #require(report.events.first { $0.type == "hook" })
    #expect(hook.data["ok"]?.bool == true)
    #expect(hook.message.contains("200"))
  }

  @Test func whenAndCheckSeeEarlierStepsAndCaptures() async throws {
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: w
      vars: { limit: 10 }
      steps:
        - id: measure
          run: [echo, "rows=42 table=events"]
          expect: { output: 'rows=(?<rows>\\d+) table=(\\w+)' }
          check: tonumber(captures.rows) > tonumber(vars.limit)
        - id: big
          when: steps.measure.ok and tonumber(steps.measure.captures.rows) > 40
          run: [echo, "{{steps.measure.captures.rows}} rows in {{steps.measure.captures.2}}"]
        - id: small
          when: tonumber(steps.measure.captures.rows) <= 40
          run: [false]
      """)
    let report = try await fixture.run()
    #expect(report.step("measure")?.captures == ["rows": "42", "1": "42", "2": "events"])
    #expect(report.step("big")?.output.text == "42 rows in events\n")
    #expect(report.step("small")?.status == .skipped)
    #expect(report.status == "ok")
  }

  @Test func promptsNeedAnAnswerer() async throws {
    let yaml = """
      steward: 1
      kind: runbook
      name: p
      steps:
        - { id: ask, prompt: { text: "What did you see?", type: text } }
        - { id: risky, confirm: "Restart the service?", run: [sh, -c, "echo restarted > r.txt"] }
        - { id: after, run: [true] }
      """
    // Nobody to answer: the run stops at the first question, whatever on_failure says.
    let none = try await RunbookFixture(yaml).run(yes: false)
    #expect(none.steps.map(\.id) == ["ask"])
    #expect(
      none.step("ask")?.message.contains(
        "no terminal to answer it; run with --yes, or --answers FILE") == true)
    #expect(none.exitCode == 1)

    let fixture = try RunbookFixture(yaml)
    let answered = try await fixture.run(
      yes: false, answers: ["ask": "latency spike at 02:10", "risky": "no"])
    #expect(answered.step("ask")?.answer == "latency spike at 02:10")
    #expect(answered.step("risky")?.status == .failed)
    #expect(answered.step("risky")?.message == "the operator declined")
    #expect(fixture.text("r.txt").isEmpty)
    let prompt = try #require(answered.events.first { $0.type == "prompt" && $0.step == "ask" })
    #expect(prompt.data["who"]?.string?.hasPrefix("answers file") == true)

    let skipped = try await RunbookFixture(yaml).run(
      yes: false, answers: ["ask": "x", "risky": "skip"])
    #expect(skipped.step("risky")?.status == .skipped)
    #expect(skipped.status == "ok")
  }

  @Test func secretsAreRedactedEverywhere() async throws {
    let secret = "sk-live-4f9a8b7c6d5e"
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: s
      vars: { token: \(secret) }
      secrets: [API_TOKEN]
      defaults:
        env: { API_TOKEN: "{{token}}" }
      steps:
        - id: leak
          shell: true
          run: 'echo "token=$API_TOKEN"; printf "%s" "$API_TOKEN" | cut -c1-6; echo "again $API_TOKEN"'
        - { id: fail, run: [sh, -c, "echo $API_TOKEN; exit 1"], on_failure: escalate }
      """)
    let store = InMemoryTimelineStore()
    let runner = try RunbookRunner(playbook: fixture.playbook, store: store)
    let terminal = ByteSink()
    runner.terminal = { terminal.add($0) }
    runner.prompter.interactive = false
    let report = try await runner.run()
    let texts = [
      terminal.text, RunbookMarkdownReporter().render(report), RunbookJSONReporter().render(report),
      RunbookTextReporter().render(report),
    ]
    for text in texts {
      #expect(!text.contains(secret))
      #expect(!text.contains("sk-live-4f9"))
    }
    #expect(terminal.text.contains("token=***"))
    #expect(report.step("leak")?.output.text.contains("again ***") == true)
    let id = try #require(report.run)
    let stored = try #require(try store.timeline(id))
    #expect(
      !stored.1.contains {
        JSONText.render($0.data).contains(secret) || $0.message.contains(secret)
      })
    // Not even masked; written in the playbook, a resume reads it there again.
    #expect(stored.0.vars["token"] == nil)
    #expect(stored.0.secretVars.isEmpty)
  }

  @Test func aSecretSplitAcrossChunksIsStillMasked() {
    let stream = RedactingStream(Redactor(values: ["hunter2-secret"]))
    var out: [UInt8] = []
    for piece in ["pass=hun", "ter2-se", "cret done"] { out += stream.feed(Array(piece.utf8)) }
    out += stream.finish()
    #expect(String(decoding: out, as: UTF8.self) == "pass=*** done")
  }

  @Test func luaStepTypesRunCommandsOnlyWhenGranted() async throws {
    let plugin = """
      local p = steward.plugin{ name = "probe", version = "1.0" }
      p:step{
        id = "count_lines",
        description = "Counts the lines a command prints",
        run = function(params, ctx)
          local r = steward.run{ "printf", params.text }
          local n = select(2, r.output:gsub("\\n", ""))
          return { ok = n >= params.min, output = n .. " lines", captures = { lines = tostring(n) } }
        end,
      }
      return p
      """
    func yaml(_ capability: String) -> String {
      """
      steward: 1
      kind: runbook
      name: l
      plugins: [probe.lua]
      \(capability)
      steps:
        - id: lines
          use: probe.count_lines
          with: { text: "a\\nb\\nc\\n", min: 2 }
          check: captures.lines == "3"
      """
    }
    let granted = try await RunbookFixture(
      yaml("capabilities: { run: [printf] }"), files: ["probe.lua": plugin]
    ).run()
    #expect(granted.step("lines")?.status == .ok)
    #expect(granted.step("lines")?.captures["lines"] == "3")
    #expect(granted.events.contains { $0.type == "lua_run" && $0.message.contains("printf") })

    let refused = try await RunbookFixture(yaml(""), files: ["probe.lua": plugin]).run()
    #expect(refused.step("lines")?.status == .failed)
    #expect(refused.step("lines")?.message.contains("needs the \"run\" capability") == true)

    let other = try await RunbookFixture(
      yaml("capabilities: { run: [echo] }"), files: ["probe.lua": plugin]
    ).run()
    #expect(other.step("lines")?.message.contains("printf is not granted") == true)
  }

  @Test func badRunbooksAreReportedAtTheirMarks() {
    let problems = RunbookFixture.problems(
      """
      steward: 1
      kind: runbook
      name: bad
      vars: { state: ok }
      steps:
        - { id: a, run: [echo, "{{state}}"], on_failure: { goto: nowhere } }
        - { id: b, run: [echo, "{{stat}}"], prompt: "and?" }
        - { id: c, run: [echo], timeout: soon, check: "x ==" }
        - { id: a, run: [echo] }
        - { id: d, run: [echo, "{{stat}}"] }
      """)
    #expect(problems.contains { $0.hasPrefix("6:5:") && $0.contains("goes to \"nowhere\"") })
    #expect(problems.contains { $0.hasPrefix("10:19:") && $0.contains("no variable \"stat\"") })
    #expect(problems.contains { $0.hasPrefix("7:5:") && $0.contains("exactly one of") })
    #expect(problems.contains { $0.hasPrefix("8:36:") && $0.contains("a duration is") })
    #expect(problems.contains { $0.hasPrefix("8:49:") && $0.contains("not a Lua expression") })
    #expect(problems.contains { $0.hasPrefix("9:11:") && $0.contains("used twice") })
    #expect(
      RunbookFixture.problems("steward: 1\nkind: runbook\nname: x\nsteps: []\n").first?
        .contains("at least one step") == true)
  }

  @Test func varOverridesMustBeDeclared() {
    #expect(throws: PlaybookError.self) {
      _ = try RunbookFixture(
        "steward: 1\nkind: runbook\nname: v\nvars: { a: 1 }\nsteps: [{ id: s, run: [true] }]\n",
        vars: [("b", "2")])
    }
  }

  @Test func theTimelineIsWrittenToSQLiteAsItHappens() async throws {
    let scratch = try Scratch([:])
    let store = try SQLiteHistoryStore(path: scratch.path("h.sqlite"))
    #expect(try store.appliedMigrations().contains("v3-runbook-timeline"))
    let fixture = try RunbookFixture(
      """
      steward: 1
      kind: runbook
      name: sq
      steps:
        - { id: one, run: [echo, hi] }
      """)
    let report = try await fixture.run(store: store)
    let id = try #require(report.run)
    let (run, events) = try #require(try store.timeline(id))
    #expect(run.playbook == "sq")
    #expect(
      events.map(\.type) == [
        "run_started", "playbook", "step_started", "output", "exit", "step_finished",
        "run_finished",
      ])
    #expect(events.map(\.seq) == Array(1...7))
    #expect(events[3].data["head"]?.string == "hi\n")
    #expect(events.map(\.message) == report.events.map(\.message))
    for instant in [0, 1_796_004_483.117, 1_796_004_483.9996, 951_782_400.5] {
      let date = Date(timeIntervalSince1970: instant)
      #expect(RunbookFormat.timestamp(date) == SQLiteHistoryStore.timestamp(date))
    }
  }
}

final class ByteSink: @unchecked Sendable {
  private let lock = NSLock()
  private var bytes: [UInt8] = []
  func add(_ b: [UInt8]) { lock.withLock { bytes += b } }
  var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}
