import StewardCore
import Testing

@testable import StewardLua

/// The guarded matcher must behave exactly like Lua's own on ordinary input.
@Suite("Guarded pattern matching agrees with Lua 5.4")
struct PatternGuardTests {
  static let cases: [(String, String)] = [
    ("hello world", "o"), ("hello world", "l+"), ("hello world", "(h)(e)"),
    ("hello world", "()ll()"),
    ("hello world", "^hello"), ("hello world", "world$"), ("hello world", "^world"),
    ("key = value", "(%w+)%s*=%s*(%w+)"), ("  trim  ", "^%s*(.-)%s*$"), ("f(a(b)c)d", "%b()"),
    ("THE (quick) fox", "%f[%a]%a+"), ("abc123def", "%d+"), ("abc123def", "[%a]+"),
    ("abc123def", "[^%d]+"), ("a-b-c", "[a-c%-]+"), ("x]y", "[]]"), ("x^y", "[%^]"),
    ("aaa", "a-"), ("aaa", "a-$"), ("aaa", "a*"), ("aaa", "a?a?a?a"), ("abab", "(ab)%1"),
    ("2024-03-14", "(%d+)-(%d+)-(%d+)"), ("", ""), ("", "x*"), ("abc", ""), ("a.b", "%."),
    ("a\0b", "%z"), ("a\0b", "\0"), ("héllo", "[\u{80}-\u{FF}]+"), ("x=1, y=2", "(%w+)=(%w+)"),
    ("one two  three", "%S+"), ("CamelCaseWord", "%u%l+"), ("0x1F", "%x+"), ("a,b,,c", "([^,]*)"),
    ("[[nested]]", "%[(%b[])%]"), ("abc", "((a)(b))"), ("abc", "(a)(b)(c)()"),
    // Errors must read the same.
    ("abc", "%"), ("abc", "[a"), ("abc", "(a"), ("abc", "a)"), ("abc", "%1"), ("abc", "%f"),
    ("abc", "%b"), ("abc", "(()"),
  ]

  @Test func findMatchGmatchAndGsubAgreeWithStockLua() throws {
    let vm = try makeVM()
    vm.installStockPatternsForTesting()
    var cases: [Value] = []
    for (subject, pattern) in Self.cases {
      cases.append([.init(.string(subject)), .init(.string(pattern))])
    }
    let mismatches = try vm.evaluate(
      """
      local function pack(ok, ...) return { ok = ok, n = select('#', ...), ... } end
      local function same(a, b)
        if a.ok ~= b.ok or a.n ~= b.n then return false end
        for i = 1, a.n do if a[i] ~= b[i] then return false end end
        return true
      end
      local function all(f, s, p, ...)
        local out = {}
        local ok, err = pcall(function(...) for a, b, c in f(s, p, ...) do out[#out + 1] = tostring(a) .. '|' .. tostring(b) .. '|' .. tostring(c) end end, ...)
        return { ok = ok, n = 1, ok and table.concat(out, ';') or err }
      end
      local bad = {}
      for i, c in ipairs(cases) do
        local s, p = c[1], c[2]
        local checks = {
          find = { pack(pcall(string.find, s, p)), pack(pcall(stock.find, s, p)) },
          find_init = { pack(pcall(string.find, s, p, 2)), pack(pcall(stock.find, s, p, 2)) },
          find_neg = { pack(pcall(string.find, s, p, -3)), pack(pcall(stock.find, s, p, -3)) },
          find_plain = { pack(pcall(string.find, s, p, 1, true)), pack(pcall(stock.find, s, p, 1, true)) },
          match = { pack(pcall(string.match, s, p)), pack(pcall(stock.match, s, p)) },
          gsub_str = { pack(pcall(string.gsub, s, p, '<%0>')), pack(pcall(stock.gsub, s, p, '<%0>')) },
          gsub_cap = { pack(pcall(string.gsub, s, p, '%1%%')), pack(pcall(stock.gsub, s, p, '%1%%')) },
          gsub_fn = { pack(pcall(string.gsub, s, p, function(x) return '[' .. tostring(x) .. ']' end)),
                      pack(pcall(stock.gsub, s, p, function(x) return '[' .. tostring(x) .. ']' end)) },
          gsub_tbl = { pack(pcall(string.gsub, s, p, { a = 'A', hello = false })),
                       pack(pcall(stock.gsub, s, p, { a = 'A', hello = false })) },
          gsub_max = { pack(pcall(string.gsub, s, p, '#', 1)), pack(pcall(stock.gsub, s, p, '#', 1)) },
          gmatch = { all(string.gmatch, s, p), all(stock.gmatch, s, p) },
          gmatch_init = { all(string.gmatch, s, p, 2), all(stock.gmatch, s, p, 2) },
        }
        for name, pair in pairs(checks) do
          if not same(pair[1], pair[2]) then
            bad[#bad + 1] = string.format('%s %q %q: %s vs %s', name, s, p,
              tostring(pair[1][1]), tostring(pair[2][1]))
          end
        end
      end
      table.sort(bad)
      return bad
      """, chunkName: "patterns.lua", env: ["cases": .init(.list(cases))])
    #expect(mismatches == [], "\(mismatches)")
  }

  @Test func backtrackingEndsWithTheBudgetAndTheVMRecovers() throws {
    let vm = try LuaVM(
      limits: LuaLimits(instructions: 10_000_000, memoryBytes: 16 << 20, wallClock: .seconds(30)))
    let error = expectLuaError(.cpu) {
      _ = try vm.evaluate("string.rep('a', 3000):find('.-.-.-b')", chunkName: "slow.lua")
    }
    #expect(error?.message == "instruction budget of 10000000 exhausted")
    #expect(error?.mark.description == "slow.lua:1")
    #expect(try vm.evaluate("string.rep('a', 30):find('.-.-.-b')", chunkName: "fast.lua") == .null)
  }
}
