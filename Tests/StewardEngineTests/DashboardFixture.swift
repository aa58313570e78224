import Foundation
import StewardCore

@testable import StewardEngine

/// A history store holding what the dashboard reads from other playbooks:
/// survey runs at month 0 (May 2025) and month 18 (November 2026) with the
/// story's levels, and a deployment-gate run of the shipped playbook.
enum DashboardFixture {
  static func date(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text + "T12:00:00Z") ?? Date(timeIntervalSince1970: 0)
  }

  static func survey(_ name: String, on day: String, _ rows: [ResultRecord]) -> (
    RunRecord, [ResultRecord]
  ) {
    (
      RunRecord(
        playbook: name, kind: "survey", playbookPath: "\(name).yaml", playbookHash: "",
        startedAt: date(day), duration: 0.1, stewardVersion: "test", exitStatus: 0, gate: "none",
        metrics: [Metric("respondents", 3)]),
      rows
    )
  }

  static func level(_ subject: String, _ level: String) -> ResultRecord {
    ResultRecord(subject: subject, check: "level", status: level, severity: "")
  }

  /// Survey runs as SurveyRecorder writes them.
  static func surveyRuns() -> [(RunRecord, [ResultRecord])] {
    [
      survey(
        "mlops-maturity", on: "2025-05-28",
        [level("all", "1"), level("team=recommendations", "1")]),
      survey(
        "experimentation-maturity", on: "2025-05-28",
        [
          level("all", "crawl"), level("team=recommendations", "walk"), level("team=ads", "crawl"),
          level("team=other", "crawl"),
        ]),
      survey(
        "team-enps", on: "2025-05-28",
        [
          ResultRecord(
            subject: "all", check: "dimension:recommend", status: "scored", severity: "",
            message: "mean 9.333, top-two-box 1.000, answers 3"),
          ResultRecord(
            subject: "all", check: "metric:enps", status: "scored", severity: "",
            message: "100 (3 promoters of 3)"),
        ]),
      survey(
        "mlops-maturity", on: "2026-11-20",
        [
          level("all", "2"), level("team=recommendations", "2"), level("team=ads", "2"),
          level("team=trust and safety", "2"), level("team=ML platform", "2"),
        ]),
      survey(
        "experimentation-maturity", on: "2026-11-20",
        [
          level("all", "run"), level("team=recommendations", "fly"), level("team=ads", "run"),
          level("team=trust and safety", "run"), level("team=ML platform", "run"),
        ]),
      survey(
        "team-enps", on: "2026-11-20",
        [
          ResultRecord(
            subject: "all", check: "dimension:recommend", status: "scored", severity: "",
            message: "mean 8.600, top-two-box 0.786, answers 28"),
          ResultRecord(
            subject: "team=recommendations", check: "dimension:recommend", status: "scored",
            severity: "", message: "mean 8.900, top-two-box 0.900, answers 10"),
          ResultRecord(
            subject: "all", check: "metric:enps", status: "scored", severity: "", message: "43"),
        ]),
    ]
  }

  static func store(withGate: Bool = true) throws -> InMemoryHistoryStore {
    let store = InMemoryHistoryStore()
    for (run, rows) in surveyRuns() { try store.record(run, results: rows) }
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
