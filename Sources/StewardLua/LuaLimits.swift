/// The budgets a ``LuaVM`` enforces on plugin code.
///
/// Instructions and wall-clock time are per call (``LuaVM/call(_:_:)``,
/// ``LuaVM/loadPlugin(source:chunkName:)``, ``LuaVM/evaluate(_:chunkName:env:)``);
/// memory is for the whole VM. Exceeding one ends the call with
/// ``LuaError/budget(_:mark:traceback:)``; the VM stays usable.
///
/// ```swift
/// let vm = try LuaVM(limits: LuaLimits(instructions: 1_000_000, wallClock: .milliseconds(300)))
/// ```
public struct LuaLimits: Sendable, Equatable {
  /// Lua VM instructions per call (counted every 1,000 by a hook, and step
  /// by step inside pattern matching and other guarded C functions).
  public var instructions: Int
  /// Bytes the VM may hold in total (its `lua_Alloc` refuses growth past it).
  public var memoryBytes: Int
  /// Wall-clock time per call, on a monotonic clock.
  public var wallClock: Duration
  /// How deeply tables may nest when they cross the bridge, either way.
  public var maxDepth: Int

  public init(
    instructions: Int = 100_000_000, memoryBytes: Int = 64 << 20,
    wallClock: Duration = .seconds(2), maxDepth: Int = 200
  ) {
    self.instructions = instructions
    self.memoryBytes = memoryBytes
    self.wallClock = wallClock
    self.maxDepth = maxDepth
  }

  /// 100,000,000 instructions and 2 s per call, 64 MiB per VM, depth 200.
  public static let `default` = LuaLimits()

  var wallClockNanoseconds: Int64 {
    let (seconds, attoseconds) = wallClock.components
    let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    if nanos.overflow { return Int64.max }
    return nanos.partialValue + attoseconds / 1_000_000_000
  }
}
