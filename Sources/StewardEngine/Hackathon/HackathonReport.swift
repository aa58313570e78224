public import StewardCore

/// What a hackathon run found: cross-team projects, participation by team,
/// the ranking, the funnel (this hackathon and every one in the history) and
/// the follow-up of backlog items.
public struct HackathonReport: Sendable {
  public struct ProjectRow: Sendable, Equatable {
    public var id: String
    public var title: String
    public var members: [String]
    /// The members' teams, in the roster's team order.
    public var teams: [String]
    public var status: HackathonProject.Status
    public var ticket: String?
    public var link: String?
    /// Members from two teams or more.
    public var crossTeam: Bool { teams.count >= 2 }
    /// Members from the hub and from at least one spoke.
    public var hubAndSpoke: Bool
  }

  public struct TeamParticipation: Sendable, Equatable {
    public var team: String
    /// People of the team in at least one project.
    public var participants: Int
    /// People of the team in the org on the event's first day.
    public var headcount: Int
    public var rate: Double? { headcount > 0 ? Double(participants) / Double(headcount) : nil }
  }

  /// Projects at each stage, counting every stage a project passed.
  public struct Funnel: Sendable, Equatable {
    public var submitted = 0
    public var demoed = 0
    public var backlog = 0
    public var shipped = 0
    public var dropped = 0
    public var crossTeam = 0

    public init() {}

    public init(_ projects: [(HackathonProject.Status, Bool)]) {
      for (status, cross) in projects {
        submitted += 1
        if status.stage >= 1 { demoed += 1 }
        if status.stage >= 2 { backlog += 1 }
        if status.stage >= 3 { shipped += 1 }
        if status == .dropped { dropped += 1 }
        if cross { crossTeam += 1 }
      }
    }
  }

  public struct EventFunnel: Sendable, Equatable {
    public var event: String
    public var title: String
    public var funnel: Funnel
  }

  public struct FollowUp: Sendable, Equatable {
    public enum State: String, Sendable {
      case shipped, waiting, stalled
    }
    public var project: String
    public var title: String
    public var ticket: String?
    public var state: State
    /// Days from entering the backlog to shipping (shipped) or to the
    /// follow-up date (waiting, stalled).
    public var days: Int?
  }

  public var playbook: String
  public var title: String
  public var event: HackathonPlaybook.Event
  public var asOf: LocalDate
  public var stallAfterDays: Int
  public var projects: [ProjectRow]
  public var participation: [TeamParticipation]
  public var participants: Int
  public var criteria: [HackathonJudging.Criterion]
  public var judges: [String]
  public var ranking: [HackathonJudging.Ranked]
  public var funnel: Funnel
  /// Every hackathon in the history (the latest run of each event), oldest
  /// first, this one included.
  public var history: [EventFunnel]
  public var followUp: [FollowUp]
  public var warnings: [Diagnostic]

  public func project(_ id: String) -> ProjectRow? { projects.first { $0.id == id } }

  /// Scores `playbook`; `earlier` are the funnels of hackathons already in
  /// the history (``HackathonRecorder/history(in:)``).
  public static func build(_ playbook: HackathonPlaybook, earlier: [EventFunnel] = [])
    -> HackathonReport
  {
    let roster = playbook.roster
    let teamOrder = roster.teams
    var rows: [ProjectRow] = []
    var warnings = playbook.warnings
    for p in playbook.projects {
      var teams: [String] = []
      for m in p.members {
        if let team = roster.person(m)?.team, !teams.contains(team) { teams.append(team) }
      }
      teams.sort { (teamOrder.firstIndex(of: $0) ?? 0) < (teamOrder.firstIndex(of: $1) ?? 0) }
      let hubAndSpoke =
        roster.hub.map { hub in teams.contains(hub) && teams.contains { $0 != hub } } ?? false
      rows.append(
        ProjectRow(
          id: p.id, title: p.title, members: p.members, teams: teams, status: p.status,
          ticket: p.ticket, link: p.link, hubAndSpoke: hubAndSpoke))
      if p.status.stage >= 2, p.ticket == nil {
        warnings.append(
          Diagnostic(
            .warning, at: p.mark, code: "H030",
            "project \(p.id) is in the backlog without a ticket; follow-up cannot track it"))
      }
    }

    let day = playbook.event.start ?? playbook.asOf
    var participants: Set<String> = []
    for p in playbook.projects { participants.formUnion(p.members) }
    let participation = teamOrder.map { team in
      TeamParticipation(
        team: team,
        participants: participants.filter { roster.person($0)?.team == team }.count,
        headcount: roster.active(on: day).filter { $0.team == team }.count)
    }.filter { $0.headcount > 0 || $0.participants > 0 }

    let ranking = HackathonJudging.rank(
      playbook.scores, criteria: playbook.criteria, order: playbook.projects.map(\.id))
    var judges: [String] = []
    for s in playbook.scores where !judges.contains(s.judge) { judges.append(s.judge) }

    let funnel = Funnel(rows.map { ($0.status, $0.crossTeam) })
    var history = earlier.filter { $0.event != playbook.event.id }
    history.append(
      EventFunnel(event: playbook.event.id, title: playbook.event.title, funnel: funnel))

    var followUp: [FollowUp] = []
    for p in playbook.projects where p.status.stage >= 2 {
      let state: FollowUp.State
      var days: Int?
      if p.status == .shipped {
        state = .shipped
        if let b = p.backlogDate, let s = p.shippedDate { days = s.dayNumber - b.dayNumber }
      } else {
        days = p.backlogDate.map { playbook.asOf.dayNumber - $0.dayNumber }
        state = (days ?? 0) > playbook.stallAfterDays ? .stalled : .waiting
      }
      followUp.append(
        FollowUp(project: p.id, title: p.title, ticket: p.ticket, state: state, days: days))
    }

    return HackathonReport(
      playbook: playbook.header.name, title: playbook.header.title ?? playbook.header.name,
      event: playbook.event, asOf: playbook.asOf, stallAfterDays: playbook.stallAfterDays,
      projects: rows, participation: participation, participants: participants.count,
      criteria: playbook.criteria, judges: judges, ranking: ranking, funnel: funnel,
      history: history, followUp: followUp, warnings: warnings)
  }
}
