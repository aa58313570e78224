public import Foundation
import StewardCore

/// Turns a scored survey into history rows.
///
/// Only what the report shows is stored: the groups that met the anonymity
/// threshold (small groups are already folded into "other" or suppressed),
/// their scores and levels. Free text and respondent metadata are never
/// stored, so the history cannot reveal what the report hides.
///
/// Named metrics (docs/history.md, "Survey metrics"), so that
/// `steward history --metric` and the dashboard can trend any figure:
///
/// ```text
/// respondents  dropped  groups  suppressed           the run
/// min_group_size                                      its anonymity threshold
/// SUBJECT/respondents                                 SUBJECT: all, or COLUMN=GROUP
/// SUBJECT/dimension/ID/mean                           weighted mean of its scale questions
/// SUBJECT/dimension/ID/top_two_box                    0–1
/// SUBJECT/level                                       the level's number (see levelNumber)
/// SUBJECT/level_score                                 weighted or Lua score
/// SUBJECT/question/ID/enps                            −100…100
/// SUBJECT/question/ID/agree                           share agreeing, 0–1
/// SUBJECT/question/ID/recommend                       0–10: share answering 7–10
/// SUBJECT/question/ID/green|yellow|red|light_score    traffic-light cards
/// ```
public enum SurveyRecorder {
  @discardableResult
  public static func record(
    _ report: SurveyReport, playbook: SurveyPlaybook, startedAt: Date, duration: TimeInterval,
    replacing: [Int64] = [], in context: RunContext, commitIf commit: () -> Bool = { true }
  ) throws -> Int64? {
    guard let store = context.history else { return nil }
    let rows = results(report)
    var run = RunRecord(
      playbook: report.playbook, kind: "survey", playbookPath: playbook.path,
      playbookHash: try SHA256.hex(ofFile: playbook.path), startedAt: startedAt,
      duration: duration, stewardVersion: StewardVersion.current,
      exitStatus: report.overall == nil ? 1 : 0, gate: report.overall == nil ? "failed" : "none",
      inputs: [
        InputHash(
          path: playbook.responsesPath, sha256: try SHA256.hex(ofFile: playbook.responsesPath))
      ],
      metrics: metrics(report, levels: playbook.levels.map(\.id)),
      resultCount: rows.count)
    run.replacing = replacing
    return try store.record(run, results: rows, commitIf: commit)
  }

  /// The run's summary and every reported group's figures, in report order.
  public static func metrics(_ report: SurveyReport, levels: [String]) -> [Metric] {
    let suppressed = report.groupings.reduce(0) { $0 + $1.suppressed }
    let reported = report.groupings.reduce(0) { $0 + $1.groups.count }
    var metrics = [
      Metric("respondents", Double(report.respondents)),
      Metric("dropped", Double(report.dropped)),
      Metric("groups", Double(reported)),
      Metric("suppressed", Double(suppressed)),
      // So that a reader of the history (the dashboard) can say why a wave
      // below it reported nothing: "3 answers; fewer than 5".
      Metric("min_group_size", Double(report.minGroupSize)),
    ]
    func add(_ subject: String, _ group: SurveyGroupScore) {
      metrics.append(Metric("\(subject)/respondents", Double(group.respondents)))
      if let rate = group.responseRate {
        metrics.append(Metric("\(subject)/response_rate", rate))
      }
      for d in group.dimensions {
        if let m = d.mean { metrics.append(Metric("\(subject)/dimension/\(d.id)/mean", m)) }
        if let t = d.topTwoBox {
          metrics.append(Metric("\(subject)/dimension/\(d.id)/top_two_box", t))
        }
      }
      if let level = group.level {
        if let id = level.level, let n = levelNumber(id, levels: levels) {
          metrics.append(Metric("\(subject)/level", n))
        }
        if let score = level.score { metrics.append(Metric("\(subject)/level_score", score)) }
      }
      for q in group.questions {
        let base = "\(subject)/question/\(q.id)"
        if let e = q.enps { metrics.append(Metric("\(base)/enps", e)) }
        if let a = q.agree { metrics.append(Metric("\(base)/agree", a)) }
        if let r = q.recommend { metrics.append(Metric("\(base)/recommend", r)) }
        if let l = q.lights {
          metrics += [
            Metric("\(base)/green", Double(l.green)), Metric("\(base)/yellow", Double(l.yellow)),
            Metric("\(base)/red", Double(l.red)),
          ]
          if let score = l.score { metrics.append(Metric("\(base)/light_score", score)) }
        }
      }
    }
    if let overall = report.overall { add(SurveyMetrics.allSubject, overall) }
    for grouping in report.groupings {
      for group in grouping.groups {
        add(SurveyMetrics.subject(grouping.column, group.name), group)
      }
    }
    return metrics
  }

  /// A level as a number a chart can draw: the id itself when every level
  /// id of the playbook is an integer (Microsoft's 0–4), else its position
  /// counting from 1 (crawl 1, walk 2, run 3, fly 4). Nil for a level the
  /// playbook does not declare (a Lua scorer's own).
  public static func levelNumber(_ id: String, levels: [String]) -> Double? {
    if !levels.isEmpty, levels.allSatisfy({ Int($0) != nil }) { return Int(id).map(Double.init) }
    return levels.firstIndex(of: id).map { Double($0 + 1) }
  }

  /// The rubric row, then per reported group one row per dimension (its
  /// mean) and one for its level.
  public static func results(_ report: SurveyReport) -> [ResultRecord] {
    var rows: [ResultRecord] = [
      ResultRecord(
        subject: "survey", check: SurveyMetrics.rubricCheck, status: "recorded", severity: "",
        message: report.rubricHash)
    ]
    if let period = report.period {
      rows.append(
        ResultRecord(
          subject: "survey", check: SurveyMetrics.periodCheck, status: "recorded", severity: "",
          message: period))
    }
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
            subject: subject, check: "level",
            status: level.unknown != nil
              ? SurveyMetrics.unknownLevel : level.level ?? SurveyMetrics.belowFirstLevel,
            severity: "",
            message: level.unknown
              ?? (level.missing.isEmpty
                ? ""
                : "missing for \(level.next ?? "next"): \(level.missing.joined(separator: "; "))")
          ))
      }
    }
    if let overall = report.overall { add(SurveyMetrics.allSubject, overall) }
    for grouping in report.groupings {
      for group in grouping.groups {
        add(SurveyMetrics.subject(grouping.column, group.name), group)
      }
    }
    return rows
  }
}
