import Foundation
public import StewardCore
import StewardYAML

/// Who could have answered: teams with their headcount, and optionally who
/// is in which team. With a roster, a team value the roster does not know
/// is an error (a typo would otherwise fold a whole team into "other"), and
/// every reported team shows its response rate.
///
/// ```yaml
/// roster:                     # or roster: roster.yaml, a file with the same keys
///   column: team              # the grouping column it covers (default: the first of groups)
///   min_response_rate: 0.5    # a team below it gets no level: "not enough answers"
///   teams:
///     search: 7
///     ads: { headcount: 6, people: [a1, a2, a3] }
/// ```
public struct SurveyRoster: Sendable {
  public var column: String
  /// Team → headcount, in the roster's order.
  public var teams: [(name: String, headcount: Int)]
  /// Respondent id → team, for the teams that list their people.
  public var people: [String: String]
  public var minResponseRate: Double?
  public var mark: SourceMark
  /// The roster file, when the roster is a file of its own.
  public var path: String? = nil

  public func headcount(_ team: String) -> Int? { teams.first { $0.name == team }?.headcount }

  static let fields: [FieldSpec] = [
    FieldSpec("column", .string, doc: "the grouping column the roster covers"),
    FieldSpec("teams", .map, required: true, doc: "team → headcount, or { headcount, people }"),
    FieldSpec(
      "min_response_rate", .number, doc: "a team answering less gets no level (0–1)"),
  ]

  static let teamFields: [FieldSpec] = [
    FieldSpec("headcount", .int, required: true, doc: "how many people the team has"),
    FieldSpec("people", .list(.string), doc: "the respondent ids of its members"),
  ]

  /// Reads `value` (a map, or a path to a YAML file holding one) for the
  /// grouping columns `groups`; problems go to `problems`.
  static func parse(
    _ value: Value, base: String, groups: [String], problems: inout [Diagnostic]
  ) -> SurveyRoster? {
    var body = value
    var file: String?
    if let path = value.string {
      let full = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
      file = full
      do {
        guard let document = try DocumentLoader.load(path: full).first else {
          problems.append(Diagnostic(at: value.mark, code: "Q030", "the roster file is empty"))
          return nil
        }
        body = document
      } catch {
        let found = Validator.diagnostics(of: error, file: full)
        problems +=
          found.isEmpty
          ? [Diagnostic(at: value.mark, code: "Q030", "cannot read the roster \"\(path)\"")]
          : found
        return nil
      }
    }
    let found = SchemaValidator(fields: fields, context: "roster").problems(in: body)
    problems += found
    guard found.isEmpty, let entries = body["teams"]?.map else { return nil }
    let column = body["column"]?.string ?? groups.first ?? ""
    if !groups.contains(column) {
      problems.append(
        Diagnostic(
          at: body["column"]?.mark ?? body.mark, code: "Q030",
          groups.isEmpty
            ? "a roster needs a grouping column: add \"groups: [team]\""
            : "the roster's column \"\(column)\" is not one of groups (\(groups.joined(separator: ", ")))"
        ))
    }
    var teams: [(String, Int)] = []
    var people: [String: String] = [:]
    for entry in entries {
      let item = entry.value
      var headcount = item.int
      if item.map != nil {
        let bad = SchemaValidator(fields: teamFields, context: "roster team").problems(in: item)
        problems += bad
        headcount = item["headcount"]?.int
        for person in item["people"]?.list ?? [] {
          guard let id = person.string else { continue }
          if let other = people.updateValue(entry.key, forKey: id), other != entry.key {
            problems.append(
              Diagnostic(
                at: person.mark, code: "Q031",
                "\"\(id)\" is in two teams of the roster: \(other) and \(entry.key)"))
          }
        }
      }
      guard let headcount, headcount > 0 else {
        problems.append(
          Diagnostic(
            at: item.mark, code: "Q031",
            "team \"\(entry.key)\" needs a headcount of at least 1 (a number, or { headcount: N })"
          ))
        continue
      }
      teams.append((entry.key, Int(headcount)))
    }
    var rate: Double?
    if let r = body["min_response_rate"] {
      if let x = r.number, x >= 0, x <= 1 {
        rate = x
      } else {
        problems.append(
          Diagnostic(at: r.mark, code: "Q032", "min_response_rate is a share from 0 to 1"))
      }
    }
    return SurveyRoster(
      column: column, teams: teams, people: people, minResponseRate: rate, mark: body.mark,
      path: file)
  }

  /// The problem with one row's team `value` (at `mark`) for respondent
  /// `respondent`, or nil when the roster knows it.
  func problem(team value: String, respondent: String, at mark: SourceMark) -> Diagnostic? {
    let names = teams.map(\.name)
    if let listed = people[respondent], listed != value {
      return Diagnostic(
        at: mark, code: "Q111",
        "respondent \"\(respondent)\" is in team \"\(listed)\" in the roster, not \"\(value)\"")
    }
    if people[respondent] == nil, people.values.contains(value) {
      // The roster names this team's people: someone else answering for it
      // would count towards its response rate and its levels.
      return Diagnostic(
        at: mark, code: "Q115",
        "respondent \"\(respondent)\" answered for team \"\(value)\", whose roster lists its people, and is not one of them"
      )
    }
    if names.contains(value) { return nil }
    var message =
      value.isEmpty
      ? "respondent \"\(respondent)\" has no \(column)"
      : "unknown \(column) \"\(value)\": not in the roster"
    if let guess = SchemaValidator.suggestion(for: value, among: names), !value.isEmpty {
      message += "; did you mean \"\(guess)\"?"
    } else {
      message += " (teams: \(names.joined(separator: ", ")))"
    }
    return Diagnostic(at: mark, code: "Q110", message)
  }

  /// Gives each reported group of the roster's column its headcount and
  /// takes the level from a team that answered less than the minimum rate.
  func apply(to grouping: inout SurveyGrouping, minimum: Int) {
    let reported = Set(grouping.groups.map(\.name))
    for i in grouping.groups.indices {
      let group = grouping.groups[i]
      // "other" holds every roster team not reported on its own.
      let headcount =
        group.isOther
        ? teams.filter { !reported.contains($0.name) || $0.name == group.name }
          .reduce(0) { $0 + $1.headcount }
        : self.headcount(group.name)
      grouping.groups[i].headcount = headcount
      if let floor = minResponseRate, let rate = grouping.groups[i].responseRate,
        rate < floor - MaturityLadder.tolerance, var level = group.level
      {
        level.unknown =
          "not enough answers: \(SurveyFormat.percent(rate)) of the team answered,"
          + " under the \(SurveyFormat.percent(floor)) the roster asks for"
        level.level = nil
        level.title = nil
        level.missing = []
        level.next = nil
        level.atLeast = nil
        grouping.groups[i].level = level
        grouping.groups[i].trend?.levelMove = nil
      }
    }
  }
}
