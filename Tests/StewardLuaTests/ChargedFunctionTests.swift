import Foundation
import StewardCore
import Testing

@testable import StewardLua

/// Every function the sandbox exposes, called for ever with a pathological
/// argument under a 2 s wall-clock limit: each call must end in an error
/// within 3 s (the hook never runs inside C, so a C function that does not
/// charge its work ran for minutes), and another plugin's check in the same
/// VM must keep its result.
@Suite("Every sandbox function charges its work", .serialized)
struct ChargedFunctionTests {
  /// Data the cases share, made when the plugin loads (under a budget of its
  /// own, in C where it can be: the machine may be busy): 30 MB of
  /// continuation bytes, 30 MB of digits, a list of 900,000 small integers
  /// and a table whose hash part is empty but for its last slot.
  static let setup = """
    local big = string.rep("\\x80", 30000000)
    local digits = string.rep("1", 30000000)
    local list = { string.byte(string.rep("\\1", 900000), 1, -1) }
    local sparse = {}
    for i = 1, 100000 do sparse[-i] = i end
    for i = 1, 100000 do sparse[-i] = nil end
    sparse.last = true
    local function loop(f, ...) while true do pcall(f, ...) end end
    """

  /// Function name → the statement that calls it without end. Each runs
  /// inside `pcall` where it could raise, so only the budget can stop it.
  static let cases: [(String, String)] = [
    ("assert", "loop(assert, false, big)"),
    ("error", "loop(error, big)"),
    ("getmetatable", "loop(getmetatable, big)"),
    ("ipairs", "while true do for _ in ipairs(list) do end end"),
    ("next", "loop(next, sparse)"),
    ("pairs", "while true do for _ in pairs(list) do end end"),
    ("pcall", "return pcall(function() while true do end end)"),
    ("rawequal", "loop(rawequal, big, digits)"),
    ("rawget", "loop(rawget, list, 1)"),
    ("rawlen", "loop(rawlen, big)"),
    ("rawset", "loop(rawset, {}, big, big)"),
    ("select", "loop(function() return select(-1, table.unpack(list, 1, 500000)) end)"),
    ("setmetatable", "loop(setmetatable, {}, { __index = list })"),
    ("tonumber", "loop(tonumber, digits)"),
    ("tostring", "loop(tostring, big)"),
    ("type", "loop(type, big)"),
    ("xpcall", "loop(xpcall, function() while true do end end, function() while true do end end)"),
    ("coroutine.close", "loop(function() coroutine.close(coroutine.create(function() end)) end)"),
    ("coroutine.create", "loop(coroutine.create, function() end)"),
    ("coroutine.isyieldable", "loop(coroutine.isyieldable)"),
    (
      "coroutine.resume",
      "return coroutine.resume(coroutine.create(function() while true do end end))"
    ),
    ("coroutine.running", "loop(coroutine.running)"),
    ("coroutine.status", "loop(coroutine.status, coroutine.running())"),
    (
      "coroutine.wrap",
      "local f = coroutine.wrap(function() while true do coroutine.yield(big) end end) loop(f)"
    ),
    (
      "coroutine.yield",
      "local co = coroutine.wrap(function() loop(coroutine.yield, big) end) loop(co)"
    ),
    ("math.abs", "loop(math.abs, math.mininteger)"),
    ("math.acos", "loop(math.acos, math.huge)"),
    ("math.asin", "loop(math.asin, math.huge)"),
    ("math.atan", "loop(math.atan, math.huge, -math.huge)"),
    ("math.ceil", "loop(math.ceil, -math.huge)"),
    ("math.cos", "loop(math.cos, math.huge)"),
    ("math.deg", "loop(math.deg, math.huge)"),
    ("math.exp", "loop(math.exp, math.huge)"),
    ("math.floor", "loop(math.floor, 0/0)"),
    ("math.fmod", "loop(math.fmod, math.mininteger, -1)"),
    ("math.log", "loop(math.log, 0, 1)"),
    ("math.max", "loop(math.max, table.unpack(list, 1, 100000))"),
    ("math.min", "loop(math.min, table.unpack(list, 1, 100000))"),
    ("math.modf", "loop(math.modf, -math.huge)"),
    ("math.rad", "loop(math.rad, math.huge)"),
    ("math.random", "loop(math.random, math.mininteger, math.maxinteger)"),
    ("math.randomseed", "loop(math.randomseed, math.maxinteger, math.mininteger)"),
    ("math.sin", "loop(math.sin, math.huge)"),
    ("math.sqrt", "loop(math.sqrt, -1)"),
    ("math.tan", "loop(math.tan, math.huge)"),
    ("math.tointeger", "loop(math.tointeger, 2^63)"),
    ("math.type", "loop(math.type, big)"),
    ("math.ult", "loop(math.ult, math.mininteger, math.maxinteger)"),
    ("os.clock", "loop(os.clock)"),
    ("os.date", "local f = string.rep('%c', 1000000) loop(os.date, f)"),
    ("os.time", "loop(os.time, { year = math.maxinteger, month = 1, day = 1 })"),
    ("string.byte", "loop(string.byte, big, 1, 900000)"),
    ("string.char", "loop(string.char, table.unpack(list, 1, 500000))"),
    ("string.find", "loop(string.find, big, '.-.-.-b')"),
    ("string.format", "loop(string.format, '%s%s', big, big)"),
    ("string.gmatch", "loop(function() for _ in string.gmatch(big, '.-.-b') do end end)"),
    ("string.gsub", "loop(string.gsub, big, '.', '%0%0')"),
    ("string.len", "loop(string.len, big)"),
    ("string.lower", "loop(string.lower, big)"),
    ("string.match", "loop(string.match, big, '(.-)(.-)b')"),
    ("string.pack", "loop(string.pack, 's', big)"),
    ("string.packsize", "local f = string.rep('i16', 5000000) loop(string.packsize, f)"),
    ("string.rep", "loop(string.rep, '', math.maxinteger)"),
    ("string.reverse", "loop(string.reverse, big)"),
    ("string.sub", "loop(string.sub, big, 1, -2)"),
    ("string.unpack", "loop(string.unpack, 'z', big)"),
    ("string.upper", "loop(string.upper, big)"),
    ("table.concat", "loop(table.concat, list, ',')"),
    (
      "table.insert",
      "loop(table.insert, setmetatable({}, { __len = function() return math.maxinteger // 2 end }), 1, 0)"
    ),
    ("table.move", "loop(table.move, list, 1, #list, 2, {})"),
    ("table.pack", "loop(table.pack, table.unpack(list, 1, 500000))"),
    (
      "table.remove",
      "loop(table.remove, setmetatable({}, { __len = function() return math.maxinteger // 2 end }), 1)"
    ),
    ("table.sort", "loop(table.sort, list, function(a, b) return a > b end)"),
    ("table.unpack", "loop(table.unpack, list, 1, 900000)"),
    ("utf8.char", "loop(utf8.char, table.unpack(list, 1, 500000))"),
    ("utf8.codepoint", "loop(utf8.codepoint, digits, 1, 900000)"),
    ("utf8.codes", "local f = utf8.codes(big) loop(f, big, 0)"),
    ("utf8.len", "loop(utf8.len, digits)"),
    ("utf8.offset", "loop(utf8.offset, big, 0, #big)"),
    ("steward.get", "local p = string.rep('a.', 500000) loop(steward.get, subject, p)"),
    ("steward.isnull", "loop(steward.isnull, big)"),
    ("steward.log.debug", "loop(steward.log.debug, big, big)"),
    ("steward.log.error", "loop(steward.log.error, big, big)"),
    ("steward.log.info", "loop(steward.log.info, big, big)"),
    ("steward.log.warn", "loop(steward.log.warn, big, big)"),
    ("steward.map", "loop(steward.map, list)"),
    ("steward.plugin", "loop(steward.plugin, { name = big, version = big })"),
    ("steward.run", "loop(steward.run, { big })"),
    ("steward.stats.chisq_gof", "loop(steward.stats.chisq_gof, list, list)"),
    ("steward.stats.disparate_impact", "loop(steward.stats.disparate_impact, list)"),
    ("steward.stats.enps", "loop(steward.stats.enps, list)"),
    (
      "steward.stats.equal_opportunity_difference",
      "loop(steward.stats.equal_opportunity_difference, list)"
    ),
    ("steward.stats.mean", "loop(steward.stats.mean, list)"),
    ("steward.stats.median", "loop(steward.stats.median, list)"),
    ("steward.stats.quantile", "loop(steward.stats.quantile, list, 0.5)"),
    ("steward.stats.stdev", "loop(steward.stats.stdev, list)"),
    ("steward.stats.top_two_box", "loop(steward.stats.top_two_box, list)"),
    ("steward.stats.variance", "loop(steward.stats.variance, list)"),
    ("steward.stats.wilson", "loop(steward.stats.wilson, math.maxinteger, math.maxinteger)"),
    ("steward.stats.zscores", "loop(steward.stats.zscores, list)"),
  ]

