import StewardCore
import Testing

@testable import StewardLua

/// One piece of hostile plugin code and how it must end.
struct HostileCase: Sendable, CustomTestStringConvertible {
  var name: String
  var source: String
  var expected: Expected
  var testDescription: String { name }
}

let hostileCases: [HostileCase] = [
  .init(name: "loops forever", source: "while true do end", expected: .cpu),
  .init(
    name: "loops forever inside pcall",
    source: "pcall(function() while true do end end) return 'escaped'", expected: .cpu),
  .init(
    name: "pcall in a loop around a loop",
    source: "while true do pcall(function() while true do end end) end", expected: .cpu),
  .init(
    name: "xpcall whose handler loops",
    source: "xpcall(function() while true do end end, function() while true do end end) return 1",
    expected: .cpu),
  .init(
    name: "coroutines that loop",
    source:
      "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
    expected: .cpu),
  .init(
    name: "fills a table until memory runs out",
    source: "local t = {} for i = 1, 1e8 do t[i] = i end", expected: .memory),
  .init(
    name: "string.rep of a gigabyte", source: "return #string.rep('x', 1 << 30)", expected: .memory),
  .init(
    name: "doubles a string forever", source: "local s = 'x' while true do s = s .. s end",
    expected: .memory),
  .init(
    name: "catches its memory error and goes on",
    source: "pcall(string.rep, 'x', 1 << 30) return 'escaped'", expected: .memory),
  .init(
    name: "recurses without end",
    source: "local function f() return 1 + f() end return f()",
    expected: .stackOverflowOrMemory),
  .init(
    name: "calls os.execute", source: "os.execute('echo pwned')",
    expected: .runtime("attempt to call a nil value (field 'execute')")),
  .init(
    name: "calls os.exit", source: "os.exit(1)",
    expected: .runtime("attempt to call a nil value (field 'exit')")),
  .init(
    name: "opens a file", source: "io.open('/etc/passwd')",
    expected: .runtime("attempt to index a nil value (global 'io')")),
  .init(
    name: "requires a C module", source: "require('socket.core')",
    expected: .runtime("require")),
  .init(
    name: "loads a binary chunk", source: "load(string.dump(function() end))()",
    expected: .runtime("attempt to call a nil value")),
  .init(
    name: "loads a \\27Lua string", source: "load('\\27Lua\\84\\0')()",
    expected: .runtime("attempt to call a nil value (global 'load')")),
  .init(
    name: "calls string.dump", source: "return string.dump(function() end)",
    expected: .runtime("attempt to call a nil value (field 'dump')")),
  .init(
    name: "modifies the string metatable",
    source: "getmetatable('').__index = { upper = function() return 'pwned' end }",
    expected: .runtime("attempt to index a string value")),
  .init(
    name: "sets a metatable on a string", source: "setmetatable('', {})",
    expected: .runtime("table expected, got string")),
  .init(
    name: "replaces a library function", source: "string.upper = function() return 'pwned' end",
    expected: .runtime("read-only table (field 'upper')")),
  .init(
    name: "rawsets a library function", source: "rawset(string, 'upper', print)",
    expected: .runtime("attempt to modify read-only table")),
  .init(
    name: "changes the steward API", source: "steward.log = nil",
    expected: .runtime("read-only table (field 'log')")),
  .init(
    name: "unlocks a library table", source: "setmetatable(table, nil)",
    expected: .runtime("cannot change a protected metatable")),
  .init(
    name: "sets a __gc finalizer that loops",
    source: "setmetatable({}, { __gc = function() while true do end end })",
    expected: .runtime("__gc metamethods are not allowed")),
  .init(
    name: "raises a table", source: "error({ code = 42 })",
    expected: .runtime("(error object is a table value)")),
  .init(
    name: "raises a table with __tostring",
    source: "error(setmetatable({}, { __tostring = function() return 'custom failure' end }))",
    expected: .runtime("custom failure")),
  .init(
    name: "yields from the top level", source: "coroutine.yield(1)",
    expected: .runtime("attempt to yield from outside a coroutine")),
  .init(
    name: "string.find that backtracks for minutes",
    source: "return string.rep('a', 3000):find('.-.-.-b')", expected: .cpu),
  .init(
    name: "string.match that backtracks, as a method",
    source: "return ('x'):rep(3000):match('.-.-.-y')", expected: .cpu),
  .init(
    name: "string.gsub that backtracks",
    source: "return (string.rep('a', 3000):gsub('.-.-.-b', ''))", expected: .cpu),
  .init(
    name: "string.gmatch that backtracks",
    source: "for m in string.rep('a', 3000):gmatch('.-.-.-b') do end", expected: .cpu),
  .init(
    name: "pattern backtracking caught by pcall",
    source: "pcall(string.find, string.rep('a', 3000), '.-.-.-b') return 'escaped'",
    expected: .cpu),
  .init(
    name: "plain find that is quadratic",
    source:
      "local s = string.rep('a', 4000000) return s:find(string.rep('a', 2000000) .. 'b', 1, true)",
    expected: .cpu),
  .init(
    name: "table.move over a huge range", source: "table.move({}, 1, 1e15, 2)", expected: .cpu),
  .init(
    name: "collects garbage", source: "collectgarbage()",
    expected: .runtime("attempt to call a nil value (global 'collectgarbage')")),
  .init(
    name: "removes the hook with debug.sethook", source: "debug.sethook()",
    expected: .runtime("attempt to index a nil value (global 'debug')")),
  .init(
    name: "returns a cycle", source: "local t = {} t.self = t return t",
    expected: .conversion("result.self: the table contains itself")),
  .init(
    name: "returns a function", source: "return { f = function() end }",
    expected: .conversion("result.f: a function cannot be converted")),
  .init(
    name: "returns a table nested too deeply",
    source: "local t = {} for i = 1, 1000 do t = { t } end return t",
    expected: .conversion("nested deeper than 200 levels")),
]

