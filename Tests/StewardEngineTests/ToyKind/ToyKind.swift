import Foundation
import StewardCore
import StewardEngine

/// A kind defined outside the engine, to show what a new kind needs: this
/// file, and one `KindRegistry.register(ToyKind.self)`.
///
/// ```yaml
/// steward: 1
/// kind: standup
/// name: daily
/// items: [shipped the gate, blocked on data access]
/// inputs: {notes: notes.txt}
/// ```
/// Its report lists the items and the notes' line count; it exits 1 when an
/// item says "blocked", and records one result per item.
struct ToyKind: RunnableKind {
  static let kind = PlaybookKind(named: "standup")
  static let summary = "a toy kind: the day's items, and whether one is blocked"
  static let formats = ["text", "json"]
  static let flags: Set<RunFlag> = [.input, .var]
  static let inputs = InputDeclaration(names: ["notes"])
  static let fields = [
    FieldSpec("items", .list(.string), required: true, doc: "what each person said")
  ]

  var name: String
  var items: [String]
  var notes: String?
  var path: String

  static func load(_ request: KindLoadRequest) throws -> ToyKind {
    var problems = request.inputs.problems
    let notes = request.inputs.file("notes", declared: nil, problems: &problems)
    if !problems.isEmpty { throw PlaybookError(problems) }
    return ToyKind(
      name: request.header.name,
      items: request.header.document["items"]?.list?.compactMap(\.string) ?? [], notes: notes,
      path: request.path)
  }

  static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    KindValidation(detail: "(\(header.document["items"]?.list?.count ?? 0) items)")
  }

  func run(in context: KindRunContext) throws -> any KindReport {
    let lines = try notes.map {
      try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n").count
    }
    return ToyReport(name: name, items: items, noteLines: lines, playbook: path)
  }
}

struct ToyReport: TextKindReport {
  var name: String
  var items: [String]
  var noteLines: Int?
  var playbook: String

  func render(_ format: String, options: RenderOptions) -> String {
    if format == "json" {
      return JSONText.render(
        Value(
          .map(
            OrderedMap([
              .init(key: "items", value: Value(.list(items.map { Value(.string($0)) }))),
              .init(key: "note_lines", value: noteLines.map { Value(.int(Int64($0))) } ?? nil),
            ]))))
    }
    return (items.map { "- \($0)" } + ["notes: \(noteLines.map(String.init) ?? "none")"])
      .joined(separator: "\n")
  }

  var blocked: Bool { items.contains { $0.contains("blocked") } }
  var exitStatus: Int32 { blocked ? 1 : 0 }
  var warningLines: [String] { [] }

  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {
    let run = RunRecord(
      playbook: name, kind: ToyKind.kind.rawValue, playbookPath: playbook, playbookHash: "",
      startedAt: Date(), duration: 0, stewardVersion: "test", exitStatus: Int(exitStatus),
      gate: blocked ? "failed" : "passed", metrics: [], resultCount: items.count)
    let rows = items.enumerated().map {
      ResultRecord(
        subject: "item\($0.offset)", check: "standup",
        status: $0.element.contains("blocked") ? "fail" : "pass",
        severity: "", message: $0.element)
    }
    _ = try store.record(run, results: rows, commitIf: commit)
  }
}
