import Foundation
import StewardCore
import StewardLua

/// Reads a runbook body with marks and collects every problem (codes R0xx).
struct RunbookParser {
  let header: PlaybookHeader
  let path: String
  var problems: [Diagnostic] = []

  init(header: PlaybookHeader, path: String) {
    self.header = header
    self.path = path
  }

  mutating func problem(_ value: Value?, _ code: String, _ message: String) {
    problems.append(Diagnostic(at: value?.mark ?? header.document.mark, code: code, message))
  }

  mutating func parse(overrides: [(String, String)], pluginPath: [String]) -> RunbookPlaybook? {
    let document = header.document

    // Variables: scalars, written as text; --var replaces a declared one.
    var vars: [(name: String, value: String)] = []
    for entry in document["vars"]?.map?.entries ?? [] {
      guard let text = Self.scalarText(entry.value) else {
        problem(
          entry.value, "R001", "variable \"\(entry.key)\" must be a string, number or boolean")
        continue
      }
      if RunbookPlaybook.builtinVars.contains(entry.key) {
        problem(entry.value, "R001", "\"\(entry.key)\" is a built-in variable; choose another name")
      }
      vars.append((entry.key, text))
    }
    for (name, value) in overrides {
      if let i = vars.firstIndex(where: { $0.name == name }) {
        vars[i].value = value
      } else {
        let known = vars.map(\.name)
        problem(
          document["vars"], "R002",
          "--var \(name): the runbook declares no variable \"\(name)\""
            + (known.isEmpty ? "" : " (it declares \(known.joined(separator: ", ")))"))
      }
    }
    let varNames = Set(vars.map(\.name))

    let secrets = document["secrets"]?.list?.compactMap(\.string) ?? []

    // Defaults for every step.
    let defaults = document["defaults"]
    if let defaults {
      problems += SchemaValidator(fields: RunbookPlaybook.defaultsFields, context: "defaults")
        .problems(in: defaults)
    }
    let defaultTimeout = duration(defaults?["timeout"]) ?? 60
    let defaultRetries = Int(defaults?["retries"]?.int ?? 0)
    let defaultBackoff = duration(defaults?["backoff"]) ?? 1
    let defaultOnFailure = onFailure(defaults?["on_failure"]) ?? .stop
    let env = environment(defaults?["env"], varNames: varNames, earlier: [])

    // Capabilities: only `run` means something to a runbook.
    var runCapability: [String]?
    if let caps = document["capabilities"]?.map {
      for entry in caps.entries where entry.key != "run" {
        problem(
          entry.value, "R003",
          "unknown capability \"\(entry.key)\"; a runbook grants only \"run\" (a list of executables, or true)"
        )
      }
      if let run = caps["run"] {
        if let all = run.bool {
          runCapability = all ? ["*"] : nil
        } else if let list = run.list, list.allSatisfy({ $0.string != nil }) {
          runCapability = list.compactMap(\.string)
        } else {
          problem(run, "R003", "capability \"run\" takes true or a list of executable names")
        }
      }
    }

    // Plugins, for `use:` steps.
    var registry = PluginRegistry(searchPath: pluginPath)
    let base = (path as NSString).deletingLastPathComponent
    if !header.plugins.isEmpty { problems += registry.loadListed(in: header, base: base) }

    let roster = parseRoster(document["roster"])
    let vm = try? LuaVM()
    var steps: [RunbookStep] = []
    var seen: [String: SourceMark] = [:]
    let items = document["steps"]?.list ?? []
    if items.isEmpty {
      problem(document["steps"], "R004", "a runbook needs at least one step under \"steps:\"")
    }
    for item in items {
      let found = SchemaValidator(fields: RunbookPlaybook.stepFields, context: "step")
        .problems(in: item)
      problems += found
      guard found.isEmpty, let id = item["id"]?.string else { continue }
      if let first = seen[id] {
        problem(item["id"], "R005", "step id \"\(id)\" is used twice (first at \(first))")
        continue
      }
      seen[id] = item.mark
      if let step = parseStep(
        item, id: id, varNames: varNames, earlier: steps.map(\.id), registry: registry, vm: vm,
        defaults: (defaultTimeout, defaultRetries, defaultBackoff, defaultOnFailure))
      {
        var step = step
        step.approval = parseApproval(item["approve"], id: id, roster: roster)
        steps.append(step)
      }
    }
    // A goto may point forward or back, so targets are checked once all ids are known.
    for step in steps {
      if case .goTo(let target) = step.onFailure, seen[target] == nil {
        problems.append(
          Diagnostic(
            at: step.mark, code: "R006",
            "step \(step.id): on_failure goes to \"\(target)\", which is no step"))
      }
    }

    // Escalation: who to call, and the hook.
    var escalation = RunbookPlaybook.Escalation(
      contact: "the owner of \(header.name)"
        + (document["owner"]?.string.map { " (\($0))" } ?? ""),
      command: nil, webhook: nil, timeout: 10)
    if let e = document["escalation"] {
      let found = SchemaValidator(fields: RunbookPlaybook.escalationFields, context: "escalation")
        .problems(in: e)
      problems += found
      if found.isEmpty {
        escalation.contact = e["contact"]?.string ?? escalation.contact
        if let command = e["command"] {
          escalation.command = argumentList(command)
          for arg in escalation.command ?? [] {
            checkTemplate(arg, at: command, varNames: varNames, earlier: steps.map(\.id))
          }
        }
        if let hook = e["webhook"] {
          if let url = hook.string, url.hasPrefix("http://") {
            escalation.webhook = url
          } else {
            problem(
              hook, "R007",
              "a webhook must be an http:// URL; use a command hook (e.g. curl) for anything else")
          }
        }
        escalation.timeout = duration(e["timeout"]) ?? 10
      }
    }

    guard problems.isEmpty else { return nil }
    var playbook = RunbookPlaybook(
      header: header, path: path, vars: vars, secrets: secrets, env: env, steps: steps,
      escalation: escalation, runCapability: runCapability, registry: registry)
    // Resolved once, here: a command is later compared with these files.
    playbook.runGrant = runCapability.map {
      RunGrant(
        names: $0, base: playbook.baseDirectory,
        path: ProcessInfo.processInfo.environment["PATH"])
    }
    return playbook
  }

