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
  /// The checks of the same plugin that report a cause this check would
  /// otherwise report too (`defers_to`): when all of them are in the run,
  /// the check may leave that cause to them (`ctx.deferred`).
  public var defersTo: [String] = []
  /// `scope = "all"`: one call judges every subject of the run.
  public var scope: CheckScope = .subject
}

/// One typed parameter of a plugin check, with its default and, for
/// numbers, the range it must fall in.
///
/// ```lua
/// params = { min_ratio = { type = "number", default = 0.8, min = 0, max = 1, description = "…" } }
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
  /// The smallest and largest value a `number` or `integer` may take.
  public var minimum: Double? = nil
  public var maximum: Double? = nil

  /// Why `value` cannot be this parameter, or nil when it can: the declared
  /// type, then, for a number, a finite value inside the range. A check
  /// would compare against NaN or a threshold of -1 without complaint and
  /// give a verdict that means nothing.
  public func problem(with value: Value) -> String? {
    guard accepts(value) else {
      return "must be \(English.withArticle(type.rawValue)), found \(value.typeWithArticle)"
    }
    guard type == .number || type == .integer, let number = value.number else { return nil }
    if !number.isFinite { return "must be a finite number, found \(number)" }
    if let minimum, number < minimum {
      return "must be at least \(Self.text(minimum)), found \(Self.text(number))"
    }
    if let maximum, number > maximum {
      return "must be at most \(Self.text(maximum)), found \(Self.text(number))"
    }
    return nil
  }

  /// 0.8 as "0.8" and 1 as "1".
  static func text(_ number: Double) -> String {
    number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
  }

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
