import Foundation

/// `--dry-run`: the steps as they would run, variables resolved, with every
/// side effect a run could have: each command (with its folder and extra
/// environment), each question and approval, and each escalation with who
/// would be paged, through which hook and which webhook. Values captured by
/// earlier steps are not known before the run and stay as written
/// (`{{steps.ID.…}}`); everything else is resolved, secrets masked.
public enum RunbookPlan {
  public static func render(_ playbook: RunbookPlaybook) -> String {
    let context = RunbookRunner.context(
      vars: playbook.vars, results: [:], base: playbook.baseDirectory, run: 0)
    let (_, redactor) = RunbookRunner.secrets(of: playbook)
    func resolve(_ text: String) -> String {
      redactor.redact(partially(text, context))
    }
    var lines: [String] = []
    lines.append(
      "Plan for \(playbook.header.title ?? playbook.name) (\(playbook.name)); nothing is run.")
    if !playbook.vars.isEmpty {
      lines.append(
        "vars: "
          + playbook.vars.map { "\($0.name)=\(redactor.redact($0.value))" }.joined(separator: ", "))
    }
    if !playbook.env.isEmpty {
      // `defaults.env`: every command gets it, so the plan says so once.
      lines.append(
        "env for every step: "
          + playbook.env.map { "\($0.0)=\(resolve($0.1))" }.joined(separator: " "))
    }
    let escalation = escalationLines(playbook, resolve)
    for (n, step) in playbook.steps.enumerated() {
      lines.append("\(n + 1). \(step.id): \(step.title)")
      if let when = step.when { lines.append("   when: \(when)") }
      if let rule = step.approval {
        lines.append(
          "   approve: \(rule.needs) of \(rule.who), within \(RunbookFormat.span(rule.expires)); the run waits (exit 3) until then"
        )
      }
      if let confirm = step.confirm { lines.append("   confirm: \(resolve(confirm.text))") }
      switch step.action {
      case .command(let args):
        lines.append(
          "   run: " + args.map { RunbookStep.quote(resolve($0)) }.joined(separator: " "))
      case .shell(let text): lines.append("   run (shell): \(resolve(text))")
      case .prompt(let p): lines.append("   ask (\(p.kind.rawValue)): \(resolve(p.text))")
      case .escalate(let message):
        lines.append("   escalate: \(resolve(message))")
        lines += escalation
      case .plugin(let plugin, let type, _):
        lines.append("   use: \(plugin).\(type)")
        if let grant = playbook.runCapability {
          lines.append(
            "   may run: \(grant == ["*"] ? "any command" : grant.joined(separator: ", ")) (steward.run)"
          )
        }
      }
      switch step.action {
      case .command, .shell:
        lines.append(
          "   in: \(step.cwd.map(resolve) ?? "\(playbook.baseDirectory) (the playbook's folder)")")
        if !step.env.isEmpty {
          lines.append(
            "   env: " + step.env.map { "\($0.0)=\(resolve($0.1))" }.joined(separator: " "))
        }
        lines.append(timing(step))
      default: break
      }
      if let pattern = step.expect.output { lines.append("   expect output: /\(pattern)/") }
      if let check = step.check { lines.append("   check: \(check)") }
      if case .escalate = step.action {
        lines.append("   then: the run ends, escalated (exit 1)")
      } else {
        lines.append("   on failure: \(step.onFailure)")
        if step.onFailure == .escalate { lines += escalation }
      }
    }
    return lines.joined(separator: "\n")
  }

  /// Who would be paged and how, for an escalation.
  static func escalationLines(_ playbook: RunbookPlaybook, _ resolve: (String) -> String)
    -> [String]
  {
    let e = playbook.escalation
    var lines = ["     pages: \(resolve(e.contact))"]
    if let command = e.command {
      lines.append(
        "     hook: " + command.map { RunbookStep.quote(resolve($0)) }.joined(separator: " ")
          + " (the escalation as JSON on stdin)")
    }
    if let url = e.webhook { lines.append("     webhook: POST \(resolve(url))") }
    if e.command == nil, e.webhook == nil {
      lines.append("     (no hook or webhook: printed and recorded only)")
    }
    return lines
  }

  /// Renders the variables of `text` and leaves `{{steps.…}}`, which only
  /// the run knows, as written.
  static func partially(_ text: String, _ context: [String: Any]) -> String {
    guard text.contains("{{") else { return text }
    var kept: [String] = []
    var masked = ""
    var rest = text[...]
    while let open = rest.range(of: "{{") {
      guard let close = rest[open.upperBound...].range(of: "}}") else { break }
      let tag = String(rest[open.lowerBound..<close.upperBound])
      masked += rest[..<open.lowerBound]
      if RunbookTemplate.names(in: tag).contains(where: { $0.hasPrefix("steps.") }) {
        masked += "\u{1}\(kept.count)\u{1}"
        kept.append(tag)
      } else {
        masked += tag
      }
      rest = rest[close.upperBound...]
    }
    masked += rest
    var out = RunbookTemplate.render(masked, context)
    for (i, tag) in kept.enumerated() {
      out = out.replacingOccurrences(of: "\u{1}\(i)\u{1}", with: tag)
    }
    return out
  }

  static func timing(_ step: RunbookStep) -> String {
    var text = "   timeout \(RunbookFormat.seconds(step.timeout))"
    if step.retries > 0 {
      text += ", \(step.retries) retries, backoff \(RunbookFormat.seconds(step.backoff)) doubling"
    }
    if step.expect.exit != [0] {
      text += ", exit \(step.expect.exit.map(String.init).joined(separator: " or "))"
    }
    return text
  }
}
