import Foundation
import StewardCore
import StewardLua
import StewardYAML

/// What the gate's run cannot go below with the parser and the interpreter it
/// is built on, measured on the same cards so the targets can be read
/// against it: libyaml's bare event scan of every file, and the plugin's own
/// Lua code running its checks over cards already in Lua (no host calls, no
/// conversions, no results), each on all cores.
enum GateFloors {
  struct Figures {
    var yamlSeconds: Double
    var luaSeconds: Double
    var luaCalls: Int
    var luaStatuses: String
    /// The same checks, cards converted into Lua and run, as plain tables
    /// and behind the read-only proxies a check's subject gets: what the
    /// read-only views add (making the proxies, and every read through one).
    /// CPU seconds, summed over the workers.
    var plainSeconds: Double
    var readOnlySeconds: Double
  }

  static func measure(cards: [String], plugin: String) -> Figures? {
    guard let rounds = Rounds(cards: cards, plugin: plugin) else { return nil }
    for _ in 0..<5 {
      guard rounds.next() else { return nil }
    }
    return rounds.figures
  }

  /// The floors measured a round at a time, so that the benchmark can run
  /// each round between runs of the gate: the machine's load then falls on
  /// the gate and its floor alike. Measured in one block after the gate's
  /// runs, the floor read 0.57 s on one run and 1.02 s on another while
  /// the gate moved 12 %.
  final class Rounds {
    let cards: [String]
    let plugin: String
    let source: String
    let cores = ProcessInfo.processInfo.activeProcessorCount
    /// Each worker's share of the cards as `Value`s, parsed before any clock.
    let shares: [[Value]]
    private var yaml = Double.infinity
    private var best: LuaRun?
    private var plain = Double.infinity
    private var readOnly = Double.infinity

    init?(cards: [String], plugin: String) {
      guard let source = try? String(contentsOfFile: plugin, encoding: .utf8) else { return nil }
      self.cards = cards
      self.plugin = plugin
      self.source = source
      let cores = self.cores
      shares = (0..<cores).map { worker in
        stride(from: worker, to: cards.count, by: cores).flatMap { index in
          (try? YAMLLoader.load(file: cards[index])) ?? []
        }
      }
    }

    /// One round: the scan, then a plain and a read-only run of the checks
    /// (alternated, so that a change in the machine's load falls on both).
    func next() -> Bool {
      yaml = min(yaml, GateFloors.scanAll(cards, cores: cores))
      guard
        let run = GateFloors.luaRun(
          source: source, plugin: plugin, shares: shares, readOnly: false),
        let guarded = GateFloors.luaRun(
          source: source, plugin: plugin, shares: shares, readOnly: true),
        guarded.statuses == run.statuses
      else { return false }
      if best == nil || run.seconds < best!.seconds { best = run }
      plain = min(plain, run.whole)
      readOnly = min(readOnly, guarded.whole)
      return true
    }

    var figures: Figures? {
      guard let best else { return nil }
      return Figures(
        yamlSeconds: yaml, luaSeconds: best.seconds, luaCalls: best.calls,
        luaStatuses: best.statuses, plainSeconds: plain, readOnlySeconds: readOnly)
    }
  }

  struct LuaRun {
    /// The checks' own code: one round less zero rounds.
    var seconds: Double
    /// One round with the cards' conversion into Lua, in CPU seconds summed
    /// over the workers.
    var whole: Double
    var calls: Int
    var statuses: String
  }

