import Foundation

/// `steward --version` wall time: what a CI step or a shell prompt pays
/// before Steward does anything. Target: under 10 ms.
enum StartupBench {
  static func run(quick: Bool) {
    let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let binary = bench.deletingLastPathComponent().appendingPathComponent("steward")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
      print("startup: \(binary.path) not built; run `swift build -c release` first")
      return
    }
    let runs = quick ? 20 : 100
    var times: [Double] = []
    for _ in 0..<runs {
      let process = Process()
      process.executableURL = binary
      process.arguments = ["--version"]
      process.standardOutput = FileHandle.nullDevice
      let start = DispatchTime.now().uptimeNanoseconds
      do { try process.run() } catch {
        print("startup: cannot run \(binary.path): \(error)")
        return
      }
      process.waitUntilExit()
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    print(
      String(
        format:
          "startup: steward --version  median %.2f ms  p90 %.2f ms  (%d runs; target < 10 ms)",
        times[times.count / 2], times[times.count * 9 / 10], runs))
  }
}

/// The process's peak resident set (VmHWM), in MiB.
enum PeakRSS {
  static func mebibytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return 0
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
      return kb / 1024
    }
    return 0
  }
}