@Suite("Hostile plugin code ends in a clear error, and the host survives")
struct HostileCodeTests {
  @Test(arguments: hostileCases)
  func hostileCodeIsStopped(_ hostile: HostileCase) throws {
    let vm = try makeVM()
    let source = "hostile_global = true\n" + hostile.source
    expectLuaError(hostile.expected) {
      _ = try vm.evaluate(source, chunkName: "hostile.lua")
    }
    // The same VM works for the next call, and nothing leaked into it.
    try expectHealthy(vm)
    #expect(try vm.evaluate("hostile_global == nil", chunkName: "next.lua") == true)
    #expect(try vm.evaluate("('abc'):upper()", chunkName: "next.lua") == "ABC")
    // A fresh VM works too.
    try expectHealthy(try makeVM())
  }

  @Test(arguments: hostileCases)
  func hostileCodeInsideAPluginFunction(_ hostile: HostileCase) throws {
    let vm = try makeVM()
    let plugin = try vm.loadPlugin(
      source: """
        local p = steward.plugin{ name = "hostile", version = "1.0" }
        p:check{ id = "bad", run = function()
        \(hostile.source)
        end }
        return p
        """, chunkName: "hostile.lua")
    let run = try #require(plugin.registrations.first?.functions["run"])
    expectLuaError(hostile.expected) { _ = try vm.call(run, []) }
    try expectHealthy(vm)
  }

