import StewardCore
import Testing

@testable import StewardLua

/// `steward.get` walks paths in C; it must read what `Value.lookup` reads in
/// Swift (builtins and `at` marks use that one), path syntax included.
@Suite("steward.get agrees with Value.lookup")
struct GetTests {
  // Keys in byte order: a map read back from Lua comes in that order.
  static let card: Value = [
    "empty": [:],
    "labels": ["app.kubernetes.io/name": "recs", "team": "growth"],
    "metrics": [["name": "auc", "value": 0.81], ["name": "ndcg", "value": 0.4]],
    "nested": ["0": "zero-key", "list": [[1, 2], [3, [4, 5]]]],
    "owner": "ranking",
    "stage": nil,
  ]

  static let paths = [
    "owner", "stage", "missing", "owner.length", "labels.team",
    #"labels."app.kubernetes.io/name""#, "labels.app.kubernetes.io/name",
    "metrics[0].name", "metrics.1.value", "metrics[2].name", "metrics[-1]",
    "nested.list[1][1][0]", "nested.list.1.1.1", "nested.0", "nested[0]",
    "", ".", "..owner", "owner.", "[0]", "metrics[]", #""owner""#, #"labels."team"#,
    "metrics[99999999999999999999]", "empty.x",
  ]

  @Test(arguments: paths) func readsWhatLookupReads(_ path: String) throws {
    let vm = try LuaVM(limits: .default)
    let read = try vm.evaluate(
      "return { v = steward.get(card, path) }", chunkName: "get.lua",
      env: ["card": Self.card, "path": .init(.string(path))])
    let expected = Self.card.lookup(path).value
    // steward.null and a missing field both read as nil.
    let wanted = expected?.isNull == true ? nil : expected
    #expect(read["v"] == wanted, "path \(path)")
  }

  /// Paths are parsed once and kept: every path read again, on another
  /// value, after the cache is full and between other paths, reads the same.
  @Test func cachedPathsReadWhatFreshOnesRead() throws {
    let vm = try LuaVM(limits: .default)
    let paths = Value(.list(Self.paths.map { Value(.string($0)) }))
    let fresh = try vm.evaluate(
      """
      local out = {}
      for i, p in ipairs(paths) do out[i] = { v = steward.get(card, p) } end
      return out
      """, chunkName: "get.lua", env: ["card": Self.card, "paths": paths])
    let again = try vm.evaluate(
      """
      -- Fill the cache past its limit with other paths, then read them all
      -- once more, on a copy of the card built in Lua.
      for i = 1, 5000 do steward.get(card, "labels.k" .. i) end
      local copy = { owner = card.owner, labels = card.labels, metrics = card.metrics,
                     nested = card.nested, empty = card.empty, stage = card.stage }
      local out = {}
      for i, p in ipairs(paths) do out[i] = { v = steward.get(copy, p) } end
      assert(steward.get(card, "labels.k4999") == nil)
      return out
      """, chunkName: "get.lua", env: ["card": Self.card, "paths": paths])
    #expect(fresh == again)
    #expect(fresh.list?.count == Self.paths.count)
  }

  @Test func aPathThatIsNotAStringIsAnError() throws {
    let vm = try LuaVM(limits: .default)
    #expect(throws: LuaError.self) {
      _ = try vm.evaluate("return steward.get({}, steward.null)", chunkName: "get.lua")
    }
    do {
      _ = try vm.evaluate("return steward.get({}, steward.null)", chunkName: "get.lua")
    } catch {
      #expect(
        "\(error)".contains("get.lua:1: steward.get: the path must be a string, got steward.null"))
    }
  }
}
