import StewardCore
import Testing

@testable import StewardLua

@Suite("Lua errors become LuaError with marks and tracebacks")
struct ErrorTests {
  static let failing = """
    local p = steward.plugin{ name = "failing", version = "1.0" }

    local function helper(x)
      return x.missing.field
    end

    p:check{ id = "boom", run = function(subject)
      local result = helper(subject)
      return result
    end }
    return p
    """

  @Test func runtimeErrorsPointAtTheLineWithATraceback() throws {
    let vm = try makeVM()
    let plugin = try vm.loadPlugin(source: Self.failing, chunkName: "plugin.lua")
    let run = try #require(plugin.registrations[0].functions["run"])
    let error = expectLuaError(.runtime("attempt to index a nil value (field 'missing')")) {
      _ = try vm.call(run, [["name": "x"]])
    }
    #expect(error?.description == "plugin.lua:4: attempt to index a nil value (field 'missing')")
    #expect(error?.code == "L002")
    let traceback = error?.traceback ?? []
    #expect(traceback.first == "stack traceback:")
    #expect(traceback.contains { $0.hasPrefix("plugin.lua:4: in ") })
    #expect(traceback.contains { $0.hasPrefix("plugin.lua:8: in ") })
    let diagnostic = try #require(error?.diagnostic)
    #expect(
      diagnostic.description.hasPrefix(
        "plugin.lua:4: error: attempt to index a nil value (field 'missing') [L002]\n    stack traceback:"
      ))
  }

  /// A chunk that is not a file's own text gets no column (an inline
  /// expression is wrapped; PluginDebuggingTests checks a file's columns).
  @Test func syntaxErrorsHaveTheirLine() throws {
    let vm = try makeVM()
    let source = "local p = steward.plugin{ name = 'x', version = '1' }\nlocal x = = 1\nreturn p"
    let error = vm.checkSyntax(source: source, chunkName: "broken.lua")
    #expect(error?.code == "L001")
    #expect(error?.description == "broken.lua:2: unexpected symbol near '='")
    #expect(vm.checkSyntax(source: Self.failing, chunkName: "plugin.lua") == nil)
    expectLuaError(.syntax("unexpected symbol")) {
      _ = try vm.loadPlugin(source: source, chunkName: "broken.lua")
    }
  }

  @Test(arguments: [
    ("error('plain')", "e.lua:1: plain"),
    ("error('no place', 0)", "e.lua: no place"),
    ("error({ code = 1 })", "e.lua:1: (error object is a table value)"),
    ("error({ message = 'from a field' })", "e.lua:1: from a field"),
    ("error(setmetatable({}, { __tostring = function() return 'custom' end }))", "e.lua:1: custom"),
    ("error(42)", "e.lua: 42"),
    ("error()", "e.lua:1: (error object is nil)"),
    ("error(true)", "e.lua:1: (error object is a boolean value)"),
    ("\n\nlocal t = nil\nreturn t.x", "e.lua:4: attempt to index a nil value (local 't')"),
    ("steward.get({}, 1)", "e.lua:1: steward.get: the path must be a string, got number"),
  ])
  func errorObjectsOfEveryTypeGiveAClearMessage(_ source: String, _ expected: String) throws {
    let vm = try makeVM()
    do {
      _ = try vm.evaluate(source, chunkName: "e.lua")
      Issue.record("no error")
    } catch let error as LuaError {
      #expect(error.description == expected)
    }
    try expectHealthy(vm)
  }

  @Test func longChunkNamesAreKeptWhole() throws {
    let vm = try makeVM()
    let name = "plugins/" + String(repeating: "very-long-directory/", count: 5) + "plugin.lua"
    do {
      _ = try vm.evaluate("error('x')", chunkName: name)
    } catch let error as LuaError {
      #expect(error.mark.file == name)
      #expect(error.mark.line == 1)
    }
  }
}

@Suite("steward.stats calls StewardCore.Statistics")
struct StatsTests {
  func eval(_ source: String) throws -> Value {
    try makeVM().evaluate(source, chunkName: "stats.lua")
  }

  func close(_ value: Value?, _ expected: Double, _ tolerance: Double = 5e-5) -> Bool {
    guard let x = value?.number else { return false }
    return abs(x - expected) < tolerance
  }

  @Test func wilsonIntervals() throws {
    let a = try eval("steward.stats.wilson(7, 20)")
    #expect(close(a["lower"], 0.1812) && close(a["upper"], 0.5671) && close(a["estimate"], 0.35))
    let b = try eval("steward.stats.wilson(30, 100)")
    #expect(close(b["lower"], 0.2189) && close(b["upper"], 0.3958))
    #expect(try eval("steward.stats.wilson(1, 0)") == .null)
  }

  @Test func chiSquareSampleRatioMismatch() throws {
    let r = try eval("steward.stats.chisq_gof({44000, 45000}, {1, 1})")
    #expect(close(r["statistic"], 11.236, 1e-3))
    #expect(close(r["p"], 0.0008, 1e-4))
    #expect(r["df"] == 1)
  }

  @Test func descriptiveStatistics() throws {
    #expect(try eval("steward.stats.mean({1, 2, 3, 4})") == 2.5)
    #expect(try eval("steward.stats.median({5, 1, 3})") == 3.0)
    #expect(try eval("steward.stats.quantile({1, 2, 3, 4, 5}, 0.25)") == 2.0)
    #expect(close(try eval("steward.stats.variance({2, 4, 4, 4, 5, 5, 7, 9})"), 32.0 / 7))
    #expect(
      close(try eval("steward.stats.stdev({2, 4, 4, 4, 5, 5, 7, 9})"), (32.0 / 7).squareRoot()))
    #expect(try eval("steward.stats.zscores({7, 7, 7})") == [0.0, 0.0, 0.0])
    #expect(try eval("steward.stats.enps({10, 9, 8, 7, 6, 0})") == Value(.double(0)))
    #expect(try eval("steward.stats.top_two_box({5, 4, 3, 1})") == 0.5)
    #expect(try eval("steward.stats.top_two_box({7, 6, 1}, 7)") == Value(.double(2.0 / 3)))
    #expect(try eval("steward.stats.mean({})") == .null)
    #expect(try eval("steward.stats.variance({1})") == .null)
  }

  @Test func badInputIsAnError() throws {
    expectLuaError(.runtime("steward.stats.mean: element 2 is a string, not a number")) {
      _ = try eval("steward.stats.mean({1, 'two'})")
    }
    expectLuaError(.runtime("expected a list of numbers, got no value")) {
      _ = try eval("steward.stats.median()")
    }
    expectLuaError(.runtime("successes and trials must be integers")) {
      _ = try eval("steward.stats.wilson(1.5, 3)")
    }
  }
}
