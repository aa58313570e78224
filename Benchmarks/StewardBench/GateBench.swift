import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The deployment gate over 10,000 generated model cards, run the way a user
/// runs it (`steward run Playbooks/deployment-gate.yaml --input models=DIR`),
/// beside an equivalent Python script (PyYAML's C loader, the same rules) on
/// the same files. Targets: under 0.5 s on 2 cores, at least 20x the Python
/// script, peak RSS under 300 MB.
enum GateBench {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func run(quick: Bool) {
    let count = quick ? 1_000 : 10_000
    let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let steward = bench.deletingLastPathComponent().appendingPathComponent("steward").path
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("steward-gate-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      for i in 0..<count {
        try Data(BenchData.gateCardYAML(i).utf8).write(
          to: dir.appendingPathComponent(String(format: "card-%05d.yaml", i)))
      }
    } catch {
      print("gate: cannot write the cards: \(error)")
      return
    }
    let playbook = root.appendingPathComponent("Playbooks/deployment-gate.yaml").path
    let script = root.appendingPathComponent("Benchmarks/python/deployment_gate.py").path
    let ours = (0..<3).compactMap { _ in
      Child.run(
        steward,
        ["run", playbook, "--input", "models=\(dir.path)", "--format", "json", "--output", "/dev/null"],
        directory: root.path)
    }
    guard let best = ours.min(by: { $0.seconds < $1.seconds }) else {
      print("gate: cannot run \(steward)")
      return
    }
    let checks = countChecks(playbook)
    print(
      String(
        format: "gate: %d cards x %d checks, steward run  %.3f s  %.0f cards/s  peak RSS %.0f MB  (exit %d; best of 3; targets < 0.5 s, < 300 MB)",
        count, checks, best.seconds, Double(count) / best.seconds, best.peakMB, best.status))
    guard let python = Child.run("/usr/bin/env", ["python3", script, dir.path], directory: root.path)
    else {
      print("gate: python3 not found; the comparison needs PyYAML with libyaml")
      return
    }
    print(
      String(
        format: "gate: python3 PyYAML CSafeLoader, same rules  %.3f s  %.0f cards/s  peak RSS %.0f MB  (exit %d)",
        python.seconds, Double(count) / python.seconds, python.peakMB, python.status))
    print(String(format: "gate: steward is %.1fx the Python script (target >= 20x)", python.seconds / best.seconds))
  }

  static func countChecks(_ playbook: String) -> Int {
    guard let text = try? String(contentsOfFile: playbook, encoding: .utf8) else { return 0 }
    return text.split(separator: "\n").filter {
      let t = $0.trimmingCharacters(in: .whitespaces)
      return t.hasPrefix("- use:") || t.hasPrefix("- id:") || t.hasPrefix("- builtin:")
        || t.hasPrefix("- expr:")
    }.count
  }
}

/// A child process timed from spawn to exit, with its own peak RSS (wait4).
enum Child {
  struct Outcome {
    var seconds: Double
    var peakMB: Double
    var status: Int32
  }

  static func run(_ path: String, _ arguments: [String], directory: String) -> Outcome? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let previous = FileManager.default.currentDirectoryPath
    FileManager.default.changeCurrentDirectoryPath(directory)
    defer { FileManager.default.changeCurrentDirectoryPath(previous) }
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Outcome(seconds: seconds, peakMB: Double(usage.ru_maxrss) / 1024, status: (status >> 8) & 0xff)
  }
}
