import Foundation
import StewardCore
import StewardLua

extension RunbookRunner {
  /// Runs one step: its guard, its confirmation, its action and its checks.
  func perform(_ step: RunbookStep) async throws -> StepResult {
    var result = StepResult(id: step.id, title: step.title)
    lua.log.about("step \(step.id)")
    if let when = step.when {
      let holds: Bool
      do {
        holds = try lua.truth(when, env: luaEnv(result: nil), chunkName: "\(step.id).when")
      } catch {
        result.status = .failed
        result.message = "when: \(error)"
        return result
      }
      if !holds {
        result.status = .skipped
        result.message = "when \(when) is false"
        return result
      }
    }
    let summary = renderedSummary(step)
    try emit(
      step.id, "step_started", "\(step.id): \(step.title) — \(summary)",
      ["summary": Value(.string(summary))])

    if let rule = step.approval {
      switch try approval(step, rule) {
      case .approved(let by):
        try emit(
          step.id, "approved", "\(step.id): approved by \(by.joined(separator: ", "))",
          ["by": Value(.list(by.map { Value(.string($0)) }))])
      case .denied(let why), .expired(let why):
        result.status = .failed
        result.message = why
        return result
      case .waiting(let what):
        throw WaitingForApproval(message: what)
      }
    }

    if let confirm = step.confirm {
      let answer = try ask(step, confirm)
      switch answer {
      case .failure(let stop):
        result.status = .failed
        result.message = stop.message
        return result
      case .success(let text):
        result.answer = text
        if text == "no" {
          result.status = .failed
          result.message = "the operator declined"
          return result
        }
        if text == "skip" {
          result.status = .skipped
          result.message = "the operator skipped it"
          return result
        }
      }
    }

    let clock = Date()
    switch step.action {
    case .command, .shell:
      result = try await runCommand(step, result)
    case .prompt(let prompt):
      switch try ask(step, prompt) {
      case .failure(let stop):
        result.status = .failed
        result.message = stop.message
      case .success(let text):
        result.answer = text
        if prompt.kind == .confirm && text == "no" {
          result.status = .failed
          result.message = "the operator answered no"
        } else if prompt.kind == .confirm && text == "skip" {
          result.status = .skipped
          result.message = "the operator skipped it"
        }
      }
    case .escalate(let message):
      try await escalate(from: step, reason: render(message))
      result.status = .escalated
      result.message = render(message)
    case .plugin(let plugin, let type, let params):
      result = try runPlugin(step, "\(plugin).\(type)", params: params, result)
    }
    if result.attempts == 0 { result.duration = Date().timeIntervalSince(clock) }
    return result
  }

  /// The step's action with its variables filled in, quoted like a shell line.
  func renderedSummary(_ step: RunbookStep) -> String {
    switch step.action {
    case .command(let args): args.map { RunbookStep.quote(render($0)) }.joined(separator: " ")
    case .shell(let text): "sh -c " + RunbookStep.quote(render(text))
    case .prompt(let p): "ask: \(render(p.text))"
    case .escalate(let message): "escalate: \(render(message))"
    case .plugin(let plugin, let type, _): "\(plugin).\(type)"
    }
  }

  /// Asks the operator; a refusal stops the run (nobody can answer).
  func ask(_ step: RunbookStep, _ prompt: RunbookPrompt) throws -> Result<String, StopReason> {
    let text = render(prompt.text)
    switch prompter.ask(step: step.id, prompt: prompt, text: text) {
    case .success(let answer):
      try emit(
        step.id, "prompt", "\(step.id): \"\(text)\" answered \"\(answer.text)\" by \(answer.who)",
        [
          "question": Value(.string(text)), "answer": Value(.string(answer.text)),
          "who": Value(.string(answer.who)),
        ])
      return .success(answer.text)
    case .failure(let refusal):
      try emit(
        step.id, "prompt", "\(step.id): \"\(text)\" unanswered: \(refusal.message)",
        ["question": Value(.string(text)), "error": Value(.string(refusal.message))])
      return .failure(StopReason(Self.stopMarker + refusal.message))
    }
  }

  // MARK: - Commands

