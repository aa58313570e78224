/// The top-level keys of a playbook: the header every kind shares, and the
/// body keys each kind adds. Each kind's runner validates its body in depth.
public enum PlaybookSchema {
  /// Keys every playbook may have, whatever its kind.
  public static var header: [FieldSpec] {
    [
      FieldSpec(
        "steward", .int, required: true,
        doc: "the playbook format version; this build reads 1"),
      FieldSpec(
        "kind", .oneOf(PlaybookKind.allCases.map(\.rawValue)), required: true,
        doc: "what the playbook runs"),
      FieldSpec(
        "name", .identifier, required: true,
        doc: "a short id, used in history and reports"),
      FieldSpec("title", .string, doc: "a human title for reports"),
      FieldSpec("description", .string, doc: "what the playbook is for"),
      FieldSpec("version", .string, doc: "the playbook's own version"),
      FieldSpec("owner", .string, doc: "who answers for the playbook"),
      FieldSpec("tags", .list(.string), doc: "labels for filtering"),
      FieldSpec(
        "plugins", .list(.string),
        doc: "Lua plugin files (relative to the playbook) or names on the plugin path"),
      FieldSpec(
        "inputs", .map, doc: "named input files or folders, overridable with --input NAME=PATH"),
      FieldSpec("vars", .map, doc: "variables, overridable with --var KEY=VALUE"),
      FieldSpec(
        "capabilities", .map,
        doc: "what plugin code may do beyond the sandbox (read files, run commands)"),
    ]
  }

  /// Keys each kind adds to the header (its ``RunnableKind/fields``).
  public static func body(of kind: PlaybookKind) -> [FieldSpec] {
    KindRegistry.kind(kind)?.fields ?? []
  }
}
