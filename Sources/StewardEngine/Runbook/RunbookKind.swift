public import Foundation
public import StewardCore
import StewardYAML

#if canImport(Glibc)
  import Glibc
#endif

/// Runbooks: executable on-call procedures with checks, prompts and escalation.
///
/// A run streams what its steps print to stderr and the log, appends the
/// timeline to the history store as it goes, then prints the report. It
/// exits 0 when every step passed, 1 when one failed or the run escalated.
public struct RunbookKind: RunnableKind {
  public static let kind = PlaybookKind.runbook
  public static let summary = "executable on-call procedures with checks, prompts and escalation"
  public static let formats = ["text", "markdown", "json"]
  public static let flags: Set<RunFlag> = [.var, .yes, .answers, .dryRun, .resume]
  public static let inputs = InputDeclaration.none
  public static let fields: [FieldSpec] = [
    FieldSpec("steps", .list(.map), doc: "the steps, in order"),
    FieldSpec("escalation", .map, doc: "who to call and how"),
    FieldSpec("secrets", .list(.string), doc: "environment variables to redact"),
    FieldSpec("defaults", .map, doc: "timeouts and retries for every step"),
  ]

  var header: PlaybookHeader
  var path: String
  var vars: [(String, String)]
  var runbook: RunbookPlaybook
  var prompter: RunbookPrompter
  var resumeID: Int64?

  public static func load(_ request: KindLoadRequest) throws -> RunbookKind {
    let options = request.options
    var resumeID: Int64?
    if let resume = options.resume {
      guard let id = Int64(resume), id > 0 else {
        throw UsageError("--resume takes the run number steward printed when the run started")
      }
      if options.noRecord { throw UsageError("--resume reads the history store; drop --no-record") }
      resumeID = id
    }
    let vars = request.vars.map { ($0.key, $0.value) }
    let runbook = try RunbookPlaybook.load(
      header: request.header, path: request.path, vars: vars, pluginPath: options.pluginPath)
    var prompter = RunbookPrompter()
    prompter.yes = options.yes
    if let answers = options.answers {
      prompter.answers = try loadAnswers(answers)
      prompter.answersFile = answers
    }
    return RunbookKind(
      header: request.header, path: request.path, vars: vars, runbook: runbook,
      prompter: prompter, resumeID: resumeID)
  }

  public static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation {
    // Steps, templates, Lua expressions and plugin step types, as a run reads them.
    let runbook = try RunbookPlaybook.load(header: header, path: path)
    return KindValidation(detail: "(\(English.count(runbook.steps.count, "step")))")
  }

  /// A dry run records nothing, and so opens no store.
  public func records(_ options: RunOptions) -> Bool { !options.noRecord && !options.dryRun }

  public func run(in context: KindRunContext) throws -> any KindReport {
    if context.options.dryRun { return RunbookPlanReport(text: RunbookPlan.render(runbook)) }
    let history = context.history as? any TimelineStore
    var runbook = self.runbook
    if let resumeID, let history, let (record, _) = try history.timeline(resumeID) {
      // A resumed run keeps the variables it started with; --var still wins.
      var assigned = vars
      let declared = Set(header.document["vars"]?.map?.keys ?? [])
      for (name, value) in record.vars.sorted(by: { $0.key < $1.key })
      where declared.contains(name) && !vars.contains(where: { $0.0 == name }) {
        assigned.insert((name, value), at: 0)
      }
      runbook = try RunbookPlaybook.load(
        header: header, path: path, vars: assigned, pluginPath: context.options.pluginPath)
    }
    let timelines: any TimelineStore = history ?? InMemoryTimelineStore()
    let runner = try RunbookRunner(playbook: runbook, store: timelines)
    runner.prompter = prompter
    runner.playbookHash = (try? SHA256.hex(ofFile: path)) ?? ""
    runner.terminal = { bytes in _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) } }
    // The log sits beside an SQLite store; a database server has no folder.
    runner.log = (history as? SQLiteHistoryStore).flatMap {
      Self.openLog(store: $0.path, playbook: runbook.name)
    }
    Interrupts.install()
    // The main thread is outside Swift's cooperative pool, so it may wait here.
    let box = UncheckedBox(runner)
    let resuming = resumeID
    let report = try Blocking.wait {
      if let resumeID = resuming { return try await box.value.resume(resumeID) }
      return try await box.value.run()
    }
    return RunbookRun(report: report, runbook: runbook, timelines: history)
  }

  /// `--answers FILE`: a YAML map of step id to answer (yes, no, skip or text).
  static func loadAnswers(_ path: String) throws -> [String: String] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 0, column: 0), code: "F001", "no such file or directory")
    }
    let documents = try DocumentLoader.load(path: path)
    guard let map = documents.first?.map else {
      throw Diagnostic(
        at: documents.first?.mark ?? SourceMark(file: path, line: 1, column: 1), code: "R030",
        "an answers file is a map of step id to answer, e.g. \"rollback: yes\"")
    }
    var answers: [String: String] = [:]
    for entry in map.entries {
      switch entry.value.kind {
      case .string(let s): answers[entry.key] = s
      case .bool(let b): answers[entry.key] = b ? "yes" : "no"
      case .int(let i): answers[entry.key] = String(i)
      case .double(let d): answers[entry.key] = String(d)
      default:
        throw Diagnostic(
          at: entry.value.mark, code: "R030", "the answer for \(entry.key) must be a scalar")
      }
    }
    return answers
  }

  /// One log per runbook beside the history store, appended run after run.
  static func openLog(store: String, playbook: String) -> FileHandle? {
    let folder = ((store as NSString).deletingLastPathComponent as NSString)
      .appendingPathComponent("runbook-logs")
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = (folder as NSString).appendingPathComponent("\(playbook).log")
    if !FileManager.default.fileExists(atPath: path) {
      _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
    handle.seekToEndOfFile()
    return handle
  }
}

extension RunbookError: FileLevelError {}

/// A runbook's run and where its timeline lives.
struct RunbookRun: TextKindReport {
  var report: RunbookReport
  var runbook: RunbookPlaybook
  var timelines: (any TimelineStore)?

  func render(_ format: String, options: RenderOptions) -> String {
    switch format {
    case "markdown": RunbookMarkdownReporter().render(report)
    case "json": RunbookJSONReporter().render(report)
    default: RunbookTextReporter().render(report)
    }
  }

  var exitStatus: Int32 { report.exitCode }
  var warningLines: [String] { [] }

  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {
    try RunbookRecorder.record(
      report, playbook: runbook, in: RunContext(history: store), timelines: timelines,
      commitIf: commit)
  }
}

/// `--dry-run`: the plan with variables resolved, and nothing run or recorded.
struct RunbookPlanReport: TextKindReport {
  var text: String
  func render(_ format: String, options: RenderOptions) -> String { text }
  var exitStatus: Int32 { Exit.success }
  var warningLines: [String] { [] }
  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws {}
}
