public import Foundation
import StewardCore

/// Runs a runbook step by step, appending each event to the timeline store
/// as it happens (docs/runbook.md).
///
/// The runner is async so that waiting on a command never blocks a thread of
/// Swift's cooperative pool (swift-subprocess needs those threads to deliver
/// the output). The one synchronous wait left is `steward.run` from Lua,
/// because a Lua host function cannot suspend.
///
/// ```swift
/// let runner = try RunbookRunner(playbook: runbook, store: InMemoryTimelineStore())
/// let report = try await runner.run()        // or runner.resume(7)
/// ```
public final class RunbookRunner {
  public let playbook: RunbookPlaybook
  let store: any TimelineStore
  public var prompter = RunbookPrompter()
  /// Where step output and progress lines go as they happen (the terminal:
  /// standard error, so a JSON report on stdout stays clean). Already redacted.
  public var terminal: (@Sendable ([UInt8]) -> Void)?
  /// A log file that gets the same stream; opened by the caller.
  public var log: FileHandle?
  /// The file the run is recorded against (its hash goes in the timeline).
  public var playbookHash = ""
  /// The history store the run's lock lives in (nil: no lock).
  public var lockStore: (any TimelineStore)?
  /// Held while this process runs the run (`RunLock`).
  var lock: RunLock?
  /// How long a group gets between SIGTERM and SIGKILL.
  public var grace: Double = 1

  let redactor: Redactor
  let lua: RunbookLua
  let environment: [String: String]
  var timeline: Int64 = 0
  var seq = 0
  var events: [TimelineEvent] = []
  var results: [String: StepResult] = [:]
  var order: [StepResult] = []
  var reached: Set<String> = []
  var started = StewardClock.now()
  var escalated = false
  /// What the run waits for, when a step's approval stopped it.
  var waiting: String?
  var failed = false

  /// Goto loops end here: a runbook is a procedure, not a program.
  static let maxStepRuns = 1000

  public init(playbook: RunbookPlaybook, store: any TimelineStore) throws {
    self.playbook = playbook
    self.store = store
    let (environment, redactor) = Self.secrets(of: playbook)
    self.environment = environment
    self.redactor = redactor
    // A variable is secret when named so, or when a secret is made of it
    // (`CACHE_TOKEN: "{{api_token}}"`): its value is never stored.
    secretVars = Set(
      playbook.vars.filter {
        playbook.secrets.contains($0.name) || redactor.redact($0.value) != $0.value
      }.map(\.name))
    let inherited = ProcessInfo.processInfo.environment
    secretEnv = playbook.secrets.filter { inherited[$0] != nil }
    lua = try RunbookLua(playbook: playbook)
  }

  /// The environment the steps get, and the redactor of the secrets in it
  /// and in the variables named under `secrets:`, wherever they were set.
  static func secrets(of playbook: RunbookPlaybook) -> ([String: String], Redactor) {
    var env = ProcessInfo.processInfo.environment
    let vars = Self.context(vars: playbook.vars, results: [:], base: playbook.baseDirectory, run: 0)
    for (key, value) in playbook.env { env[key] = RunbookTemplate.render(value, vars) }
    var values = playbook.secrets.compactMap { env[$0] }
    for step in playbook.steps {
      for (key, value) in step.env where playbook.secrets.contains(key) {
        values.append(RunbookTemplate.render(value, vars))
      }
    }
    values += playbook.vars.filter { playbook.secrets.contains($0.name) }.map(\.value)
    return (env, Redactor(values: values))
  }

  /// Variables whose values are secret (see `init`).
  let secretVars: Set<String>
  /// Secret environment variables the run takes from steward's environment.
  let secretEnv: [String]

  // MARK: - Starting and resuming

