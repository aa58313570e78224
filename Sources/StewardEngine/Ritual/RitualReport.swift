import Foundation
public import StewardCore

/// What a ritual run shows: each ritual's next occurrences with presenters
/// and its announcement, and the attendance analysis with its trend.
public struct RitualReport: Sendable {
  public struct RitualRow: Sendable {
    public var ritual: Ritual
    public var occurrences: [RitualOccurrence]
    /// The announcement of the first occurrence shown.
    public var announcement: String?
    /// Turns per person over the occurrences shown.
    public var turns: [(person: String, count: Int)]
    /// Dates of the cadence between the first and the last shown that are
    /// not booked (holidays, the year-end break), with why.
    public var skipped: [(date: LocalDate, reason: String)] = []
  }

  public var playbook: String
  public var title: String
  public var from: LocalDate
  public var rituals: [RitualRow]
  public var roster: OrgRoster
  public var attendance: RitualAttendanceAnalysis?
  /// The number of people at risk in earlier runs of this playbook, oldest first.
  public var isolationHistory: [Int]
  public var warnings: [Diagnostic]

  public func name(_ id: String?) -> String? {
    guard let id else { return nil }
    return roster.person(id)?.name ?? id
  }

  public static func build(
    _ playbook: RitualPlaybook, scheduler: RitualScheduler, isolationHistory: [Int] = []
  ) -> RitualReport {
    var rows: [RitualRow] = []
    for ritual in playbook.rituals {
      let occurrences = scheduler.schedule(ritual, from: playbook.from, count: playbook.count)
      var turns: [(String, Int)] = []
      for o in occurrences {
        guard let p = o.presenter else { continue }
        if let i = turns.firstIndex(where: { $0.0 == p }) {
          turns[i].1 += 1
        } else {
          turns.append((p, 1))
        }
      }
      var text: String?
      if let template = ritual.announcement, let first = occurrences.first {
        text = RitualTemplate.render(
          template.text,
          context(ritual, first, following: Array(occurrences.dropFirst()), roster: playbook.roster)
        )
      }
      var row = RitualRow(
        ritual: ritual, occurrences: occurrences, announcement: text, turns: turns)
      if let first = occurrences.first, let last = occurrences.last {
        row.skipped = scheduler.skippedDates(ritual, between: first.date, and: last.date)
      }
      rows.append(row)
    }
    let analysis =
      playbook.attendancePath == nil
      ? nil
      : RitualAttendanceAnalysis.analyse(
        playbook.attendance, roster: playbook.roster, window: playbook.window)
    return RitualReport(
      playbook: playbook.header.name, title: playbook.header.title ?? playbook.header.name,
      from: playbook.from, rituals: rows, roster: playbook.roster, attendance: analysis,
      isolationHistory: isolationHistory, warnings: playbook.warnings + scheduler.warnings)
  }

  /// What a template sees for one occurrence.
  public static func context(
    _ ritual: Ritual, _ o: RitualOccurrence, following: [RitualOccurrence], roster: OrgRoster
  ) -> Value {
    func person(_ id: String?) -> Value {
      guard let id else { return .null }
      let p = roster.person(id)
      return [
        "id": Value(.string(id)), "name": Value(.string(p?.name ?? id)),
        "team": Value(.string(p?.team ?? "")),
      ]
    }
    let (_, endTime) = RitualTime.local(o.end, in: ritual.zone)
    return [
      "id": Value(.string(ritual.id)), "title": Value(.string(ritual.title)),
      "date": Value(.string(longDate(o.date))), "iso_date": Value(.string(o.date.description)),
      "time": Value(.string(ritual.time.description)),
      "end_time": Value(.string(endTime.description)),
      "timezone": Value(.string(ritual.zone.identifier)),
      "utc_offset": Value(.string(RitualTime.offset(ritual.zone, at: o.start))),
      "duration": Value(.int(Int64(ritual.durationMinutes))),
      "location": ritual.location.map { Value(.string($0)) } ?? .null,
      "cadence": Value(.string(ritual.cadence.summary)),
      "presenter": person(o.presenter),
      "next": Value(
        .list(
          following.prefix(3).map {
            ["date": Value(.string(longDate($0.date))), "presenter": person($0.presenter)]
          })),
      "data": ritual.data,
    ]
  }

  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]

  /// "Thursday 3 December 2026".
  public static func longDate(_ d: LocalDate) -> String {
    "\(LocalDate.weekdayNames[d.weekday - 1].capitalized) \(d.day) \(monthNames[d.month - 1]) \(d.year)"
  }
}
