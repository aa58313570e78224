import Foundation
import StewardCore

@testable import StewardEngine

/// A history store holding what the dashboard reads from other playbooks:
/// the shipped survey playbooks run on the month 0 (May 2025) and month 18
/// (November 2026) responses, and a deployment-gate run of the shipped playbook.
enum DashboardFixture {
  static func date(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text + "T12:00:00Z") ?? Date(timeIntervalSince1970: 0)
  }

  /// A level row as SurveyRecorder writes it, for tests of how the
  /// dashboard reads a run's rows (the story's figures come from real runs).
  static func level(_ subject: String, _ level: String) -> ResultRecord {
    ResultRecord(subject: subject, check: "level", status: level, severity: "")
  }

  /// The story's survey waves, each run as `steward run` runs it: the
  /// shipped playbook on its month's responses, recorded by SurveyRecorder
  /// into a store of its own. Nothing is typed in: the figures are the ones
  /// the shipped data gives.
  /// Team eNPS at month 0 had 3 respondents, under its threshold of 5: the
  /// run reports nothing and exits 1, as `steward run` does.
  static let waves: [(playbook: String, month: String, exit: Int32)] = [
    ("mlops-maturity", "00", 0), ("experimentation-maturity", "00", 0), ("team-enps", "00", 1),
    ("mlops-maturity", "18", 0), ("experimentation-maturity", "18", 0), ("team-enps", "18", 0),
  ]

  struct WaveDidNotEndAsExpected: Error { var wave: String }

  static func store(withGate: Bool = true) throws -> any HistoryStore {
    let folder = try Scratch([:])
    let path = folder.path("h.sqlite")
    for wave in waves {
      var options = RunOptions(
        playbook: Scratch.packageRoot.appendingPathComponent("Playbooks/\(wave.playbook).yaml").path
      )
      options.inputs = [
        "responses="
          + Scratch.packageRoot.appendingPathComponent(
            "Examples/streamrec/surveys/\(wave.playbook)-month-\(wave.month).csv"
          ).path
      ]
      options.store = path
      options.output = folder.path("\(wave.playbook)-\(wave.month).txt")
      let outcome = try RunPipeline.run(options)
      guard outcome.exitStatus == wave.exit else {
        throw WaveDidNotEndAsExpected(wave: "\(wave.playbook) month \(wave.month)")
      }
    }
    let store = try HistoryStores.open(path, createFolder: false)
    if withGate {
      let path = Scratch.packageRoot.appendingPathComponent("Playbooks/deployment-gate.yaml").path
      let header = try PlaybookLoader.load(path: path)
      var runner = AuditRunner(playbook: try AuditPlaybook.load(header: header, path: path))
      runner.today = "2026-11-23"
      let report = try runner.run()
      var run = try AuditRecorder.run(report)
      run.startedAt = date("2026-11-23")
      try store.record(run, results: AuditRecorder.results(report))
    }
    return store
  }

  static func shipped() throws -> DashboardPlaybook {
    let path = Scratch.packageRoot.appendingPathComponent("Playbooks/value-dashboard.yaml").path
    return try DashboardPlaybook.load(header: try PlaybookLoader.load(path: path), path: path)
  }
}
