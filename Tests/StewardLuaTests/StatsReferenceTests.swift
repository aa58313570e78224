import Foundation
import StewardCore
import Testing

@testable import StewardLua

/// `steward.stats` against scipy: Fixtures/stats-reference/reference.json,
/// written by make.py beside it (200 random inputs per function and the
/// edge cases of issue 17), called through Lua as a plugin calls them.
@Suite struct StatsReferenceTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/stats-reference/reference.json")

  /// How far apart two answers may be: 1e-12 of the larger magnitude, or
  /// of `scale` (the largest |z| of a z-score list) when that is larger.
  static func agree(_ a: Double, _ b: Double, scale: Double = 0) -> Bool {
    if a == b { return true }
    let magnitude = max(abs(a), abs(b), scale)
    return abs(a - b) <= 1e-12 * magnitude || abs(a - b) < 1e-300
  }

  static func lua(_ arg: Any) -> String {
    if let list = arg as? [Any] { return "{" + list.map(lua).joined(separator: ", ") + "}" }
    if let n = arg as? NSNumber {
      let x = n.doubleValue
      if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
      return String(format: "%.17g", x)
    }
    return "\(arg)"
  }

  @Test func everyFunctionAgreesWithScipy() throws {
    let data = try Data(contentsOf: Self.fixture)
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try #require(root["cases"] as? [[String: Any]])
    #expect((root["z95"] as? Double) == Statistics.z95)
    let vm = try LuaVM()
    var perFunction: [String: Int] = [:]
    var failures: [String] = []
    for c in cases {
      let function = try #require(c["function"] as? String)
      let args = try #require(c["args"] as? [Any])
      let call = "steward.stats.\(function)(\(args.map(Self.lua).joined(separator: ", ")))"
      let got = try vm.evaluate("return " + call, chunkName: "reference.lua")
      perFunction[function, default: 0] += 1
      let ok: Bool
      switch function {
      case "zscores":
        let want = try #require(c["expected"] as? [Double])
        let have = got.list?.compactMap(\.number) ?? []
        let scale = want.map(abs).max() ?? 0
        ok =
          have.count == want.count
          && zip(have, want).allSatisfy {
            Self.agree($0, $1, scale: scale)
          }
      case "wilson":
        let want = try #require(c["expected"] as? [Double])
        let have = ["lower", "upper", "estimate"].map { got[$0]?.number ?? .nan }
        ok = zip(have, want).allSatisfy { Self.agree($0, $1) }
      case "chisq_gof":
        let want = try #require(c["expected"] as? [Double])
        let have = ["statistic", "df", "p"].map { got[$0]?.number ?? .nan }
        ok = zip(have, want).allSatisfy { Self.agree($0, $1) }
      default:
        let want = try #require(c["expected"] as? Double)
        ok = got.number.map { Self.agree($0, want) } ?? false
      }
      if !ok { failures.append("\(call) = \(got), scipy \(c["expected"] ?? "?")") }
    }
    #expect(
      failures.isEmpty,
      "\(failures.count) disagree:\n\(failures.prefix(10).joined(separator: "\n"))")
    // At least 200 random inputs for each of the twelve functions.
    #expect(perFunction.count == 12, "\(perFunction)")
    #expect(perFunction.values.allSatisfy { $0 >= 200 }, "\(perFunction)")
  }

  func eval(_ source: String) throws -> Value {
    try makeVM().evaluate(source, chunkName: "stats.lua")
  }

  @Test func equalDecimalValuesHaveZeroScores() throws {
    #expect(
      try eval("steward.stats.zscores({7.3, 7.3, 7.3, 7.3, 7.3, 7.3, 7.3})")
        == Value(.list(Array(repeating: Value(.double(0)), count: 7))))
  }

  @Test(arguments: [
    ("steward.stats.mean({1, 0/0, 3})", "element 2 is nan, not a finite number"),
    ("steward.stats.median({3, 0/0, 1})", "element 2 is nan"),
    ("steward.stats.median({0/0, 3, 1})", "element 1 is nan"),
    ("steward.stats.quantile({1, 2}, 0/0)", "q must be a finite number, got nan"),
    ("steward.stats.variance({1, math.huge})", "element 2 is inf"),
    ("steward.stats.stdev({-math.huge, 1})", "element 1 is -inf"),
    ("steward.stats.zscores({1, 2, 0/0})", "element 3 is nan"),
    ("steward.stats.chisq_gof({100, 0/0}, {1, 1})", "element 2 is nan"),
    ("steward.stats.chisq_gof({100, 100}, {1, math.huge})", "element 2 is inf"),
    ("steward.stats.disparate_impact({0.5, 0/0})", "element 2 is nan"),
    ("steward.stats.equal_opportunity_difference({math.huge, 0.5})", "element 1 is inf"),
    ("steward.stats.enps({10, 0/0})", "element 2 is nan"),
    ("steward.stats.top_two_box({5, math.huge})", "element 2 is inf"),
    ("steward.stats.wilson(3, 10, 0/0)", "z must be a finite number above 0, got nan"),
    ("steward.stats.wilson(3, 10, 0)", "z must be a finite number above 0, got 0"),
    ("steward.stats.wilson(3, 10, -1.96)", "z must be a finite number above 0, got -1.96"),
    ("steward.stats.enps({10, 11, 9})", "element 2 is 11, off the 0–10 scale"),
    ("steward.stats.enps({-1, 10})", "element 1 is -1, off the 0–10 scale"),
    ("steward.stats.top_two_box({5, 6, 4})", "element 2 is 6, off the 1–5 scale"),
    ("steward.stats.top_two_box({0, 4})", "element 1 is 0, off the 1–5 scale"),
    ("steward.stats.top_two_box({7, 8}, 7)", "element 2 is 8, off the 1–7 scale"),
  ])
  func edgeInputsAreErrors(source: String, message: String) throws {
    expectLuaError(.runtime(message)) { _ = try eval(source) }
  }

  @Test func theDefaultWilsonZIsTheNormalQuantileToDoublePrecision() throws {
    let given = try eval("return steward.stats.wilson(7, 20, 1.959963984540054)")
    let byDefault = try eval("return steward.stats.wilson(7, 20)")
    #expect(given == byDefault)
  }
}
