public import StewardCore
import StewardLua

/// Reads a playbook written in Lua: a `.lua` file that returns the same
/// table as the playbook's YAML form.
///
/// ```lua
/// local talks = { "feature stores", "uplift models" }
/// return {
///   steward = 1, kind = "ritual", name = "paper-group", timezone = "Europe/Berlin",
///   rituals = { { id = "papers", cadence = "weekly on thursday", start = "2026-06-04",
///                 time = "16:00", data = { topics = talks } } },
/// }
/// ```
///
/// The chunk runs in the plugin sandbox, under the same budgets, with no
/// access to files; what it returns is marked with the places in the source
/// where each field was written (``LuaSourceLocator``) and then read and
/// validated exactly like YAML.
public enum LuaPlaybookLoader {
  /// Whether `path` names a Lua playbook (rather than a YAML one).
  public static func isLua(_ path: String) -> Bool { path.lowercased().hasSuffix(".lua") }

  /// The document `path` returns, with marks; a Lua error or a value that is
  /// not plain data is a diagnostic at its place in the source.
  public static func document(path: String) throws -> Value {
    let source = try InputFiles.readText(path)
    return try document(source: source, file: path)
  }

  public static func document(source: String, file: String) throws -> Value {
    let locator = LuaSourceLocator(source: source, file: file)
    let vm = try LuaVM(log: PluginLogger(file).sink)
    let value: Value
    do {
      value = try vm.evaluate(source, chunkName: file)
    } catch let error as LuaError {
      if case .conversion(let path, let message, _) = error {
        let at = locator.mark(ofPath: path) ?? SourceMark(file: file, line: 1, column: 1)
        throw Diagnostic(
          at: at, code: "U002",
          "the playbook table must hold plain data (strings, numbers, booleans, lists, maps): \(path): \(message)"
        )
      }
      throw error
    }
    guard value.map != nil else {
      throw Diagnostic(
        at: SourceMark(file: file, line: 1, column: 1), code: "U001",
        "a Lua playbook returns a table like its YAML form ({ steward = 1, kind = …, name = … }), got \(value.isNull ? "nothing" : value.typeName)"
      )
    }
    return locator.mark(value)
  }

  /// Whether the Lua file at `path` returns a playbook (a table with
  /// `steward = …`) rather than a plugin; `steward validate` reads it as one.
  public static func returnsPlaybook(path: String) -> Bool {
    guard let source = try? InputFiles.readText(path) else { return false }
    let locator = LuaSourceLocator(source: source, file: path)
    return locator.root?.named["steward"] != nil
  }
}