  // MARK: - One step

  mutating func parseStep(
    _ item: Value, id: String, varNames: Set<String>, earlier: [String], registry: PluginRegistry,
    vm: LuaVM?, defaults: (Double, Int, Double, RunbookStep.OnFailure)
  ) -> RunbookStep? {
    let before = problems.count
    let actions = ["run", "prompt", "escalate", "use"].filter { item[$0] != nil }
    guard actions.count == 1 else {
      problem(
        item, "R010",
        "step \(id) must have exactly one of \"run\", \"prompt\", \"escalate\" or \"use\""
          + (actions.isEmpty ? "" : " (it has \(actions.joined(separator: ", ")))"))
      return nil
    }
    func template(_ text: String, _ at: Value?) {
      checkTemplate(text, at: at, varNames: varNames, earlier: earlier)
    }
    let shell = item["shell"]?.bool ?? false
    var action: RunbookStep.Action
    switch actions[0] {
    case "run":
      let run = item["run"]
      if shell {
        guard let text = run?.string else {
          problem(run, "R011", "step \(id): with shell: true, run must be a string")
          return nil
        }
        template(text, run)
        action = .shell(text)
      } else {
        guard let run, let args = argumentList(run), !args.isEmpty else {
          problem(run, "R011", "step \(id): run must be a non-empty list of arguments or a string")
          return nil
        }
        for arg in args { template(arg, run) }
        action = .command(args)
      }
    case "prompt":
      guard let prompt = parsePrompt(item["prompt"], id: id) else { return nil }
      template(prompt.text, item["prompt"])
      action = .prompt(prompt)
    case "escalate":
      let text = item["escalate"]?.string ?? ""
      template(text, item["escalate"])
      action = .escalate(text)
    default:
      let use = item["use"]?.string ?? ""
      let parts = use.split(separator: ".", maxSplits: 1).map(String.init)
      guard parts.count == 2, let plugin = registry.plugin(named: parts[0]) else {
        if parts.count == 2, registry.listingFailed { return nil }
        problem(
          item["use"], "R012",
          "\"use\" takes PLUGIN.TYPE of a plugin listed under \"plugins:\", found \"\(use)\"")
        return nil
      }
      guard (plugin.others["step"] ?? []).contains(parts[1]) else {
        let known = plugin.others["step"] ?? []
        problem(
          item["use"], "R012",
          "plugin \"\(parts[0])\" has no step type \"\(parts[1])\""
            + (known.isEmpty ? "" : " (its step types: \(known.joined(separator: ", ")))"))
        return nil
      }
      action = .plugin(
        plugin: parts[0], type: parts[1],
        params: item["with"] ?? Value(.map(OrderedMap()), mark: item.mark))
    }
    if shell, actions[0] != "run" {
      problem(item["shell"], "R011", "step \(id): shell applies to run steps only")
    }
    if item["with"] != nil, actions[0] != "use" {
      problem(item["with"], "R012", "step \(id): with applies to use steps only")
    }

    var expect = RunbookStep.Expect()
    if let e = item["expect"] {
      problems += SchemaValidator(fields: RunbookPlaybook.expectFields, context: "expect")
        .problems(in: e)
      if let code = e["exit"] {
        if let one = code.int {
          expect.exit = [Int32(clamping: one)]
        } else if let list = code.list, list.allSatisfy({ $0.int != nil }), !list.isEmpty {
          expect.exit = list.compactMap(\.int).map { Int32(clamping: $0) }
        } else {
          problem(code, "R013", "step \(id): expect.exit takes an exit code or a list of them")
        }
      }
      for key in ["output", "not_output"] {
        guard let pattern = e[key]?.string else { continue }
        do {
          _ = try NSRegularExpression(pattern: pattern)
        } catch {
          problem(e[key], "R013", "step \(id): expect.\(key) is not a valid regular expression")
        }
        if key == "output" { expect.output = pattern } else { expect.notOutput = pattern }
      }
    }

    for key in ["check", "when"] {
      guard let value = item[key], let text = value.string else { continue }
      if let vm, let error = vm.checkSyntax(source: "return " + text, chunkName: "\(key)") {
        problem(value, "R014", "step \(id): \(key) is not a Lua expression: \(error.message)")
      }
    }

    var confirm: RunbookPrompt?
    if let question = item["confirm"]?.string {
      guard actions[0] == "run" || actions[0] == "use" else {
        problem(item["confirm"], "R015", "step \(id): confirm applies to run and use steps")
        return nil
      }
      template(question, item["confirm"])
      confirm = RunbookPrompt(text: question, kind: .confirm, defaultAnswer: nil)
    }
    let env = environment(item["env"], varNames: varNames, earlier: earlier)
    if let cwd = item["cwd"]?.string { template(cwd, item["cwd"]) }
    let retries = Int(item["retries"]?.int ?? Int64(defaults.1))
    if retries < 0 || retries > 100 {
      problem(item["retries"], "R016", "step \(id): retries must be between 0 and 100")
    }
    let failure = item["on_failure"] == nil ? defaults.3 : onFailure(item["on_failure"])
    let timeout = duration(item["timeout"]) ?? defaults.0
    let backoff = duration(item["backoff"]) ?? defaults.2
    guard problems.count == before, let failure else { return nil }
    return RunbookStep(
      id: id, title: item["title"]?.string ?? id, action: action, env: env,
      cwd: item["cwd"]?.string, timeout: timeout,
      retries: retries, backoff: backoff, expect: expect,
      check: item["check"]?.string, when: item["when"]?.string, confirm: confirm,
      onFailure: failure, mark: item.mark, checkMark: item["check"]?.mark ?? item.mark,
      whenMark: item["when"]?.mark ?? item.mark)
  }

