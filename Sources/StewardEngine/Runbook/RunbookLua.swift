import Foundation
import StewardCore
import StewardLua

/// The Lua side of a run: `when` and `check` expressions, and step types
/// from plugins. One sandboxed VM per run, under the usual budgets; its
/// wall clock is stretched to the longest step timeout, because a Lua step
/// may wait on a command it runs through `steward.run`.
final class RunbookLua {
  let vm: LuaVM
  /// What the expressions and step types log, said as the step they belong to.
  let log = PluginLogger()
  private var stepTypes: [String: LuaFunction] = [:]

  init(playbook: RunbookPlaybook) throws {
    let longest = playbook.steps.map(\.timeout).max() ?? 60
    vm = try LuaVM(
      limits: LuaLimits(wallClock: .milliseconds(Int64((longest + 5) * 1000))), log: log.sink)
    for info in playbook.registry.plugins {
      log.about(info.path)
      let plugin = try vm.loadPlugin(source: info.source, chunkName: info.path)
      for registration in plugin.registrations(kind: "step") {
        if let run = registration.functions["run"] {
          stepTypes["\(info.name).\(registration.id)"] = run
        }
      }
    }
  }

  /// Evaluates an expression to a truth value (Lua's: only false and nil are false).
  func truth(_ expression: String, env: Value, chunkName: String) throws -> Bool {
    let value = try vm.evaluate(expression, chunkName: chunkName, env: env)
    switch value.kind {
    case .null: return false
    case .bool(let b): return b
    default: return true
    }
  }

  /// Calls a plugin step type's `run(params, ctx)`.
  func callStep(_ name: String, params: Value, ctx: Value) throws -> Value {
    guard let run = stepTypes[name] else {
      throw LuaError.unavailable(message: "no step type \(name)")
    }
    return try vm.call(run, [params, ctx]).first ?? .null
  }
}
