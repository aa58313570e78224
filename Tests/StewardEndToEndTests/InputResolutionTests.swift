import Foundation
import Testing

/// Inputs are resolved by one piece of code for every kind: a dashboard's
/// inputs take globs as an audit's subjects do, and a glob that matches
/// nothing is an input error, not an empty metric.
@Suite struct InputResolutionTests {
  static let dashboard = "Playbooks/value-dashboard.yaml"

  @Test func aDashboardInputTakesAGlob() throws {
    let full = try StewardBinary.run(["run", Self.dashboard, "--no-record", "--format", "json"])
    let globbed = try StewardBinary.run([
      "run", Self.dashboard, "--no-record", "--format", "json", "--input",
      "experiments=Examples/streamrec/experiment-*.csv",
    ])
    #expect(globbed.status == 0, "\(globbed.stderr)")
    let rate = { (json: String) -> String? in
      json.components(separatedBy: "\"id\": \"win_rate\"").dropFirst().first?
        .components(separatedBy: "\"value\":").dropFirst().first?
        .components(separatedBy: ",").first
    }
    #expect(rate(globbed.stdout) != nil)
    #expect(rate(globbed.stdout) == rate(full.stdout))
  }

  @Test func aDashboardGlobThatMatchesNothingIsAnInputError() throws {
    let r = try StewardBinary.run([
      "run", Self.dashboard, "--no-record", "--input", "experiments=Examples/nothing/*.csv",
    ])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "Examples/nothing/*.csv: error: no files of input \"experiments\" match \"Examples/nothing/*.csv\" [D016]"
      ), "\(r.stderr)")
    #expect(r.stdout.isEmpty)
  }
}

extension InputResolutionTests {
  /// Several CSV files read as one input are their rows, in file order.
  @Test func severalCSVFilesAreTheirRows() throws {
    let log = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent(
        "Examples/streamrec/experiment-log.csv"), encoding: .utf8)
    var lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    let header = lines[0]
    let half = 1 + (lines.count - 1) / 2
    let dir = try StewardBinary.scratch([
      "log/a.csv": ([header] + lines[1..<half]).joined(separator: "\n") + "\n",
      "log/b.csv": ([header] + lines[half...]).joined(separator: "\n") + "\n",
    ])
    let split = try StewardBinary.run([
      "run", Self.dashboard, "--no-record", "--format", "json", "--input",
      "experiments=\(dir.path)/log/*.csv",
    ])
    let whole = try StewardBinary.run(["run", Self.dashboard, "--no-record", "--format", "json"])
    #expect(split.status == 0, "\(split.stderr)")
    let metrics = { (json: String) in json.components(separatedBy: "\"metrics\":").last ?? "" }
    #expect(metrics(split.stdout) == metrics(whole.stdout))
  }
}

extension InputResolutionTests {
  /// An input found wrong during the run (an audit's subjects are read then)
  /// leaves no store behind when the run created it (independent review).
  @Test func aWrongInputLeavesNoNewStore() throws {
    let dir = try StewardBinary.scratch([:])
    let store = dir.appendingPathComponent(".steward/history.sqlite").path
    let r = try StewardBinary.run([
      "run", "Playbooks/deployment-gate.yaml", "--store", store, "--input", "models=/nonexistent",
    ])
    #expect(r.status == 2)
    #expect(!FileManager.default.fileExists(atPath: store))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".steward").path))
  }
}