  mutating func parsePrompt(_ value: Value?, id: String) -> RunbookPrompt? {
    if let text = value?.string {
      return RunbookPrompt(text: text, kind: .confirm, defaultAnswer: nil)
    }
    guard let value, let map = value.map, let text = map["text"]?.string else {
      problem(value, "R015", "step \(id): prompt is a question, or {text, type, default}")
      return nil
    }
    for entry in map.entries where !["text", "type", "default"].contains(entry.key) {
      problem(entry.value, "R015", "step \(id): unknown key \"\(entry.key)\" in prompt")
    }
    let typeName = map["type"]?.string ?? "confirm"
    guard let kind = RunbookPrompt.Kind(rawValue: typeName) else {
      problem(map["type"], "R015", "step \(id): a prompt's type is confirm or text")
      return nil
    }
    return RunbookPrompt(
      text: text, kind: kind, defaultAnswer: map["default"].flatMap(Self.scalarText))
  }

  // MARK: - Pieces

  /// `5`, `2.5` (seconds), `"250ms"`, `"5s"`, `"2m"`, `"1h"`.
  mutating func duration(_ value: Value?) -> Double? {
    guard let value else { return nil }
    if let n = value.number, n > 0 { return n }
    if let text = value.string {
      let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
      for (suffix, scale) in units where text.hasSuffix(suffix) {
        if let n = Double(text.dropLast(suffix.count)), n > 0 { return n * scale }
      }
    }
    problem(value, "R017", "a duration is a positive number of seconds or e.g. 250ms, 5s, 2m, 1h")
    return nil
  }