  @Test func budgetErrorsNameTheBudgetAndItsSize() throws {
    let vm = try LuaVM(
      limits: LuaLimits(instructions: 1_000_000, memoryBytes: 8 << 20, wallClock: .seconds(30)))
    let cpu = expectLuaError(.cpu) { _ = try vm.evaluate("while true do end", chunkName: "p.lua") }
    #expect(cpu?.message == "instruction budget of 1000000 exhausted")
    #expect(cpu?.code == "L003")
    #expect(cpu?.mark.description == "p.lua:1")
    let memory = expectLuaError(.memory) {
      _ = try vm.evaluate("local t = {} for i = 1, 1e8 do t[i] = i end", chunkName: "p.lua")
    }
    #expect(memory?.message == "memory limit of 8 MiB exceeded")
    #expect(memory?.code == "L004")

    let slow = try LuaVM(
      limits: LuaLimits(instructions: Int.max, memoryBytes: 8 << 20, wallClock: .milliseconds(200)))
    let time = expectLuaError(.cpu) {
      _ = try slow.evaluate("while true do end", chunkName: "p.lua")
    }
    #expect(time?.message == "wall-clock limit of 0.2 s exceeded")
    #expect(time?.code == "L005")
    #expect(
      LuaBudget.instructions(100_000_000).description == "instruction budget of 100000000 exhausted"
    )
    #expect(LuaBudget.memory(64 << 20).description == "memory limit of 64 MiB exceeded")
    #expect(LuaBudget.time(.seconds(2)).description == "wall-clock limit of 2 s exceeded")
  }

  /// Small blocks come from the state's own free lists (shim.c): blocks that
  /// grow and shrink across size classes and across the small/large line
  /// keep their contents, and the memory counted returns to where it was.
  @Test func blocksResizedAcrossSizeClassesKeepTheirContents() throws {
    let vm = try LuaVM()
    vm.collectGarbage()
    let before = vm.memoryInUse
    let checked = try vm.evaluate(
      """
      local ok = 0
      for round = 1, 20 do
        local t, s = {}, {}
        for i = 1, 600 do            -- the array part grows through every class
          t[i] = i * round
          s[i] = string.rep(string.char(65 + i % 26), i % 300 + 1) .. round
        end
        for i = 600, 1, -1 do t[i] = nil end   -- and is shrunk again by the GC
        for i = 1, 600 do
          local want = string.rep(string.char(65 + i % 26), i % 300 + 1) .. round
          if s[i] == want then ok = ok + 1 end
        end
      end
      return ok
      """, chunkName: "pool.lua")
    #expect(checked == Value(.int(20 * 600)))
    vm.collectGarbage()
    #expect(abs(vm.memoryInUse - before) < 16 << 10, "\(before) -> \(vm.memoryInUse)")
    try expectHealthy(vm)
  }

  @Test func endlessRecursionEndsCleanlyWithDefaultLimits() throws {
    let vm = try LuaVM()
    // Lua's stack reaches 1,000,000 slots; its growth can hit 64 MiB first.
    let error = expectLuaError(.stackOverflowOrMemory) {
      _ = try vm.evaluate("local function f() return 1 + f() end return f()", chunkName: "rec.lua")
    }
    #expect(error?.mark.file == "rec.lua")
    let shallow = expectLuaError(.runtime("stack overflow")) {
      _ = try vm.evaluate(
        "local function f(n) return 1 + f(n + 1) end return f(1)", chunkName: "rec.lua")
    }
    _ = shallow
    try expectHealthy(vm)
  }

  @Test func binaryChunksAreRefusedByTheLoader() throws {
    let vm = try makeVM()
    expectLuaError(.syntax("attempt to load a binary chunk")) {
      _ = try vm.evaluate("\u{1B}Lua\u{54}\u{00}", chunkName: "binary.luac")
    }
    #expect(vm.checkSyntax(source: "\u{1B}LuaT", chunkName: "b.luac")?.code == "L001")
    try expectHealthy(vm)
  }

  @Test func budgetsResetForEachCall() throws {
    let vm = try LuaVM(
      limits: LuaLimits(instructions: 2_000_000, memoryBytes: 16 << 20, wallClock: .seconds(30)))
    let plugin = try vm.loadPlugin(
      source: """
        local p = steward.plugin{ name = "counter", version = "1.0" }
        p:check{ id = "work", run = function() local n = 0 for i = 1, 100000 do n = n + i end return n end }
        return p
        """, chunkName: "counter.lua")
    let run = try #require(plugin.registrations[0].functions["run"])
    // Each call uses ~400k instructions; 50 calls would exceed one budget.
    for _ in 0..<50 { #expect(try vm.call(run, []) == [5_000_050_000]) }
  }

  @Test func memoryIsReturnedAfterAFailure() throws {
    let vm = try makeVM()
    let before = vm.memoryInUse
    expectLuaError(.memory) {
      _ = try vm.evaluate("local t = {} for i = 1, 1e8 do t[i] = i end", chunkName: "m.lua")
    }
    #expect(vm.memoryInUse < before + (1 << 20))
  }

  @Test func globalsDoNotLeakBetweenPlugins() throws {
    let vm = try makeVM()
    _ = try vm.loadPlugin(
      source: """
        secret = "from a"
        function helper() return 1 end
        _G.other = 2
        local p = steward.plugin{ name = "a", version = "1.0" }
        p:check{ id = "a", run = function() return secret end }
        return p
        """, chunkName: "a.lua")
    let b = try vm.loadPlugin(
      source: """
        local p = steward.plugin{ name = "b", version = "1.0" }
        p:check{ id = "b", run = function() return { secret = secret or "none", helper = type(helper), other = other or 0 } end }
        return p
        """, chunkName: "b.lua")
    let run = try #require(b.registrations[0].functions["run"])
    #expect(try vm.call(run, []) == [["helper": "nil", "other": 0, "secret": "none"]])
  }
}
