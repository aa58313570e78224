import Foundation
import StewardCore
import StewardLua

extension ExampleRunner {
  /// Runs one example of a check with `scope = "all"`: `subjects` maps ids
  /// to subjects (given to the check in id order), `expect` maps each id to
  /// the status it must get (`at`, when given, each id to its path), and
  /// `data` and `params` are as for other checks. The results are read as
  /// strictly as in a run (WholeRunResults).
  func runWholeExample(
    _ example: Value, number: Int, check: CheckInfo, plugin: PluginInfo, vm: LuaVM,
    run: LuaFunction
  ) -> Outcome {
    let mark = example.mark.isKnown ? example.mark : check.mark
    var params = OrderedMap()
    for spec in check.params { if let d = spec.defaultValue { params[spec.name] = d } }
    for entry in example["params"]?.map?.entries ?? [] { params[entry.key] = entry.value }
    let entries = (example["subjects"]?.map?.entries ?? []).sorted { $0.key < $1.key }
    let subjects = entries.map { Subject(id: $0.key, value: $0.value, file: "example") }
    let expect = example["expect"]?.map
    let at = example["at"]?.map
    let expected = entries.map { entry in
      (expect?[entry.key]?.string ?? "?") + (at?[entry.key]?.string.map { " at \($0)" } ?? "")
    }
    func outcome(_ actual: String, passed: Bool) -> Outcome {
      Outcome(
        plugin: plugin.name, check: check.id, example: number, variant: "",
        expected: zip(entries, expected).map { "\($0.key): \($1)" }.joined(separator: ", "),
        actual: actual, mark: mark, passed: passed)
    }
    guard !subjects.isEmpty, let expect, expect.count == subjects.count else {
      return outcome(
        "an example of a check over all subjects needs subjects = { ID = subject, … } and "
          + "expect = { ID = status, … } naming each of them", passed: false)
    }
    var context: OrderedMap = OrderedMap()
    context["check"] = Value(.string(check.id))
    context["playbook"] = "steward test"
    context["today"] = Value(.string(AuditRunner.isoDay(StewardClock.now())))
    if let data = example["data"] { context["data"] = data }
    let list = Value(
      .list(subjects.map { ["id": .init(.string($0.id)), "subject": $0.value] as Value }))
    let spec = CheckSpec(
      id: check.id, title: check.id, source: .plugin(plugin: plugin.name, check: check.id),
      params: params, severity: check.severity, remediation: nil, when: nil, tags: [], at: nil,
      mark: check.mark, expressionMark: check.mark, whenMark: check.mark, scope: .all)
    let judge = WholeRunResults(check: spec, subjects: subjects)
    let results: [CheckResult]
    do {
      vm.setCurrentCheck(check.id)
      let returned = try vm.call(
        run,
        arguments: [
          .readOnly(list), .readOnly(Value(.map(params))), .readOnly(Value(.map(context))),
        ]
      )
      results = judge.read(returned.first, from: run.mark) { _, subject in subject.value.mark }
    } catch {
      let text = Validator.diagnostics(of: error, file: plugin.path).first?.description
      return outcome("error: " + (text ?? "\(error)"), passed: false)
    }
    let actual = zip(subjects, results).map { subject, result in
      var text = result.status.rawValue + (result.path.map { " at \($0)" } ?? "")
      if result.status == .error { text += " (\(result.message))" }
      return "\(subject.id): \(text)"
    }
    let passed = zip(subjects, results).allSatisfy { subject, result in
      result.status.rawValue == expect[subject.id]?.string
        && (at?[subject.id]?.string == nil || result.path == at?[subject.id]?.string)
    }
    return outcome(actual.joined(separator: ", "), passed: passed)
  }
}
