import Foundation
public import StewardCore
import StewardLua

/// Finds and loads Lua plugins, and validates what they declare.
///
/// A plugin is named in a playbook by a path relative to the playbook, or by
/// name (`ml-governance`), searched in `--plugin-path` folders, then in
/// `$STEWARD_PLUGIN_PATH` (colon-separated), then in `./Plugins`.
public struct PluginRegistry: Sendable {
  public private(set) var plugins: [PluginInfo] = []
  public var searchPath: [String]
  /// Whether a plugin listed under `plugins:` was not found or did not
  /// load. That is already an error at its entry; a reference to a plugin
  /// that is not loaded then raises nothing more, since it is most likely
  /// that plugin (a syntax error is said once, not again as "not listed").
  public private(set) var listingFailed = false

  public init(searchPath: [String] = []) {
    var path = searchPath
    if let env = ProcessInfo.processInfo.environment["STEWARD_PLUGIN_PATH"] {
      path += env.split(separator: ":").map(String.init)
    }
    path.append("Plugins")
    self.searchPath = path
  }

  public func plugin(named name: String) -> PluginInfo? {
    plugins.first { $0.name == name }
  }

  /// Resolves `reference` (a path, or a bare name on the search path)
  /// relative to `base`, the folder of the playbook that names it.
  public func resolve(_ reference: String, base: String) -> String? {
    let fm = FileManager.default
    let looksLikePath = reference.contains("/") || reference.hasSuffix(".lua")
    if looksLikePath {
      let path = InputFiles.join(base, reference)
      return fm.fileExists(atPath: path) ? path : nil
    }
    for dir in searchPath {
      let path = InputFiles.join(dir, reference + ".lua")
      if fm.fileExists(atPath: path) { return path }
    }
    return nil
  }

  /// Loads the plugin at `path` in a sandboxed VM and records what it declares.
  @discardableResult
  public mutating func load(path: String) throws -> PluginInfo {
    if let known = plugins.first(where: { $0.path == path }) { return known }
    let source = try InputFiles.readText(path)
    let vm = try LuaVM()
    let plugin = try vm.loadPlugin(source: source, chunkName: path)
    let info = try Self.describe(plugin, path: path, source: source)
    if let clash = plugins.first(where: { $0.name == info.name }) {
      throw Diagnostic(
        at: SourceMark(file: path, line: 1, column: 1), code: "P001",
        "plugin name \"\(info.name)\" is already used by \(clash.path)")
    }
    plugins.append(info)
    return info
  }

  /// Loads the plugins a playbook lists under `plugins:` (paths relative to
  /// `base`, or names on the search path); every missing or broken plugin is
  /// a problem at its entry.
  public mutating func loadListed(in header: PlaybookHeader, base: String) -> [Diagnostic] {
    var problems: [Diagnostic] = []
    for item in header.document["plugins"]?.list ?? [] {
      guard let reference = item.string else { continue }
      guard let resolved = resolve(reference, base: base) else {
        problems.append(
          Diagnostic(at: item.mark, code: "S008", "plugin \"\(reference)\" not found"))
        continue
      }
      do { try load(path: resolved) } catch {
        problems += Validator.diagnostics(of: error, file: resolved)
      }
    }
    if !problems.isEmpty { listingFailed = true }
    return problems
  }

  /// Loads every `.lua` file under `paths` (files or folders).
  public mutating func loadAll(_ paths: [String]) throws {
    let (files, missing) = Self.pluginFiles(paths)
    if let first = missing.first { throw first }
    for file in files { try load(path: file) }
  }

  /// The `.lua` files `paths` name, a folder's searched through, except
  /// those in a `lib` folder under it: that is where the modules plugins
  /// `require` live (decision 0040), and a module is not a plugin.
  static func pluginFiles(_ paths: [String]) -> (files: [String], missing: [Diagnostic]) {
    var files: [String] = []
    var missing: [Diagnostic] = []
    for path in paths {
      let (found, absent) = InputFiles.expand([path])
      missing += absent
      let root = path.hasSuffix("/") ? path : path + "/"
      files += found.filter { file in
        guard file.hasSuffix(".lua") else { return false }
        guard file.hasPrefix(root) else { return true }
        return !file.dropFirst(root.count).split(separator: "/").dropLast().contains("lib")
      }
    }
    return (files, missing)
  }

