import Foundation
import StewardCore

/// Stores a dashboard run in the history: the period as the run metric
/// `period` (`202611` for 2026-11), each metric's value under its id, and a
/// result row per metric. `period: {compare: previous}` reads these back.
public enum DashboardRecorder {
  @discardableResult
  public static func record(
    _ report: DashboardReport, in context: RunContext, commitIf commit: () -> Bool = { true }
  ) throws -> Int64? {
    guard let store = context.history else { return nil }
    return try store.record(try run(report), results: results(report), commitIf: commit)
  }

  public static func run(_ report: DashboardReport) throws -> RunRecord {
    var metrics = [Metric("period", Double(report.period.year * 100 + report.period.month))]
    for m in report.metrics {
      if let v = m.current.value { metrics.append(Metric(m.id, v)) }
    }
    return RunRecord(
      playbook: report.playbook, kind: "dashboard", playbookPath: report.playbookPath,
      playbookHash: try SHA256.hex(ofFile: report.playbookPath), startedAt: report.startedAt,
      duration: report.duration, stewardVersion: StewardVersion.current, exitStatus: 0,
      gate: "none",
      inputs: try report.inputFiles.map { InputHash(path: $0, sha256: try SHA256.hex(ofFile: $0)) },
      metrics: metrics)
  }

  public static func results(_ report: DashboardReport) -> [ResultRecord] {
    report.metrics.map { m in
      let status =
        m.current.value == nil ? "missing" : (m.current.warnings.isEmpty ? "ok" : "warning")
      let text =
        m.current.value == nil
        ? (m.current.missing ?? "")
        : DashboardFormatter.format(m.current.value, m.format)
          + (m.current.detail.isEmpty ? "" : " — \(m.current.detail)")
      return ResultRecord(
        subject: "period=\(report.period)", check: "metric:\(m.id)", status: status, severity: "",
        message: text)
    }
  }

  /// The period a recorded dashboard run reported on.
  public static func period(of run: RunRecord) -> DashboardMonth? {
    guard let p = run.metric("period"), p >= 100 else { return nil }
    let n = Int(p)
    let month = n % 100
    guard (1...12).contains(month) else { return nil }
    return DashboardMonth(year: n / 100, month: month)
  }
}