  /// A fifth of the default instruction budget keeps the suite short; a C
  /// function that does not charge its work runs past the 2 s all the same.
  static let limits = LuaLimits(
    instructions: 20_000_000, memoryBytes: 512 << 20, wallClock: .seconds(2))

  /// The sandbox's functions by dotted name, read from a live VM (values
  /// that are not functions, like `math.pi`, are left out).
  static func exposedFunctions() throws -> Set<String> {
    let vm = try LuaVM(limits: limits)
    let names = try vm.evaluate(
      """
      local out, seen = {}, {}
      local function walk(prefix, t)
        for k, v in pairs(t) do
          local name = prefix .. k
          if type(v) == "function" then out[#out + 1] = name
          elseif type(v) == "table" and not seen[v] and k ~= "_G" then seen[v] = true; walk(name .. ".", v) end
        end
      end
      for _, lib in ipairs({ "coroutine", "math", "os", "string", "table", "utf8", "steward" }) do
        seen[_G[lib]] = true
        walk(lib .. ".", _G[lib])
      end
      for _, k in ipairs({ "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
        "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber",
        "tostring", "type", "xpcall" }) do out[#out + 1] = k end
      return out
      """, chunkName: "names.lua")
    return Set((names.list ?? []).compactMap(\.string))
  }

