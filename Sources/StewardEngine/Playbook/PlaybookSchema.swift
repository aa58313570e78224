/// The top-level keys of a playbook: the header every kind shares, and the
/// body keys each kind adds. Each kind's runner validates its body in depth.
public enum PlaybookSchema {
  /// Keys every playbook may have, whatever its kind.
  public static let header: [FieldSpec] = [
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

  /// Keys each kind adds to the header.
  public static func body(of kind: PlaybookKind) -> [FieldSpec] {
    switch kind {
    case .audit:
      [
        FieldSpec("subjects", .any, doc: "files, folders or globs of subjects to check"),
        FieldSpec("checks", .list(.map), doc: "the checks to run on every subject"),
        FieldSpec("waivers", .any, doc: "accepted failures, inline or a file"),
        FieldSpec(
          "gate", .any,
          doc: "the default --fail-on severity and error policy, or none (report only)"),
        FieldSpec(
          "schema", .string,
          doc:
            "a JSON Schema (YAML or JSON file) every subject must satisfy, e.g. the model-card schema"
        ),
      ]
    case .survey:
      [
        FieldSpec("questions", .list(.map), doc: "the questions, each with an id and a scale"),
        FieldSpec(
          "responses", .any, doc: "the responses CSV: a path, or a map with file, id, metadata"),
        FieldSpec("dimensions", .list(.any), doc: "the dimensions questions score into"),
        FieldSpec("levels", .list(.map), doc: "maturity levels and their criteria"),
        FieldSpec("scoring", .map, doc: "how answers become scores"),
        FieldSpec("groups", .list(.string), doc: "respondent columns to group by"),
        FieldSpec("min_group_size", .int, doc: "smallest group reported on its own"),
        FieldSpec(
          "on_bad_response", .oneOf(["error", "drop"]),
          doc: "a response that does not fit: an error (default) or a warning and the row dropped"),
      ]
    case .runbook:
      [
        FieldSpec("steps", .list(.map), doc: "the steps, in order"),
        FieldSpec("escalation", .map, doc: "who to call and how"),
        FieldSpec("secrets", .list(.string), doc: "environment variables to redact"),
        FieldSpec("defaults", .map, doc: "timeouts and retries for every step"),
      ]
    case .hackathon:
      [
        FieldSpec("projects", .any, doc: "the projects file"),
        FieldSpec("org", .any, doc: "the org file: each person's team"),
        FieldSpec("judging", .map, doc: "criteria, weights and judges' scores"),
        FieldSpec("event", .map, doc: "dates and theme of the hackathon"),
        FieldSpec("followup", .map, doc: "the follow-up date and when a backlog item has stalled"),
        FieldSpec(
          "on_bad_input", .oneOf(["error", "warn"]),
          doc: "an unknown member or scored project: an error (default) or a warning"),
      ]
    case .ritual:
      [
        FieldSpec("rituals", .list(.map), doc: "each ritual with its cadence and rotation"),
        FieldSpec("people", .any, doc: "who takes part"),
        FieldSpec("absences", .any, doc: "who is on leave when"),
        FieldSpec("attendance", .any, doc: "attendance CSV"),
        FieldSpec("timezone", .string, doc: "IANA time zone, e.g. Europe/Berlin"),
        FieldSpec("schedule", .map, doc: "the first day to schedule and how many occurrences"),
        FieldSpec(
          "on_bad_input", .oneOf(["error", "warn"]),
          doc: "an unknown person or ritual in the inputs: an error (default) or a warning"),
      ]
    case .dashboard:
      [
        FieldSpec("metrics", .list(.any), doc: "built-in and custom metrics"),
        FieldSpec("period", .map, doc: "the reporting period and its comparison"),
      ]
    }
  }
}
