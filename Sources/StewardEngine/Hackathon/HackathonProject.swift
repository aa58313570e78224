public import StewardCore

/// One project of a hackathon, from the projects file.
public struct HackathonProject: Sendable, Equatable {
  /// How far a project got. The funnel counts a project at every stage it
  /// passed: a shipped project was also demoed and in the backlog.
  public enum Status: String, Sendable, CaseIterable, Comparable {
    case idea, building, demoed, backlog, shipped, dropped

    /// The funnel stage: 0 submitted, 1 demoed, 2 backlog, 3 shipped. A
    /// dropped project counts as submitted only.
    public var stage: Int {
      switch self {
      case .idea, .building, .dropped: 0
      case .demoed: 1
      case .backlog: 2
      case .shipped: 3
      }
    }

    public static func < (a: Status, b: Status) -> Bool { a.stage < b.stage }
  }

  public var id: String
  public var title: String
  public var pitch: String
  public var members: [String]
  public var link: String?
  public var status: Status
  /// The sprint-backlog ticket, once the project has one.
  public var ticket: String?
  /// When it entered the backlog, and when it shipped.
  public var backlogDate: LocalDate?
  public var shippedDate: LocalDate?
  public var mark: SourceMark
  /// Marks of each member id, for errors about a member.
  public var memberMarks: [SourceMark]

  static let fields: [FieldSpec] = [
    FieldSpec("id", .identifier, required: true, doc: "the project's id, used by the scores file"),
    FieldSpec("title", .string, required: true, doc: "its name"),
    FieldSpec("pitch", .string, doc: "one or two sentences"),
    FieldSpec("members", .list(.string), required: true, doc: "person ids from the org file"),
    FieldSpec("link", .string, doc: "repository, doc or demo"),
    FieldSpec(
      "status", .oneOf(Status.allCases.map(\.rawValue)), required: true,
      doc: "idea, building, demoed, backlog, shipped or dropped"),
    FieldSpec("ticket", .string, doc: "the backlog ticket, e.g. REC-412"),
    FieldSpec("backlog_date", .string, doc: "when it entered the sprint backlog, YYYY-MM-DD"),
    FieldSpec("shipped_date", .string, doc: "when it shipped, YYYY-MM-DD"),
  ]
}
