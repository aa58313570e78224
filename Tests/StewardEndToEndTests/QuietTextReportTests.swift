import Foundation
import Testing

/// The text report over a large inventory: a subject that passed takes one
/// line, and `--quiet` shows only what needs a look.
@Suite struct QuietTextReportTests {
  static let gate = "Playbooks/deployment-gate.yaml"

  @Test func aSubjectThatPassedTakesOneLine() throws {
    let r = try StewardBinary.run([
      "run", Self.gate, "--no-record", "--input", "models=Examples/streamrec/models-remediated",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n")
    #expect(
      lines.contains {
        $0
          == "ad-targeting  Examples/streamrec/models-remediated/ad-targeting.yaml  passed all 14 checks"
      }, "\(r.stdout)")
    #expect(!lines.contains { $0.hasPrefix("  pass ") })
  }

  @Test func quietListsOnlyWhatNeedsALook() throws {
    let full = try StewardBinary.run(["run", Self.gate, "--no-record"])
    let quiet = try StewardBinary.run(["run", Self.gate, "--no-record", "--quiet"])
    #expect(quiet.status == full.status)
    let statuses = { (text: String) in
      text.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
        .map { $0.split(separator: " ").first.map(String.init) ?? "" }
    }
    #expect(Set(statuses(quiet.stdout)).isSubset(of: ["FAIL", "ERROR", "waived"]))
    // Every failure of the full report is in the quiet one, with its location.
    let failures = full.stdout.split(separator: "\n").filter {
      $0.hasPrefix("  FAIL") || $0.hasPrefix("  ERROR") || $0.hasPrefix("           at ")
    }
    for line in failures { #expect(quiet.stdout.contains(line), "\(line)") }
    // The summary and the gate are the same.
    #expect(
      full.stdout.split(separator: "\n").suffix(3) == quiet.stdout.split(separator: "\n").suffix(3))
    #expect(quiet.stdout.split(separator: "\n").count < full.stdout.split(separator: "\n").count)
  }
}
