public import Foundation
import StewardCore

/// What a survey run is compared with: the previous run of the same
/// playbook, as the history store keeps it (its named metrics and level
/// rows), or a report in memory. Only reported groups are in it, so a trend
/// can never show a group that the anonymity rule hid.
public struct SurveyBaseline: Sendable {
  public struct Group: Sendable {
    public var respondents: Int?
    public var dimensionMeans: [String: Double] = [:]
    public var dimensionTopTwoBox: [String: Double] = [:]
    /// The level id reached; nil below the first level or without levels.
    public var level: String?
    /// question id → green, yellow, red.
    public var lights: [String: [Int]] = [:]
    public var enps: [String: Double] = [:]
  }

  public var run: Int64?
  public var startedAt: Date?
  /// The period the run recorded (``SurveyPeriod``), when it did.
  public var period: String? = nil
  /// Empty when the run recorded none (a store written before rubric hashes).
  public var rubricHash: String
  /// By subject: `all`, or `COLUMN=NAME` (the history's naming).
  public var groups: [String: Group]

  public init(run: Int64?, startedAt: Date?, rubricHash: String, groups: [String: Group]) {
    self.run = run
    self.startedAt = startedAt
    self.rubricHash = rubricHash
    self.groups = groups
  }

  /// The baseline of a report scored in memory.
  public init(report: SurveyReport) {
    var groups: [String: Group] = [:]
    func add(_ subject: String, _ score: SurveyGroupScore) {
      var g = Group(respondents: score.respondents)
      for d in score.dimensions {
        if let m = d.mean { g.dimensionMeans[d.id] = m }
        if let t = d.topTwoBox { g.dimensionTopTwoBox[d.id] = t }
      }
      g.level = score.level?.level
      for q in score.questions {
        if let l = q.lights { g.lights[q.id] = [l.green, l.yellow, l.red] }
        if let e = q.enps { g.enps[q.id] = e }
      }
      groups[subject] = g
    }
    if let overall = report.overall { add(SurveyMetrics.allSubject, overall) }
    for grouping in report.groupings {
      for group in grouping.groups {
        add(SurveyMetrics.subject(grouping.column, group.name), group)
      }
    }
    self.init(run: nil, startedAt: nil, rubricHash: report.rubricHash, groups: groups)
  }

  /// The most recent recorded run of `playbook` that reported (a survey
  /// that reached its quorum, exit 0), or nil when there is none. A run below
  /// the quorum reported nothing to compare with, so it is passed over.
  public static func latest(playbook: String, in store: any HistoryStore) throws -> SurveyBaseline?
  {
    let recent = try store.runs(playbook: playbook, limit: 50)
    guard let run = recent.first(where: { $0.kind == "survey" && $0.exitStatus == 0 }) else {
      return nil
    }
    return try load(run, from: store)
  }

  /// The recorded run of `playbook` of the latest period before `period`
  /// that reported, or nil. Runs that recorded no period are passed over:
  /// which wave they were is not known.
  public static func previous(
    playbook: String, before period: String, in store: any HistoryStore
  ) throws -> SurveyBaseline? {
    var best: (period: String, run: RunRecord)?
    for run in try periods(playbook: playbook, in: store)
    where run.period < period && run.run.exitStatus == 0 {
      if best == nil || run.period > best!.period { best = run }
    }
    guard let best else { return nil }
    var baseline = try load(best.run, from: store)
    baseline?.period = best.period
    return baseline
  }

  /// Every recorded survey run of `playbook` with the period it recorded.
  public static func periods(playbook: String, in store: any HistoryStore) throws
    -> [(period: String, run: RunRecord)]
  {
    try store.runs(playbook: playbook, limit: nil).filter { $0.kind == "survey" }.compactMap {
      run in
      guard let id = run.id,
        let row = try store.results(ofRun: id).first(where: {
          $0.subject == "survey" && $0.check == SurveyMetrics.periodCheck
        })
      else { return nil }
      return (row.message, run)
    }
  }

  static func load(_ run: RunRecord, from store: any HistoryStore) throws -> SurveyBaseline? {
    guard let id = run.id else { return nil }
    let rows = try store.results(ofRun: id)
    var groups: [String: Group] = [:]
    var rubric = ""
    for row in rows {
      if row.check == SurveyMetrics.rubricCheck {
        rubric = row.message
      } else if row.check == "level" {
        groups[row.subject, default: Group()].level =
          [SurveyMetrics.belowFirstLevel, SurveyMetrics.unknownLevel].contains(row.status)
          ? nil : row.status
      }
    }
    for metric in run.metrics {
      guard let parsed = SurveyMetrics.parse(metric.name) else { continue }
      var g = groups[parsed.subject, default: Group()]
      switch parsed.path {
      case ["respondents"]: g.respondents = Int(metric.value)
      case let p where p.count == 3 && p[0] == "dimension" && p[2] == "mean":
        g.dimensionMeans[p[1]] = metric.value
      case let p where p.count == 3 && p[0] == "dimension" && p[2] == "top_two_box":
        g.dimensionTopTwoBox[p[1]] = metric.value
      case let p where p.count == 3 && p[0] == "question" && p[2] == "enps":
        g.enps[p[1]] = metric.value
      case let p where p.count == 3 && p[0] == "question":
        if let i = SurveyQuestion.lights.firstIndex(of: p[2]) {
          var counts = g.lights[p[1]] ?? [0, 0, 0]
          counts[i] = Int(metric.value)
          g.lights[p[1]] = counts
        }
      default: break
      }
      groups[parsed.subject] = g
    }
    // A group appears in the baseline only if the run reported it, which its
    // respondents metric says; level rows alone (older runs) also count.
    return SurveyBaseline(run: id, startedAt: run.startedAt, rubricHash: rubric, groups: groups)
  }
}

/// The names under which a survey run's figures are recorded in the history
/// (docs/history.md, "Survey metrics"): `SUBJECT/…` with SUBJECT `all` or
/// `COLUMN=GROUP`.
public enum SurveyMetrics {
  public static let allSubject = "all"
  public static let rubricCheck = "rubric"
  /// The result row (subject `survey`) holding the run's period.
  public static let periodCheck = "period"
  public static let belowFirstLevel = "below first level"
  /// The level row's status when the level could not be decided.
  public static let unknownLevel = "unknown"

  public static func subject(_ column: String, _ group: String) -> String { "\(column)=\(group)" }

  /// Splits `SUBJECT/…` into the subject and the rest, reading from the end
  /// (the tail has a fixed shape; a group name may itself hold "/").
  static func parse(_ name: String) -> (subject: String, path: [String])? {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let tail: Int
    if let last = parts.last,
      ["respondents", "response_rate", "level", "level_score"].contains(last)
    {
      tail = 1
    } else if parts.count >= 4, ["dimension", "question"].contains(parts[parts.count - 3]) {
      tail = 3
    } else {
      return nil
    }
    guard parts.count > tail else { return nil }
    let subject = parts[..<(parts.count - tail)].joined(separator: "/")
    guard subject == allSubject || subject.contains("=") else { return nil }
    return (subject, Array(parts[(parts.count - tail)...]))
  }
}