  mutating func onFailure(_ value: Value?) -> RunbookStep.OnFailure? {
    guard let value else { return nil }
    switch value.string {
    case "stop": return .stop
    case "continue": return .continue
    case "escalate": return .escalate
    default: break
    }
    if let target = value["goto"]?.string, value.map?.count == 1 { return .goTo(target) }
    problem(value, "R018", "on_failure is stop, continue, escalate, or {goto: STEP}")
    return nil
  }

  mutating func environment(_ value: Value?, varNames: Set<String>, earlier: [String]) -> [(
    String, String
  )] {
    var env: [(String, String)] = []
    for entry in value?.map?.entries ?? [] {
      guard let text = Self.scalarText(entry.value) else {
        problem(entry.value, "R019", "environment variable \(entry.key) must be a scalar")
        continue
      }
      checkTemplate(text, at: entry.value, varNames: varNames, earlier: earlier)
      env.append((entry.key, text))
    }
    return env
  }

  func argumentList(_ value: Value) -> [String]? {
    if let text = value.string {
      return text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }
    guard let list = value.list else { return nil }
    var args: [String] = []
    for item in list {
      guard let text = Self.scalarText(item) else { return nil }
      args.append(text)
    }
    return args
  }

  /// Every `{{name}}` must be a declared variable, a built-in, or an earlier step's value.
  mutating func checkTemplate(
    _ text: String, at value: Value?, varNames: Set<String>, earlier: [String]
  ) {
    for name in RunbookTemplate.names(in: text) {
      let parts = name.split(separator: ".").map(String.init)
      guard let root = parts.first else { continue }
      if root == "steps" {
        guard parts.count >= 2, earlier.contains(parts[1]) else {
          problem(
            value, "R020",
            "{{\(name)}}: steps.ID names an earlier step"
              + (parts.count >= 2 ? "; \"\(parts[1])\" is none" : ""))
          continue
        }
        continue
      }
      if !varNames.contains(root) && !RunbookPlaybook.builtinVars.contains(root) {
        problem(
          value, "R020",
          "{{\(name)}}: no variable \"\(root)\"; declare it under vars:")
      }
    }
    if RunbookTemplate.compile(text) == nil {
      problem(value, "R020", "not a valid template: \(text)")
    }
  }

  static func scalarText(_ value: Value) -> String? {
    switch value.kind {
    case .string(let s): s
    case .int(let i): String(i)
    case .double(let d): String(d)
    case .bool(let b): b ? "true" : "false"
    default: nil
    }
  }
}
