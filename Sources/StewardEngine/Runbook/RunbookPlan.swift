import Foundation

/// `--dry-run`: the steps as they would run, variables resolved, with each
/// step's guard and failure route. Values captured by earlier steps are not
/// known before the run and stay as written (`{{steps.ID.…}}`).
public enum RunbookPlan {
  public static func render(_ playbook: RunbookPlaybook) -> String {
    let context = RunbookRunner.context(
      vars: playbook.vars, results: [:], base: playbook.baseDirectory, run: 0)
    let environment = ProcessInfo.processInfo.environment
    var secretValues: [String] = []
    let declared = playbook.env + playbook.steps.flatMap(\.env)
    for name in playbook.secrets {
      if let value = environment[name] { secretValues.append(value) }
      for (key, value) in declared where key == name {
        secretValues.append(RunbookTemplate.render(value, context))
      }
    }
    let redactor = Redactor(values: secretValues)
    func resolve(_ text: String) -> String {
      let later = RunbookTemplate.names(in: text).contains { $0.hasPrefix("steps.") }
      return redactor.redact(later ? text : RunbookTemplate.render(text, context))
    }
    var lines: [String] = []
    lines.append(
      "Plan for \(playbook.header.title ?? playbook.name) (\(playbook.name)); nothing is run.")
    if !playbook.vars.isEmpty {
      lines.append(
        "vars: "
          + playbook.vars.map { "\($0.name)=\(redactor.redact($0.value))" }.joined(separator: ", "))
    }
    for (n, step) in playbook.steps.enumerated() {
      lines.append("\(n + 1). \(step.id): \(step.title)")
      if let when = step.when { lines.append("   when: \(when)") }
      if let confirm = step.confirm { lines.append("   confirm: \(resolve(confirm.text))") }
      switch step.action {
      case .command(let args):
        lines.append(
          "   run: " + args.map { RunbookStep.quote(resolve($0)) }.joined(separator: " "))
      case .shell(let text): lines.append("   run (shell): \(resolve(text))")
      case .prompt(let p): lines.append("   ask (\(p.kind.rawValue)): \(resolve(p.text))")
      case .escalate(let message):
        lines.append("   escalate to \(resolve(playbook.escalation.contact)): \(resolve(message))")
      case .plugin(let plugin, let type, _): lines.append("   use: \(plugin).\(type)")
      }
      if case .command = step.action {
        lines.append(timing(step))
      } else if case .shell = step.action {
        lines.append(timing(step))
      }
      if let pattern = step.expect.output { lines.append("   expect output: /\(pattern)/") }
      if let check = step.check { lines.append("   check: \(check)") }
      lines.append("   on failure: \(step.onFailure)")
    }
    return lines.joined(separator: "\n")
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
