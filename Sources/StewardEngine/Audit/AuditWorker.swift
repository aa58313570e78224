import Foundation
import StewardCore
import StewardLua

/// One worker thread's Lua VM, with every plugin and inline expression of the
/// playbook loaded into it. Never shared between threads.
final class Worker {
  private var vm: LuaVM?
  private var setupError: Diagnostic?
  private var runs: [String: LuaFunction] = [:]
  private var guards: [String: LuaFunction] = [:]
  private var compileErrors: [String: Diagnostic] = [:]
  /// Parsed `at` paths: the same few come back for every subject.
  private var segments: [String: [String]] = [:]
  private let playbookName: String
  private let today: String
  /// By check id: whether every check it defers to is in the run.
  private var deferred: [String: Bool] = [:]
  /// The playbook ids of the checks each deferring check defers to.
  private var deferTargets: [String: [String]] = [:]

  init(playbook: AuditPlaybook, checks: [CheckSpec], limits: LuaLimits, today: String) {
    playbookName = playbook.header.name
    self.today = today
    (deferred, deferTargets) = Self.deferrals(checks, registry: playbook.registry)
    do {
      let vm = try LuaVM(limits: limits)
      self.vm = vm
      var loaded: [String: LuaPlugin] = [:]
      for info in playbook.registry.plugins {
        loaded[info.name] = try vm.loadPlugin(source: info.source, chunkName: info.path)
      }
      for check in checks {
        if case .plugin(let plugin, let id) = check.source,
          let registration = loaded[plugin]?.registrations.first(where: {
            $0.kind == "check" && $0.id == id
          })
        {
          runs[check.id] = registration.functions["run"]
        }
        if case .expression(let expression) = check.source {
          compile(expression, at: check.expressionMark, into: &runs, key: check.id)
        }
        if let when = check.when {
          compile(when, at: check.whenMark, into: &guards, key: check.id)
        }
      }
    } catch {
      vm = nil
      setupError = Validator.diagnostics(of: error, file: playbook.path).first
    }
  }

  /// Compiles a playbook expression into a function of (subject, params, ctx).
  private func compile(
    _ expression: String, at mark: SourceMark, into table: inout [String: LuaFunction],
    key: String
  ) {
    guard let vm else { return }
    do {
      let plugin = try vm.loadPlugin(
        source: CheckSpec.inlineChunk(expression, at: mark), chunkName: mark.file)
      table[key] = plugin.registrations.first?.functions["run"]
    } catch {
      compileErrors[key] = Validator.diagnostics(of: error, file: mark.file).first
    }
  }

  /// Runs `checks` in order on one subject, converting it (and the context
  /// its checks get) into Lua at most once for all of them.
  func run(_ checks: [CheckSpec], on subject: Subject) -> [CheckResult] {
    var shared: LuaArgument?
    var context: LuaArgument?
    defer {
      if case .reference(let r) = shared { r.release() }
      if case .reference(let r) = context { r.release() }
    }
    // By index: `map` would copy each check (a dozen strings and arrays)
    // for every subject.
    var results = checks.indices.map { i in
      let needsLua: Bool
      switch checks[i].source {
      case .builtin: needsLua = checks[i].when != nil
      case .plugin, .expression: needsLua = true
      }
      if needsLua, shared == nil, let vm {
        // A subject that cannot cross into Lua is passed by value, so the
        // conversion error is reported by each check that needs it.
        shared =
          (try? vm.reference(subject.value, readOnly: true)).map(LuaArgument.reference)
          ?? .readOnly(subject.value)
        context = (try? vm.reference(self.context(checks[i].id, subject), readOnly: true)).map(
          LuaArgument.reference)
      }
      // Made only when Lua is called: a builtin without a guard needs none.
      func contextArgument() -> LuaArgument {
        let id = checks[i].id
        if case .reference(let r) = context, (try? vm?.set("check", to: id, in: r)) != nil,
          (try? vm?.set("deferred", to: deferred[id] ?? false, in: r)) != nil
        {
          return .reference(r)
        }
        return .readOnly(self.context(id, subject))
      }
      return run(
        checks[i], on: subject, argument: shared ?? .readOnly(subject.value),
        context: contextArgument())
    }
    // A check that deferred leaves its finding to the checks it defers to;
    // when they did not report a failure at least as severe on this subject
    // (a `when:` guard skipped them, they passed, they are of lower
    // severity than the gate counts), nobody would: it judges on its own.
    for i in results.indices where results[i].status == .skip && deferred[checks[i].id] == true {
      let reported = (deferTargets[checks[i].id] ?? []).allSatisfy { target in
        results.contains {
          $0.checkID == target && ($0.status == .fail || $0.status == .error)
            && $0.severity >= checks[i].severity
        }
      }
      if !reported {
        results[i] = run(
          checks[i], on: subject, argument: shared ?? .readOnly(subject.value),
          context: .readOnly(self.context(checks[i].id, subject, deferred: false)))
      }
    }
    return results
  }

