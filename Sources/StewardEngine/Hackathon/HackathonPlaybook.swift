import Foundation
public import StewardCore
import StewardYAML

/// A hackathon playbook read and checked with its inputs: the event, the
/// org roster, the projects and the judges' scores. Every problem is found
/// here, all at once (``PlaybookError``). The format is in docs/hackathon.md.
public struct HackathonPlaybook: Sendable {
  /// What a member missing from the org file, or a score of an unknown
  /// project, is: an error (the default), or a warning and left out.
  public enum BadInputPolicy: String, Sendable, CaseIterable {
    case error, warn
  }

  public struct Event: Sendable {
    public var id: String
    public var title: String
    public var theme: String?
    public var start: LocalDate?
    public var end: LocalDate?
  }

  public var header: PlaybookHeader
  public var path: String
  public var event: Event
  public var roster: OrgRoster
  public var projects: [HackathonProject]
  public var criteria: [HackathonJudging.Criterion]
  public var scores: [HackathonJudging.Score]
  /// The day the follow-up is judged on ("as of"), and how long a backlog
  /// item may wait before it counts as stalled.
  public var asOf: LocalDate
  public var stallAfterDays: Int
  public var policy: BadInputPolicy
  /// Warnings kept under `on_bad_input: warn`.
  public var warnings: [Diagnostic]
  /// Every input file read, for the history's input hashes.
  public var inputFiles: [String]

  static let eventFields: [FieldSpec] = [
    FieldSpec("id", .identifier, required: true, doc: "the hackathon's id, e.g. 2026-q3"),
    FieldSpec("title", .string, doc: "its name in reports"),
    FieldSpec("theme", .string, doc: "the theme"),
    FieldSpec("start", .string, doc: "first day, YYYY-MM-DD"),
    FieldSpec("end", .string, doc: "last day, YYYY-MM-DD"),
  ]
  static let orgFields: [FieldSpec] = [
    FieldSpec("people", .string, required: true, doc: "the roster file: each person's team"),
    FieldSpec("hub", .string, doc: "the hub team of a hub-and-spoke org"),
  ]
  static let judgingFields: [FieldSpec] = [
    FieldSpec("criteria", .list(.map), required: true, doc: "the criteria, each with a weight"),
    FieldSpec(
      "scores", .string, doc: "the judges' scores CSV: judge, project, one column per criterion"),
  ]
  static let criterionFields: [FieldSpec] = [
    FieldSpec("id", .identifier, required: true, doc: "the CSV column of the criterion"),
    FieldSpec("title", .string, doc: "its name in reports"),
    FieldSpec("weight", .number, doc: "its weight (default 1)"),
    FieldSpec("min", .number, doc: "the lowest score allowed (default 1)"),
    FieldSpec("max", .number, doc: "the highest score allowed (default 5)"),
  ]
  static let followupFields: [FieldSpec] = [
    FieldSpec("as_of", .string, doc: "the day the follow-up is judged on (default today)"),
    FieldSpec(
      "stall_after_days", .int, doc: "days in the backlog before an item has stalled (default 42)"),
  ]

  /// Reads the hackathon body of `header`'s document. `inputs` (from
  /// `--input NAME=PATH`) may replace `projects`, `scores` and `org`;
  /// `vars["as_of"]` replaces the follow-up date.
  public static func load(
    header: PlaybookHeader, path: String, inputs overrides: [String: [String]] = [:],
    vars: [String: String] = [:], today: LocalDate
  ) throws -> HackathonPlaybook {
    try load(
      header: header, path: path,
      inputs: ResolvedInputs(
        header: header, path: path, overrides: overrides, declaration: HackathonKind.inputs),
      vars: vars, today: today)
  }

