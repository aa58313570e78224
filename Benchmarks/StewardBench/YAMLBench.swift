import Foundation
import StewardCore
import StewardYAML

/// The YAML loader against its floor: libyaml's event API with nothing built.
///
/// `swift run -c release --scratch-path .build-release steward-bench [--quick]`
/// generates an inventory of model cards (10,000, or 1,000 quick), writes it
/// to a temporary file, and reports the median of several runs of
/// (a) ``YAMLEventScanner/countEvents(_:)`` over the bytes and (b)
/// ``YAMLLoader/load(file:limits:)`` into `[Value]`, with the ratio b/a, the
/// node count and the peak resident memory.
enum YAMLBench {
  static func run(quick: Bool) {
    let cards = quick ? 1_000 : 10_000
    let runs = quick ? 7 : 9
    let text = BenchData.inventoryYAML(count: cards)
    let bytes = Array(text.utf8)
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("steward-bench-\(getpid())")
    let path = directory.appendingPathComponent("inventory.yaml").path
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    } catch {
      print("yaml: cannot write \(path): \(error)")
      return
    }
    defer { try? FileManager.default.removeItem(at: directory) }

    var events = 0
    var documents: [Value] = []
    if let only = ProcessInfo.processInfo.environment["STEWARD_BENCH_YAML_ONLY"] {
      // Profiling aid: one side only, many times (STEWARD_BENCH_YAML_N, default 20).
      let n = Int(ProcessInfo.processInfo.environment["STEWARD_BENCH_YAML_N"] ?? "") ?? 20
      for _ in 0..<n {
        if only == "floor" {
          events = (try? YAMLEventScanner.countEvents(bytes)) ?? -1
        } else {
          documents = (try? YAMLLoader.load(file: path)) ?? []
        }
      }
      print("yaml \(only): \(events) events, \(documents.count) documents, \(peakRSS())")
      return
    }
    // Interleaved, so that drift in the machine's speed hits both sides alike.
    var floorTimes: [Double] = []
    var treeTimes: [Double] = []
    events = (try? YAMLEventScanner.countEvents(bytes)) ?? -1  // warm-up
    documents = (try? YAMLLoader.load(file: path)) ?? []
    for _ in 0..<runs {
      floorTimes.append(
        time {
          (try? YAMLEventScanner.countEvents(bytes)) ?? -1
        } keep: {
          events = $0
        })
      treeTimes.append(
        time {
          (try? YAMLLoader.load(file: path)) ?? []
        } keep: {
          documents = $0
        })
    }
    let floor = median(floorTimes)
    let tree = median(treeTimes)
    let ratio = median(zip(treeTimes, floorTimes).map { $0 / $1 })
    let nodes = documents.reduce(0) { $0 + $1.nodeCount }
    let megabytes = Double(bytes.count) / 1_000_000
    func line(_ name: String, _ seconds: Double) -> String {
      let ms = String(format: "%8.1f ms", seconds * 1000)
      let rate = String(format: "%7.1f MB/s", megabytes / seconds)
      return "  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(ms)  \(rate)"
    }
    print(
      "yaml: \(cards) model cards, \(String(format: "%.1f", megabytes)) MB,"
        + " \(events) events, \(documents.count) documents, \(nodes) nodes"
        + " (median of \(runs))")
    print(line("libyaml events only (floor)", floor))
    print(line("YAMLLoader -> [Value]", tree))
    print(
      String(
        format: "  ratio tree / floor            %.2fx (median of per-run ratios; target <= 1.50x)",
        ratio))
    print("  peak RSS (VmHWM)             \(peakRSS())")
  }

  /// Wall-clock seconds of one call of `body`. The result goes to `keep`
  /// after the clock stops, so freeing the previous result (tearing a tree
  /// down is not loading it) is not timed.
  private static func time<T>(_ body: () -> T, keep: (T) -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    keep(result)
    return seconds
  }

  private static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
  }

  /// `VmHWM` from /proc/self/status (Linux), or "n/a".
  private static func peakRSS() -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return "n/a"
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
    return "n/a"
  }
}