  /// Loads what `steward test` is given: a plugin file, or every plugin
  /// under a folder. Unlike `loadAll`, a file that is not a `.lua` plugin
  /// and a folder without one are errors: a CI step that tests nothing must
  /// not pass.
  public mutating func loadPlugins(at path: String) throws {
    let (plugins, missing) = Self.pluginFiles([path])
    if let first = missing.first { throw first }
    guard !plugins.isEmpty else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 0, column: 0), code: "P003",
        InputFiles.isDirectory(path)
          ? "no plugin (.lua file) in this folder" : "not a plugin (a plugin is a .lua file)")
    }
    for file in plugins { try load(path: file) }
  }

  static func describe(_ plugin: LuaPlugin, path: String, source: String) throws -> PluginInfo {
    var checks: [CheckInfo] = []
    var others: [String: [String]] = [:]
    for registration in plugin.registrations {
      guard registration.kind == "check" else {
        others[registration.kind, default: []].append(registration.id)
        continue
      }
      checks.append(try describeCheck(registration))
    }
    try checkDeferrals(checks)
    return PluginInfo(
      path: path, source: source, name: plugin.name, version: plugin.version,
      description: plugin.spec["description"]?.string ?? "", checks: checks, others: others)
  }

  /// A check may defer only to another check of its own plugin: a name
  /// that matches none would never be in the run, and a check that defers to
  /// itself would always be.
  static func checkDeferrals(_ checks: [CheckInfo]) throws {
    let ids = checks.map(\.id)
    let whole = Set(checks.filter { $0.scope == .all }.map(\.id))
    for check in checks {
      if let target = check.defersTo.first(where: whole.contains) {
        throw Diagnostic(
          at: check.mark, code: "P002",
          "check \"\(check.id)\": defers_to names \"\(target)\", which judges all subjects at once (scope = \"all\")"
        )
      }
      for target in check.defersTo where target == check.id || !ids.contains(target) {
        var message =
          target == check.id
          ? "check \"\(check.id)\": defers_to names the check itself"
          : "check \"\(check.id)\": defers_to names \"\(target)\", which is no check of this plugin"
        if target != check.id, let guess = SchemaValidator.suggestion(for: target, among: ids) {
          message += "; did you mean \"\(guess)\"?"
        }
        throw Diagnostic(at: check.mark, code: "P002", message)
      }
    }
  }

  static func describeCheck(_ r: LuaRegistration) throws -> CheckInfo {
    func problem(_ message: String) -> Diagnostic {
      Diagnostic(at: r.mark, code: "P002", "check \"\(r.id)\": \(message)")
    }
    guard r.functions["run"] != nil else { throw problem("has no run function") }
    let severityName = r.spec["severity"]?.string ?? "medium"
    guard let severity = Severity(rawValue: severityName) else {
      throw problem(
        "severity \"\(severityName)\" is not one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    var params: [ParamSpec] = []
    for entry in r.spec["params"]?.map?.entries ?? [] {
      let declared = entry.value
      let typeName = declared["type"]?.string ?? "any"
      guard let type = ParamSpec.ParamType(rawValue: typeName) else {
        throw problem(
          "parameter \"\(entry.key)\" has type \"\(typeName)\"; use one of \(ParamSpec.ParamType.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      var spec = ParamSpec(
        name: entry.key, type: type, defaultValue: declared["default"],
        description: declared["description"]?.string ?? "",
        required: declared["required"]?.bool ?? false)
      for (bound, value) in [("min", declared["min"]), ("max", declared["max"])] {
        guard let value, !value.isNull else { continue }
        guard type == .number || type == .integer, let number = value.number, number.isFinite
        else {
          throw problem(
            "parameter \"\(entry.key)\": \(bound) must be a finite number, on a number or integer parameter"
          )
        }
        if bound == "min" { spec.minimum = number } else { spec.maximum = number }
      }
      if let low = spec.minimum, let high = spec.maximum, low > high {
        throw problem("parameter \"\(entry.key)\": min is above max")
      }
      if let d = spec.defaultValue, !d.isNull, let why = spec.problem(with: d) {
        throw problem("the default of parameter \"\(entry.key)\" \(why)")
      }
      params.append(spec)
    }
    let examples = r.spec["examples"]?.list ?? []
    var defersTo: [String] = []
    if let declared = r.spec["defers_to"] {
      guard let names = declared.string.map({ [$0] }) ?? declared.list?.compactMap(\.string),
        names.count == (declared.list?.count ?? 1), !names.isEmpty
      else {
        throw problem("defers_to must be a check id of this plugin, or a list of them")
      }
      defersTo = names
    }
    let scopeName = r.spec["scope"].map { $0.string ?? "" } ?? "subject"
    guard let scope = CheckScope(rawValue: scopeName) else {
      throw problem("scope must be \"subject\" (the default) or \"all\"")
    }
    if scope == .all, !defersTo.isEmpty {
      throw problem("a check with scope = \"all\" cannot defer to another (defers_to)")
    }
    return CheckInfo(
      id: r.id, description: r.spec["description"]?.string ?? "", severity: severity,
      params: params, examples: examples, remediation: r.spec["remediation"]?.string,
      tags: r.spec["tags"]?.list?.compactMap(\.string) ?? [], mark: r.mark, defersTo: defersTo,
      scope: scope)
  }
}
