import Foundation
import StewardCore
import StewardLua

/// StewardLua benchmarks, through the public API only:
/// - a trivial Lua function called from Swift (`LuaVM.call`, no arguments);
/// - a typical model card (~75 nodes) passed into Lua (call with the card,
///   minus the trivial call);
/// - the same card into Lua and back (an identity function).
enum LuaBench {
  static func run(quick: Bool) {
    do {
      try measure(quick: quick)
    } catch {
      print("lua: benchmark failed: \(error)")
    }
  }

  static func measure(quick: Bool) throws {
    let vm = try LuaVM()
    let plugin = try vm.loadPlugin(
      source: """
        local p = steward.plugin{ name = "bench", version = "1.0" }
        p:scorer{ id = "noop", run = function() end }
        p:scorer{ id = "ignore", run = function(card) end }
        p:scorer{ id = "identity", run = function(card) return card end }
        return p
        """, chunkName: "bench.lua")
    guard let noop = plugin.registrations[0].functions["run"],
      let ignore = plugin.registrations[1].functions["run"],
      let identity = plugin.registrations[2].functions["run"]
    else { return }
    let card = BenchData.modelCardValue()
    let calls = quick ? 1_000_000 : 3_000_000
    let cardCalls = quick ? 100_000 : 300_000

    // Check the shapes once before timing.
    let back = try vm.call(identity, [card])
    precondition(back.first?["training"]?["rows"] == 100_037)

    if let only = ProcessInfo.processInfo.environment["STEWARD_BENCH_LUA_ONLY"] {
      // Profiling aid (callgrind): one workload only, a fixed number of times.
      let n = Int(ProcessInfo.processInfo.environment["STEWARD_BENCH_LUA_N"] ?? "") ?? 10_000
      for _ in 0..<n {
        switch only {
        case "trivial": _ = try vm.call(noop, [])
        case "card": _ = try vm.call(ignore, [card])
        default: _ = try vm.call(identity, [card])
        }
      }
      print("lua \(only): \(n) calls")
      return
    }

    let trivial =
      try bestOf(3) {
        for _ in 0..<calls { _ = try vm.call(noop, []) }
      } / Double(calls)
    let withCard =
      try bestOf(3) {
        for _ in 0..<cardCalls { _ = try vm.call(ignore, [card]) }
      } / Double(cardCalls)
    let roundTrip =
      try bestOf(3) {
        for _ in 0..<cardCalls { _ = try vm.call(identity, [card]) }
      } / Double(cardCalls)

    print("lua: card of \(card.nodeCount) nodes; \(calls) trivial calls, \(cardCalls) card calls")
    print("lua: call trivial function (vm.call(f, []))    \(format(trivial)) ns/op")
    print(
      "lua: card into a Lua table (call(f,[card]) - trivial) \(format(withCard - trivial)) ns/op")
    print("lua: card Swift -> Lua -> Swift (identity call)   \(format(roundTrip)) ns/op")
    print("lua: VM memory in use \(vm.memoryInUse / 1024) KiB; peak RSS \(peakRSS())")
  }

  /// The best of `n` runs of `body`, in nanoseconds.
  static func bestOf(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<n {
      let start = ContinuousClock.now
      try body()
      let elapsed = ContinuousClock.now - start
      let (seconds, attoseconds) = elapsed.components
      best = min(best, Double(seconds) * 1e9 + Double(attoseconds) / 1e9)
    }
    return best
  }

  static func format(_ ns: Double) -> String { String(format: "%.1f", ns) }

  /// VmHWM from /proc/self/status (Linux), or "n/a".
  static func peakRSS() -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return "n/a"
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return line.dropFirst(6).trimmingCharacters(in: .whitespaces)
    }
    return "n/a"
  }
}
