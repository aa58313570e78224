import Foundation
import StewardCore
import TestSupport
import Testing

@testable import StewardEngine

/// Dashboard playbooks: problems reported at their marks, custom Lua
/// metrics in the sandbox, the comparison with the last recorded run, and
/// the Slack post (to a loopback server this test starts).
@Suite struct DashboardPlaybookTests {
  static let finance = """
    month,attributed_revenue,team_cost
    2026-09,100,10
    2026-10,200,20
    2026-11,300,30
    """

  func load(_ body: String, vars: [String: String] = [:]) throws -> (DashboardPlaybook, Scratch) {
    let scratch = try Scratch([
      "d.yaml": "steward: 1\nkind: dashboard\nname: d\ninputs:\n  finance: finance.csv\n" + body,
      "finance.csv": Self.finance,
    ])
    let path = scratch.path("d.yaml")
    return (
      try DashboardPlaybook.load(
        header: try PlaybookLoader.load(path: path), path: path, vars: vars),
      scratch
    )
  }

  func problems(_ body: String) -> [String] {
    do {
      _ = try load(body)
      return []
    } catch let error as PlaybookError {
      return error.diagnostics.map { "\($0.mark.line):\($0.mark.column) \($0.code) \($0.message)" }
    } catch {
      return ["\(error)"]
    }
  }

