import Foundation
public import StewardCore
import StewardLua
import StewardYAML

/// `steward validate`: reads playbooks and plugins the way a run would, and
/// reports every problem with its mark without running anything.
public enum Validator {
  /// What became of one file.
  public struct FileResult: Sendable {
    public var path: String
    /// What the file turned out to be, e.g. "audit playbook deployment-gate".
    public var summary: String?
    public var diagnostics: [Diagnostic]
    /// The files a playbook reads (subjects, schema, projects, people,
    /// responses…), checked as part of it.
    public var dataFiles: [String] = []

    public var ok: Bool { !diagnostics.contains { $0.severity == .error } }
  }

  public struct Report: Sendable {
    public var files: [FileResult]
    /// Problems that belong to no single file (a path that does not exist).
    public var general: [Diagnostic]

    public var ok: Bool { general.isEmpty && files.allSatisfy(\.ok) }
    public var allDiagnostics: [Diagnostic] { general + files.flatMap(\.diagnostics) }
  }

  /// Validates every file named and every playbook or plugin under the
  /// folders named. A file met in a folder, refused as a playbook, that a
  /// playbook validated without problems in the same run has read as its
  /// data (a hackathon's projects, an audit's cards) is left to that
  /// playbook: judged as a playbook it would only be refused for lacking
  /// `steward:`. A file that says `steward:` or `kind:` is always judged,
  /// and so is a data file named on its own.
  /// What `validate` takes of `run`'s command line: each playbook is read
  /// with these, exactly as `run` would read it.
  public struct Options: Sendable {
    /// `--input NAME=PATH`, as typed.
    public var inputs: [String] = []
    public var pluginPath: [String] = []
    public init(inputs: [String] = [], pluginPath: [String] = []) {
      self.inputs = inputs
      self.pluginPath = pluginPath
    }
  }

  public static func validate(paths: [String], options: Options = Options()) -> Report {
    let (expanded, missing) = InputFiles.expand(paths)
    // The Lua modules plugins require (a `lib` folder under one named) are
    // no plugins: their plugins load them (decision 0040).
    let modules = Set(expanded.filter { $0.hasSuffix(".lua") }).subtracting(
      PluginRegistry.pluginFiles(paths).files)
    let files = expanded.filter { !modules.contains($0) }
    let results = files.map { validate(file: $0, options: options) }
    let named = Set(paths.map(canonical))
    let data = Set(results.filter(\.ok).flatMap(\.dataFiles).map(canonical)).subtracting(named)
    let kept = results.filter { result in
      result.ok || !data.contains(canonical(result.path)) || claimsToBePlaybook(result.path)
    }
    return Report(files: kept, general: missing)
  }

  /// Whether a YAML or JSON file's first document has a playbook's keys,
  /// so that a real playbook another one happens to read is still judged.
  private static func claimsToBePlaybook(_ path: String) -> Bool {
    guard ["yaml", "yml", "json"].contains((path as NSString).pathExtension.lowercased()),
      let first = (try? DocumentLoader.load(path: path))?.first
    else { return true }
    return first["steward"] != nil || first["kind"] != nil
  }

  private static func canonical(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }

  public static func validate(file path: String, options: Options = Options()) -> FileResult {
    let ext = (path as NSString).pathExtension.lowercased()
    do {
      switch ext {
      case "lua":
        if LuaPlaybookLoader.returnsPlaybook(path: path) {
          return try validatePlaybook(path, options: options)
        }
        return try validatePlugin(path)
      case "yaml", "yml", "json":
        if let other = try notAPlaybook(path, options: options) { return other }
        return try validatePlaybook(path, options: options)
      default:
        throw Diagnostic(
          at: SourceMark(file: path, line: 0, column: 0), code: "F004",
          "not a playbook or plugin (expected .yaml, .yml, .json or .lua)")
      }
    } catch {
      return FileResult(path: path, summary: nil, diagnostics: diagnostics(of: error, file: path))
    }
  }

  static func validatePlaybook(_ path: String, options: Options) throws -> FileResult {
    try validatePlaybook(PlaybookLoader.load(path: path), path: path, options: options)
  }

  /// A playbook already read, as if it were the file at `path` (which its
  /// relative paths are resolved against), loaded by the run's own `load`.
  static func validatePlaybook(
    _ header: PlaybookHeader, path: String, options: Options = Options()
  ) throws -> FileResult {
    guard let kind = KindRegistry.kind(header.kind) else {
      throw Diagnostic(at: header.document.mark, code: "S003", "unknown kind \"\(header.kind)\"")
    }
    // `run` refuses --input for a kind that reads no inputs (a runbook).
    if !options.inputs.isEmpty, !kind.flags.contains(.input) {
      throw Diagnostic(
        at: SourceMark(file: path, line: 0, column: 0), code: "I002",
        RunRefusal.flag(.input, of: kind).description)
    }
    var run = RunOptions(playbook: path)
    run.inputs = options.inputs
    run.pluginPath = options.pluginPath
    let checked = try kind.loadAndValidate(RunPipeline.request(run, header: header, kind: kind))
    var summary = "\(header.kind.rawValue) playbook \(header.name)"
    if !checked.detail.isEmpty { summary += " " + checked.detail }
    return FileResult(
      path: path, summary: summary, diagnostics: checked.warnings, dataFiles: checked.dataFiles)
  }

