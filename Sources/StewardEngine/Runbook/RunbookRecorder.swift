import Foundation
import StewardCore

/// Records a finished runbook run in the history (`steward history`): one
/// run row, one result per step that ran, and links the timeline to it.
public enum RunbookRecorder {
  @discardableResult
  public static func record(
    _ report: RunbookReport, playbook: RunbookPlaybook, in context: RunContext,
    timelines: (any TimelineStore)?, commitIf commit: () -> Bool = { true }
  ) throws -> Int64? {
    guard let store = context.history else { return nil }
    // Not over: the history gets the run when it ends, after its resume.
    if report.status == "waiting" {
      if let timeline = report.run {
        try timelines?.finish(timeline, status: "waiting", historyRun: nil)
      }
      return nil
    }
    let rows = report.steps.map { s in
      ResultRecord(
        subject: s.id, check: "step", status: s.status.rawValue, severity: "",
        message: s.message)
    }
    let count = { (status: StepResult.Status) in
      Double(report.steps.filter { $0.status == status }.count)
    }
    let run = RunRecord(
      playbook: report.playbook, kind: "runbook", playbookPath: playbook.path,
      playbookHash: try SHA256.hex(ofFile: playbook.path), startedAt: report.startedAt,
      duration: report.duration, stewardVersion: StewardVersion.current,
      exitStatus: Int(report.exitCode), gate: report.status == "ok" ? "passed" : "failed",
      metrics: [
        Metric("steps", Double(report.steps.count)), Metric("ok", count(.ok)),
        Metric("failed", count(.failed)), Metric("skipped", count(.skipped)),
        Metric("escalated", count(.escalated)),
      ], resultCount: rows.count)
    guard let id = try store.record(run, results: rows, commitIf: commit) else { return nil }
    if let timeline = report.run {
      try timelines?.finish(timeline, status: report.status, historyRun: id)
    }
    return id
  }
}