  @Test func problemsAreReportedAtTheirMarks() {
    let found = problems(
      """
      period: {month: 2026-13, compare: 2027-01}
      metrics:
        - builtin: win_rate
        - builtin: attributed_revenue
          params: {windw: 3}
        - builtin: roi
        - id: x
          expression: "1 +"
        - builtin: team_cost
          expression: "2"
        - title: no id
          lua: return 1

      """)
    #expect(found.contains("6:17 D001 \"2026-13\" is not a month; write YYYY-MM, e.g. 2026-11"))
    #expect(
      found.contains { $0.hasPrefix("6:35 D002 the comparison month 2027-01 must come before") })
    #expect(found.contains { $0.hasPrefix("8:5 D013 win_rate reads the input \"experiments\"") })
    #expect(
      found.contains {
        $0.hasPrefix(
          "10:14 S003 unknown key \"windw\" in attributed_revenue params; did you mean \"window\"?")
      })
    #expect(found.contains { $0.hasPrefix("11:5 D015 roi divides by the metric \"team_cost\"") })
    #expect(found.contains("13:0 D014 metric x: unexpected symbol near <eof>"))
    #expect(found.contains { $0.hasPrefix("14:5 D012 a metric has exactly one of") })
    #expect(found.contains { $0.hasPrefix("16:5 D012 a custom metric needs an \"id:\"") })
  }

  @Test func aMetricIDUsedTwice() {
    let found = problems("metrics:\n  - builtin: team_cost\n  - builtin: team_cost\n")
    #expect(
      found.contains { $0.hasPrefix("8:5 D011 metric id \"team_cost\" is used twice (first at") })
  }

  @Test func customMetricsSeeEarlierMetricsAndInputs() throws {
    let (playbook, _) = try load(
      """
      period: {month: 2026-11, compare: 2026-10, trend: 2}
      metrics:
        - builtin: attributed_revenue
          params: {window: 2}
        - builtin: team_cost
          params: {window: 2}
        - id: margin
          expression: (attributed_revenue - team_cost) / attributed_revenue
          format: percent
        - id: rows
          lua: |
            local n = 0
            for _, r in ipairs(inputs.finance) do
              if r.month <= period.month then n = n + 1 end
            end
            return {value = n, detail = "rows to " .. period.month}

      """)
    let report = try DashboardRunner.run(playbook: playbook, history: nil)
    // 2026-11: revenue 200 + 300 = 500, cost 50 → margin 0.9; 2026-10: 300, 30 → 0.9.
    #expect(report.metric("margin")?.current.value == 0.9)
    #expect(report.metric("rows")?.current.value == 3)
    #expect(report.metric("rows")?.compare?.value == 2)
    #expect(report.metric("rows")?.current.detail == "rows to 2026-11")
  }

  @Test func hostileLuaIsStoppedAndTheDashboardGoesOn() throws {
    let (playbook, _) = try load(
      """
      period: {month: 2026-11, trend: 3}
      metrics:
        - builtin: team_cost
          params: {window: 1}
        - id: spin
          lua: while true do end
        - id: boom
          lua: |
            local x = nil
            return x.y
        - id: words
          expression: "'a string'"

      """)
    let report = try DashboardRunner.run(playbook: playbook, history: nil)
    #expect(report.metric("team_cost")?.current.value == 30)
    #expect(report.metric("spin")?.current.value == nil)
    // The budget is spent once, in the first month; later months do not run it again.
    let spin = try #require(report.metric("spin"))
    // Whichever budget runs out first: on a loaded machine, the clock.
    let spent = spin.trend[0].missing ?? ""
    #expect(spent.contains("instruction") || spent.contains("wall-clock limit"), "\(spent)")
    #expect(spin.current.missing?.hasPrefix("not run: ") == true)
    #expect(spin.current.missing?.hasSuffix(" in an earlier month") == true)
    // The error names the playbook line of the failing Lua line.
    let boom = try #require(report.metric("boom")?.current.missing)
    #expect(boom.contains("d.yaml:15:"), "\(boom)")
    #expect(report.metric("words")?.current.missing == "the metric returned a string, not a number")
    #expect(report.warnings.count == 2)
  }

  @Test func varsChooseTheMonthAndComparePreviousReadsTheHistory() throws {
    let body = """
      period: {month: 2026-10, compare: previous, trend: 1}
      metrics:
        - builtin: attributed_revenue
          params: {window: 1}

      """
    let store = InMemoryHistoryStore()
    let (october, _) = try load(body)
    // Nothing recorded yet: the month before, from the inputs.
    let first = try DashboardRunner.run(playbook: october, history: store)
    #expect(first.compare?.description == "2026-09")
    #expect(first.metric("attributed_revenue")?.compare?.value == 100)
    try DashboardRecorder.record(first, in: RunContext(history: store))
    // November compares with the recorded October run.
    let (november, _) = try load(body, vars: ["month": "2026-11"])
    let second = try DashboardRunner.run(playbook: november, history: store)
    #expect(second.period.description == "2026-11")
    #expect(second.compare?.description == "2026-10")
    #expect(second.compareSource == "history run #1")
    #expect(second.metric("attributed_revenue")?.compare?.value == 200)
    #expect(second.metric("attributed_revenue")?.change == 100)
    let runs = try store.runs(playbook: "d", limit: nil)
    #expect(runs.first.flatMap(DashboardRecorder.period(of:))?.description == "2026-10")
    #expect(try store.results(ofRun: 1).map(\.check) == ["metric:attributed_revenue"])
  }

  @Test func slackPayloadPostsToAWebhook() throws {
    let (playbook, _) = try load(
      "period: {month: 2026-11, trend: 1}\nmetrics:\n  - builtin: team_cost\n    headline: true\n    params: {window: 3}\n"
    )
    let report = try DashboardRunner.run(playbook: playbook, history: nil)
    let payload = DashboardSlackReporter().payload(report)
    #expect(payload["blocks"]?.list?.count == 3)
    #expect(payload["text"]?.string?.contains("*Team cost*: $60") == true)

    let server = try LoopbackServer(status: 200)
    try DashboardSlackReporter().post(
      report, to: try #require(URL(string: "http://127.0.0.1:\(server.port)/hook")))
    let request = server.received()
    #expect(request.hasPrefix("POST /hook HTTP/1.1"))
    #expect(request.contains("\"blocks\""))

    let refusing = try LoopbackServer(status: 404)
    #expect(throws: SlackError.self) {
      try DashboardSlackReporter().post(
        report, to: try #require(URL(string: "http://127.0.0.1:\(refusing.port)/hook")))
    }
  }
}
