import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The same 10-step local procedure as an Ansible playbook (connection:
/// local, `command` tasks) and as a Steward runbook (Benchmarks/ansible/),
/// both run as a user runs them, beside the floor: one `sh` running the ten
/// commands in a row. Target: Steward at least 50x faster than Ansible, so
/// that a runbook step costs about what its command costs. The Steward run is
/// timed recording its timeline (the default: one transaction per event) and
/// with --no-record.
enum RunbookBench {
  static func run(quick: Bool) {
    let root = GateBench.root.path
    let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let steward = bench.deletingLastPathComponent().appendingPathComponent("steward").path
    let runbook = root + "/Benchmarks/ansible/ten-steps.yaml"
    let ansible = root + "/Benchmarks/ansible/ten-steps.yml"
    let store = FileManager.default.temporaryDirectory.appendingPathComponent(
      "steward-runbook-bench-\(getpid()).sqlite"
    ).path
    defer {
      for suffix in ["", "-wal", "-shm"] { unlink(store + suffix) }
      try? FileManager.default.removeItem(
        atPath: (store as NSString).deletingLastPathComponent + "/runbook-logs/ten-steps.log")
    }
    let rounds = quick ? 3 : 10
    let floor = best(rounds) {
      Child.run(
        "/bin/sh",
        [
          "-c",
          "uname -r; cat /proc/loadavg; df -P /; head -3 /proc/meminfo; id -u; uname -n; date -u; test -d /tmp; ls /; echo ok",
        ], directory: root)
    }
    let recorded = best(rounds) {
      Child.run(steward, ["run", runbook, "--store", store], directory: root)
    }
    let unrecorded = best(rounds) {
      Child.run(steward, ["run", runbook, "--no-record"], directory: root)
    }
    guard let floor, let recorded, let unrecorded, recorded.status == 0 else {
      print("runbook: cannot run \(steward) (exit \(recorded?.status ?? -1))")
      return
    }
    print(
      String(
        format:
          "runbook: 10 steps, steward run  %.1f ms recorded, %.1f ms --no-record; sh floor %.1f ms (best of %d)",
        recorded.seconds * 1000, unrecorded.seconds * 1000, floor.seconds * 1000, rounds))
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ansible-playbook") else {
      print("runbook: ansible-playbook not found; `apt-get install ansible` for the comparison")
      return
    }
    let ansibleRounds = quick ? 1 : 3
    let theirs = best(ansibleRounds) {
      Child.run(
        "/usr/bin/ansible-playbook", ["-i", "localhost,", ansible], directory: root)
    }
    guard let theirs, theirs.status == 0 else {
      print("runbook: ansible-playbook failed (exit \(theirs?.status ?? -1))")
      return
    }
    print(
      String(
        format:
          "runbook: ansible-playbook, same 10 commands  %.3f s (best of %d); steward is %.0fx faster recorded, %.0fx with --no-record (target >= 50x)",
        theirs.seconds, ansibleRounds, theirs.seconds / recorded.seconds,
        theirs.seconds / unrecorded.seconds))
  }

  static func best(_ n: Int, _ body: () -> Child.Outcome?) -> Child.Outcome? {
    (0..<n).compactMap { _ in body() }.min { $0.seconds < $1.seconds }
  }
}