  /// Runs every step from the first.
  public func run() async throws -> RunbookReport {
    started = StewardClock.now()
    var record = TimelineRun(
      playbook: playbook.name, playbookPath: playbook.path, playbookHash: playbookHash,
      startedAt: started, vars: storedVars())
    // A secret written in the playbook comes back with it; one given
    // with --var or the environment must be given again to resume.
    let written = playbook.header.document["vars"]?.map
    record.secretVars = playbook.vars.filter {
      secretVars.contains($0.name)
        && written?[$0.name].flatMap(RunbookParser.scalarText) != $0.value
    }.map(\.name)
    record.secretEnv = secretEnv
    timeline = try store.begin(record)
    if let lockStore { lock = try RunLock.take(store: lockStore, run: timeline, doing: "running") }
    try emit(
      "", "run_started", "run \(timeline) of \(playbook.name) started by \(RunbookPrompter.user)",
      [
        "user": Value(.string(RunbookPrompter.user)),
        "title": Value(.string(playbook.header.title ?? playbook.name)),
      ])
    try recordPlaybook("playbook \(playbook.path), sha256 \(playbookHash.prefix(12))")
    return try await loop(from: 0)
  }

  /// Continues the interrupted run `id` after its last completed step.
  public func resume(_ id: Int64) async throws -> RunbookReport {
    guard let (record, past) = try store.timeline(id) else {
      throw store.noSuchRun(id, in: "the history store")
    }
    guard record.playbook == playbook.name else {
      throw RunbookError("run \(id) is of runbook \(record.playbook), not \(playbook.name)")
    }
    guard record.status == "running" || record.status == "waiting" else {
      throw RunbookError("run \(id) already ended (\(record.status)); there is nothing to resume")
    }
    if record.status == "waiting" { try store.finish(id, status: "running", historyRun: nil) }
    timeline = id
    started = record.startedAt
    events = past
    seq = past.last?.seq ?? 0
    var next = 0
    for event in past where event.type == "step_finished" {
      guard let result = StepResult(event: event) else { continue }
      results[result.id] = result
      order.append(result)
      reached.insert(result.id)
      if result.status == .failed { failed = true }
      if result.status == .escalated { escalated = true }
      let target = event.data["next"]?.string ?? ""
      next =
        target.isEmpty ? playbook.steps.count : (playbook.index(of: target) ?? playbook.steps.count)
    }
    let after = order.last.map { "after step \($0.id)" } ?? "from the first step"
    try emit("", "run_resumed", "run \(id) resumed \(after) by \(RunbookPrompter.user)", [:])
    let recorded = past.last { $0.type == "playbook" }?.data["hash"]?.string ?? record.playbookHash
    if recorded != playbookHash {
      try recordPlaybook(
        "playbook \(playbook.path) changed since the run started (sha256 \(playbookHash.prefix(12)) now); resumed with --force"
      )
    }
    return try await loop(from: next)
  }

  /// The playbook's text as the run reads it, so that a resume can say
  /// what changed (redacted like every event).
  func recordPlaybook(_ message: String) throws {
    let text = (try? String(contentsOfFile: playbook.path, encoding: .utf8)) ?? ""
    try emit(
      "", "playbook", message,
      ["hash": Value(.string(playbookHash)), "text": Value(.string(text))])
  }

  // MARK: - The loop

