public import Foundation
import StewardCore

/// Turns a scored survey into history rows.
///
/// Only what the report shows is stored: the groups that met the anonymity
/// threshold (small groups are already folded into "other" or suppressed),
/// their dimension scores and levels. Free text and respondent metadata are
/// never stored, so the history cannot reveal what the report hides.
public enum SurveyRecorder {
  @discardableResult
  public static func record(
    _ report: SurveyReport, playbook: SurveyPlaybook, startedAt: Date, duration: TimeInterval,
    in context: RunContext
  ) throws -> Int64? {
    guard let store = context.history else { return nil }
    let rows = results(report)
    let suppressed = report.groupings.reduce(0) { $0 + $1.suppressed }
    let reported = report.groupings.reduce(0) { $0 + $1.groups.count }
    let run = RunRecord(
      playbook: report.playbook, kind: "survey", playbookPath: playbook.path,
      playbookHash: try SHA256.hex(ofFile: playbook.path), startedAt: startedAt,
      duration: duration, stewardVersion: StewardVersion.current,
      exitStatus: report.overall == nil ? 1 : 0, gate: report.overall == nil ? "failed" : "none",
      inputs: [
        InputHash(
          path: playbook.responsesPath, sha256: try SHA256.hex(ofFile: playbook.responsesPath))
      ],
      metrics: [
        Metric("respondents", Double(report.respondents)),
        Metric("dropped", Double(report.dropped)),
        Metric("groups", Double(reported)),
        Metric("suppressed", Double(suppressed)),
      ],
      resultCount: rows.count)
    return try store.record(run, results: rows)
  }

  /// One row per reported group and dimension (its mean), and one per level.
  public static func results(_ report: SurveyReport) -> [ResultRecord] {
    var rows: [ResultRecord] = []
    func add(_ subject: String, _ group: SurveyGroupScore) {
      for d in group.dimensions {
        let mean = d.mean.map { String(format: "%.3f", $0) } ?? "n/a"
        let top = d.topTwoBox.map { String(format: "%.3f", $0) } ?? "n/a"
        rows.append(
          ResultRecord(
            subject: subject, check: "dimension:\(d.id)", status: "scored", severity: "",
            message: "mean \(mean), top-two-box \(top), answers \(d.answers)"))
      }
      if let level = group.level {
        rows.append(
          ResultRecord(
            subject: subject, check: "level", status: level.level ?? "below first level",
            severity: "",
            message: level.missing.isEmpty
              ? "" : "missing for \(level.next ?? "next"): \(level.missing.joined(separator: "; "))"
          ))
      }
    }
    if let overall = report.overall { add("all", overall) }
    for grouping in report.groupings {
      for group in grouping.groups { add("\(grouping.column)=\(group.name)", group) }
    }
    return rows
  }
}
