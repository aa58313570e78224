import StewardCore
import Testing

@testable import StewardLua

@Suite("Sandbox allowlist and protected tables")
struct SandboxTests {
  /// The expected sandbox, written out: a new global or library field fails here.
  static let expected: [String: [String]] = [
    "_G": [
      "_VERSION", "assert", "coroutine", "error", "getmetatable", "ipairs", "math", "next", "os",
      "pairs", "pcall", "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable",
      "steward", "string", "table", "tonumber", "tostring", "type", "utf8", "xpcall",
    ],
    "coroutine": [
      "close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield",
    ],
    "math": [
      "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log",
      "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random", "randomseed", "sin",
      "sqrt", "tan", "tointeger", "type", "ult",
    ],
    "os": ["clock", "date", "time"],
    "string": [
      "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack",
      "packsize", "rep", "reverse", "sub", "unpack", "upper",
    ],
    "table": ["concat", "insert", "move", "pack", "remove", "sort", "unpack"],
    "utf8": ["char", "charpattern", "codepoint", "codes", "len", "offset"],
    "steward": ["get", "isnull", "log", "map", "null", "plugin", "run", "stats", "version"],
    "steward.log": ["debug", "error", "info", "warn"],
    "steward.stats": [
      "chisq_gof", "disparate_impact", "enps", "equal_opportunity_difference", "mean", "median",
      "quantile", "stdev", "top_two_box", "variance",
      "wilson", "zscores",
    ],
  ]

  @Test func theStateAfterStartUpIsTheAllowlist() throws {
    let vm = try makeVM()
    #expect(Sandbox.snapshot(of: vm) == Self.expected)
    #expect(Sandbox.allowlist == Self.expected)
  }

  @Test func pluginCodeSeesTheSameNames() throws {
    let vm = try makeVM()
    // pairs over a protected library iterates the real table without exposing it.
    let names = try vm.evaluate(
      """
      local out = {}
      for _, lib in ipairs{ "string", "table", "math", "utf8", "coroutine", "os" } do
        local keys = {}
        for k in pairs(_G[lib]) do keys[#keys + 1] = k end
        table.sort(keys)
        out[lib] = keys
      end
      return out
      """, chunkName: "names.lua")
    for lib in ["string", "table", "math", "utf8", "coroutine", "os"] {
      #expect(names[lib]?.list?.compactMap(\.string) == Self.expected[lib], "\(lib)")
    }
    // Only the environment's own _G and steward (whose `get` keeps a path
    // cache per plugin) are real globals of a fresh environment.
    #expect(
      try vm.evaluate(
        "local ks = {} for k in pairs(_G) do ks[#ks + 1] = k end table.sort(ks) return table.concat(ks, ',')",
        chunkName: "g") == "_G,steward")
    #expect(try vm.evaluate("_G._G == _G", chunkName: "g") == true)
  }

  @Test(arguments: [
    "getmetatable(string)", "getmetatable('')", "getmetatable(steward)", "getmetatable(_G)",
    "getmetatable(steward.stats)",
  ])
  func protectedMetatablesAreLocked(_ expression: String) throws {
    let vm = try makeVM()
    #expect(try vm.evaluate(expression, chunkName: "mt").string != nil)  // the lock value, not a table
  }

  @Test func librariesStillWorkThroughProxies() throws {
    let vm = try makeVM()
    #expect(try vm.evaluate("('a,b,c'):gsub(',', ';')", chunkName: "s") == "a;b;c")
    #expect(try vm.evaluate("string.format('%5.2f', math.pi)", chunkName: "s") == " 3.14")
    #expect(try vm.evaluate("table.concat({1, 2, 3}, '-')", chunkName: "s") == "1-2-3")
    #expect(try vm.evaluate("utf8.len('héllo')", chunkName: "s") == 5)
    #expect(try vm.evaluate("type(os.time())", chunkName: "s") == "number")
    #expect(try vm.evaluate("#table.move({1, 2, 3}, 1, 3, 2)", chunkName: "s") == 4)
    #expect(
      try vm.evaluate(
        "select(2, coroutine.resume(coroutine.create(function() coroutine.yield(7) end)))",
        chunkName: "s") == 7)
    #expect(
      try vm.evaluate(
        "setmetatable({}, { __index = function(t, k) return k .. '!' end }).hi", chunkName: "s")
        == "hi!")
    #expect(
      try vm.evaluate(
        "select('#', xpcall(error, function(m) return 'handled: ' .. m end, 'x'))", chunkName: "s")
        == 2)
    #expect(
      try vm.evaluate(
        "select(2, xpcall(error, function(m) return 'handled: ' .. m end, 'x', 0))", chunkName: "s")
        == "handled: x")
  }

  @Test func aPluginCannotChangeSharedTablesForAnother() throws {
    let vm = try makeVM()
    for attack in [
      "string.upper = nil", "rawset(string, 'upper', nil)", "steward.stats.mean = nil",
      "rawset(steward.log, 'info', nil)", "setmetatable(os, {})",
      "getmetatable('').__index.upper = nil",
      "table.insert(math, 1)",
    ] {
      _ = try? vm.evaluate(attack, chunkName: "attack.lua")
    }
    #expect(
      try vm.evaluate("('x'):upper() .. tostring(steward.stats.mean({2}))", chunkName: "ok")
        == "X2.0")
  }
}
