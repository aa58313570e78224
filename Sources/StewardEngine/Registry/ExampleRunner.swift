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

  /// The keys an example may have.
  static let exampleKeys = ["subject", "subjects", "expect", "at", "params", "deferred", "data"]

  /// Every example of every check of `plugin` read strictly: a misspelt
  /// key (`expct`), a missing `expect`, or a parameter the check does not
  /// take or of the wrong type, each at the example's own line and column.
  /// A lax reader let such an example pass, testing nothing.
  public static func problems(in plugin: PluginInfo) -> [Diagnostic] {
    let source = LuaSource(plugin.source)
    var problems: [Diagnostic] = []
    for check in plugin.checks {
      let written = source.examples(fromLine: check.mark.line, file: plugin.path)
      for (i, example) in check.examples.enumerated() {
        let place = i < written.count ? written[i] : nil
        let at = { (key: String?) -> SourceMark in
          key.flatMap { place?.keys[$0] } ?? place?.mark ?? check.mark
        }
        let about = "example \(i + 1) of check \"\(check.id)\""
        guard let map = example.map else {
          problems.append(
            Diagnostic(
              at: at(nil), code: "P004",
              "\(about) must be a table such as { subject = { … }, expect = \"fail\" }"))
          continue
        }
        for key in map.keys where !exampleKeys.contains(key) {
          var message = "\(about) has an unknown key \"\(key)\""
          if let guess = SchemaValidator.suggestion(for: key, among: exampleKeys) {
            message += "; did you mean \"\(guess)\"?"
          } else {
            message += " (an example takes \(exampleKeys.joined(separator: ", ")))"
          }
          problems.append(Diagnostic(at: at(key), code: "P004", message))
        }
        let statuses = CheckStatus.allCases.map(\.rawValue).filter { $0 != "waived" }
        if let expect = map["expect"] {
          // A whole-run example (`subjects`) expects a status per subject id.
          let isStatus = { (value: Value) in value.string.map(statuses.contains) ?? false }
          let holds =
            map["subjects"] != nil
            ? (expect.map.map { $0.entries.allSatisfy { isStatus($0.value) } } ?? false)
            : isStatus(expect)
          if !holds {
            problems.append(
              Diagnostic(
                at: at("expect"), code: "P004",
                "\(about): expect must be one of \(statuses.joined(separator: ", ")), found \(expect.string.map { "\"\($0)\"" } ?? expect.typeWithArticle)"
              ))
          }
        } else {
          problems.append(
            Diagnostic(
              at: at(nil), code: "P004",
              "\(about) has no expect; say what the check must return (expect = \"pass\")"))
        }
        guard let params = map["params"] else { continue }
        guard let given = params.map else {
          problems.append(
            Diagnostic(
              at: at("params"), code: "P004",
              "\(about): params must be a table of parameters, found \(params.typeWithArticle)"))
          continue
        }
        for entry in given.entries {
          guard let spec = check.params.first(where: { $0.name == entry.key }) else {
            var message = "\(about): check \"\(check.id)\" has no parameter \"\(entry.key)\""
            let names = check.params.map(\.name)
            if let guess = SchemaValidator.suggestion(for: entry.key, among: names) {
              message += "; did you mean \"\(guess)\"?"
            } else if !names.isEmpty {
              message += " (it takes \(names.joined(separator: ", ")))"
            }
            problems.append(Diagnostic(at: at("params"), code: "P004", message))
            continue
          }
          if let why = spec.problem(with: entry.value) {
            problems.append(
              Diagnostic(
                at: at("params"), code: "P004", "\(about): parameter \"\(entry.key)\" \(why)"))
          }
        }
      }
    }
    return problems
  }

  public func run(_ plugin: PluginInfo) throws -> [Outcome] {
    let problems = Self.problems(in: plugin)
    if !problems.isEmpty { throw PlaybookError(problems) }
    let log = PluginLogger(plugin.path)
    let vm = try LuaVM(limits: limits, log: log.sink)
    let loaded = try vm.loadPlugin(source: plugin.source, chunkName: plugin.path)
    var outcomes: [Outcome] = []
    let source = LuaSource(plugin.source)
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
      // Each example's own line, where it is written in the source: an
      // outcome said at the `p:check` line left the author to count.
      let written = source.examples(fromLine: check.mark.line, file: plugin.path)
      for (i, var example) in check.examples.enumerated() {
        if !example.mark.isKnown, i < written.count, let place = written[i] {
          example.mark = place.mark
        }
        log.about("example \(i + 1) of \(check.id)")
        outcomes +=
          check.scope == .all
          ? [
            runWholeExample(example, number: i + 1, check: check, plugin: plugin, vm: vm, run: run)
          ]
          : runExample(example, number: i + 1, check: check, plugin: plugin, vm: vm, run: run)
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
      var context: Value = [
        "check": .init(.string(check.id)), "subject_id": "example", "playbook": "steward test",
        "today": .init(.string(AuditRunner.isoDay(StewardClock.now()))),
        "deferred": .init(.bool(deferred)),
      ]
      // `data = { … }`: what the playbook's data: files give as ctx.data.
      if let data = example["data"], var map = context.map {
        map["data"] = data
        context = Value(.map(map))
      }
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
        if parsed.status == .error || parsed.malformed { actual += " (\(parsed.message))" }
        if try vm.value(of: shared) != before {
          actual +=
            ", but the check modified its subject (subjects are read-only: checks share them)"
          return Outcome(
            plugin: plugin.name, check: check.id, example: number, variant: variant,
            expected: expected, actual: actual, mark: mark, passed: false)
        }
        // `at` is compared only when the example states one.
        // A malformed result fails its example whatever it expected: a
        // failure with a typo beside it stays a failure in a run, and the
        // example is where its author can see the typo.
        let passed =
          !parsed.malformed && parsed.status.rawValue == expectedStatus
          && (expectedAt == nil || parsed.at == expectedAt)
        return Outcome(
          plugin: plugin.name, check: check.id, example: number, variant: variant,
          expected: expected, actual: actual, mark: mark, passed: passed)
      } catch {
        let error = (error as? LuaResultUnreadable)?.underlying ?? error
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
