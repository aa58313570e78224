public import StewardCore

/// A plugin as its chunk returned it: `steward.plugin{ name=…, version=… }`
/// plus what it registered.
public struct LuaPlugin {
  public var name: String
  public var version: String
  /// The plain fields of the table given to `steward.plugin{}`.
  public var spec: Value
  /// Checks, scorers, rotations and steps in the order they were registered.
  public var registrations: [LuaRegistration]
  /// Where `steward.plugin{}` was called.
  public var mark: SourceMark

  /// The registrations of one kind ("check", "scorer", "rotation", "step").
  public func registrations(kind: String) -> [LuaRegistration] {
    registrations.filter { $0.kind == kind }
  }
}

/// One `p:check{…}` (or `p:scorer`, `p:rotation`, `p:step`, `p:register`).
public struct LuaRegistration {
  /// "check", "scorer", "rotation" or "step".
  public var kind: String
  public var id: String
  /// Every field that is not a function (description, severity, params,
  /// examples, …), keys in sorted order.
  public var spec: Value
  /// The function fields, e.g. `run`.
  public var functions: [String: LuaFunction]
  /// Where it was registered (`plugin.lua:LINE`).
  public var mark: SourceMark
}

/// Collects what a chunk registers while it loads.
final class PluginBuilder {
  let name: String
  let version: String
  let spec: Value
  let mark: SourceMark
  var registrations: [LuaRegistration] = []

  init(name: String, version: String, spec: Value, mark: SourceMark) {
    self.name = name
    self.version = version
    self.spec = spec
    self.mark = mark
  }

  func plugin() -> LuaPlugin {
    LuaPlugin(name: name, version: version, spec: spec, registrations: registrations, mark: mark)
  }
}
