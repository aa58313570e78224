import Foundation
public import StewardCore
import StewardYAML

/// A ritual playbook read and checked with its inputs: the rituals, the
/// roster, absences and attendance. Every problem is found here, all at once
/// (``PlaybookError``). The format is in docs/ritual.md.
public struct RitualPlaybook: Sendable {
  public var header: PlaybookHeader
  public var path: String
  public var rituals: [Ritual]
  public var roster: OrgRoster
  public var absences: [RitualAbsence]
  /// Days nothing is booked on (`holidays:`).
  public var holidays: [RitualHoliday] = []
  /// Whether 24 to 31 December are booked (`book_year_end: true`); by
  /// default nothing is, since most of a team is away then.
  public var bookYearEnd = false
  public var attendance: [RitualAttendance]
  public var attendancePath: String?
  /// Isolation risk: attended none of the last `window` sessions.
  public var window: Int
  /// The first day of the schedule, and how many occurrences of each ritual to show.
  public var from: LocalDate
  public var count: Int
  public var registry: PluginRegistry
  public var warnings: [Diagnostic]
  public var inputFiles: [String]

  public var baseDirectory: String { (path as NSString).deletingLastPathComponent }

  /// Why nothing is booked on `date`: a holiday's name, or the year-end
  /// break; nil on a day that is booked.
  public func skipped(_ date: LocalDate) -> String? {
    if let holiday = holidays.first(where: { $0.date == date }) { return holiday.name }
    if !bookYearEnd, date.month == 12, date.day >= 24 { return "year-end break" }
    return nil
  }

  static let scheduleFields: [FieldSpec] = [
    FieldSpec(
      "from", .string, doc: "first day to schedule, YYYY-MM-DD or \"today\" (default today)"),
    FieldSpec("count", .int, doc: "occurrences of each ritual to show and export (default 6)"),
  ]
  static let attendanceFields: [FieldSpec] = [
    FieldSpec("file", .string, required: true, doc: "CSV with columns date, ritual, person"),
    FieldSpec(
      "window", .int, doc: "isolation risk: attended none of the last N sessions (default 4)"),
  ]

  /// Reads the ritual body of `header`'s document. `inputs` may replace
  /// `people`, `absences` and `attendance`; `vars` may set `from` and `count`.
  public static func load(
    header: PlaybookHeader, path: String, pluginPath: [String] = [],
    inputs overrides: [String: [String]] = [:], vars: [String: String] = [:], today: LocalDate
  ) throws -> RitualPlaybook {
    try load(
      header: header, path: path, pluginPath: pluginPath,
      inputs: ResolvedInputs(
        header: header, path: path, overrides: overrides, declaration: RitualKind.inputs),
      vars: vars, today: today)
  }

