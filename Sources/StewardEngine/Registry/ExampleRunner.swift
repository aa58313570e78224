import Foundation
public import StewardCore
public import StewardLua
import StewardYAML

/// Runs the examples every plugin check declares (`steward test`), the way
/// SwiftLint runs each rule's triggering and non-triggering examples.
///
/// Each example is also re-run in two variants that must not change its
/// outcome: the subject written to JSON and read back through the loader (as
/// a real subject file would be), and the subject with an unknown extra field.
public struct ExampleRunner {
  public struct Outcome: Sendable {
    public var plugin: String
    public var check: String
    /// 1-based position of the example in the check's `examples`.
    public var example: Int
    public var variant: String
    public var expected: String
    public var actual: String
    public var mark: SourceMark
    public var passed: Bool
  }

  public var limits: LuaLimits

  public init(limits: LuaLimits = .default) {
    self.limits = limits
  }

  public func run(_ plugin: PluginInfo) throws -> [Outcome] {
    let vm = try LuaVM(limits: limits)
    let loaded = try vm.loadPlugin(source: plugin.source, chunkName: plugin.path)
    var outcomes: [Outcome] = []
    for check in plugin.checks {
      guard
        let run = loaded.registrations.first(where: { $0.kind == "check" && $0.id == check.id })?
          .functions["run"]
      else { continue }
      if check.examples.isEmpty {
        outcomes.append(
          Outcome(
            plugin: plugin.name, check: check.id, example: 0, variant: "", expected: "examples",
            actual: "none declared", mark: check.mark, passed: false))
      }
      for (i, example) in check.examples.enumerated() {
        outcomes += runExample(
          example, number: i + 1, check: check, plugin: plugin, vm: vm, run: run)
      }
    }
    return outcomes
  }

  func runExample(
    _ example: Value, number: Int, check: CheckInfo, plugin: PluginInfo, vm: LuaVM, run: LuaFunction
  ) -> [Outcome] {
    let mark = example.mark.isKnown ? example.mark : check.mark
    let expectedStatus = example["expect"]?.string ?? "pass"
    let expectedAt = example["at"]?.string
    let expected = expectedStatus + (expectedAt.map { " at \($0)" } ?? "")
    var params = OrderedMap()
    for spec in check.params { if let d = spec.defaultValue { params[spec.name] = d } }
    for entry in example["params"]?.map?.entries ?? [] { params[entry.key] = entry.value }
    let subject = example["subject"] ?? Value(.map(OrderedMap()))

    var variants: [(String, Value)] = [("", subject)]
    if let reread = try? YAMLLoader.load(JSONText.render(subject), file: "example.json").first {
      variants.append(("read from JSON", reread))
    }
    if var map = subject.map {
      map["x_unrelated_field"] = "ignored ✓"
      variants.append(("with an unknown field", Value(.map(map))))
    }
    // As in a run of the whole plugin, unless the example says otherwise
    // (`deferred = false`: the checks it defers to are left out).
    let deferred = !check.defersTo.isEmpty && example["deferred"]?.bool != false
    return variants.map { variant, subjectValue in
      let context: Value = [
        "check": .init(.string(check.id)), "subject_id": "example", "playbook": "steward test",
        "today": .init(.string(AuditRunner.isoDay(Date()))), "deferred": .init(.bool(deferred)),
      ]
      var actual: String
      do {
        // The checks of one subject share its Lua table in a run, so an
        // example also fails when the check modifies its subject.
        let shared = try vm.reference(subjectValue, readOnly: true)
        defer { shared.release() }
        let before = try vm.value(of: shared)
        vm.setCurrentCheck(check.id)
        let returned = try vm.call(
          run, arguments: [.reference(shared), .readOnly(Value(.map(params))), .readOnly(context)],
          record: CheckOutcome.fields)
        let parsed = CheckOutcome.parse(returned, from: .plugin(run.mark))
        actual = parsed.status.rawValue + (parsed.at.map { " at \($0)" } ?? "")
        if parsed.status == .error { actual += " (\(parsed.message))" }
        if try vm.value(of: shared) != before {
          actual +=
            ", but the check modified its subject (subjects are read-only: checks share them)"
          return Outcome(
            plugin: plugin.name, check: check.id, example: number, variant: variant,
            expected: expected, actual: actual, mark: mark, passed: false)
        }
        // `at` is compared only when the example states one.
        let passed =
          parsed.status.rawValue == expectedStatus && (expectedAt == nil || parsed.at == expectedAt)
        return Outcome(
          plugin: plugin.name, check: check.id, example: number, variant: variant,
          expected: expected, actual: actual, mark: mark, passed: passed)
      } catch {
        actual =
          "error: "
          + (Validator.diagnostics(of: error, file: plugin.path).first?.description ?? "\(error)")
        return Outcome(
          plugin: plugin.name, check: check.id, example: number, variant: variant,
          expected: expected, actual: actual, mark: mark, passed: false)
      }
    }
  }
}
