import Foundation
public import StewardCore
import StewardLua
import StewardYAML

/// An audit playbook read and validated against its plugins, ready to run.
/// Everything that can be wrong with the input is found here, before a single
/// check runs (unknown keys, a missing plugin, a parameter of the wrong type).
public struct AuditPlaybook: Sendable {
  public var header: PlaybookHeader
  public var path: String
  public var checks: [CheckSpec]
  public var subjectPatterns: [(pattern: String, mark: SourceMark)]
  public var waivers: [Waiver]
  /// The playbook's `gate:`, when it names one (`--fail-on` overrides it).
  public var gate: GatePolicy?
  /// Whether a check that errors counts against the gate (the default).
  public var errorsFail: Bool
  public var registry: PluginRegistry
  /// The schema subjects must satisfy, when the playbook names one.
  public var schema: JSONSchema?

  /// The folder relative paths in the playbook are resolved against.
  public var baseDirectory: String { (path as NSString).deletingLastPathComponent }

  public static func load(
    header: PlaybookHeader, path: String, pluginPath: [String] = [],
    inputs overrides: [String: [String]] = [:]
  ) throws -> AuditPlaybook {
    try load(
      header: header, path: path, pluginPath: pluginPath,
      inputs: ResolvedInputs(
        header: header, path: path, overrides: overrides, declaration: AuditKind.inputs))
  }

  /// Reads the audit body with its inputs already resolved.
  public static func load(
    header: PlaybookHeader, path: String, pluginPath: [String] = [], inputs: ResolvedInputs
  ) throws -> AuditPlaybook {
    var problems: [Diagnostic] = inputs.problems
    let base = inputs.base
    var registry = PluginRegistry(searchPath: pluginPath)
    problems += registry.loadListed(in: header, base: base)

    var checks: [CheckSpec] = []
    for item in header.document["checks"]?.list ?? [] {
      do { checks.append(try parseCheck(item, registry: registry)) } catch {
        problems += Validator.diagnostics(of: error, file: path)
      }
    }
    if (header.document["checks"]?.list ?? []).isEmpty {
      // A gate over no check would pass every card it was pointed at.
      problems.append(
        Diagnostic(
          at: header.document["checks"]?.mark ?? header.document.mark, code: "A016",
          "an audit needs at least one check under \"checks:\"; a gate over none would pass anything"
        ))
    }
    var seen: [String: SourceMark] = [:]
    for check in checks {
      if let first = seen[check.id] {
        problems.append(
          Diagnostic(
            at: check.mark, code: "A003",
            "check id \"\(check.id)\" is used twice (first at \(first)); give one an \"id:\""))
      }
      seen[check.id] = check.mark
    }
    problems += expressionProblems(checks, file: path)

    var patterns: [(String, SourceMark)] = []
    if let found = inputs.paths("subjects", declared: header.document["subjects"]) {
      patterns = found
      for item in header.document["subjects"].map({ $0.list ?? [$0] }) ?? []
      where item.string == nil {
        problems.append(
          Diagnostic(
            at: item.mark, code: "A004",
            "subjects must be an input name, a path, a folder or a glob, or a list of them"))
      }
    } else {
      problems.append(
        Diagnostic(
          at: header.document.mark, code: "A005",
          "an audit needs \"subjects:\" (or --input subjects=PATH)"))
    }

    var waivers: [Waiver] = []
    if let w = header.document["waivers"] {
      do { waivers = try WaiverFile.parse(w, base: base) } catch {
        problems += Validator.diagnostics(of: error, file: path)
      }
    }

    var schema: JSONSchema?
    if let reference = header.document["schema"], let file = reference.string {
      let schemaPath = InputFiles.join(base, file)
      do {
        guard let document = try DocumentLoader.load(path: schemaPath).first else {
          throw Diagnostic(at: reference.mark, code: "J005", "schema file \"\(file)\" is empty")
        }
        schema = try JSONSchema(path: schemaPath, root: document)
      } catch let error as YAMLError where error.code == "Y016" {
        problems.append(
          Diagnostic(
            at: reference.mark, code: "J006",
            "schema file \"\(file)\" not found (looked at \(schemaPath))"))
      } catch {
        problems += Validator.diagnostics(of: error, file: schemaPath)
      }
    }

    var gatePolicy: GatePolicy?
    var errorsFail = true
    if let gate = header.document["gate"] {
      if gate.string == "none" {
        gatePolicy = GatePolicy(threshold: nil, origin: .playbook)
      } else if gate.map == nil {
        problems.append(
          Diagnostic(
            at: gate.mark, code: "A014",
            "gate takes none or a map such as { fail_on: high, errors: fail }, found \(gate.typeWithArticle)"
          ))
      } else {
        let gateFields = [
          FieldSpec(
            "fail_on", .oneOf(GatePolicy.names),
            doc: "the default --fail-on (none: report only)"),
          FieldSpec(
            "errors", .oneOf(["fail", "ignore"]), doc: "whether errored checks fail the gate"),
        ]
        problems += SchemaValidator(fields: gateFields, context: "gate").problems(in: gate)
        gatePolicy = gate["fail_on"]?.string.flatMap { GatePolicy.parse($0, origin: .playbook) }
        errorsFail = gate["errors"]?.string != "ignore"
      }
    }

    if !problems.isEmpty { throw PlaybookError(problems) }
    return AuditPlaybook(
      header: header, path: path, checks: checks, subjectPatterns: patterns, waivers: waivers,
      gate: gatePolicy, errorsFail: errorsFail, registry: registry, schema: schema)
  }