  private func context(_ check: String, _ subject: Subject, deferred: Bool? = nil) -> Value {
    [
      "check": .init(.string(check)), "subject_id": .init(.string(subject.id)),
      "playbook": .init(.string(playbookName)), "today": .init(.string(today)),
      "deferred": .init(.bool(deferred ?? self.deferred[check] ?? false)),
    ]
  }

  /// Whether each check may leave a cause to the checks it defers to: only
  /// when all of them run. Left out (`--skip validation_split`, or never in
  /// the playbook), they report nothing, and a check that still deferred
  /// would pass a card evaluated on its training data.
  static func deferrals(_ checks: [CheckSpec], registry: PluginRegistry) -> (
    deferred: [String: Bool], targets: [String: [String]]
  ) {
    // The playbook's id of each plugin check in the run (`id:` may rename it).
    var running: [String: String] = [:]
    for check in checks {
      if case .plugin(let plugin, let id) = check.source { running[plugin + "." + id] = check.id }
    }
    var deferred: [String: Bool] = [:]
    var ids: [String: [String]] = [:]
    for check in checks {
      guard case .plugin(let plugin, let id) = check.source,
        let targets = registry.plugin(named: plugin)?.check(id)?.defersTo, !targets.isEmpty
      else { continue }
      let found = targets.compactMap { running[plugin + "." + $0] }
      deferred[check.id] = found.count == targets.count
      ids[check.id] = found
    }
    return (deferred, ids)
  }

  /// The check's parameters, read-only like its subject and ctx (a write
  /// is an error result, decision 0024), and still a fresh table per call.
  private func paramsArgument(_ check: CheckSpec) -> LuaArgument {
    .readOnly(Value(.map(check.params)))
  }

  private func mark(of path: String, in subject: Subject) -> SourceMark {
    if let cached = segments[path] { return subject.value.lookup(segments: cached).mark }
    let parsed = Value.pathSegments(path)
    if segments.count < 1024 { segments[path] = parsed }
    return subject.value.lookup(segments: parsed).mark
  }

  func run(
    _ check: CheckSpec, on subject: Subject, argument: LuaArgument,
    context: @autoclosure () -> LuaArgument
  ) -> CheckResult {
    var result = CheckResult(
      checkID: check.id, subjectID: subject.id, status: .error, severity: check.severity,
      title: check.title, mark: subject.value.mark, remediation: check.remediation,
      tags: check.tags)
    if let setupError {
      result.message = setupError.description
      return result
    }
    if let problem = compileErrors[check.id] {
      result.message = problem.description
      result.mark = problem.mark
      return result
    }
    if let guardFunction = guards[check.id] {
      do {
        vm?.setCurrentCheck(check.id)
        let applies = try vm?.call(
          guardFunction, arguments: [argument, paramsArgument(check), context()]
        ).first
        if applies == nil || applies?.isNull == true || applies?.bool == false {
          result.status = .skip
          result.message = "not applicable (when: \(check.when ?? ""))"
          return result
        }
      } catch {
        return failed(result, error, file: check.whenMark.file, expression: check.whenMark)
      }
    }
    switch check.source {
    case .builtin(let name):
      let outcome = BuiltinChecks.run(name, params: check.params, subject: subject.value)
      result.status = outcome.status
      result.message = outcome.message
      result.evidence = outcome.evidence
      result.mark = outcome.mark
      result.path = outcome.path
      return result
    case .plugin, .expression:
      guard let vm, let function = runs[check.id] else {
        result.message = "check \(check.id) is not loaded"
        return result
      }
      do {
        vm.setCurrentCheck(check.id)
        let returned = try vm.call(
          function, arguments: [argument, paramsArgument(check), context()],
          record: CheckOutcome.fields)
        let from: CheckOutcome.Source =
          if case .expression = check.source { .expression } else { .plugin(function.mark) }
        let parsed = CheckOutcome.parse(returned, from: from)
        result.status = parsed.status
        result.message = parsed.message
        result.evidence = parsed.evidence
        if let mark = parsed.mark { result.mark = mark }
        if let at = parsed.at ?? check.at {
          result.path = at
          result.mark = mark(of: at, in: subject)
        }
        return result
      } catch {
        let expression: SourceMark? =
          if case .expression = check.source { check.expressionMark } else { nil }
        return failed(result, error, file: subject.file, expression: expression)
      }
    }
  }

  /// An error result for a failed call. Lua names only the line of an
  /// inline expression; an error on that line gets the column of the
  /// expression's value from `expression`.
  private func failed(
    _ base: CheckResult, _ error: any Error, file: String, expression: SourceMark? = nil
  ) -> CheckResult {
    var result = base
    result.status = .error
    var diagnostic = Validator.diagnostics(of: error, file: file).first
    if let expression, let mark = diagnostic?.mark, mark.column == 0,
      mark.file == expression.file, mark.line == expression.line
    {
      diagnostic?.mark.column = expression.column
    }
    result.message = diagnostic.map { "\($0.mark): \($0.message)" } ?? "\(error)"
    if let mark = diagnostic?.mark, mark.isKnown { result.mark = mark }
    return result
  }
}