  @Test func everyExposedFunctionHasACase() throws {
    let covered = Set(Self.cases.map(\.0))
    let exposed = try Self.exposedFunctions()
    #expect(exposed.subtracting(covered).isEmpty, "no case for \(exposed.subtracting(covered))")
    #expect(covered.subtracting(exposed).isEmpty, "not exposed: \(covered.subtracting(exposed))")
    // The base globals the walk cannot tell from plugin globals are in the allowlist.
    let globals = Set(Sandbox.globals).subtracting(["_VERSION"])
    #expect(globals.isSubset(of: covered))
  }

  @Test(arguments: cases)
  func endsInAnErrorWithinThreeSeconds(name: String, statement: String) throws {
    let outcome = Self.runAlone(statement)
    guard let outcome else {
      Issue.record("\(name): still running after 3 s (\(statement))")
      return
    }
    #expect(outcome.seconds < 3, "\(name) took \(outcome.seconds) s")
    #expect(
      outcome.hostile.hasPrefix("error:"), "\(name) returned \(outcome.hostile) (\(statement))")
    #expect(outcome.benignBefore == "pass m", "\(name): \(outcome.benignBefore)")
    #expect(outcome.benignAfter == outcome.benignBefore, "\(name): \(outcome.benignAfter)")
  }

  struct Outcome: Sendable {
    var seconds: Double
    var hostile: String
    var benignBefore: String
    var benignAfter: String
  }

  final class Box: @unchecked Sendable {
    let lock = NSLock()
    var outcome: Outcome?
  }

  /// Runs the case on a thread of its own, waiting at most 3 s: a call that
  /// never returns must fail the case, not hang the suite (the thread is
  /// then abandoned with its VM).
  static func runAlone(_ statement: String) -> Outcome? {
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      let outcome = run(statement)
      box.lock.withLock { box.outcome = outcome }
      done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    // The setup (60 MB of strings, a 2-million list) is not part of the 3 s.
    guard done.wait(timeout: .now() + 15) == .success else { return nil }
    return box.lock.withLock { box.outcome }
  }

  static func run(_ statement: String) -> Outcome {
    func describe(_ body: () throws -> [Value]) -> String {
      do {
        let result = try body().first ?? .null
        return "\(result["status"]?.string ?? "?") \(result["message"]?.string ?? "")"
      } catch {
        return "error: \(error)"
      }
    }
    do {
      let vm = try LuaVM(limits: limits)
      let hostile = try vm.loadPlugin(
        source: setup + "\n" + """
          local p = steward.plugin{ name = "hostile", version = "1" }
          p:check{ id = "c", run = function(subject) \(statement) end }
          return p
          """, chunkName: "hostile.lua")
      let benign = try vm.loadPlugin(
        source: """
          local p = steward.plugin{ name = "benign", version = "1" }
          p:check{ id = "c", run = function(subject)
            local seen = {}
            for i = 1, 1000 do seen[i] = steward.get(subject, "name") .. i end
            return { status = "pass", message = string.sub(seen[1000], 1, #subject.name) }
          end }
          return p
          """, chunkName: "benign.lua")
      let subject: Value = ["name": "m"]
      let args = [subject]
      let benignRun = try #require(benign.registrations.first?.functions["run"])
      let hostileRun = try #require(hostile.registrations.first?.functions["run"])
      let before = describe { try vm.call(benignRun, args) }
      let start = ContinuousClock.now
      let outcome = describe { try vm.call(hostileRun, args) }
      let elapsed = ContinuousClock.now - start
      let after = describe { try vm.call(benignRun, args) }
      let seconds =
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
      return Outcome(seconds: seconds, hostile: outcome, benignBefore: before, benignAfter: after)
    } catch {
      return Outcome(seconds: 0, hostile: "setup: \(error)", benignBefore: "", benignAfter: "")
    }
  }
}
