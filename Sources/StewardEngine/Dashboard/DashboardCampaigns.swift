public import Foundation
import StewardCore

/// A campaign (an audit's `campaigns:`) as the dashboard shows it: subjects
/// passing in each run that measured it, up to the month's end, against its
/// deadline and its target (every subject).
public struct DashboardCampaign: Sendable {
  /// One measurement: the last run of its day.
  public struct Point: Sendable, Equatable {
    public var day: String
    public var run: Int64
    public var passing: Int
    public var subjects: Int
  }

  public var name: String
  /// The audit playbook whose runs measured it.
  public var playbook: String
  public var start: String
  public var deadline: String
  /// Oldest first, from the campaign's start to the month's end.
  public var points: [Point]
  /// The day the dashboard stands on: the reported month's last day.
  public var asOf: String

  public var latest: Point? { points.last }
  /// Every subject passing: the latest run's subject count.
  public var target: Int { latest?.subjects ?? 0 }
  public var passing: Int { latest?.passing ?? 0 }
  public var failing: Int { target - passing }
  /// Whether the deadline has passed on ``asOf``: the campaign's checks gate.
  public var pastDeadline: Bool { asOf > deadline }

  /// `reproducible-seeds (model-card-campaigns)`.
  public var title: String { "\(name) (\(playbook))" }

  /// Its progress and where it stands, for every format.
  public var summary: String {
    "\(passing) of \(target) subjects pass on \(latest?.day ?? asOf); \(state)"
  }

  /// Each point, oldest first: `2026-07-15 1/5, 2026-08-14 3/5`.
  public var burnUp: String {
    points.map { "\($0.day) \($0.passing)/\($0.subjects)" }.joined(separator: ", ")
  }

  /// Where the campaign stands, in a sentence.
  public var state: String {
    if pastDeadline {
      return failing == 0
        ? "deadline \(deadline) passed: it gates, and every subject passes"
        : "deadline \(deadline) passed: it gates, and \(failing) of \(target) subjects fail it"
    }
    let days = DashboardCampaigns.days(from: asOf, to: deadline)
    return
      "\(English.count(days, "day")) to the deadline \(deadline); until then its failures do not fail the gate"
  }
}

/// Finds the campaigns the history measured that are active at a month's
/// end. A campaign is active from its start until
/// ``DashboardCampaigns/closedAfterDays`` days after its deadline: long
/// enough for the month's post after the deadline to show how it ended.
enum DashboardCampaigns {
  static let closedAfterDays = 90

  static func find(in store: any HistoryStore, by month: DashboardMonth) throws
    -> [DashboardCampaign]
  {
    let asOf = month.lastDay
    // Newest first, as the store gives them; only runs by the month's end.
    let runs = try store.runs(playbook: nil, limit: nil).filter {
      $0.kind == "audit" && $0.startedAt < month.end
    }
    var found: [String: DashboardCampaign] = [:]
    var order: [String] = []
    for run in runs {
      guard let id = run.id else { continue }
      for metric in run.metrics {
        guard metric.name.hasPrefix("campaign."), metric.name.hasSuffix(".passing") else {
          continue
        }
        let name = String(metric.name.dropFirst("campaign.".count).dropLast(".passing".count))
        guard let subjects = run.metric(Campaign.metric(name, "subjects")),
          let start = Campaign.day(run.metric(Campaign.metric(name, "start"))),
          let deadline = Campaign.day(run.metric(Campaign.metric(name, "deadline")))
        else { continue }
        let key = "\(run.playbook)\u{1f}\(name)"
        // The newest run's dates stand: a deadline moved is the deadline.
        if found[key] == nil {
          order.append(key)
          found[key] = DashboardCampaign(
            name: name, playbook: run.playbook, start: start, deadline: deadline, points: [],
            asOf: asOf)
        }
        let day = AuditRunner.isoDay(run.startedAt)
        guard let campaign = found[key], day >= campaign.start,
          !campaign.points.contains(where: { $0.day == day })
        else { continue }
        found[key]?.points.append(
          .init(day: day, run: id, passing: Int(metric.value), subjects: Int(subjects)))
      }
    }
    return order.compactMap { found[$0] }.filter { campaign in
      !campaign.points.isEmpty && campaign.start <= asOf
        && days(from: campaign.deadline, to: asOf) <= closedAfterDays
    }.map { campaign in
      var c = campaign
      c.points.reverse()
      return c
    }.sorted { ($0.deadline, $0.playbook, $0.name) < ($1.deadline, $1.playbook, $1.name) }
  }

  /// Whole days from one `YYYY-MM-DD` to another (negative when earlier).
  static func days(from a: String, to b: String) -> Int {
    guard let x = StewardClock.day(a), let y = StewardClock.day(b) else { return 0 }
    return Int((y.timeIntervalSince(x) / 86_400).rounded())
  }
}