  /// Reads the ritual body with its inputs already resolved.
  public static func load(
    header: PlaybookHeader, path: String, pluginPath: [String] = [], inputs: ResolvedInputs,
    vars: [String: String] = [:], today: LocalDate
  ) throws -> RitualPlaybook {
    let document = header.document
    let base = inputs.base
    let cli = inputs.commandLine
    var problems: [Diagnostic] = inputs.problems
    var warnings: [Diagnostic] = []
    var inputFiles: [String] = []
    let warn = document["on_bad_input"]?.string == "warn"
    // Kept apart from `problems`, which the file loaders hold inout while
    // they call this.
    var flagged: [Diagnostic] = []
    func bad(_ d: Diagnostic) { flagged.append(d) }
    func file(_ name: String, declared: Value?) -> String? {
      inputs.file(name, declared: declared, problems: &problems)
    }

    // Time zone.
    var zone = TimeZone(identifier: "UTC") ?? TimeZone.current
    if let tz = document["timezone"] {
      switch Self.zone(tz) {
      case .success(let z): zone = z
      case .failure(let d): problems.append(d)
      }
    }

    // Roster.
    var roster = OrgRoster(path: "", people: [])
    if let peoplePath = file("people", declared: document["people"]) {
      do {
        roster = try OrgRoster.load(path: peoplePath)
        inputFiles.append(peoplePath)
      } catch {
        problems += Validator.diagnostics(of: error, file: peoplePath)
      }
    }
    let checkPeople = !roster.people.isEmpty
    func unknownPerson(_ id: String, at mark: SourceMark, _ what: String) {
      var message = "\(what) \"\(id)\" is not in the org file \(roster.path)"
      if let guess = SchemaValidator.suggestion(for: id, among: roster.people.map(\.id)) {
        message += "; did you mean \"\(guess)\"?"
      }
      bad(Diagnostic(at: mark, code: "T021", message))
    }

    // Plugins (Lua rotation strategies).
    var registry = PluginRegistry(searchPath: pluginPath)
    problems += registry.loadListed(in: header, base: base)

    // Rituals.
    var rituals: [Ritual] = []
    let items = document["rituals"]?.list ?? []
    if items.isEmpty {
      problems.append(
        Diagnostic(
          at: document["rituals"]?.mark ?? document.mark, code: "T001",
          "a ritual playbook needs at least one ritual under \"rituals:\""))
    }
    for item in items {
      let found = SchemaValidator(fields: Ritual.fields, context: "ritual").problems(in: item)
      problems += found
      guard found.isEmpty, let id = item["id"]?.string else { continue }
      if rituals.contains(where: { $0.id == id }) {
        problems.append(
          Diagnostic(
            at: item["id"]?.mark ?? item.mark, code: "T002", "ritual \"\(id)\" is declared twice"))
        continue
      }
      let before = problems.count
      var cadence = RitualCadence(frequency: .weekly)
      if let c = item["cadence"] {
        switch RitualCadence.parse(c) {
        case .success(let v): cadence = v
        case .failure(let d): problems.append(d)
        }
      }
      var start = today
      if let s = item["start"] {
        switch LocalDate.parse(s, what: "start of \(id)", code: "T012") {
        case .success(let d): start = d
        case .failure(let d): problems.append(d)
        }
      }
      var time = RitualTime(hour: 0, minute: 0)
      if let t = item["time"] {
        if let parsed = t.string.flatMap(RitualTime.parse) {
          time = parsed
        } else {
          problems.append(
            Diagnostic(
              at: t.mark, code: "T013",
              "time of \(id) must be HH:MM (24-hour), found \"\(t.string ?? t.typeName)\""))
        }
      }
      var duration = 60
      if let d = item["duration"] {
        // Spelled out with a switch: `d.string ?? d.int.map { … }` here
        // crashes the Swift 6.3 optimizer ("Found ownership error").
        var text: String?
        switch d.kind {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        default: text = nil
        }
        if let text, let m = RitualTime.minutes(text) {
          duration = m
        } else {
          problems.append(
            Diagnostic(
              at: d.mark, code: "T014", "duration of \(id) must be minutes, or like 90m or 1h30m"))
        }
      }
      var ritualZone = zone
      if let tz = item["timezone"] {
        switch Self.zone(tz) {
        case .success(let z): ritualZone = z
        case .failure(let d): problems.append(d)
        }
      } else if document["timezone"] == nil {
        problems.append(
          Diagnostic(
            at: item.mark, code: "T015",
            "ritual \(id) has no time zone; set \"timezone:\" on the playbook or the ritual (e.g. Europe/Berlin)"
          ))
      }
      var rotation: RitualRotation?
      if let r = item["rotation"] {
        rotation = parseRotation(
          r, ritual: id, roster: roster, checkPeople: checkPeople, registry: registry,
          problems: &problems, unknown: unknownPerson)
      }
      var announcement: (String, SourceMark)?
      if let a = item["announcement"], let text = a.string {
        if let d = RitualTemplate.check(text, mark: a.mark) {
          problems.append(d)
        } else {
          announcement = (text, a.mark)
        }
      }
      guard problems.count == before else { continue }
      rituals.append(
        Ritual(
          id: id, title: item["title"]?.string ?? id, cadence: cadence, start: start, time: time,
          durationMinutes: duration, zone: ritualZone, location: item["location"]?.string,
          rotation: rotation, announcement: announcement, data: item["data"] ?? .null,
          mark: item.mark))
    }

    // Absences.
    var absences: [RitualAbsence] = []
    if let absencesPath = file("absences", declared: document["absences"]) {
      do {
        absences = try loadAbsences(
          absencesPath, roster: roster, checkPeople: checkPeople, problems: &problems,
          unknown: unknownPerson)
        inputFiles.append(absencesPath)
      } catch {
        problems += Validator.diagnostics(of: error, file: absencesPath)
      }
    }

    // Holidays.
    var holidays: [RitualHoliday] = []
    if let holidaysPath = file("holidays", declared: document["holidays"]) {
      do {
        holidays = try loadHolidays(holidaysPath, problems: &problems)
        inputFiles.append(holidaysPath)
      } catch {
        problems += Validator.diagnostics(of: error, file: holidaysPath)
      }
    }

    // Attendance.
    var attendance: [RitualAttendance] = []
    var window = 4
    var attendanceDeclared = document["attendance"]
    if let a = document["attendance"], a.map != nil {
      let found = SchemaValidator(fields: attendanceFields, context: "attendance").problems(in: a)
      problems += found
      attendanceDeclared = a["file"]
      if let w = a["window"]?.int {
        if w < 1 {
          problems.append(
            Diagnostic(at: a["window"]?.mark ?? a.mark, code: "T030", "window must be at least 1"))
        }
        window = Int(max(1, w))
      }
    }
    let attendancePath = file("attendance", declared: attendanceDeclared)
    if let attendancePath {
      do {
        attendance = try loadAttendance(
          attendancePath, rituals: rituals, checkPeople: checkPeople, roster: roster,
          problems: &problems, bad: bad, unknown: unknownPerson)
        inputFiles.append(attendancePath)
      } catch {
        problems += Validator.diagnostics(of: error, file: attendancePath)
      }
    }

    // Schedule.
    var from = today
    var count = 6
    var fromValue: Value?
    var countValue: Value?
    if let s = document["schedule"] {
      problems += SchemaValidator(fields: scheduleFields, context: "schedule").problems(in: s)
      fromValue = s["from"]
      countValue = s["count"]
    }
    if let given = vars["from"] { fromValue = Value(.string(given), mark: cli) }
    if let given = vars["count"] {
      if let n = Int64(given) {
        countValue = Value(.int(n), mark: cli)
      } else {
        countValue = Value(.string(given), mark: cli)
      }
    }
    if let v = fromValue, v.string != "today" {
      switch LocalDate.parse(v, what: "schedule from", code: "T012") {
      case .success(let d): from = d
      case .failure(let d): problems.append(d)
      }
    }
    if let v = countValue {
      if let n = v.int, n >= 1, n <= 1000 {
        count = Int(n)
      } else {
        problems.append(
          Diagnostic(at: v.mark, code: "T016", "count must be a whole number from 1 to 1000"))
      }
    }

    if warn {
      warnings += flagged.map { $0.asWarning() }
    } else {
      problems += flagged
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    var playbook = RitualPlaybook(
      header: header, path: path, rituals: rituals, roster: roster, absences: absences,
      attendance: attendance, attendancePath: attendancePath, window: window, from: from,
      count: count, registry: registry, warnings: warnings, inputFiles: inputFiles)
    playbook.holidays = holidays
    playbook.bookYearEnd = document["book_year_end"]?.bool ?? false
    return playbook
  }

  static func zone(_ value: Value) -> Result<TimeZone, Diagnostic> {
    guard let name = value.string, name.contains("/") || name == "UTC",
      let z = TimeZone(identifier: name)
    else {
      return .failure(
        Diagnostic(
          at: value.mark, code: "T017",
          "\"\(value.string ?? value.typeName)\" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)"
        ))
    }
    return .success(z)
  }

  static func parseRotation(
    _ r: Value, ritual: String, roster: OrgRoster, checkPeople: Bool, registry: PluginRegistry,
    problems: inout [Diagnostic], unknown: (String, SourceMark, String) -> Void
  ) -> RitualRotation? {
    let found = SchemaValidator(fields: RitualRotation.fields, context: "rotation").problems(in: r)
    problems += found
    guard found.isEmpty, let name = r["strategy"]?.string else { return nil }
    let strategy: RitualRotation.Strategy
    switch name {
    case "round-robin": strategy = .roundRobin
    case "least-recent": strategy = .leastRecent
    default:
      let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
      guard parts.count == 2 else {
        problems.append(
          Diagnostic(
            at: r["strategy"]?.mark ?? r.mark, code: "T031",
            "strategy \"\(name)\": use round-robin, least-recent, or PLUGIN.ID for a Lua strategy"))
        return nil
      }
      guard let plugin = registry.plugin(named: parts[0]) else {
        if registry.listingFailed { return nil }
        problems.append(
          Diagnostic(
            at: r["strategy"]?.mark ?? r.mark, code: "T031",
            "strategy \"\(name)\": no plugin \"\(parts[0])\" is loaded; list it under \"plugins:\"")
        )
        return nil
      }
      guard plugin.others["rotation"]?.contains(parts[1]) ?? false else {
        problems.append(
          Diagnostic(
            at: r["strategy"]?.mark ?? r.mark, code: "T031",
            "plugin \(parts[0]) has no rotation \"\(parts[1])\" (it has: \((plugin.others["rotation"] ?? []).joined(separator: ", ")))"
          ))
        return nil
      }
      strategy = .lua(plugin: parts[0], id: parts[1])
    }
    var pool: [String] = []
    if let teams = r["teams"]?.list {
      for t in teams {
        guard let team = t.string else { continue }
        let members = roster.people.filter { $0.team == team }.map(\.id)
        if checkPeople, members.isEmpty {
          problems.append(
            Diagnostic(
              at: t.mark, code: "T032",
              "no team \"\(team)\" in the org file (teams: \(roster.teams.joined(separator: ", ")))"
            ))
        }
        pool += members.filter { !pool.contains($0) }
      }
    }
    if let people = r["people"]?.list {
      for p in people {
        guard let id = p.string else { continue }
        if checkPeople, roster.person(id) == nil {
          unknown(id, p.mark, "rotation of \(ritual): person")
          continue
        }
        if !pool.contains(id) { pool.append(id) }
      }
    }
    if r["teams"] == nil && r["people"] == nil { pool = roster.people.map(\.id) }
    // Roster order, so that round-robin is the same whichever way the pool was named.
    let order = roster.people.map(\.id)
    pool.sort { (order.firstIndex(of: $0) ?? Int.max) < (order.firstIndex(of: $1) ?? Int.max) }
    if pool.isEmpty {
      problems.append(
        Diagnostic(at: r.mark, code: "T032", "the rotation of \(ritual) has nobody to take turns"))
    }
    return RitualRotation(
      strategy: strategy, pool: pool, params: r["params"] ?? .null, mark: r.mark)
  }

  /// The holidays file: a list of `{date, name}` (or a map with
  /// `holidays:`), each date a day.
  static func loadHolidays(_ path: String, problems: inout [Diagnostic]) throws
    -> [RitualHoliday]
  {
    guard let document = try DocumentLoader.load(path: path).first else { return [] }
    guard let items = document.list ?? document["holidays"]?.list else {
      throw Diagnostic(
        at: document.mark, code: "T037",
        "the holidays file must be a list or a map with \"holidays:\" (date, name)")
    }
    var out: [RitualHoliday] = []
    for item in items {
      let found = SchemaValidator(fields: RitualHoliday.fields, context: "holiday").problems(
        in: item)
      problems += found
      guard found.isEmpty, let d = item["date"] else { continue }
      switch LocalDate.parse(d, what: "holiday date", code: "T012") {
      case .success(let date):
        out.append(RitualHoliday(date: date, name: item["name"]?.string ?? "holiday"))
      case .failure(let problem): problems.append(problem)
      }
    }
    return out
  }

  static func loadAbsences(
    _ path: String, roster: OrgRoster, checkPeople: Bool, problems: inout [Diagnostic],
    unknown: (String, SourceMark, String) -> Void
  ) throws -> [RitualAbsence] {
    guard let document = try DocumentLoader.load(path: path).first else { return [] }
    guard let items = document.list ?? document["absences"]?.list else {
      throw Diagnostic(
        at: document.mark, code: "T033",
        "the absences file must be a list or a map with \"absences:\" (person, from, to)")
    }
    var out: [RitualAbsence] = []
    for item in items {
      let found = SchemaValidator(fields: RitualAbsence.fields, context: "absence").problems(
        in: item)
      problems += found
      guard found.isEmpty, let person = item["person"]?.string, let f = item["from"],
        let t = item["to"]
      else { continue }
      if checkPeople, roster.person(person) == nil {
        unknown(person, item["person"]?.mark ?? item.mark, "absence: person")
        continue
      }
      switch (
        LocalDate.parse(f, what: "absence from", code: "T012"),
        LocalDate.parse(t, what: "absence to", code: "T012")
      ) {
      case (.success(let from), .success(let to)):
        if to < from {
          problems.append(Diagnostic(at: t.mark, code: "T034", "the absence ends before it starts"))
          continue
        }
        out.append(
          RitualAbsence(
            person: person, from: from, to: to, reason: item["reason"]?.string, mark: item.mark))
      case (.failure(let d), _), (_, .failure(let d)):
        problems.append(d)
      }
    }
    return out
  }

  static func loadAttendance(
    _ path: String, rituals: [Ritual], checkPeople: Bool, roster: OrgRoster,
    problems: inout [Diagnostic], bad: (Diagnostic) -> Void,
    unknown: (String, SourceMark, String) -> Void
  ) throws -> [RitualAttendance] {
    let rows = try CSVLoader.load(path: path).list ?? []
    if let first = rows.first?.map {
      let missing = ["date", "ritual", "person"].filter { first[$0] == nil }
      if !missing.isEmpty {
        throw Diagnostic(
          at: SourceMark(file: path, line: 1, column: 1), code: "T035",
          "the attendance file needs the columns date, ritual and person (missing: \(missing.joined(separator: ", ")))"
        )
      }
    }
    var out: [RitualAttendance] = []
    var seen: Set<String> = []
    for row in rows {
      guard let dateCell = row["date"], let ritualCell = row["ritual"],
        let personCell = row["person"]
      else { continue }
      let date: LocalDate
      switch LocalDate.parse(dateCell, what: "date", code: "T012") {
      case .success(let d): date = d
      case .failure(let d):
        problems.append(d)
        continue
      }
      let ritual = ritualCell.string?.trimmingSpaces ?? ""
      if !rituals.isEmpty, !rituals.contains(where: { $0.id == ritual }) {
        bad(
          Diagnostic(
            at: ritualCell.mark, code: "T036",
            "no ritual \"\(ritual)\" in the playbook (rituals: \(rituals.map(\.id).joined(separator: ", ")))"
          ))
        continue
      }
      let person = personCell.string?.trimmingSpaces ?? ""
      if checkPeople, roster.person(person) == nil {
        unknown(person, personCell.mark, "attendance: person")
        continue
      }
      let key = "\(date)|\(ritual)|\(person)"
      if seen.contains(key) { continue }
      seen.insert(key)
      out.append(RitualAttendance(date: date, ritual: ritual, person: person, mark: row.mark))
    }
    return out
  }
}
