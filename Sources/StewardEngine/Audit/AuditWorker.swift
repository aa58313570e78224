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
  /// The checks this worker runs, in the order `run(on:)` reports them,
  /// each with what its calls need found once: looking each up by id (a
  /// hash of the id for each table) and copying the spec was a tenth of
  /// the host's work per result.
  private var plans: [Plan] = []
  /// By check id: whether every check it defers to is in the run.
  private var deferred: [String: Bool] = [:]
  /// The playbook ids of the checks each deferring check defers to.
  private var deferTargets: [String: [String]] = [:]
  /// The playbook's `data:`, converted once, read-only: `ctx.data`.
  private var data: LuaValueRef?
  private let dataValue: Value?

  /// What the checks log, collected per call and echoed on stderr from
  /// `echo` up (`--verbose`, `STEWARD_LOG`).
  private let logs: PluginLogger

  init(
    playbook: AuditPlaybook, checks: [CheckSpec], limits: LuaLimits, today: String,
    echo: LuaLogLevel? = nil
  ) {
    playbookName = playbook.header.name
    self.today = today
    // `.none`, never `nil`: Value is itself expressible by `nil` (as null),
    // and a null `ctx.data` was not the nil docs/lua-api.md promises.
    dataValue = playbook.data.isEmpty ? .none : Value(.map(playbook.data))
    let logs = PluginLogger(echo: echo, keep: true)
    self.logs = logs
    (deferred, deferTargets) = Self.deferrals(checks, registry: playbook.registry)
    do {
      let vm = try LuaVM(limits: limits, log: logs.sink)
      self.vm = vm
      if let dataValue { data = try vm.reference(dataValue, readOnly: true) }
      var loaded: [String: LuaPlugin] = [:]
      for info in playbook.registry.plugins {
        logs.about(info.path)
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
    plans = checks.map { check in
      Plan(
        check: check, run: runs[check.id], guardFunction: guards[check.id],
        compileError: compileErrors[check.id], deferred: deferred[check.id] ?? false,
        deferTargets: deferTargets[check.id] ?? [],
        atSegments: check.at.map(Value.pathSegments))
    }
  }

  /// One check of the run with what each of its calls needs.
  private final class Plan {
    let check: CheckSpec
    let run: LuaFunction?
    let guardFunction: LuaFunction?
    let compileError: Diagnostic?
    let deferred: Bool
    let deferTargets: [String]
    /// The check's own `at:`, parsed.
    let atSegments: [String]?
    let needsLua: Bool
    /// Its parameters in the VM, read-only, converted on first use.
    var params: LuaValueRef?

    init(
      check: CheckSpec, run: LuaFunction?, guardFunction: LuaFunction?,
      compileError: Diagnostic?, deferred: Bool, deferTargets: [String], atSegments: [String]?
    ) {
      self.check = check
      self.run = run
      self.guardFunction = guardFunction
      self.compileError = compileError
      self.deferred = deferred
      self.deferTargets = deferTargets
      self.atSegments = atSegments
      needsLua =
        switch check.source {
        case .builtin: check.when != nil
        case .plugin, .expression: true
        }
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

  /// Runs the worker's checks in order on one subject, converting it (and
  /// the context its checks get) into Lua at most once for all of them.
  func run(on subject: Subject) -> [CheckResult] {
    var shared: LuaArgument?
    var context: LuaValueRef?
    defer {
      if case .reference(let r) = shared { r.release() }
      context?.release()
    }
    var results: [CheckResult] = []
    results.reserveCapacity(plans.count)
    // Each spec is read through its plan, never copied out of it: a copy
    // retained its dozen strings and arrays, twice for each result.
    for plan in plans {
      // Judged once all subjects are read (AuditRunner.runWhole); this
      // stands in its place until then.
      if plan.check.scope == .all {
        results.append(
          CheckResult(
            checkID: plan.check.id, subjectID: subject.id, status: .skip,
            severity: plan.check.severity))
        continue
      }
      if plan.needsLua, shared == nil, let vm {
        // A subject that cannot cross into Lua is passed by value, so the
        // conversion error is reported by each check that needs it.
        shared =
          (try? vm.reference(subject.value, readOnly: true)).map(LuaArgument.reference)
          ?? .readOnly(subject.value)
        context = try? vm.reference(self.context(plan.check.id, subject), readOnly: true)
        // The data goes in by reference: converted once per worker, not
        // once per subject. Where that fails, ctx goes by value with it.
        if let data, let r = context, (try? vm.set("data", to: data, in: r)) == nil {
          r.release()
          context = nil
        }
      }
      // Made only when Lua is called: a builtin without a guard needs none.
      func contextArgument() -> LuaArgument {
        if let r = context,
          (try? vm?.setContext(check: plan.check.id, deferred: plan.deferred, in: r)) != nil
        {
          return .reference(r)
        }
        return .readOnly(self.context(plan.check.id, subject, withData: true))
      }
      results.append(
        logged(plan.check.id, subject) {
          run(
            plan, on: subject, argument: shared ?? .readOnly(subject.value),
            context: contextArgument())
        })
    }
    // A check that deferred leaves its finding to the checks it defers to;
    // when they did not report a failure at least as severe on this subject
    // (a `when:` guard skipped them, they passed, they are of lower
    // severity than the gate counts), nobody would: it judges on its own.
    for i in results.indices where plans[i].deferred && results[i].status == .skip {
      let plan = plans[i]
      let reported = plan.deferTargets.allSatisfy { target in
        results.contains {
          $0.checkID == target && ($0.status == .fail || $0.status == .error)
            && $0.severity >= plan.check.severity
        }
      }
      if !reported {
        results[i] = logged(plan.check.id, subject) {
          run(
            plan, on: subject, argument: shared ?? .readOnly(subject.value),
            context: .readOnly(
              self.context(plan.check.id, subject, deferred: false, withData: true)))
        }
      }
    }
    return results
  }

  /// The result of `judge`, with what the check logged meanwhile.
  private func logged(_ check: String, _ subject: Subject, _ judge: () -> CheckResult)
    -> CheckResult
  {
    logs.about(check, on: subject.id)
    var result = judge()
    result.log = logs.take()
    return result
  }

  /// A check's `ctx`, without `data` (set by reference) unless `withData`.
  private func context(
    _ check: String, _ subject: Subject, deferred: Bool? = nil, withData: Bool = false
  ) -> Value {
    let ctx: Value = [
      "check": .init(.string(check)), "subject_id": .init(.string(subject.id)),
      "playbook": .init(.string(playbookName)), "today": .init(.string(today)),
      "deferred": .init(.bool(deferred ?? self.deferred[check] ?? false)),
    ]
    guard withData, let dataValue, var map = ctx.map else { return ctx }
    map["data"] = dataValue
    return Value(.map(map))
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
  /// is an error result, decision 0024). Being read-only, one table serves
  /// every subject: converting them (and their proxies) for each call was a
  /// quarter of what the read-only views cost.
  private func paramsArgument(_ plan: Plan) -> LuaArgument {
    if let cached = plan.params { return .reference(cached) }
    let value = Value(.map(plan.check.params))
    guard let reference = try? vm?.reference(value, readOnly: true) else { return .readOnly(value) }
    plan.params = reference
    return .reference(reference)
  }

  private func mark(of path: String, in subject: Subject) -> SourceMark {
    if let cached = segments[path] { return subject.value.lookup(segments: cached).mark }
    let parsed = Value.pathSegments(path)
    if segments.count < 1024 { segments[path] = parsed }
    return subject.value.lookup(segments: parsed).mark
  }

  private func run(
    _ plan: Plan, on subject: Subject, argument: LuaArgument,
    context: @autoclosure () -> LuaArgument
  ) -> CheckResult {
    var result = CheckResult(
      checkID: plan.check.id, subjectID: subject.id, status: .error, severity: plan.check.severity,
      title: plan.check.title, mark: subject.value.mark, remediation: plan.check.remediation,
      tags: plan.check.tags)
    if let setupError {
      result.message = setupError.description
      return result
    }
    if let problem = plan.compileError {
      result.message = problem.description
      result.mark = problem.mark
      return result
    }
    if let guardFunction = plan.guardFunction {
      let applies: Value?
      do {
        vm?.setCurrentCheck(plan.check.id)
        applies = try vm?.call(
          guardFunction, arguments: [argument, paramsArgument(plan), context()]
        ).first
      } catch {
        return failed(
          result, error, file: plan.check.whenMark.file, expression: plan.check.whenMark)
      }
      if applies == nil || applies?.isNull == true || applies?.bool == false {
        result.status = .skip
        result.message = "not applicable (when: \(plan.check.when ?? ""))"
        return result
      }
    }
    switch plan.check.source {
    case .builtin(let name):
      let outcome = BuiltinChecks.run(name, params: plan.check.params, subject: subject.value)
      result.status = outcome.status
      result.message = outcome.message
      result.evidence = outcome.evidence
      result.mark = outcome.mark
      result.path = outcome.path
      return result
    case .plugin, .expression:
      guard let vm, let function = plan.run else {
        result.message = "check \(plan.check.id) is not loaded"
        return result
      }
      let returned: LuaReturn
      do {
        vm.setCurrentCheck(plan.check.id)
        returned = try vm.call(
          function, arguments: [argument, paramsArgument(plan), context()],
          record: CheckOutcome.fields)
      } catch {
        let expression: SourceMark? =
          if case .expression = plan.check.source { plan.check.expressionMark } else { nil }
        // What it returned could not be read: a failure stays one.
        let unreadable = error as? LuaResultUnreadable
        var failure = failed(
          result, unreadable?.underlying ?? error, file: subject.file, expression: expression)
        if let unreadable, CheckOutcome.saysFail(CheckOutcome.strings(unreadable.fields)) {
          failure.status = .fail
        }
        return failure
      }
      let from: CheckOutcome.Source =
        if case .expression = plan.check.source { .expression } else { .plugin(function.mark) }
      let parsed = CheckOutcome.parse(returned, from: from)
      result.take(parsed) { mark(of: $0, in: subject) }
      if parsed.at == nil, let at = plan.check.at, let segments = plan.atSegments {
        result.path = at
        result.mark = subject.value.lookup(segments: segments).mark
      }
      return result
    }
  }

  /// Runs a check with `scope = "all"` once over every subject; its result
  /// for each subject, in their order (WholeRunResults says how the list it
  /// returns is read).
  func runWhole(_ check: CheckSpec, on subjects: [Subject]) -> [CheckResult] {
    let judge = WholeRunResults(check: check, subjects: subjects)
    if let setupError { return judge.allError(setupError.description, mark: nil) }
    guard let vm, let plan = plans.first(where: { $0.check.id == check.id }),
      let function = plan.run
    else {
      return judge.allError("check \(check.id) is not loaded", mark: nil)
    }
    guard !subjects.isEmpty else { return [] }
    let fields: Value = [
      "check": .init(.string(check.id)), "playbook": .init(.string(playbookName)),
      "today": .init(.string(today)),
    ]
    var ctx = fields.map ?? OrderedMap()
    if let dataValue { ctx["data"] = dataValue }
    let list = Value(
      .list(subjects.map { ["id": .init(.string($0.id)), "subject": $0.value] as Value }))
    // One call judges every subject: what it logs is said as the check's
    // on every subject, and kept once, with its first result, so that a
    // line per subject is not repeated on each of thousands of results.
    logs.about("\(check.id) on every subject")
    var results: [CheckResult]
    do {
      vm.setCurrentCheck(check.id)
      let returned = try vm.callOverSubjects(
        function, arguments: [.readOnly(list), paramsArgument(plan), .readOnly(Value(.map(ctx)))])
      results = judge.read(returned.first, from: function.mark) { at, subject in
        self.mark(of: at, in: subject)
      }
    } catch {
      let unreadable = error as? LuaResultUnreadable
      let failure = failed(
        judge.base(subjects[0]), unreadable?.underlying ?? error, file: check.mark.file)
      results = judge.allError(failure.message, mark: failure.mark)
      // A list that cannot be read: the subjects an entry of it failed
      // stay failures, as when it is read and refused (WholeRunResults).
      let failedSubjects = Set(
        (unreadable?.entries ?? []).compactMap { entry in
          CheckOutcome.saysFail(CheckOutcome.strings(entry))
            ? entry.first { $0.key == "subject" }?.value : nil
        })
      for i in results.indices where failedSubjects.contains(results[i].subjectID) {
        results[i].status = .fail
      }
    }
    let lines = logs.take()
    if !results.isEmpty { results[0].log = lines }
    return results
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