  func loop(from start: Int) async throws -> RunbookReport {
    var index = start
    var runs = 0
    while index < playbook.steps.count {
      let step = playbook.steps[index]
      runs += 1
      if runs > Self.maxStepRuns {
        try emit(
          step.id, "step_finished",
          "stopped: more than \(Self.maxStepRuns) steps run (a goto loop?)",
          ["status": "failed", "next": ""])
        failed = true
        break
      }
      reached.insert(step.id)
      let performed: StepResult
      do {
        performed = try await perform(step)
      } catch let wait as WaitingForApproval {
        waiting = wait.message
        try emit(step.id, "run_waiting", "run \(timeline) waits: \(wait.message)", [:])
        break
      }
      // Redacted here, once: every report, the store and the hooks read
      // results from `order`, and later templates from `results`.
      var result = redactor.redact(performed)
      var next: Int? = index + 1
      var escalation: String?
      switch result.status {
      case .ok, .skipped: break
      case .escalated:
        next = nil
      case .failed:
        failed = true
        if result.message.hasPrefix(Self.stopMarker) {
          result.message.removeFirst(Self.stopMarker.count)
          next = nil
          break
        }
        switch step.onFailure {
        case .stop: next = nil
        case .continue: break
        case .escalate:
          escalation = "step \(step.id) failed: \(result.message)"
          next = nil
        case .goTo(let target): next = playbook.index(of: target)
        }
      }
      results[step.id] = result
      order.append(result)
      try finishStep(step, result, next: next)
      if let escalation {
        try await escalate(from: step, reason: escalation)
      }
      guard let next else { break }
      index = next
    }
    let status = waiting != nil ? "waiting" : escalated ? "escalated" : failed ? "failed" : "ok"
    if waiting == nil {
      try emit(
        "", "run_finished", "run \(timeline) ended: \(status)",
        ["status": Value(.string(status))])
    }
    let duration = StewardClock.now().timeIntervalSince(started)
    return RunbookReport(
      playbook: playbook.name, title: playbook.header.title ?? playbook.name, run: timeline,
      status: status, steps: order, events: events,
      vars: playbook.vars.map { ($0.name, redactor.redact($0.value)) }, startedAt: started,
      duration: duration,
      notReached: playbook.steps.map(\.id).filter { !reached.contains($0) }, waiting: waiting)
  }

  /// A failure that ends the run whatever `on_failure` says (a prompt nobody can answer).
  static let stopMarker = "\u{0}stop:"

  func finishStep(_ step: RunbookStep, _ result: StepResult, next: Int?) throws {
    var data: [(String, Value)] = [
      ("status", Value(.string(result.status.rawValue))),
      ("title", Value(.string(step.title))),
      ("attempts", Value(.int(Int64(result.attempts)))),
      ("duration", Value(.double((result.duration * 1000).rounded() / 1000))),
      ("timed_out", Value(.bool(result.timedOut))),
      ("message", Value(.string(result.message))),
      ("bytes", Value(.int(Int64(result.output.totalBytes)))),
      // Enough for `check` and templates after a resume; the excerpts are in `output` events.
      ("output_tail", Value(.string(String(result.output.text.suffix(2048))))),
      (
        "next",
        Value(.string(next.map { $0 < playbook.steps.count ? playbook.steps[$0].id : "" } ?? ""))
      ),
    ]
    if let code = result.exitCode { data.append(("exit", Value(.int(Int64(code))))) }
    if let answer = result.answer { data.append(("answer", Value(.string(answer)))) }
    if !result.captures.isEmpty {
      data.append(("captures", Self.stringMap(result.captures)))
    }
    let what: String
    switch result.status {
    case .ok: what = "ok"
    case .skipped: what = "skipped" + (result.message.isEmpty ? "" : ": \(result.message)")
    case .failed: what = "failed: \(result.message)"
    case .escalated: what = "escalated"
    }
    var line = "\(step.id) \(what)"
    if result.status == .failed, let n = next, n < playbook.steps.count,
      n != (playbook.index(of: step.id) ?? -1) + 1
    {
      line += " → goto \(playbook.steps[n].id)"
    }
    try emit(
      step.id, "step_finished", line,
      Value(.map(OrderedMap(uniqueEntries: data.map { OrderedMap.Entry(key: $0.0, value: $0.1) }))))
  }

  // MARK: - Events

