import Synchronization

/// The kinds `steward` knows. A new kind is one line here (or, from outside
/// the engine, one ``register(_:)`` call before the command runs).
public enum KindRegistry {
  /// The kinds the tool ships, in the order `steward new` and the docs list them.
  static let builtIn: [any RunnableKind.Type] = [
    AuditKind.self,
    SurveyKind.self,
    RunbookKind.self,
    HackathonKind.self,
    RitualKind.self,
    DashboardKind.self,
  ]

  private static let added = Mutex<[any RunnableKind.Type]>([])

  /// Adds `kind`, or replaces the registered kind of the same name.
  public static func register(_ kind: any RunnableKind.Type) {
    added.withLock { list in
      list.removeAll { $0.kind == kind.kind }
      list.append(kind)
    }
  }

  /// Kinds added for the current task only (``with(_:_:)``).
  @TaskLocal static var scoped: [any RunnableKind.Type] = []

  /// Runs `body` with `kind` registered for it alone (and the tasks it
  /// starts): a test's toy kind stays out of every other test's way.
  public static func with<T>(_ kind: any RunnableKind.Type, _ body: () throws -> T) rethrows -> T {
    try $scoped.withValue(scoped + [kind], operation: body)
  }

  /// Every kind, built-in first.
  public static var all: [any RunnableKind.Type] {
    let extra = added.withLock { $0 } + scoped
    return builtIn.filter { b in !extra.contains { $0.kind == b.kind } } + extra
  }

  public static func kind(named name: String) -> (any RunnableKind.Type)? {
    all.first { $0.kind.rawValue == name }
  }

  public static func kind(_ kind: PlaybookKind) -> (any RunnableKind.Type)? {
    Self.kind(named: kind.rawValue)
  }
}
