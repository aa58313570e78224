internal import CLua
internal import CLuaShim
internal import StewardCore

/// `steward.stats.*`: StewardCore's ``Statistics`` for Lua. Lists are Lua
/// arrays of numbers; a function returns nil where Core returns nil. A NaN
/// or an infinity anywhere, a z that is not above 0 and an answer off its
/// scale are errors: each would otherwise give NaN, an order-dependent
/// median, p = 1, or a share over the wrong denominator.
enum StatsAPI {
  static func pushTable(_ vm: LuaVM) {
    HostAPI.pushProtectedTable(
      vm,
      [
        ("mean", { L in StatsAPI.unary(L, "mean", Statistics.mean) }),
        ("median", { L in StatsAPI.unary(L, "median", Statistics.median) }),
        ("variance", { L in StatsAPI.unary(L, "variance", Statistics.variance) }),
        ("stdev", { L in StatsAPI.unary(L, "stdev", Statistics.standardDeviation) }),
        ("quantile", { L in StatsAPI.quantile(L) }),
        ("zscores", { L in StatsAPI.zscores(L) }),
        ("wilson", { L in StatsAPI.wilson(L) }),
        ("chisq_gof", { L in StatsAPI.chiSquare(L) }),
        ("enps", { L in StatsAPI.enps(L) }),
        ("top_two_box", { L in StatsAPI.topTwoBox(L) }),
        (
          "disparate_impact",
          { L in
            StatsAPI.unary(L, "disparate_impact") { Statistics.disparateImpact(selectionRates: $0) }
          }
        ),
        (
          "equal_opportunity_difference",
          { L in
            StatsAPI.unary(L, "equal_opportunity_difference") {
              Statistics.equalOpportunityDifference(truePositiveRates: $0)
            }
          }
        ),
      ])
  }

  static func unary(_ L: OpaquePointer?, _ name: String, _ f: ([Double]) -> Double?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    switch vm.numbers(at: 1, function: name) {
    case .failure(let message): return vm.raise(message)
    case .success(let xs): return vm.pushOptional(f(xs))
    }
  }

  static func quantile(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    guard let q = vm.number(at: 2), q.isFinite else {
      return vm.raise(
        "steward.stats.quantile: q must be a finite number, got \(vm.describeNumber(at: 2))")
    }
    switch vm.numbers(at: 1, function: "quantile") {
    case .failure(let message): return vm.raise(message)
    case .success(let xs): return vm.pushOptional(Statistics.quantile(xs, q))
    }
  }

  static func zscores(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    switch vm.numbers(at: 1, function: "zscores") {
    case .failure(let message): return vm.raise(message)
    case .success(let xs):
      guard let zs = Statistics.zScores(xs) else { return vm.pushOptional(nil) }
      lua_createtable(L, Int32(clamping: zs.count), 0)
      for (i, z) in zs.enumerated() {
        lua_pushnumber(L, z)
        lua_rawseti(L, -2, lua_Integer(i + 1))
      }
      return 1
    }
  }

  static func wilson(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    guard let successes = vm.integer(at: 1), let trials = vm.integer(at: 2) else {
      return vm.raise("steward.stats.wilson: successes and trials must be integers")
    }
    var z = Statistics.z95
    if lua_type(L, 3) > LUA_TNIL {
      // z ≤ 0 would turn the interval inside out (lower above upper).
      guard let given = vm.number(at: 3), given.isFinite, given > 0 else {
        return vm.raise(
          "steward.stats.wilson: z must be a finite number above 0, got \(vm.describeNumber(at: 3))"
        )
      }
      z = given
    }
    guard let interval = Statistics.wilson(successes: Int(successes), trials: Int(trials), z: z)
    else { return vm.pushOptional(nil) }
    vm.pushRecord([
      ("lower", interval.lower), ("upper", interval.upper), ("estimate", interval.estimate),
    ])
    return 1
  }

  static func chiSquare(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    let observed = vm.numbers(at: 1, function: "chisq_gof")
    let weights = vm.numbers(at: 2, function: "chisq_gof")
    switch (observed, weights) {
    case (.failure(let message), _), (_, .failure(let message)): return vm.raise(message)
    case (.success(let o), .success(let w)):
      guard let result = Statistics.chiSquareGoodnessOfFit(observed: o, expectedWeights: w) else {
        return vm.pushOptional(nil)
      }
      vm.pushRecord([("statistic", result.statistic), ("p", result.pValue)])
      lua_pushinteger(L, lua_Integer(result.degreesOfFreedom))
      vm.setRawField(-2, "df")
      return 1
    }
  }