  func runCommand(_ step: RunbookStep, _ initial: StepResult) async throws -> StepResult {
    var result = initial
    let arguments: [String]
    switch step.action {
    case .command(let args): arguments = args.map(render)
    case .shell(let text): arguments = ["/bin/sh", "-c", render(text)]
    default: return result
    }
    var env = environment
    for (key, value) in step.env { env[key] = render(value) }
    let directory =
      step.cwd.map { InputFiles.join(playbook.baseDirectory, render($0)) }
      ?? playbook.baseDirectory
    for attempt in 0...step.retries {
      if attempt > 0 {
        let wait = step.backoff * pow(2, Double(attempt - 1))
        try emit(
          step.id, "retry",
          "\(step.id): attempt \(attempt + 1) of \(step.retries + 1) in \(Self.seconds(wait)) (\(result.message))",
          ["attempt": Value(.int(Int64(attempt + 1))), "wait": Value(.double(wait))])
        try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
      }
      let (outcome, excerpt) = await execute(
        arguments, env: env, directory: directory, timeout: step.timeout)
      result.attempts = attempt + 1
      result.duration += outcome.duration
      result.output = excerpt
      result.exitCode = outcome.exitCode
      result.timedOut = outcome.timedOut
      result.captures = [:]
      try emit(
        step.id, "output",
        "\(step.id): \(excerpt.totalBytes) bytes of output"
          + (excerpt.truncated ? " (excerpt kept)" : ""),
        [
          "head": Value(.string(String(excerpt.head.prefix(4096)))),
          "tail": Value(.string(excerpt.truncated ? String(excerpt.tail.suffix(4096)) : "")),
          "bytes": Value(.int(Int64(excerpt.totalBytes))),
        ])
      var exitData: [String: Value] = [
        "duration": Value(.double((outcome.duration * 1000).rounded() / 1000)),
        "timed_out": Value(.bool(outcome.timedOut)), "attempt": Value(.int(Int64(attempt + 1))),
      ]
      if let code = outcome.exitCode { exitData["exit"] = Value(.int(Int64(code))) }
      if let signal = outcome.signal { exitData["signal"] = Value(.int(Int64(signal))) }
      try emit(
        step.id, "exit",
        "\(step.id): \(outcome.description) after \(Self.seconds(outcome.duration))", exitData)
      if let failure = judge(step, outcome: outcome, &result) {
        result.status = .failed
        result.message = failure
        continue
      }
      result.status = .ok
      result.message = ""
      break
    }
    return result
  }

  /// Runs one attempt, streaming redacted output to the terminal and log.
  func execute(_ arguments: [String], env: [String: String], directory: String, timeout: Double)
    async -> (ProcessControl.Outcome, OutputExcerpt)
  {
    let capture = Capture(redactor: redactor, terminal: terminal, log: log)
    let outcome = await ProcessControl.runAsync(
      arguments, environment: env, directory: directory, timeout: timeout, grace: grace,
      input: nil, onOutput: capture.take)
    return (outcome, capture.finish())
  }

  /// The same, for `steward.run`: a Lua host function cannot suspend.
  func executeBlocking(
    _ arguments: [String], env: [String: String], directory: String, timeout: Double
  ) -> (ProcessControl.Outcome, OutputExcerpt) {
    let capture = Capture(redactor: redactor, terminal: terminal, log: log)
    let outcome = ProcessControl.run(
      arguments, environment: env, directory: directory, timeout: timeout, grace: grace,
      onOutput: capture.take)
    return (outcome, capture.finish())
  }

  /// Why the attempt failed (exit code, expected output, check), or nil.
  func judge(_ step: RunbookStep, outcome: ProcessControl.Outcome, _ result: inout StepResult)
    -> String?
  {
    if let launch = outcome.launchError { return launch }
    if outcome.timedOut { return "timed out after \(Self.seconds(step.timeout))" }
    guard let code = outcome.exitCode else { return outcome.description }
    if !step.expect.exit.contains(code) {
      let wanted = step.expect.exit.map(String.init).joined(separator: " or ")
      return "exit \(code), expected \(wanted)"
    }
    let text = result.output.text
    if let pattern = step.expect.output {
      guard let captures = Self.match(pattern, in: text) else {
        return "the output does not match /\(pattern)/"
      }
      result.captures = captures
    }
    if let pattern = step.expect.notOutput, Self.match(pattern, in: text) != nil {
      return "the output matches /\(pattern)/"
    }
    return check(step, &result)
  }

  /// The step's `check` expression, recorded as an event.
  func check(_ step: RunbookStep, _ result: inout StepResult) -> String? {
    guard let expression = step.check else { return nil }
    var provisional = result
    provisional.status = .ok
    let verdict: String?
    do {
      let holds = try lua.truth(
        expression, env: luaEnv(result: provisional), chunkName: "\(step.id).check")
      verdict = holds ? nil : "check failed: \(expression)"
    } catch {
      verdict = "check error: \(error)"
    }
    try? emit(
      step.id, "check",
      "\(step.id): check \(expression) → \(verdict == nil ? "true" : verdict?.hasPrefix("check error") == true ? verdict ?? "" : "false")",
      ["expression": Value(.string(expression)), "passed": Value(.bool(verdict == nil))])
    return verdict
  }

  static func match(_ pattern: String, in text: String) -> [String: String]? {
    guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
    else {
      return nil
    }
    let range = NSRange(text.startIndex..., in: text)
    guard let m = regex.firstMatch(in: text, range: range) else { return nil }
    var captures: [String: String] = [:]
    for i in 1..<max(1, m.numberOfRanges) {
      if let r = Range(m.range(at: i), in: text) { captures[String(i)] = String(text[r]) }
    }
    for name in groupNames(pattern) {
      if let r = Range(m.range(withName: name), in: text) { captures[name] = String(text[r]) }
    }
    return captures
  }