  /// Appends an event to the store before anything else happens, redacted.
  func emit(_ step: String, _ type: String, _ message: String, _ data: Value) throws {
    seq += 1
    let event = TimelineEvent(
      seq: seq, at: StewardClock.now(), step: step, type: type, message: redactor.redact(message),
      data: redact(data))
    try store.append(event, to: timeline)
    events.append(event)
    let shown: Set<String> = [
      "run_started", "run_resumed", "step_started", "retry", "check", "prompt", "step_finished",
      "escalation", "hook", "run_finished", "lua_run", "approval_requested", "approved",
      "approval_expired", "run_waiting",
    ]
    if shown.contains(type) {
      let prefix = type == "step_started" ? "▶ " : type == "step_finished" ? "■ " : "  "
      say(prefix + event.message)
    }
  }

  func emit(_ step: String, _ type: String, _ message: String, _ data: [String: Value]) throws {
    let entries = data.sorted { $0.key < $1.key }.map {
      OrderedMap.Entry(key: $0.key, value: $0.value)
    }
    try emit(step, type, message, Value(.map(OrderedMap(uniqueEntries: entries))))
  }

  func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    terminal?(bytes)
    log?.write(Data(bytes))
  }

  func redact(_ value: Value) -> Value {
    guard !redactor.isEmpty else { return value }
    switch value.kind {
    case .string(let s): return Value(.string(redactor.redact(s)), mark: value.mark)
    case .list(let items): return Value(.list(items.map(redact)), mark: value.mark)
    case .map(let map):
      return Value(
        .map(
          OrderedMap(
            uniqueEntries: map.entries.map {
              OrderedMap.Entry(key: $0.key, value: redact($0.value))
            })),
        mark: value.mark)
    default: return value
    }
  }

  /// The variables a resume restores: every one but the secrets.
  func storedVars() -> [String: String] {
    Dictionary(
      playbook.vars.filter { !secretVars.contains($0.name) }.map {
        ($0.name, redactor.redact($0.value))
      }, uniquingKeysWith: { $1 })
  }

  static func stringMap(_ map: [String: String]) -> Value {
    Value(
      .map(
        OrderedMap(
          uniqueEntries: map.sorted { $0.key < $1.key }.map {
            OrderedMap.Entry(key: $0.key, value: Value(.string($0.value)))
          })))
  }

  // MARK: - Context for templates and Lua

  static func context(
    vars: [(name: String, value: String)], results: [String: StepResult], base: String, run: Int64
  ) -> [String: Any] {
    var context: [String: Any] = [:]
    for (name, value) in vars { context[name] = value }
    context["playbook_dir"] = base
    context["run_id"] = String(run)
    var steps: [String: Any] = [:]
    for (id, r) in results {
      steps[id] =
        [
          "status": r.status.rawValue, "captures": r.captures, "answer": r.answer ?? "",
          "exit": r.exitCode.map { String($0) } ?? "", "message": r.message,
        ] as [String: Any]
    }
    context["steps"] = steps
    return context
  }

  var templateContext: [String: Any] {
    Self.context(vars: playbook.vars, results: results, base: playbook.baseDirectory, run: timeline)
  }

  func render(_ text: String) -> String { RunbookTemplate.render(text, templateContext) }

  /// `vars` and `steps` for Lua, plus `result` for a check.
  func luaEnv(result: StepResult?) -> Value {
    var entries: [OrderedMap.Entry] = [
      OrderedMap.Entry(
        key: "vars",
        value: Self.stringMap(
          Dictionary(playbook.vars.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))),
      OrderedMap.Entry(
        key: "steps",
        value: Value(
          .map(
            OrderedMap(
              uniqueEntries: results.sorted { $0.key < $1.key }.map {
                OrderedMap.Entry(key: $0.key, value: $0.value.value)
              })))),
    ]
    if let result {
      let v = result.value
      entries.append(OrderedMap.Entry(key: "result", value: v))
      for key in ["output", "exit", "captures"] {
        entries.append(OrderedMap.Entry(key: key, value: v[key] ?? .null))
      }
    }
    return Value(.map(OrderedMap(uniqueEntries: entries)))
  }
}

/// A runbook run that cannot start or go on (no such run to resume, the
/// store refused an event).
public struct RunbookError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