  static func parseCheck(_ item: Value, registry: PluginRegistry) throws -> CheckSpec {
    var problems = SchemaValidator(fields: CheckSpec.fields, context: "check").problems(in: item)
    guard problems.isEmpty, let map = item.map else { throw PlaybookError(problems) }
    let sources = ["use", "builtin", "expr"].filter { map[$0] != nil }
    guard sources.count == 1 else {
      throw PlaybookError([
        Diagnostic(
          at: item.mark, code: "A001",
          sources.isEmpty
            ? "a check needs one of \"use\", \"builtin\" or \"expr\""
            : "a check takes only one of \"use\", \"builtin\" and \"expr\"; found \(sources.joined(separator: ", "))"
        )
      ])
    }
    var params = map["params"]?.map ?? OrderedMap()
    let paramsMark = map["params"]?.mark ?? item.mark
    var source: CheckSpec.Source
    var defaultID: String?
    var defaultSeverity = Severity.medium
    var title = map["title"]?.string
    var remediation = map["remediation"]?.string
    var tags = map["tags"]?.list?.compactMap(\.string) ?? []

    if let use = map.entry("use"), let reference = use.value.string {
      let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
      guard parts.count == 2 else {
        throw PlaybookError([
          Diagnostic(
            at: use.value.mark, code: "A002", "\"use\" takes PLUGIN.CHECK, found \"\(reference)\"")
        ])
      }
      guard let plugin = registry.plugin(named: parts[0]) else {
        let known = registry.plugins.map(\.name)
        throw PlaybookError([
          Diagnostic(
            at: use.value.mark, code: "A002",
            "no plugin named \"\(parts[0])\" is loaded"
              + (known.isEmpty
                ? "; list it under \"plugins:\""
                : " (loaded: \(known.joined(separator: ", ")))"))
        ])
      }
      guard let check = plugin.check(parts[1]) else {
        var message = "plugin \"\(plugin.name)\" has no check \"\(parts[1])\""
        if let guess = SchemaValidator.suggestion(for: parts[1], among: plugin.checks.map(\.id)) {
          message += "; did you mean \"\(guess)\"?"
        }
        throw PlaybookError([Diagnostic(at: use.value.mark, code: "A002", message)])
      }
      source = .plugin(plugin: plugin.name, check: check.id)
      defaultID = check.id
      defaultSeverity = check.severity
      title = title ?? check.description
      remediation = remediation ?? check.remediation
      tags = tags.isEmpty ? check.tags : tags
      problems += validate(params: &params, against: check.params, at: paramsMark, check: reference)
    } else if let builtin = map["builtin"]?.string {
      source = .builtin(builtin)
      let definition = BuiltinChecks.definitions.first { $0.name == builtin }
      title = title ?? definition?.description
      let specs = definition?.params ?? []
      problems += SchemaValidator(fields: specs, context: "\(builtin) params")
        .problems(in: map["params"] ?? Value(.map(OrderedMap()), mark: item.mark))
      problems += Self.rangeProblems(map["params"], builtin: builtin)
    } else {
      source = .expression(map["expr"]?.string ?? "")
    }
    guard let id = map["id"]?.string ?? defaultID else {
      problems.append(Diagnostic(at: item.mark, code: "A001", "this check needs an \"id\""))
      throw PlaybookError(problems)
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return CheckSpec(
      id: id, title: title ?? id, source: source, params: params,
      severity: map["severity"]?.string.flatMap(Severity.init(rawValue:)) ?? defaultSeverity,
      remediation: remediation, when: map["when"]?.string, tags: tags, at: map["at"]?.string,
      mark: item.mark, expressionMark: map["expr"]?.mark ?? item.mark,
      whenMark: map["when"]?.mark ?? item.mark)
  }

  /// Compiles, without running, every `expr` and `when` the way each worker
  /// will, so that a syntax error is refused before the run (and by
  /// `steward validate`) at the expression's mark, not reported as an error
  /// result on every subject.
  static func expressionProblems(_ checks: [CheckSpec], file: String) -> [Diagnostic] {
    let expressions = checks.flatMap(\.inlineExpressions)
    guard !expressions.isEmpty else { return [] }
    let vm: LuaVM
    do { vm = try LuaVM() } catch { return Validator.diagnostics(of: error, file: file) }
    return expressions.compactMap { key, source, mark in
      let chunk = CheckSpec.inlineChunk(source, at: mark)
      guard let error = vm.checkSyntax(source: chunk, chunkName: mark.file) else { return nil }
      // Past the expression's last line is only the chunk's own closing
      // text, which Lua would name ("near 'return'") though the user never wrote it.
      let lastLine =
        CheckSpec.firstLine(of: source, at: mark) + source.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
      let reason =
        error.mark.line > lastLine
        ? "the expression ends too early (an operand or a closing bracket is missing)"
        : error.message
      return Diagnostic(at: mark, code: error.code, "\"\(key)\" does not compile: \(reason)")
    }
  }

  /// Loads the subjects and checks them against the playbook's schema; any
  /// violation is an input error (exit 2), reported before a check runs.
  public func loadSubjects() throws -> [Subject] {
    let subjects = try SubjectLoader.load(subjectPatterns)
    guard let schema else { return subjects }
    let violations = subjects.flatMap { schema.violations(of: $0.value) }
    if !violations.isEmpty { throw PlaybookError(violations) }
    return subjects
  }

  /// A `range` whose bounds are not finite or cross would fail or pass every
  /// subject for a reason no result would show.
  static func rangeProblems(_ params: Value?, builtin: String) -> [Diagnostic] {
    guard builtin == "range", let params else { return [] }
    var problems: [Diagnostic] = []
    for key in ["min", "max"] {
      if let bound = params[key], let number = bound.number, !number.isFinite {
        problems.append(
          Diagnostic(at: bound.mark, code: "A007", "range: \(key) must be a finite number"))
      }
    }
    if let low = params["min"]?.number, let high = params["max"]?.number, low > high,
      let max = params["max"]
    {
      problems.append(
        Diagnostic(
          at: max.mark, code: "A007",
          "range: max (\(ParamSpec.text(high))) is below min (\(ParamSpec.text(low)))"))
    }
    return problems
  }

  /// Checks `params` against a plugin's declared parameters and fills in
  /// defaults, so the run function always sees every declared parameter.
  static func validate(
    params: inout OrderedMap, against specs: [ParamSpec], at mark: SourceMark, check: String
  ) -> [Diagnostic] {
    var problems: [Diagnostic] = []
    for entry in params.entries {
      guard let spec = specs.first(where: { $0.name == entry.key }) else {
        var message = "\(check) has no parameter \"\(entry.key)\""
        let names = specs.map(\.name)
        if let guess = SchemaValidator.suggestion(for: entry.key, among: names) {
          message += "; did you mean \"\(guess)\"?"
        } else if !names.isEmpty {
          message += " (it takes \(names.joined(separator: ", ")))"
        }
        problems.append(Diagnostic(at: entry.keyMark, code: "A006", message))
        continue
      }
      if let why = spec.problem(with: entry.value) {
        problems.append(
          Diagnostic(
            at: entry.value.mark, code: "A007", "parameter \"\(entry.key)\" of \(check) \(why)"))
      }
    }
    for spec in specs where params[spec.name] == nil {
      if let d = spec.defaultValue, !d.isNull {
        params[spec.name] = d
      } else if spec.required {
        problems.append(
          Diagnostic(at: mark, code: "A008", "\(check) needs parameter \"\(spec.name)\""))
      }
    }
    return problems
  }
}
