import Foundation
public import StewardCore
import StewardYAML

/// Who is in the organisation and in which team: the roster file
/// (Examples/streamrec/org/people.yaml) that hackathons and rituals share.
///
/// ```yaml
/// people:
///   - {id: lena-fischer, name: Lena Fischer, team: recommendations, start: 2023-09-04}
///   - {id: sara-lindqvist, name: Sara Lindqvist, team: ads, start: 2024-06-03, end: 2026-02-27}
/// ```
public struct OrgRoster: Sendable {
  public struct Person: Sendable, Equatable {
    public var id: String
    public var name: String
    public var team: String
    public var role: String
    public var start: LocalDate?
    public var end: LocalDate?
    public var mark: SourceMark

    /// Whether the person is in the organisation on `date`.
    public func isActive(on date: LocalDate) -> Bool {
      if let start, date < start { return false }
      if let end, end < date { return false }
      return true
    }
  }

  public var path: String
  public var people: [Person]
  /// The hub team of a hub-and-spoke org ("ML platform"); every other team is a spoke.
  public var hub: String?

  public init(path: String, people: [Person], hub: String? = nil) {
    self.path = path
    self.people = people
    self.hub = hub
  }

  public func person(_ id: String) -> Person? { people.first { $0.id == id } }

  /// Teams in the order they first appear in the roster.
  public var teams: [String] {
    var seen: [String] = []
    for p in people where !seen.contains(p.team) { seen.append(p.team) }
    return seen
  }

  public func active(on date: LocalDate) -> [Person] { people.filter { $0.isActive(on: date) } }

  static let personFields: [FieldSpec] = [
    FieldSpec("id", .identifier, required: true, doc: "the person's id, used in every other file"),
    FieldSpec("name", .string, doc: "their name"),
    FieldSpec("team", .string, required: true, doc: "their team"),
    FieldSpec("role", .string, doc: "their role"),
    FieldSpec("start", .string, doc: "the day they joined, YYYY-MM-DD"),
    FieldSpec("end", .string, doc: "the day they left, YYYY-MM-DD"),
  ]

  /// Reads the roster at `path`: a map with `people:` or a bare list.
  public static func load(path: String, hub: String? = nil) throws -> OrgRoster {
    guard FileManager.default.fileExists(atPath: path) else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 0, column: 0), code: "F001",
        "no such file or directory (the org file)")
    }
    guard let document = try DocumentLoader.load(path: path).first else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 1, column: 1), code: "H002", "the org file is empty")
    }
    let items: [Value]
    if let list = document.list {
      items = list
    } else if let list = document["people"]?.list {
      items = list
    } else {
      throw Diagnostic(
        at: document.mark, code: "H002",
        "the org file must be a list of people or a map with \"people:\"")
    }
    var problems: [Diagnostic] = []
    var people: [Person] = []
    for item in items {
      let found = SchemaValidator(fields: personFields, context: "person").problems(in: item)
      problems += found
      guard found.isEmpty, let id = item["id"]?.string, let team = item["team"]?.string else {
        continue
      }
      if let first = people.first(where: { $0.id == id }) {
        problems.append(
          Diagnostic(
            at: item["id"]?.mark ?? item.mark, code: "H003",
            "person \"\(id)\" is listed twice (first at \(first.mark))"))
        continue
      }
      var start: LocalDate?
      var end: LocalDate?
      for (key, slot) in [("start", 0), ("end", 1)] {
        guard let v = item[key] else { continue }
        switch LocalDate.parse(v, what: "\(key) of \(id)", code: "H004") {
        case .success(let d): if slot == 0 { start = d } else { end = d }
        case .failure(let d): problems.append(d)
        }
      }
      people.append(
        Person(
          id: id, name: item["name"]?.string ?? id, team: team, role: item["role"]?.string ?? "",
          start: start, end: end, mark: item.mark))
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return OrgRoster(path: path, people: people, hub: hub)
  }
}
