import Foundation
import StewardCore

extension RunbookRunner {
  /// Says who to call with what the run found so far, records it, and runs
  /// the notification hooks. A hook that fails is recorded, never fatal:
  /// the person on call still sees the message on the terminal.
  func escalate(from step: RunbookStep, reason: String) async throws {
    escalated = true
    // What leaves the process (the hook's payload and environment, the
    // webhook) is redacted like the timeline.
    let contact = redactor.redact(render(playbook.escalation.contact))
    var context: [String] = []
    for r in order {
      var line = "\(r.id): \(r.status.rawValue)"
      if !r.message.isEmpty { line += " — \(r.message)" }
      if let answer = r.answer { line += " (answer: \(answer))" }
      if !r.captures.isEmpty {
        line +=
          " ["
          + r.captures.filter { Int($0.key) == nil }.sorted { $0.key < $1.key }
          .map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "]"
      }
      context.append(redactor.redact(line))
    }
    let message = redactor.redact(reason)
    try emit(
      step.id, "escalation", "ESCALATE to \(contact): \(message)",
      [
        "contact": Value(.string(contact)), "reason": Value(.string(message)),
        "context": Value(.list(context.map { Value(.string($0)) })),
      ])
    say("  context so far:\n" + context.map { "    - \($0)" }.joined(separator: "\n"))

    let payload = JSONText.render(
      [
        "runbook": Value(.string(playbook.name)), "run": Value(.int(timeline)),
        "step": Value(.string(step.id)), "contact": Value(.string(contact)),
        "reason": Value(.string(message)),
        "context": Value(.list(context.map { Value(.string($0)) })),
      ], pretty: false)
    if let command = playbook.escalation.command {
      var env = environment
      env["STEWARD_RUNBOOK"] = playbook.name
      env["STEWARD_RUN"] = String(timeline)
      env["STEWARD_STEP"] = step.id
      env["STEWARD_CONTACT"] = contact
      env["STEWARD_REASON"] = message
      let collector = OutputCollector()
      let stream = RedactingStream(redactor)
      let outcome = await ProcessControl.runAsync(
        command.map(render), environment: env, directory: playbook.baseDirectory,
        timeout: playbook.escalation.timeout, grace: grace, input: payload + "\n"
      ) { chunk in collector.append(stream.feed(chunk)) }
      collector.append(stream.finish())
      try emit(
        step.id, "hook",
        "notification command \(command.first ?? ""): \(outcome.description)"
          + (collector.excerpt.head.isEmpty
            ? ""
            : " — "
              + (collector.excerpt.head.split(whereSeparator: \.isNewline).first.map(String.init)
                ?? "")),
        [
          "hook": "command", "ok": Value(.bool(outcome.exitCode == 0)),
          "output": Value(.string(String(collector.excerpt.text.prefix(2048)))),
        ])
    }
    if let url = playbook.escalation.webhook {
      let target = render(url)
      do {
        guard let url = URL(string: target) else {
          throw WebhookPost.Failure(description: "not a URL: \(target)")
        }
        let code = try WebhookPost.post(
          json: payload, to: url, timeout: playbook.escalation.timeout)
        let status = "HTTP \(code)"
        try emit(
          step.id, "hook", "webhook \(target): \(status)",
          ["hook": "webhook", "ok": true, "status": Value(.string(status))])
      } catch {
        let why = (error as? WebhookPost.Failure)?.description ?? "\(error)"
        try emit(
          step.id, "hook", "webhook \(target) failed: \(why)",
          ["hook": "webhook", "ok": false, "status": Value(.string(why))])
      }
    }
  }
}
