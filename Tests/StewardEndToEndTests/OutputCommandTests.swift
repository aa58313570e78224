import Foundation
import Testing

/// A report that cannot be written to stdout is said on stderr and exits 2,
/// as one that cannot be written to `--output` does.
@Suite struct OutputCommandTests {
  static let remediated = "--input=models=Examples/streamrec/models-remediated"

  @Test(arguments: [
    ["run", "Playbooks/deployment-gate.yaml", "--no-record", remediated, "--format", "json"],
    ["run", "Playbooks/deployment-gate.yaml", "--no-record", remediated],
    ["run", "Playbooks/mlops-maturity.yaml", "--no-record"],
    ["inspect", "Examples/streamrec/models/churn.yaml"],
    ["plugins", "list"],
  ])
  func aFullStdoutIsExitTwoWithTheReason(arguments: [String]) throws {
    guard let full = FileHandle(forWritingAtPath: "/dev/full") else { return }
    defer { try? full.close() }
    let r = try StewardBinary.run(arguments, stdout: full)
    #expect(r.status == 2, "\(r.stderr)")
    #expect(
      r.stderr.contains("stdout: error: cannot write the report: No space left on device"),
      "\(r.stderr)")
  }
}
