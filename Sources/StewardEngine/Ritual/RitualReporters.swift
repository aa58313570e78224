public import Foundation
public import StewardCore

/// The ritual report as plain text, Markdown, or JSON (`schema_version` 1),
/// and the calendar file.
public enum RitualReporter {
  public static func render(_ report: RitualReport, format: String) -> String {
    switch format {
    case "markdown": markdown(report)
    case "json": JSONText.render(value(report)) + "\n"
    default: text(report)
    }
  }

  static func when(_ o: RitualOccurrence, _ ritual: Ritual) -> String {
    let (date, time) = RitualTime.local(o.start, in: ritual.zone)
    return
      "\(RitualReport.longDate(date)) \(time.description) (UTC\(RitualTime.offset(ritual.zone, at: o.start)))"
  }

  static func trend(_ p: RitualAttendanceAnalysis.PersonRow) -> String {
    "\(p.previousWindow.attended)/\(p.previousWindow.of) → \(p.lastWindow.attended)/\(p.lastWindow.of)"
  }

  /// People by attendance rate, lowest first, then by name.
  static func byRate(_ a: RitualAttendanceAnalysis) -> [RitualAttendanceAnalysis.PersonRow] {
    a.people.sorted { ($0.rate ?? 1, $0.name) < ($1.rate ?? 1, $1.name) }
  }