  /// What a YAML or JSON file that is no playbook (no `steward:` and no
  /// `kind:`) is, when it is one of the files steward itself reads or
  /// writes beside playbooks: a waiver file, an audit's fixtures or a
  /// ritual's holidays, each checked as the command that reads it checks
  /// it, or a report steward wrote. Nil for anything else, which is judged
  /// as a playbook.
  static func notAPlaybook(_ path: String, options: Options = Options()) throws -> FileResult? {
    guard let document = try? DocumentLoader.load(path: path).first else { return nil }
    if let items = document.list, !items.isEmpty,
      items.allSatisfy({ $0["date"] != nil && $0.map?.count ?? 0 <= 2 })
    {
      return try holidays(path)
    }
    guard document.map != nil else { return nil }
    if isReport(document) {
      return FileResult(
        path: path, summary: "a report steward wrote, not a playbook", diagnostics: [])
    }
    guard document["steward"] == nil, document["kind"] == nil else { return nil }
    if let waivers = document["waivers"], document.map?.count == 1 {
      let base = (path as NSString).deletingLastPathComponent
      let parsed = try WaiverFile.parse(waivers, base: base)
      return FileResult(
        path: path, summary: "waiver file (\(English.count(parsed.count, "waiver")))",
        diagnostics: [])
    }
    if document["tests"]?.list != nil, document.map?.count == 1 {
      let count = try AuditFixtures.check(file: path, pluginPath: options.pluginPath)
      return FileResult(
        path: path,
        summary: "audit fixtures (\(English.count(count, "fixture")); steward test runs them)",
        diagnostics: [])
    }
    if document["holidays"]?.list != nil, document.map?.count == 1 { return try holidays(path) }
    return nil
  }

  /// Whether `document` is a JSON report steward wrote: a run's report of
  /// any kind (a report names its kind too, but no playbook has
  /// `schema_version:`), SARIF, or what `history`, `waivers` and `inspect`
  /// print. A data file that merely has a `schema_version` is none of these.
  static func isReport(_ document: Value) -> Bool {
    if document["runs"]?.list?.first?["tool"]?["driver"]?["name"]?.string == "steward" {
      return true
    }
    guard document["steward"] == nil, document["schema_version"]?.int != nil,
      let keys = document.map?.keys
    else { return false }
    if document["tool"]?["name"]?.string == "steward" { return true }
    if let kind = document["kind"]?.string, KindRegistry.kind(named: kind) != nil,
      document["playbook"] != nil
    {
      return true
    }
    let printed: [Set<String>] = [
      ["schema_version", "runs"], ["schema_version", "playbook", "metric", "points"],
      ["schema_version", "waivers"], ["schema_version", "file", "documents"],
    ]
    return printed.contains(Set(keys))
  }

  /// A ritual's holidays file, read as a run reads it.
  private static func holidays(_ path: String) throws -> FileResult {
    var problems: [Diagnostic] = []
    let days = try RitualPlaybook.loadHolidays(path, problems: &problems)
    if !problems.isEmpty { throw PlaybookError(problems) }
    return FileResult(
      path: path, summary: "holidays file (\(English.count(days.count, "day"))) of a ritual",
      diagnostics: [])
  }

  static func validatePlugin(_ path: String) throws -> FileResult {
    let source = try InputFiles.readText(path)
    let vm = try LuaVM()
    if let error = vm.checkSyntax(source: source, chunkName: path) { throw error }
    let plugin = try vm.loadPlugin(source: source, chunkName: path)
    // What `test` and `run` refuse when they load it (a severity that is
    // not one, a parameter's range or default), refused here too.
    let info = try PluginRegistry.describe(plugin, path: path, source: source)
    // An example `steward test` would refuse (a misspelt key) is refused here.
    let examples = ExampleRunner.problems(in: info)
    if !examples.isEmpty { throw PlaybookError(examples) }
    var counts: [String: Int] = [:]
    for registration in plugin.registrations { counts[registration.kind, default: 0] += 1 }
    let parts = counts.keys.sorted().map { English.count(counts[$0] ?? 0, $0) }
    let what = parts.isEmpty ? "no registrations" : parts.joined(separator: ", ")
    return FileResult(
      path: path, summary: "plugin \(plugin.name) \(plugin.version) (\(what))", diagnostics: [])
  }

  /// Any error as diagnostics, falling back to the file's own mark.
  public static func diagnostics(of error: any Error, file: String) -> [Diagnostic] {
    if let many = error as? PlaybookError { return many.diagnostics }
    if let one = error as? any DiagnosticConvertible { return [one.diagnostic] }
    return [
      Diagnostic(at: SourceMark(file: file, line: 0, column: 0), code: "E000", "\(error)")
    ]
  }
}