  static func groupNames(_ pattern: String) -> [String] {
    var names: [String] = []
    var rest = pattern[...]
    while let open = rest.range(of: "(?<") {
      rest = rest[open.upperBound...]
      guard let first = rest.first, first.isLetter else { continue }
      guard let close = rest.firstIndex(of: ">") else { break }
      names.append(String(rest[..<close]))
    }
    return names
  }

  static func seconds(_ s: Double) -> String {
    s < 1 ? "\(Int((s * 1000).rounded())) ms" : String(format: "%.1f s", s)
  }

  // MARK: - Lua step types

  func runPlugin(_ step: RunbookStep, _ name: String, params: Value, _ initial: StepResult) throws
    -> StepResult
  {
    var result = initial
    result.attempts = 1
    let clock = Date()
    installCommandRunner(step)
    defer { lua.vm.commandRunner = nil }
    var ctx = luaEnv(result: nil)
    if case .map(var map) = ctx.kind {
      map.set(OrderedMap.Entry(key: "step", value: Value(.string(step.id))))
      map.set(OrderedMap.Entry(key: "playbook", value: Value(.string(playbook.name))))
      ctx = Value(.map(map))
    }
    do {
      let value = try lua.callStep(name, params: params, ctx: ctx)
      let ok: Bool
      if let b = value.bool {
        ok = b
      } else {
        ok = value["ok"]?.bool ?? false
      }
      let text = redactor.redact(value["output"]?.string ?? "")
      let collector = OutputCollector()
      collector.append(Array(text.utf8))
      result.output = collector.excerpt
      for entry in value["captures"]?.map?.entries ?? [] {
        result.captures[entry.key] = entry.value.string ?? ""
      }
      result.duration = Date().timeIntervalSince(clock)
      try emit(
        step.id, "output", "\(step.id): \(name) returned ok=\(ok)",
        [
          "head": Value(.string(String(text.prefix(4096)))),
          "bytes": Value(.int(Int64(text.utf8.count))),
        ])
      if !ok {
        result.status = .failed
        result.message = redactor.redact(value["message"]?.string ?? "\(name) reported a failure")
      } else if let failure = check(step, &result) {
        result.status = .failed
        result.message = failure
      } else {
        result.status = .ok
      }
    } catch {
      result.status = .failed
      result.message = redactor.redact("\(name): \(error)")
      result.duration = Date().timeIntervalSince(clock)
    }
    return result
  }

  /// `steward.run` for the step's Lua code, when the playbook grants it.
  func installCommandRunner(_ step: RunbookStep) {
    guard let grant = playbook.runGrant else { return }
    let env = environment
    let base = playbook.baseDirectory
    lua.vm.commandRunner = { [unowned self] arguments in
      guard let file = grant.allowed(arguments[0]) else {
        let found = grant.locate(arguments[0]).map { "it is \($0)" } ?? "no such executable"
        throw RunbookError(
          "\(arguments[0]) is not granted (\(found)); the playbook allows \(grant.description)")
      }
      // The file that was checked is the one that runs.
      let (outcome, excerpt) = self.executeBlocking(
        [file] + arguments.dropFirst(), env: env, directory: base, timeout: step.timeout)
      try self.emit(
        step.id, "lua_run",
        "\(step.id): steward.run \(arguments.map(RunbookStep.quote).joined(separator: " ")) → \(outcome.description)",
        [
          "arguments": Value(.list(arguments.map { Value(.string($0)) })),
          "exit": outcome.exitCode.map { Value(.int(Int64($0))) } ?? .null,
        ])
      return [
        "exit": outcome.exitCode.map { Value(.int(Int64($0))) } ?? .null,
        "output": Value(.string(excerpt.text)),
        "ok": Value(.bool(outcome.exitCode == 0 && !outcome.timedOut)),
      ]
    }
  }
}

/// The run stops here and waits for people (exit 3); a resume goes on.
struct WaitingForApproval: Error {
  var message: String
}

/// Why a step must stop the run, carried as a failure message.
struct StopReason: Error {
  var message: String
  init(_ message: String) { self.message = message }
}

/// Where a command's output goes: redacted, then kept (bounded), shown on
/// the terminal and written to the log.
final class Capture: @unchecked Sendable {
  let collector = OutputCollector()
  let stream: RedactingStream
  let terminal: (@Sendable ([UInt8]) -> Void)?
  let log: FileHandle?

  init(redactor: Redactor, terminal: (@Sendable ([UInt8]) -> Void)?, log: FileHandle?) {
    stream = RedactingStream(redactor)
    self.terminal = terminal
    self.log = log
  }

  @Sendable func take(_ chunk: [UInt8]) {
    let clean = stream.feed(chunk)
    guard !clean.isEmpty else { return }
    collector.append(clean)
    terminal?(clean)
    log?.write(Data(clean))
  }

  func finish() -> OutputExcerpt {
    let rest = stream.finish()
    if !rest.isEmpty {
      collector.append(rest)
      terminal?(rest)
      log?.write(Data(rest))
    }
    return collector.excerpt
  }
}