  public static func text(_ r: RitualReport) -> String {
    // Titles, names and notes come from the playbook and its files.
    let e = { (text: String) in Printable.escape(text) }
    var out = ["\(e(r.title)): the next occurrences from \(r.from)"]
    for row in r.rituals {
      let ritual = row.ritual
      out.append("")
      var head =
        "\(e(ritual.title)) (\(e(ritual.id))): \(ritual.cadence.summary) at \(ritual.time.description) \(ritual.zone.identifier), \(ritual.durationMinutes) min"
      if let s = ritual.rotation?.strategy { head += "; rotation \(s.name)" }
      out.append(head)
      for o in row.occurrences {
        var line = "  \(when(o, ritual))"
        if let p = r.name(o.presenter) { line += "  \(e(p))" }
        if let note = o.note { line += "  (\(e(note)))" }
        out.append(line)
      }
      if let a = row.announcement {
        out.append("  Announcement:")
        for l in a.split(separator: "\n", omittingEmptySubsequences: false) {
          out.append("    \(e(String(l)))")
        }
      }
    }
    if let a = r.attendance {
      out.append("")
      out.append(
        "Attendance: \(a.sessions.count) sessions from \(a.sessions.first?.date.description ?? "-") to \(a.sessions.last?.date.description ?? "-")"
      )
      out.append("By team:")
      for t in a.teams {
        out.append(
          "  \(e(t.team)): \(t.rate.map(HackathonFormat.percent) ?? "n/a") of sessions (\(t.people) people)"
        )
      }
      out.append("By person (lowest attendance first):")
      for p in byRate(a) {
        out.append(
          "  \(e(p.name)) (\(e(p.team))): \(p.attended) of \(p.eligible)"
            + (p.rate.map { " (\(HackathonFormat.percent($0)))" } ?? ""))
      }
      let isolated = a.isolated
      out.append("")
      if isolated.isEmpty {
        out.append("Drifting away: nobody missed all of the last \(a.window) sessions.")
      } else {
        out.append(
          "Drifting away (attended none of the last \(a.window) sessions): \(isolated.count)")
        for p in isolated {
          out.append(
            "  \(e(p.name)) (\(e(p.team))): \(trend(p)), last seen \(p.lastSeen?.description ?? "never")"
          )
        }
      }
      if !a.months.isEmpty {
        out.append("Trend (people who came at least once, per month):")
        for m in a.months {
          out.append(
            "  \(m.month): \(m.came) of \(m.active), \(m.sessions) session\(m.sessions == 1 ? "" : "s"), \(String(format: "%.1f", m.meanAttendance)) per session"
          )
        }
      }
      if !r.isolationHistory.isEmpty {
        out.append(
          "Drifting away in earlier runs: \(r.isolationHistory.map(String.init).joined(separator: ", ")) → now \(isolated.count)"
        )
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  public static func markdown(_ r: RitualReport) -> String {
    // Names go through the audit report's cell escaping: HTML and controls.
    let m = MarkdownReporter.cell
    var out = ["# \(m(r.title))", "", "Next occurrences from \(r.from)."]
    for row in r.rituals {
      let ritual = row.ritual
      out += [
        "", "## \(m(ritual.title))", "",
        "\(ritual.cadence.summary.prefix(1).uppercased() + ritual.cadence.summary.dropFirst()) at \(ritual.time.description) (\(ritual.zone.identifier)), \(ritual.durationMinutes) minutes"
          + (ritual.rotation.map { "; presenters by \($0.strategy.name)" } ?? "") + ".",
        "", "| When | Presenter |", "|---|---|",
      ]
      for o in row.occurrences {
        out.append("| \(when(o, ritual)) | \(m(r.name(o.presenter) ?? o.note ?? "")) |")
      }
      if let a = row.announcement {
        out += ["", "**Announcement**", ""]
        out += a.split(separator: "\n", omittingEmptySubsequences: false).map {
          "> \(Printable.markdown(String($0)))"
        }
      }
    }
    if let a = r.attendance {
      out += [
        "", "## Attendance", "", "\(a.sessions.count) sessions.", "",
        "| Team | People | Attendance |", "|---|---|---|",
      ]
      for t in a.teams {
        out.append(
          "| \(m(t.team)) | \(t.people) | \(t.rate.map(HackathonFormat.percent) ?? "n/a") |")
      }
      out += ["", "| Person | Team | Sessions | Attendance |", "|---|---|---|---|"]
      for p in byRate(a) {
        out.append(
          "| \(m(p.name)) | \(m(p.team)) | \(p.attended) of \(p.eligible) | \(p.rate.map(HackathonFormat.percent) ?? "n/a") |"
        )
      }
      out += ["", "### Drifting away", ""]
      let isolated = a.isolated
      if isolated.isEmpty {
        out.append("Nobody missed all of the last \(a.window) sessions.")
      } else {
        out += [
          "Attended none of the last \(a.window) sessions:", "",
          "| Person | Team | Trend | Last seen |", "|---|---|---|---|",
        ]
        for p in isolated {
          out.append(
            "| \(m(p.name)) | \(m(p.team)) | \(trend(p)) | \(p.lastSeen?.description ?? "never") |")
        }
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  public static func value(_ r: RitualReport) -> Value {
    func s(_ x: String?) -> Value { x.map { Value(.string($0)) } ?? .null }
    func i(_ x: Int) -> Value { Value(.int(Int64(x))) }
    let iso = ISO8601DateFormatter()
    let rituals: [Value] = r.rituals.map { row in
      let ritual = row.ritual
      return [
        "id": s(ritual.id), "title": s(ritual.title), "cadence": s(ritual.cadence.summary),
        "rrule": s(ritual.cadence.rrule), "timezone": s(ritual.zone.identifier),
        "time": s(ritual.time.description), "duration_minutes": i(ritual.durationMinutes),
        "rotation": s(ritual.rotation?.strategy.name),
        "occurrences": Value(
          .list(
            row.occurrences.map {
              [
                "date": s($0.date.description), "start": s(iso.string(from: $0.start)),
                "end": s(iso.string(from: $0.end)), "presenter": s($0.presenter),
                "note": s($0.note),
              ]
            })),
        "skipped": Value(
          .list(row.skipped.map { ["date": s($0.date.description), "reason": s($0.reason)] })),
        "announcement": s(row.announcement),
      ]
    }
    var attendance: Value = .null
    if let a = r.attendance {
      func person(_ p: RitualAttendanceAnalysis.PersonRow) -> Value {
        [
          "id": s(p.id), "team": s(p.team), "attended": i(p.attended), "eligible": i(p.eligible),
          "previous_window": [
            "attended": i(p.previousWindow.attended), "sessions": i(p.previousWindow.of),
          ],
          "last_window": ["attended": i(p.lastWindow.attended), "sessions": i(p.lastWindow.of)],
          "last_seen": s(p.lastSeen?.description),
        ]
      }
      attendance = [
        "sessions": i(a.sessions.count), "window": i(a.window),
        "teams": Value(
          .list(
            a.teams.map {
              [
                "team": s($0.team), "people": i($0.people), "attended": i($0.attended),
                "eligible": i($0.eligible),
              ]
            })),
        "people": Value(.list(a.people.map(person))),
        "isolated": Value(.list(a.isolated.map(person))),
        "months": Value(
          .list(
            a.months.map {
              [
                "month": s($0.month), "sessions": i($0.sessions), "active": i($0.active),
                "came": i($0.came),
              ]
            })),
        "isolated_in_earlier_runs": Value(.list(r.isolationHistory.map(i))),
      ]
    }
    return [
      "schema_version": 1, "kind": "ritual", "playbook": s(r.playbook),
      "from": s(r.from.description),
      "rituals": Value(.list(rituals)), "attendance": attendance,
      "warnings": Value(.list(r.warnings.map { Value(.string($0.description)) })),
    ]
  }

  /// Every ritual as one calendar series: a master event with the
  /// cadence's RRULE up to the last occurrence shown, an EXDATE for each
  /// date not booked (holidays, the year-end break), and an override
  /// (RECURRENCE-ID) per occurrence with its presenter and announcement. The
  /// UID is the playbook's and the ritual's names, so a second import
  /// replaces the series instead of adding one, and the YAML and Lua forms
  /// of a ritual give the same.
  public static func calendar(_ r: RitualReport, stamp: Date) -> String {
    var events: [ICalendarWriter.Event] = []
    for row in r.rituals {
      guard let first = row.occurrences.first, let last = row.occurrences.last else { continue }
      let uid = "\(r.playbook)-\(row.ritual.id)@steward"
      let c = row.ritual.cadence
      let rule =
        RitualCadence(
          frequency: c.frequency, interval: c.interval, byDay: c.byDay, byMonthDay: c.byMonthDay
        ).rrule + ";UNTIL=" + ICalendarWriter.compact(last.start, utc: true, z: true)
      var master = ICalendarWriter.Event(
        uid: uid, summary: row.ritual.title, location: row.ritual.location, start: first.start,
        end: first.end, zone: row.ritual.zone)
      master.rrule = rule
      master.exdates = row.skipped.map {
        RitualTime.instant($0.date, row.ritual.time, in: row.ritual.zone)
      }
      events.append(master)
      for o in row.occurrences {
        var summary = row.ritual.title
        if let p = r.name(o.presenter) { summary += " — \(p)" }
        var event = ICalendarWriter.Event(
          uid: uid, summary: summary,
          description: row.ritual.announcement.map {
            RitualTemplate.render(
              $0.text,
              RitualReport.context(
                row.ritual, o,
                following: Array(row.occurrences.drop { $0.date <= o.date }), roster: r.roster))
          }, location: row.ritual.location, start: o.start, end: o.end, zone: row.ritual.zone)
        event.recurrenceID = o.start
        events.append(event)
      }
    }
    return ICalendarWriter(stamp: stamp).render(events)
  }
}

/// Turns a ritual report into history rows: one run with the number of
/// occurrences, sessions and people drifting away; one row per occurrence
/// shown (its presenter) and one per person at risk.
public enum RitualRecorder {
  @discardableResult
  public static func record(
    _ report: RitualReport, playbook: RitualPlaybook, startedAt: Date, duration: TimeInterval,
    in context: RunContext, commitIf commit: () -> Bool = { true }
  ) throws -> Int64? {
    guard let store = context.history else { return nil }
    var rows: [ResultRecord] = []
    for row in report.rituals {
      for o in row.occurrences {
        rows.append(
          ResultRecord(
            subject: row.ritual.id, check: "occurrence", status: o.date.description, severity: "",
            message: o.presenter.map { "presenter \($0)" } ?? (o.note ?? "")))
      }
    }
    var metrics = [
      Metric("rituals", Double(report.rituals.count)),
      Metric("occurrences", Double(report.rituals.reduce(0) { $0 + $1.occurrences.count })),
    ]
    if let a = report.attendance {
      for p in a.isolated {
        rows.append(
          ResultRecord(
            subject: p.id, check: "isolation", status: "at-risk", severity: "",
            message: "attended none of the last \(a.window) sessions; \(RitualReporter.trend(p))"))
      }
      let eligible = a.people.reduce(0) { $0 + $1.eligible }
      metrics += [
        Metric("sessions", Double(a.sessions.count)),
        Metric("isolated", Double(a.isolated.count)),
        Metric(
          "participation",
          eligible > 0 ? Double(a.people.reduce(0) { $0 + $1.attended }) / Double(eligible) : 0),
      ]
    }
    let run = RunRecord(
      playbook: report.playbook, kind: "ritual", playbookPath: playbook.path,
      playbookHash: try SHA256.hex(ofFile: playbook.path), startedAt: startedAt,
      duration: duration, stewardVersion: StewardVersion.current, exitStatus: 0, gate: "none",
      inputs: try playbook.inputFiles.sorted().map {
        InputHash(path: $0, sha256: try SHA256.hex(ofFile: $0))
      }, metrics: metrics, resultCount: rows.count)
    return try store.record(run, results: rows, commitIf: commit)
  }

  /// The isolated counts of earlier runs of `playbook`, oldest first.
  public static func isolationHistory(_ playbook: String, in store: any HistoryStore) throws
    -> [Int]
  {
    try store.series(metric: "isolated", playbook: playbook).map { Int($0.value) }
  }
}
