import StewardCore
import Testing

@testable import StewardLua

/// Small limits so every hostile case ends quickly.
let testLimits = LuaLimits(
  instructions: 5_000_000, memoryBytes: 16 << 20, wallClock: .milliseconds(300))

func makeVM(_ limits: LuaLimits = testLimits) throws -> LuaVM {
  try LuaVM(limits: limits)
}

/// The kind of failure a case must end with.
enum Expected: Sendable, CustomStringConvertible {
  /// The instruction budget or the wall-clock limit (whichever the machine hits first).
  case cpu
  case memory
  /// Endless recursion: Lua's stack overflow, or the memory cap if it comes first.
  case stackOverflowOrMemory
  case runtime(String)
  case syntax(String)
  case conversion(String)

  var description: String {
    switch self {
    case .cpu: "cpu budget"
    case .memory: "memory budget"
    case .stackOverflowOrMemory: "stack overflow or memory budget"
    case .runtime(let s): "runtime error containing \(s)"
    case .syntax(let s): "syntax error containing \(s)"
    case .conversion(let s): "conversion error containing \(s)"
    }
  }

  func matches(_ error: LuaError) -> Bool {
    switch (self, error) {
    case (.cpu, .budget(.instructions, _, _)), (.cpu, .budget(.time, _, _)): true
    case (.memory, .budget(.memory, _, _)): true
    case (.stackOverflowOrMemory, .budget(.memory, _, _)): true
    case (.stackOverflowOrMemory, .runtime(let message, _, _)): message.contains("stack overflow")
    case (.runtime(let s), .runtime(let message, _, _)): message.contains(s)
    case (.syntax(let s), .syntax(let message, _)): message.contains(s)
    case (.conversion(let s), .conversion(let path, let message, _)):
      (path + ": " + message).contains(s)
    default: false
    }
  }
}

/// Runs `body`, expecting a `LuaError` matching `expected`; returns it.
@discardableResult
func expectLuaError(
  _ expected: Expected, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> Void
) -> LuaError? {
  do {
    try body()
    Issue.record("expected \(expected), but it succeeded", sourceLocation: sourceLocation)
    return nil
  } catch let error as LuaError {
    #expect(
      expected.matches(error), "expected \(expected), got \(error.code) \(error)",
      sourceLocation: sourceLocation)
    return error
  } catch {
    Issue.record("expected a LuaError, got \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// A minimal valid plugin.
let minimalPlugin = """
  local p = steward.plugin{ name = "minimal", version = "1.0" }
  p:check{ id = "ok", run = function(subject) return { status = "pass" } end }
  return p
  """

/// The VM still works: an expression, a plugin and a call.
func expectHealthy(_ vm: LuaVM, sourceLocation: SourceLocation = #_sourceLocation) throws {
  #expect(try vm.evaluate("1 + 1", chunkName: "health.lua") == 2, sourceLocation: sourceLocation)
  let plugin = try vm.loadPlugin(source: minimalPlugin, chunkName: "minimal.lua")
  let run = try #require(plugin.registrations.first?.functions["run"])
  let results = try vm.call(run, [["name": "x"]])
  #expect(results == [["status": "pass"]], sourceLocation: sourceLocation)
}
