import StewardCore

/// Participation from the attendance file, by person and by team, and who is
/// drifting away: people who attended none of the last N sessions they
/// could have come to.
///
/// A session is a ritual on a date with at least one row in the file. A
/// person counts for the sessions between the day they joined and the day
/// they left (the roster's start and end); someone with fewer than N such
/// sessions is too new to call isolated.
public struct RitualAttendanceAnalysis: Sendable, Equatable {
  public struct Session: Sendable, Equatable, Hashable {
    public var date: LocalDate
    public var ritual: String
  }

  public struct PersonRow: Sendable, Equatable {
    public var id: String
    public var name: String
    public var team: String
    public var attended: Int
    public var eligible: Int
    public var rate: Double? { eligible > 0 ? Double(attended) / Double(eligible) : nil }
    /// Sessions attended among the window before the last one, and among the last.
    public var previousWindow: (attended: Int, of: Int)
    public var lastWindow: (attended: Int, of: Int)
    /// The last session they attended.
    public var lastSeen: LocalDate?

    public static func == (a: PersonRow, b: PersonRow) -> Bool {
      a.id == b.id && a.attended == b.attended && a.eligible == b.eligible
        && a.previousWindow == b.previousWindow && a.lastWindow == b.lastWindow
        && a.lastSeen == b.lastSeen
    }

    /// Attended none of the last window (and the window is full).
    public func isolated(window: Int) -> Bool {
      lastWindow.of >= window && lastWindow.attended == 0
    }
  }

  public struct TeamRow: Sendable, Equatable {
    public var team: String
    public var people: Int
    public var attended: Int
    public var eligible: Int
    public var rate: Double? { eligible > 0 ? Double(attended) / Double(eligible) : nil }
  }

  /// The share of people in the org who came to at least one session, per month.
  public struct MonthRow: Sendable, Equatable {
    public var month: String
    public var sessions: Int
    public var active: Int
    public var came: Int
    public var meanAttendance: Double
  }

  public var window: Int
  public var sessions: [Session]
  public var people: [PersonRow]
  public var teams: [TeamRow]
  public var months: [MonthRow]

  /// People at risk, longest absent first.
  public var isolated: [PersonRow] {
    people.filter { $0.isolated(window: window) }.sorted {
      ($0.lastSeen?.dayNumber ?? Int.min, $0.id) < ($1.lastSeen?.dayNumber ?? Int.min, $1.id)
    }
  }

  public static func analyse(
    _ rows: [RitualAttendance], roster: OrgRoster, window: Int
  ) -> RitualAttendanceAnalysis {
    var sessionSet: Set<Session> = []
    var attendees: [Session: Set<String>] = [:]
    for r in rows {
      let s = Session(date: r.date, ritual: r.ritual)
      sessionSet.insert(s)
      attendees[s, default: []].insert(r.person)
    }
    let sessions = sessionSet.sorted { ($0.date, $0.ritual) < ($1.date, $1.ritual) }
    guard let lastDay = sessions.last?.date else {
      return RitualAttendanceAnalysis(
        window: window, sessions: [], people: [], teams: [], months: [])
    }
    var people: [PersonRow] = []
    for p in roster.people where p.isActive(on: lastDay) {
      let eligible = sessions.filter { p.isActive(on: $0.date) }
      let came = eligible.filter { attendees[$0]?.contains(p.id) ?? false }
      let lastN = eligible.suffix(window)
      let previousN = eligible.dropLast(window).suffix(window)
      func count(_ s: ArraySlice<Session>) -> Int {
        s.filter { attendees[$0]?.contains(p.id) ?? false }.count
      }
      people.append(
        PersonRow(
          id: p.id, name: p.name, team: p.team, attended: came.count, eligible: eligible.count,
          previousWindow: (count(previousN), previousN.count),
          lastWindow: (count(lastN), lastN.count), lastSeen: came.last?.date))
    }
    let teams = roster.teams.compactMap { team -> TeamRow? in
      let members = people.filter { $0.team == team }
      guard !members.isEmpty else { return nil }
      return TeamRow(
        team: team, people: members.count, attended: members.reduce(0) { $0 + $1.attended },
        eligible: members.reduce(0) { $0 + $1.eligible })
    }
    var months: [MonthRow] = []
    var byMonth: [String: [Session]] = [:]
    var monthOrder: [String] = []
    for s in sessions {
      let key = String(s.date.description.prefix(7))
      if byMonth[key] == nil { monthOrder.append(key) }
      byMonth[key, default: []].append(s)
    }
    for key in monthOrder {
      let ss = byMonth[key] ?? []
      guard let end = ss.last?.date else { continue }
      let active = roster.people.filter { $0.isActive(on: end) }
      var came: Set<String> = []
      var total = 0
      for s in ss {
        let here = attendees[s] ?? []
        came.formUnion(here)
        total += here.count
      }
      months.append(
        MonthRow(
          month: key, sessions: ss.count, active: active.count,
          came: came.filter { id in active.contains { $0.id == id } }.count,
          meanAttendance: Double(total) / Double(ss.count)))
    }
    return RitualAttendanceAnalysis(
      window: window, sessions: sessions, people: people, teams: teams, months: months)
  }
}
