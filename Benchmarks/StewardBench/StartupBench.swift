import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `steward --version` wall time: what a CI step or a shell prompt pays
/// before Steward does anything. Target: under 10 ms.
///
/// Spawned with posix_spawn and reaped with waitpid, because Foundation's
/// `Process` adds tens of milliseconds of its own.
enum StartupBench {
  static func run(quick: Bool) {
    let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let binary = bench.deletingLastPathComponent().appendingPathComponent("steward").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      print("startup: \(binary) not built; run `swift build -c release` first")
      return
    }
    let runs = quick ? 20 : 100
    var times: [Double] = []
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    for _ in 0..<runs {
      let argv: [UnsafeMutablePointer<CChar>?] = [strdup(binary), strdup("--version"), nil]
      defer { argv.forEach { free($0) } }
      var pid: pid_t = 0
      let start = DispatchTime.now().uptimeNanoseconds
      guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else {
        print("startup: cannot spawn \(binary)")
        return
      }
      var status: Int32 = 0
      waitpid(pid, &status, 0)
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