  /// Reads the hackathon body with its inputs already resolved.
  public static func load(
    header: PlaybookHeader, path: String, inputs: ResolvedInputs, vars: [String: String] = [:],
    today: LocalDate
  ) throws -> HackathonPlaybook {
    let document = header.document
    var problems: [Diagnostic] = inputs.problems
    var warnings: [Diagnostic] = []
    let cli = SourceMark(file: path, line: 0, column: 0)

    var policy = BadInputPolicy.error
    if let s = document["on_bad_input"]?.string { policy = BadInputPolicy(rawValue: s) ?? .error }
    // Kept apart from `problems`, which the file loaders hold inout while
    // they call this.
    var flagged: [Diagnostic] = []
    func bad(_ d: Diagnostic) { flagged.append(d) }
    func file(_ name: String, declared: Value?) -> String? {
      inputs.file(name, declared: declared, problems: &problems)
    }

    // Event.
    var event = Event(id: header.name, title: header.title ?? header.name)
    if let e = document["event"] {
      let found = SchemaValidator(fields: eventFields, context: "event").problems(in: e)
      problems += found
      if found.isEmpty {
        event.id = e["id"]?.string ?? event.id
        event.title = e["title"]?.string ?? event.title
        event.theme = e["theme"]?.string
        for key in ["start", "end"] {
          guard let v = e[key] else { continue }
          switch LocalDate.parse(v, what: "event \(key)", code: "H004") {
          case .success(let d): if key == "start" { event.start = d } else { event.end = d }
          case .failure(let d): problems.append(d)
          }
        }
        if let s = event.start, let end = event.end, end < s {
          problems.append(
            Diagnostic(
              at: e["end"]?.mark ?? e.mark, code: "H005", "the event ends before it starts"))
        }
      }
    }

    // Org roster.
    var roster = OrgRoster(path: "", people: [])
    var inputFiles: [String] = []
    var orgDeclared: Value?
    var hub: String?
    if let org = document["org"] {
      if org.string != nil {
        orgDeclared = org
      } else {
        let found = SchemaValidator(fields: orgFields, context: "org").problems(in: org)
        problems += found
        orgDeclared = org["people"]
        hub = org["hub"]?.string
      }
    }
    if let orgPath = file("org", declared: orgDeclared) {
      do {
        roster = try OrgRoster.load(path: orgPath, hub: hub)
        inputFiles.append(orgPath)
        if let hub, !roster.teams.contains(hub), let mark = document["org"]?["hub"]?.mark {
          problems.append(
            Diagnostic(
              at: mark, code: "H006",
              "no team \"\(hub)\" in the org file (teams: \(roster.teams.joined(separator: ", ")))")
          )
        }
      } catch {
        problems += Validator.diagnostics(of: error, file: orgPath)
      }
    } else {
      problems.append(
        Diagnostic(
          at: document.mark, code: "H001",
          "a hackathon needs \"org:\" (the roster that says each person's team) or --input org=PATH"
        ))
    }

    // Projects.
    var projects: [HackathonProject] = []
    if let projectsPath = file("projects", declared: document["projects"]) {
      do {
        projects = try loadProjects(
          path: projectsPath, roster: roster, checkMembers: !roster.people.isEmpty,
          problems: &problems, bad: bad)
        inputFiles.append(projectsPath)
      } catch {
        problems += Validator.diagnostics(of: error, file: projectsPath)
      }
    } else {
      problems.append(
        Diagnostic(
          at: document.mark, code: "H001",
          "a hackathon needs \"projects:\" (the projects file) or --input projects=PATH"))
    }

    // Judging.
    var criteria: [HackathonJudging.Criterion] = []
    var scores: [HackathonJudging.Score] = []
    var scoresDeclared: Value?
    if let judging = document["judging"] {
      let found = SchemaValidator(fields: judgingFields, context: "judging").problems(in: judging)
      problems += found
      scoresDeclared = judging["scores"]
      for item in judging["criteria"]?.list ?? [] {
        let f = SchemaValidator(fields: criterionFields, context: "criterion").problems(in: item)
        problems += f
        guard f.isEmpty, let id = item["id"]?.string else { continue }
        if criteria.contains(where: { $0.id == id }) {
          problems.append(
            Diagnostic(at: item.mark, code: "H010", "criterion \"\(id)\" is declared twice"))
          continue
        }
        let c = HackathonJudging.Criterion(
          id: id, title: item["title"]?.string ?? id, weight: item["weight"]?.number ?? 1,
          min: item["min"]?.number ?? 1, max: item["max"]?.number ?? 5)
        if c.weight < 0 {
          problems.append(
            Diagnostic(
              at: item["weight"]?.mark ?? item.mark, code: "H010", "a weight cannot be negative"))
        }
        if c.min >= c.max {
          problems.append(
            Diagnostic(at: item["min"]?.mark ?? item.mark, code: "H010", "min must be below max"))
        }
        criteria.append(c)
      }
      if criteria.isEmpty, found.isEmpty {
        problems.append(
          Diagnostic(at: judging.mark, code: "H010", "judging needs at least one criterion"))
      } else if criteria.reduce(0, { $0 + $1.weight }) <= 0 {
        problems.append(
          Diagnostic(at: judging.mark, code: "H010", "the criteria weights add up to zero"))
      }
    }
    if let scoresPath = file("scores", declared: scoresDeclared) {
      do {
        scores = try loadScores(
          path: scoresPath, criteria: criteria, projects: projects, problems: &problems, bad: bad)
        inputFiles.append(scoresPath)
      } catch {
        problems += Validator.diagnostics(of: error, file: scoresPath)
      }
    }

    // Follow-up.
    var asOf = today
    var stall = 42
    if let f = document["followup"] {
      let found = SchemaValidator(fields: followupFields, context: "followup").problems(in: f)
      problems += found
      if let v = f["as_of"] {
        switch LocalDate.parse(v, what: "as_of", code: "H004") {
        case .success(let d): asOf = d
        case .failure(let d): problems.append(d)
        }
      }
      if let n = f["stall_after_days"]?.int {
        if n < 1 {
          problems.append(
            Diagnostic(
              at: f["stall_after_days"]?.mark ?? f.mark, code: "H011",
              "stall_after_days must be at least 1"))
        }
        stall = Int(n)
      }
    }
    if let given = vars["as_of"] {
      if let d = LocalDate.parse(given) {
        asOf = d
      } else {
        problems.append(
          Diagnostic(at: cli, code: "H004", "--var as_of=\(given) is not a date; write YYYY-MM-DD"))
      }
    }

    if policy == .warn {
      warnings += flagged.map { $0.asWarning() }
    } else {
      problems += flagged
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return HackathonPlaybook(
      header: header, path: path, event: event, roster: roster, projects: projects,
      criteria: criteria, scores: scores, asOf: asOf, stallAfterDays: stall, policy: policy,
      warnings: warnings, inputFiles: inputFiles)
  }

  static func loadProjects(
    path: String, roster: OrgRoster, checkMembers: Bool, problems: inout [Diagnostic],
    bad: (Diagnostic) -> Void
  ) throws -> [HackathonProject] {
    guard let document = try DocumentLoader.load(path: path).first else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 1, column: 1), code: "H012", "the projects file is empty")
    }
    guard let items = document.list ?? document["projects"]?.list else {
      throw Diagnostic(
        at: document.mark, code: "H012",
        "the projects file must be a list of projects or a map with \"projects:\"")
    }
    var projects: [HackathonProject] = []
    for item in items {
      let found = SchemaValidator(fields: HackathonProject.fields, context: "project")
        .problems(in: item)
      problems += found
      guard found.isEmpty, let id = item["id"]?.string, let title = item["title"]?.string,
        let status = item["status"]?.string.flatMap(HackathonProject.Status.init(rawValue:))
      else { continue }
      if let first = projects.first(where: { $0.id == id }) {
        problems.append(
          Diagnostic(
            at: item["id"]?.mark ?? item.mark, code: "H013",
            "project \"\(id)\" is listed twice (first at \(first.mark))"))
        continue
      }
      var members: [String] = []
      var marks: [SourceMark] = []
      for m in item["members"]?.list ?? [] {
        guard let memberID = m.string else { continue }
        if members.contains(memberID) {
          problems.append(
            Diagnostic(at: m.mark, code: "H014", "\(memberID) is listed twice in project \(id)"))
          continue
        }
        if checkMembers, roster.person(memberID) == nil {
          var message =
            "project \(id): member \"\(memberID)\" is not in the org file \(roster.path)"
          if let guess = SchemaValidator.suggestion(for: memberID, among: roster.people.map(\.id)) {
            message += "; did you mean \"\(guess)\"?"
          }
          bad(Diagnostic(at: m.mark, code: "H015", message))
          continue
        }
        members.append(memberID)
        marks.append(m.mark)
      }
      if members.isEmpty, item["members"]?.list?.isEmpty ?? true {
        problems.append(
          Diagnostic(
            at: item["members"]?.mark ?? item.mark, code: "H014", "project \(id) has no members"))
        continue
      }
      var dates: [String: LocalDate] = [:]
      for key in ["backlog_date", "shipped_date"] {
        guard let v = item[key] else { continue }
        switch LocalDate.parse(v, what: "\(key) of \(id)", code: "H004") {
        case .success(let d): dates[key] = d
        case .failure(let d): problems.append(d)
        }
      }
      if status == .shipped, dates["shipped_date"] == nil {
        problems.append(
          Diagnostic(
            at: item["status"]?.mark ?? item.mark, code: "H016",
            "project \(id) is shipped but has no shipped_date"))
      }
      if status.stage >= 2, dates["backlog_date"] == nil {
        problems.append(
          Diagnostic(
            at: item["status"]?.mark ?? item.mark, code: "H016",
            "project \(id) reached the backlog but has no backlog_date"))
      }
      projects.append(
        HackathonProject(
          id: id, title: title, pitch: item["pitch"]?.string ?? "", members: members,
          link: item["link"]?.string, status: status, ticket: item["ticket"]?.string,
          backlogDate: dates["backlog_date"], shippedDate: dates["shipped_date"], mark: item.mark,
          memberMarks: marks))
    }
    return projects
  }

  static func loadScores(
    path: String, criteria: [HackathonJudging.Criterion], projects: [HackathonProject],
    problems: inout [Diagnostic], bad: (Diagnostic) -> Void
  ) throws -> [HackathonJudging.Score] {
    let rows = try CSVLoader.load(path: path).list ?? []
    var scores: [HackathonJudging.Score] = []
    let fileMark = SourceMark(file: path, line: 1, column: 1)
    if let first = rows.first?.map {
      for column in ["judge", "project"] + criteria.map(\.id) where first[column] == nil {
        problems.append(
          Diagnostic(
            at: fileMark, code: "H017",
            "the scores file has no column \"\(column)\" (columns: judge, project, then one per criterion)"
          ))
      }
      for column in first.keys where !(["judge", "project"] + criteria.map(\.id)).contains(column) {
        problems.append(
          Diagnostic(
            at: first.entry(column)?.value.mark ?? fileMark, code: "H017",
            "the scores file has a column \"\(column)\" that is not a criterion"))
      }
    }
    if !problems.isEmpty { return [] }
    for row in rows {
      guard let judge = row["judge"]?.string?.trimmingSpaces, !judge.isEmpty else {
        problems.append(Diagnostic(at: row.mark, code: "H018", "a score without a judge"))
        continue
      }
      let projectCell = row["project"] ?? row
      let project = projectCell.string?.trimmingSpaces ?? ""
      guard projects.contains(where: { $0.id == project }) else {
        var message =
          "judge \(judge) scores project \"\(project)\", which the projects file does not list"
        if let guess = SchemaValidator.suggestion(for: project, among: projects.map(\.id)) {
          message += "; did you mean \"\(guess)\"?"
        }
        bad(Diagnostic(at: projectCell.mark, code: "H019", message))
        continue
      }
      if let first = scores.first(where: { $0.judge == judge && $0.project == project }) {
        problems.append(
          Diagnostic(
            at: row.mark, code: "H018",
            "judge \(judge) scores \(project) twice (first at \(first.mark))"))
        continue
      }
      var values: [String: Double] = [:]
      var ok = true
      for c in criteria {
        let cell = row[c.id] ?? row
        guard let text = cell.string?.trimmingSpaces, let x = Double(text), x.isFinite else {
          problems.append(
            Diagnostic(
              at: cell.mark, code: "H018",
              "judge \(judge), project \(project): \(c.id) must be a number, found \"\(cell.string ?? "")\""
            ))
          ok = false
          continue
        }
        if x < c.min || x > c.max {
          problems.append(
            Diagnostic(
              at: cell.mark, code: "H018",
              "judge \(judge), project \(project): \(c.id) \(text) is outside \(HackathonFormat.number(c.min))…\(HackathonFormat.number(c.max))"
            ))
          ok = false
          continue
        }
        values[c.id] = x
      }
      if ok {
        scores.append(
          HackathonJudging.Score(judge: judge, project: project, values: values, mark: row.mark))
      }
    }
    return scores
  }
}

/// Number formatting shared by the hackathon and ritual reports.
enum HackathonFormat {
  static func number(_ x: Double, digits: Int = 2) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return String(format: "%.\(digits)f", x)
  }

  static func percent(_ x: Double) -> String { String(format: "%.0f %%", x * 100) }
}
