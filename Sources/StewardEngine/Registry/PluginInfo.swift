public import StewardCore

/// What a plugin declares, read once from a sandboxed load and kept as plain
/// data, so it can be shared across worker threads (each worker loads the
/// plugin's code into its own VM).
public struct PluginInfo: Sendable {
  public var path: String
  public var source: String
  public var name: String
  public var version: String
  public var description: String
  public var checks: [CheckInfo]
  /// Registrations of other kinds (scorers, rotations, step types), by kind.
  public var others: [String: [String]]

  public func check(_ id: String) -> CheckInfo? { checks.first { $0.id == id } }
}

/// A check as its plugin declares it: the data `steward plugins show` prints
/// and the example runner executes.
public struct CheckInfo: Sendable {
  public var id: String
  public var description: String
  public var severity: Severity
  public var params: [ParamSpec]
  public var examples: [Value]
  public var remediation: String?
  public var tags: [String]
  public var mark: SourceMark
}

/// One typed parameter of a plugin check, with its default.
///
/// ```lua
/// params = { min_ratio = { type = "number", default = 0.8, description = "…" } }
/// ```
public struct ParamSpec: Sendable {
  public enum ParamType: String, Sendable, CaseIterable {
    case string, number, integer, boolean, list, map, any
  }

  public var name: String
  public var type: ParamType
  public var defaultValue: Value?
  public var description: String
  public var required: Bool

  /// Whether `value` fits the declared type.
  public func accepts(_ value: Value) -> Bool {
    switch (type, value.kind) {
    case (.any, _), (.string, .string), (.integer, .int), (.boolean, .bool), (.list, .list),
      (.map, .map), (.number, .int), (.number, .double):
      true
    default: false
    }
  }
}