  /// Reads and scans every file into libyaml events, files shared out over
  /// `cores` threads; wall-clock seconds.
  static func scanAll(_ files: [String], cores: Int) -> Double {
    let events = Shared(Array(repeating: 0, count: cores))
    let start = DispatchTime.now().uptimeNanoseconds
    DispatchQueue.concurrentPerform(iterations: cores) { worker in
      var total = 0
      var bytes = [UInt8](repeating: 0, count: 1 << 16)
      for index in stride(from: worker, to: files.count, by: cores) {
        // Read with open/read into one buffer, as the gate's loader does.
        let fd = open(files[index], O_RDONLY)
        guard fd >= 0 else { continue }
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard count > 0 else { continue }
        total += (try? YAMLEventScanner.countEvents(Array(bytes[..<count]))) ?? 0
      }
      events.set(worker, total)
    }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  /// The plugin's checks run from Lua itself: a wrapper records each
  /// `p:check{}` it registers, then a loop calls every check's `run` on
  /// every card with its default parameters. Each worker times the same
  /// chunk with zero rounds and with one, so the cards' conversion into Lua
  /// and the plugin's loading cancel out; the slowest worker's difference is
  /// the wall-clock time of the checks' own code, with the instruction hook
  /// the budgets need still counting.
  static func luaRun(source: String, plugin: String, shares: [[Value]], readOnly: Bool)
    -> LuaRun?
  {
    let body = source.replacingOccurrences(
      of: "\nreturn p", with: "\n", options: .backwards)
    // `require` is the host's, installed for plugins the registry loads:
    // here steward.lib, the one module the shipped plugins require, is
    // its source from the package, loaded once.
    let lib =
      (try? String(
        contentsOfFile: GateBench.root.appendingPathComponent(
          "Sources/StewardLua/Lua/steward/lib.lua"
        )
        .path, encoding: .utf8)) ?? "return {}"
    let chunk = """
      local LIB = (function()
      \(lib)
      end)()
      local require = function(name)
        if name == "steward.lib" then return LIB end
        error("the floor knows no module " .. tostring(name))
      end
      local real = steward
      local recorded = {}
      local steward = setmetatable({
        plugin = function(spec)
          return { check = function(self, c) recorded[#recorded + 1] = c end }
        end,
      }, { __index = real })
      \(body)
      -- Parameters and context made once: the floor is the checks' own work.
      local params, context = {}, {}
      for i, c in ipairs(recorded) do
        params[i] = {}
        for name, p in pairs(c.params or {}) do params[i][name] = p.default end
        context[i] = { check = c.id }
      end
      local counts, calls = {}, 0
      for _ = 1, rounds do
        for _, card in ipairs(cards) do
          for i, c in ipairs(recorded) do
            local r = c.run(card, params[i], context[i])
            local status = type(r) == "table" and r.status or tostring(r)
            counts[status] = (counts[status] or 0) + 1
            calls = calls + 1
          end
        end
      end
      local keys = {}
      for k in pairs(counts) do keys[#keys + 1] = k end
      table.sort(keys)
      local parts = {}
      for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. counts[k] end
      return calls .. " " .. table.concat(parts, " ")
      """
    let limits = LuaLimits(
      instructions: Int(Int32.max), memoryBytes: 1 << 30, wallClock: .seconds(120))
    let outcomes = Shared([(Double, Double, String)?](repeating: nil, count: shares.count))
    DispatchQueue.concurrentPerform(iterations: shares.count) { worker in
      guard let vm = try? LuaVM(limits: limits) else { return }
      // A hundred cards at a time: with all of a worker's cards alive in
      // one heap, the collector's work would grow with them, where the gate
      // keeps one card alive at a time.
      var seconds = 0.0
      var whole = 0.0
      var cpu = 0.0
      var texts: [String] = []
      for batch in stride(from: 0, to: shares[worker].count, by: 100) {
        let cards = Value(
          .list(Array(shares[worker][batch..<min(batch + 100, shares[worker].count)])))
        func timed(_ rounds: Int) -> (Double, String)? {
          let start = DispatchTime.now().uptimeNanoseconds
          let cpuStart = threadCPU()
          let env: Value = ["cards": cards, "rounds": Value(.int(Int64(rounds)))]
          let result: String
          do {
            guard
              let text = try vm.evaluate(
                chunk, chunkName: plugin, env: env, readOnlyEnv: readOnly
              ).string
            else { return nil }
            result = text
          } catch {
            // Said once per worker: why the floor is missing from the figures.
            FileHandle.standardError.write(Data("gate floors: \(error)\n".utf8))
            return nil
          }
          cpu = threadCPU() - cpuStart
          return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, result)
        }
        guard let zero = timed(0), let one = timed(1) else { return }
        seconds += one.0 - zero.0
        whole += cpu
        texts.append(one.1)
      }
      outcomes.set(worker, (seconds, whole, texts.joined(separator: " ")))
    }
    let done = outcomes.value.compactMap { $0 }
    guard done.count == shares.count else { return nil }
    var calls = 0
    var counts: [String: Int] = [:]
    // Each batch answers "CALLS status=N status=N ...".
    for word in done.flatMap({ $0.2.split(separator: " ") }) {
      let kv = word.split(separator: "=")
      if kv.count == 2 {
        counts[String(kv[0]), default: 0] += Int(kv[1]) ?? 0
      } else {
        calls += Int(word) ?? 0
      }
    }
    let statuses = counts.keys.sorted().map { "\($0)=\(counts[$0]!)" }.joined(separator: " ")
    return LuaRun(
      seconds: done.map(\.0).max() ?? 0, whole: done.map(\.1).reduce(0, +), calls: calls,
      statuses: statuses)
  }
}

