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
