public import Foundation
public import StewardCore

/// One ritual of a ritual playbook: what, when, who presents, and the
/// announcement to send.
public struct Ritual: Sendable {
  public var id: String
  public var title: String
  public var cadence: RitualCadence
  /// The first day the cadence counts from.
  public var start: LocalDate
  public var time: RitualTime
  public var durationMinutes: Int
  public var zone: TimeZone
  public var location: String?
  public var rotation: RitualRotation?
  /// A Mustache template, and where it starts in the playbook.
  public var announcement: (text: String, mark: SourceMark)?
  /// Free data the template can use (`{{data.topic}}`).
  public var data: Value
  public var mark: SourceMark

  static let fields: [FieldSpec] = [
    FieldSpec(
      "id", .identifier, required: true, doc: "the ritual's id, used in the attendance file"),
    FieldSpec("title", .string, doc: "its name in reports and calendars"),
    FieldSpec(
      "cadence", .string, required: true,
      doc: "\"weekly on thursday\", \"monthly on the first wednesday\", or an RRULE"),
    FieldSpec("start", .string, required: true, doc: "the first possible day, YYYY-MM-DD"),
    FieldSpec("time", .string, required: true, doc: "local start time, HH:MM"),
    FieldSpec("duration", .any, doc: "minutes, or 90m, 1h30m (default 60)"),
    FieldSpec("timezone", .string, doc: "IANA time zone, if not the playbook's"),
    FieldSpec("location", .string, doc: "room or video link"),
    FieldSpec("rotation", .map, doc: "who presents: strategy, teams or people"),
    FieldSpec("announcement", .string, doc: "a Mustache template for the announcement or agenda"),
    FieldSpec("data", .any, doc: "values the template can use as {{data.…}}"),
  ]
}

/// Who presents at each occurrence.
public struct RitualRotation: Sendable {
  public enum Strategy: Sendable, Equatable {
    /// In roster order, skipping whoever is away; the turn passes on.
    case roundRobin
    /// Whoever presented longest ago (never first), fewest times, then roster order.
    case leastRecent
    /// A Lua rotation strategy, `PLUGIN.ID`.
    case lua(plugin: String, id: String)

    public var name: String {
      switch self {
      case .roundRobin: "round-robin"
      case .leastRecent: "least-recent"
      case .lua(let p, let id): "\(p).\(id)"
      }
    }
  }

  public var strategy: Strategy
  /// Person ids that take turns, in roster order.
  public var pool: [String]
  public var params: Value
  public var mark: SourceMark

  static let fields: [FieldSpec] = [
    FieldSpec(
      "strategy", .string, required: true,
      doc: "round-robin, least-recent, or PLUGIN.ID for a Lua strategy"),
    FieldSpec("teams", .list(.string), doc: "take turns among these teams' people"),
    FieldSpec("people", .list(.string), doc: "take turns among these people (ids)"),
    FieldSpec("params", .map, doc: "parameters for a Lua strategy"),
  ]
}

/// Someone on leave, from the absences file.
public struct RitualAbsence: Sendable, Equatable {
  public var person: String
  public var from: LocalDate
  public var to: LocalDate
  public var reason: String?
  public var mark: SourceMark

  public func covers(_ date: LocalDate) -> Bool { !(date < from) && !(to < date) }

  static let fields: [FieldSpec] = [
    FieldSpec("person", .string, required: true, doc: "the person's id"),
    FieldSpec("from", .string, required: true, doc: "first day away, YYYY-MM-DD"),
    FieldSpec("to", .string, required: true, doc: "last day away, YYYY-MM-DD"),
    FieldSpec("reason", .string, doc: "why (kept out of reports)"),
  ]
}

/// A day nothing is booked on, from the holidays file.
public struct RitualHoliday: Sendable, Equatable {
  public var date: LocalDate
  public var name: String

  static let fields: [FieldSpec] = [
    FieldSpec("date", .string, required: true, doc: "the day, YYYY-MM-DD"),
    FieldSpec("name", .string, doc: "what it is, shown for the skipped date"),
  ]
}

/// One row of the attendance file: someone was at a session.
public struct RitualAttendance: Sendable, Equatable {
  public var date: LocalDate
  public var ritual: String
  public var person: String
  public var mark: SourceMark
}
