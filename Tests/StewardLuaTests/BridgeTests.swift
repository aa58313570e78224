import StewardCore
import Testing

@testable import StewardLua

@Suite("Value ⇄ Lua bridge")
struct BridgeTests {
  /// Passes `value` into Lua and straight back.
  func roundTrip(_ value: Value, in vm: LuaVM) throws -> Value {
    try vm.evaluate("v", chunkName: "rt.lua", env: ["v": value])
  }

  @Test(arguments: [
    Value(.int(3)), Value(.int(Int64.max)), Value(.int(Int64.min)), Value(.double(3.0)),
    Value(.double(0.1)), Value(.double(-1e300)), Value(.double(.infinity)), true, false,
    "", "héllo wörld ✓", .null, [], Value(.map(OrderedMap())), [1, 2.5, "x", nil, true],
    ["a": ["b": ["c": [1, [2, [3]]]]], "z": nil],
    ["list": [], "map": Value(.map(OrderedMap())), "nested": [[], [[]]]],
  ])
  func roundTripKeepsValues(_ value: Value) throws {
    let vm = try makeVM()
    #expect(try roundTrip(value, in: vm) == value)
  }

  /// The quick conversion (plain recursion, for small tables) gives what
  /// the general one gives, or declines and leaves the value to it.
  @Test(arguments: [
    "{ owner = 'recsys' }", "{ split = 'train', data = 's3://x', n = 3, ok = true, r = 0.5 }",
    "{ attributes = { { attribute = 'language', ratio = 0.69, below = { 'hi' } }, "
      + "{ attribute = 'region', ratio = 0.9 } }, min_ratio = 0.8 }",
    "{}", "steward.map{}", "{ {}, steward.map{}, { {} } }", "{ x = steward.null, 'no' }",
    "{ [1] = 'a', [2] = 'b', [3] = 'c' }", "{ [3] = 'c', [1] = 'a', [2] = 'b' }",
    "{ ['é'] = 1, Z = 2, a = 3, ['a b'] = 4, [''] = 5 }", "{ 1, 2.0, -0.0, 1e300, 1/0, -1/0 }",
    "(function() local s = { 1 } return { a = s, b = { s, s } } end)()",
    "(function() local t = { 1 } for i = 1, 30 do t = { t } end return t end)()",
    "{ 1, 2, x = 3 }", "{ [1] = 1, [3] = 3 }", "{ [0] = 1 }", "{ x = 0/0 }", "{ s = '\\255' }",
    "{ f = print }", "(function() local t = {} t.x = { t } return t end)()", "{ [true] = 1 }",
  ])
  func theQuickConversionAgreesWithTheGeneralOne(_ source: String) throws {
    let vm = try makeVM()
    let (quick, general) = try vm.evaluateBothWays(source)
    switch general {
    case .success(let value):
      if let quick { #expect(quick == value, "\(source)") }
    case .failure:
      // The general conversion refuses it: the quick one must have declined.
      #expect(quick == nil, "\(source)")
    }
  }

  @Test func integersStayIntegersAndDoublesStayDoubles() throws {
    let vm = try makeVM()
    #expect(try vm.evaluate("math.type(x)", chunkName: "t", env: ["x": 3]) == "integer")
    #expect(try vm.evaluate("math.type(x)", chunkName: "t", env: ["x": 3.0]) == "float")
    #expect(try vm.evaluate("2 + 3", chunkName: "t") == 5)
    #expect(try vm.evaluate("6 / 2", chunkName: "t") == Value(.double(3)))
    #expect(try vm.evaluate("7 // 2", chunkName: "t") == 3)
  }

  @Test func mapsComeBackWithSortedKeys() throws {
    let vm = try makeVM()
    let value = try vm.evaluate(
      "{ zeta = 1, alpha = 2, Beta = 3, ['é'] = 4, a10 = 5, a9 = 6 }", chunkName: "t")
    #expect(value.map?.keys == ["Beta", "a10", "a9", "alpha", "zeta", "é"])
  }

  @Test func emptyTablesNullsAndTheMapMarker() throws {
    let vm = try makeVM()
    #expect(try vm.evaluate("{}", chunkName: "t") == [])
    #expect(try vm.evaluate("steward.map{}", chunkName: "t") == Value(.map(OrderedMap())))
    #expect(try vm.evaluate("steward.map()", chunkName: "t") == Value(.map(OrderedMap())))
    #expect(try vm.evaluate("steward.null", chunkName: "t") == .null)
    #expect(try vm.evaluate("nil", chunkName: "t") == .null)
    #expect(try vm.evaluate("steward.isnull(v.x)", chunkName: "t", env: ["v": ["x": nil]]) == true)
    #expect(try vm.evaluate("v.x == nil", chunkName: "t", env: ["v": ["x": nil]]) == false)
    #expect(try vm.evaluate("tostring(steward.null)", chunkName: "t") == "null")
    // A list holding null keeps its length.
    #expect(try vm.evaluate("#v", chunkName: "t", env: ["v": [1, nil, 3]]) == 3)
  }

  @Test func aSharedSubtableIsNotACycle() throws {
    let vm = try makeVM()
    let value = try vm.evaluate(
      "local s = { 1 } return { a = s, b = s, c = { s, s } }", chunkName: "t")
    #expect(value == ["a": [1], "b": [1], "c": [[1], [1]]])
  }

  @Test(arguments: [
    ("local t = {} t.x = { t } return t", "result.x[1]: the table contains itself"),
    (
      "return { evidence = { 1, { x = function() end } } }",
      "result.evidence[2].x: a function cannot be converted"
    ),
    ("return { 1, 2, x = 3 }", "result: the table mixes string keys and list indices"),
    ("return { [1] = 1, [3] = 3 }", "result: the list has holes"),
    ("return { [1.5] = 1 }", "result: a table key is a non-integer number"),
    ("return { [true] = 1 }", "result: a table key is a boolean"),
    ("return { x = 0/0 }", "result.x: NaN is not a value"),
    ("return { co = coroutine.create(function() end) }", "result.co: a thread cannot be converted"),
    ("return { ['a b'] = { [0] = 1 } }", "result[\"a b\"]: list index 0 is not in 1…n"),
    ("return { s = '\\255' }", "result.s: the string is not valid UTF-8"),
  ])
  func badResultsNameThePath(_ source: String, _ message: String) throws {
    let vm = try makeVM()
    let error = expectLuaError(.conversion(message)) {
      _ = try vm.evaluate(source, chunkName: "bad.lua")
    }
    #expect(error?.code == "L006")
    try expectHealthy(vm)
  }

  @Test func deepValuesAreRefusedBothWays() throws {
    let vm = try makeVM()
    var deep: Value = 1
    for _ in 0..<500 { deep = [deep] }
    expectLuaError(.conversion("nested deeper than 200 levels")) {
      _ = try vm.evaluate("1", chunkName: "t", env: ["v": deep])
    }
    try expectHealthy(vm)
  }

  @Test func callPassesArgumentsAndReturnsEveryResult() throws {
    let vm = try makeVM()
    let plugin = try vm.loadPlugin(
      source: """
        local p = steward.plugin{ name = "multi", version = "1.0" }
        p:scorer{ id = "s", run = function(a, b) return a + b, { a = a, b = b }, nil end }
        return p
        """, chunkName: "multi.lua")
    let run = try #require(plugin.registrations[0].functions["run"])
    #expect(try vm.call(run, [2, 3]) == [5, ["a": 2, "b": 3], .null])
    #expect(run.mark.description == "multi.lua:2")
  }

  @Test func modelCardRoundTrips() throws {
    let vm = try makeVM()
    let card: Value = [
      "id": "model-1", "tags": ["a", "b"], "training": ["rows": 100_037, "split": ["train": 0.8]],
      "serving": ["replicas": 2, "skew_check": nil], "fairness": ["audited": true],
    ]
    let back = try roundTrip(card, in: vm)
    // Keys come back sorted, so compare as sorted maps.
    #expect(back["training"]?["rows"] == 100_037)
    #expect(back["serving"]?["skew_check"] == .null)
    #expect(back.map?.keys == ["fairness", "id", "serving", "tags", "training"])
  }
}