  static func enps(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    switch vm.integers(at: 1, function: "enps", scale: 0...10) {
    case .failure(let message): return vm.raise(message)
    case .success(let xs): return vm.pushOptional(Statistics.enps(xs))
    }
  }

  static func topTwoBox(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    var scaleMax = 5
    if lua_type(L, 2) > LUA_TNIL {
      guard let given = vm.integer(at: 2) else {
        return vm.raise("steward.stats.top_two_box: scale_max must be an integer")
      }
      scaleMax = Int(given)
    }
    guard scaleMax >= 2 else {
      return vm.raise("steward.stats.top_two_box: scale_max must be at least 2, got \(scaleMax)")
    }
    switch vm.integers(at: 1, function: "top_two_box", scale: 1...scaleMax) {
    case .failure(let message): return vm.raise(message)
    case .success(let xs): return vm.pushOptional(Statistics.topTwoBoxShare(xs, scaleMax: scaleMax))
    }
  }
}

/// A message for the trampoline to raise.
struct HostMessage: Error {
  var text: String
}

extension Result where Failure == HostMessage {
  static func failure(_ text: String) -> Self { .failure(HostMessage(text: text)) }
}

extension LuaVM {
  /// Instructions charged per element of a list a statistic reads (reading
  /// it out of Lua, the statistic, a list of results pushed back).
  static let costPerNumber: Int64 = 32

  /// The Lua array at `index` as numbers (raw access, 1…#t).
  func numbers(at index: Int32, function: String) -> Result<[Double], HostMessage> {
    guard lua_type(L, index) == LUA_TTABLE else {
      return .failure(
        "steward.stats.\(function): expected a list of numbers, got \(typeName(at: index))")
    }
    guard lua_checkstack(L, 3) != 0 else { return .failure("stack overflow") }
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    // A subject's list is a read-only proxy: its numbers are in the table behind.
    let list = stw_readonly_target(L, index) != 0 ? lua_gettop(L) : index
    let count = Int(lua_rawlen(L, list))
    // Charged before the walk, which the count hook cannot interrupt, with
    // the statistic's own pass and any list it builds back.
    guard stw_budget_spend(L, Int64(count) * LuaVM.costPerNumber) == Int32(STW_BUDGET_NONE)
    else { return .success([]) }
    var xs: [Double] = []
    xs.reserveCapacity(count)
    for i in 0..<count {
      _ = lua_rawgeti(L, list, lua_Integer(i + 1))
      defer { lua_settop(L, -2) }
      guard let x = number(at: -1) else {
        return .failure(
          "steward.stats.\(function): element \(i + 1) is a \(typeName(at: -1)), not a number")
      }
      guard x.isFinite else {
        return .failure(
          "steward.stats.\(function): element \(i + 1) is \(Self.describe(x)), not a finite number")
      }
      xs.append(x)
    }
    return .success(xs)
  }

  /// "nan", "inf", "-inf", or the number.
  static func describe(_ x: Double) -> String {
    x.isNaN ? "nan" : x.isInfinite ? (x < 0 ? "-inf" : "inf") : "\(x)"
  }

  /// The value at `index` for a message: a number as written, else its type.
  func describeNumber(at index: Int32) -> String {
    number(at: index).map(Self.describe) ?? typeName(at: index)
  }

  /// The Lua array at `index` as integers, each within `scale` when given.
  func integers(at index: Int32, function: String, scale: ClosedRange<Int>? = nil)
    -> Result<[Int], HostMessage>
  {
    switch numbers(at: index, function: function) {
    case .failure(let error): return .failure(error)
    case .success(let xs):
      var ints: [Int] = []
      ints.reserveCapacity(xs.count)
      for (i, x) in xs.enumerated() {
        guard x == x.rounded(), abs(x) < 9.0e15 else {
          return .failure("steward.stats.\(function): element \(i + 1) is not an integer")
        }
        if let scale, !scale.contains(Int(x)) {
          return .failure(
            "steward.stats.\(function): element \(i + 1) is \(Int(x)), off the"
              + " \(scale.lowerBound)–\(scale.upperBound) scale")
        }
        ints.append(Int(x))
      }
      return .success(ints)
    }
  }

  func raise(_ message: HostMessage) -> Int32 { raise(message.text) }

  /// Pushes a number or nil; returns 1.
  func pushOptional(_ x: Double?) -> Int32 {
    if let x { lua_pushnumber(L, x) } else { lua_pushnil(L) }
    return 1
  }

  /// Pushes a table of named numbers.
  func pushRecord(_ fields: [(String, Double)]) {
    lua_createtable(L, 0, Int32(fields.count))
    for (name, x) in fields {
      lua_pushnumber(L, x)
      setRawField(-2, name)
    }
  }
}
