/// The kind of work a playbook describes (DESIGN.md, first table): the name
/// of a ``RunnableKind`` in the ``KindRegistry``.
public struct PlaybookKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
  Comparable
{
  public let rawValue: String

  /// The kind of that name, if one is registered.
  public init?(rawValue: String) {
    guard KindRegistry.kind(named: rawValue) != nil else { return nil }
    self.rawValue = rawValue
  }

  /// A kind's own name for itself, registered or not yet.
  public init(named name: String) {
    rawValue = name
  }

  public static let audit = PlaybookKind(named: "audit")
  public static let survey = PlaybookKind(named: "survey")
  public static let runbook = PlaybookKind(named: "runbook")
  public static let hackathon = PlaybookKind(named: "hackathon")
  public static let ritual = PlaybookKind(named: "ritual")
  public static let dashboard = PlaybookKind(named: "dashboard")

  /// Every registered kind, in registration order.
  public static var allCases: [PlaybookKind] { KindRegistry.all.map { $0.kind } }

  /// One line for `steward new` and error messages.
  public var summary: String { KindRegistry.kind(named: rawValue)?.summary ?? "" }

  public var description: String { rawValue }

  public static func < (a: PlaybookKind, b: PlaybookKind) -> Bool { a.rawValue < b.rawValue }
}
