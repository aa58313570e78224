public import Foundation
import StewardCore

/// Turns a hackathon report into history rows, and reads the funnels of
/// every hackathon back for the across-hackathons view.
///
/// A run is one row with the funnel as metrics (`submitted`, `demoed`,
/// `backlog`, `shipped`, `dropped`, `cross_team`, `participants`); its
/// results are one `event` row (the event id, so runs of the same hackathon
/// can be told apart from the next quarter's) and one `project` row per
/// project with its status and rank.
public enum HackathonRecorder {
  @discardableResult
  public static func record(
    _ report: HackathonReport, playbook: HackathonPlaybook, startedAt: Date,
    duration: TimeInterval, in context: RunContext, commitIf commit: () -> Bool = { true }
  ) throws -> Int64? {
    guard let store = context.history else { return nil }
    let rows = results(report)
    let f = report.funnel
    let run = RunRecord(
      playbook: report.playbook, kind: "hackathon", playbookPath: playbook.path,
      playbookHash: try SHA256.hex(ofFile: playbook.path), startedAt: startedAt,
      duration: duration, stewardVersion: StewardVersion.current, exitStatus: 0, gate: "none",
      inputs: try playbook.inputFiles.sorted().map {
        InputHash(path: $0, sha256: try SHA256.hex(ofFile: $0))
      },
      metrics: [
        Metric("submitted", Double(f.submitted)), Metric("demoed", Double(f.demoed)),
        Metric("backlog", Double(f.backlog)), Metric("shipped", Double(f.shipped)),
        Metric("dropped", Double(f.dropped)), Metric("cross_team", Double(f.crossTeam)),
        Metric("participants", Double(report.participants)),
      ],
      resultCount: rows.count)
    return try store.record(run, results: rows, commitIf: commit)
  }

  public static func results(_ report: HackathonReport) -> [ResultRecord] {
    var rows = [
      ResultRecord(
        subject: "hackathon", check: "event", status: report.event.id, severity: "",
        message: report.event.title)
    ]
    for p in report.projects {
      let rank = report.ranking.first { $0.project == p.id }
      var message = "teams: \(p.teams.joined(separator: ", "))"
      if let rank { message += "; rank \(rank.rank), score \(String(format: "%.3f", rank.score))" }
      if let t = p.ticket { message += "; ticket \(t)" }
      rows.append(
        ResultRecord(
          subject: p.id, check: "project", status: p.status.rawValue,
          severity: p.crossTeam ? "cross-team" : "single-team", message: message))
    }
    return rows
  }

  /// The funnel of every hackathon recorded in `store`, oldest first; when
  /// an event was run more than once, its latest run counts.
  public static func history(in store: any HistoryStore) throws -> [HackathonReport.EventFunnel] {
    var seen: Set<String> = []
    var found: [HackathonReport.EventFunnel] = []
    for run in try store.runs(playbook: nil, limit: nil) where run.kind == "hackathon" {
      guard let id = run.id,
        let event = try store.results(ofRun: id).first(where: { $0.check == "event" }),
        !seen.contains(event.status)
      else { continue }
      seen.insert(event.status)
      var f = HackathonReport.Funnel()
      f.submitted = Int(run.metric("submitted") ?? 0)
      f.demoed = Int(run.metric("demoed") ?? 0)
      f.backlog = Int(run.metric("backlog") ?? 0)
      f.shipped = Int(run.metric("shipped") ?? 0)
      f.dropped = Int(run.metric("dropped") ?? 0)
      f.crossTeam = Int(run.metric("cross_team") ?? 0)
      found.append(.init(event: event.status, title: event.message, funnel: f))
    }
    return found.reversed()
  }
}