/// An array the workers of `concurrentPerform` write, each its own index.
final class Shared<Element>: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [Element]
  init(_ initial: [Element]) { storage = initial }
  func set(_ index: Int, _ element: Element) {
    lock.lock()
    storage[index] = element
    lock.unlock()
  }
  var value: [Element] {
    lock.lock()
    defer { lock.unlock() }
    return storage
  }
}

/// The calling thread's CPU time in seconds.
func threadCPU() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// `scripts/bench readonly`: only what the read-only views cost, on 1,000
/// cards, without the 10,000-card gate around it: the plain and the
/// read-only run of the floor's checks, alternated, best of seven each. The
/// two runs are functions of their own, so that a profiler can count each
/// (`valgrind --tool=callgrind --toggle-collect='*plainRound*'`).
enum ReadOnlyBench {
  static func run(quick: Bool) {
    let count = 1_000
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "steward-readonly-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    var files: [String] = []
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      for i in 0..<count {
        let file = dir.appendingPathComponent(String(format: "card-%05d.yaml", i))
        try Data(BenchData.gateCardYAML(i).utf8).write(to: file)
        files.append(file.path)
      }
    } catch {
      print("readonly: cannot write the cards: \(error)")
      return
    }
    let plugin = GateBench.root.appendingPathComponent("Plugins/ml-governance.lua").path
    guard let source = try? String(contentsOfFile: plugin, encoding: .utf8) else { return }
    let shares: [[Value]] = [files.flatMap { (try? YAMLLoader.load(file: $0)) ?? [] }]
    var plain = Double.infinity
    var guarded = Double.infinity
    for _ in 0..<(quick ? 3 : 7) {
      guard let p = plainRound(source, plugin, shares),
        let g = readOnlyRound(source, plugin, shares)
      else {
        print("readonly: the floor's checks did not run")
        return
      }
      plain = min(plain, p.whole)
      guarded = min(guarded, g.whole)
    }
    print(
      String(
        format:
          "readonly: %d cards, the checks with their cards' conversion on one core  %.3f CPU-s as plain tables, %.3f CPU-s behind read-only proxies (%+.0f %%)",
        count, plain, guarded, 100 * (guarded - plain) / plain))
  }

  @inline(never)
  static func plainRound(_ source: String, _ plugin: String, _ shares: [[Value]])
    -> GateFloors.LuaRun?
  {
    GateFloors.luaRun(source: source, plugin: plugin, shares: shares, readOnly: false)
  }

  @inline(never)
  static func readOnlyRound(_ source: String, _ plugin: String, _ shares: [[Value]])
    -> GateFloors.LuaRun?
  {
    GateFloors.luaRun(source: source, plugin: plugin, shares: shares, readOnly: true)
  }
}
