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
  public static let flags: Set<RunFlag> = [.var, .yes, .answers, .dryRun, .resume, .force]
  public static let inputs = InputDeclaration.none
  public static let fields: [FieldSpec] = [
    FieldSpec("steps", .list(.map), doc: "the steps, in order"),
    FieldSpec("escalation", .map, doc: "who to call and how"),
    FieldSpec("secrets", .list(.string), doc: "environment variables to redact"),
    FieldSpec("defaults", .map, doc: "timeouts and retries for every step"),
    FieldSpec("roster", .string, doc: "a YAML file of groups of people, for approve.group"),
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
    // `--var TOKEN=…` for a secret that is an environment variable (listed
    // under `secrets:`, not a declared variable) sets that variable for the
    // run's commands, as docs/runbook.md says a resume may take it; it is
    // never stored, and redacted like the rest.
    let declared = Set(request.header.document["vars"]?.map?.keys ?? [])
    let secrets = Set(request.header.document["secrets"]?.list?.compactMap(\.string) ?? [])
    var vars: [(String, String)] = []
    for (key, value) in request.vars {
      if secrets.contains(key) && !declared.contains(key) {
        setenv(key, value, 1)
      } else {
        vars.append((key, value))
      }
    }
    let runbook = try RunbookPlaybook.load(
      header: request.header, path: request.path, vars: vars, pluginPath: options.pluginPath)
    var prompter = RunbookPrompter()
    prompter.yes = options.yes
    if let answers = options.answers {
      let entries = try loadAnswers(answers)
      // Before the first step, not when its prompt is reached: a typo must
      // not cost the steps that ran before it.
      let problems = checkAnswers(entries, runbook: runbook)
      if !problems.isEmpty { throw PlaybookError(problems) }
      prompter.answers = Dictionary(entries.map { ($0.step, $0.text) }, uniquingKeysWith: { $1 })
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

  /// As the run loaded it: its plugin step types from `--plugin-path`.
  public static func validate(_ request: KindLoadRequest, loaded: RunbookKind) throws
    -> KindValidation
  {
    KindValidation(detail: "(\(English.count(loaded.runbook.steps.count, "step")))")
  }

  /// A dry run records nothing, and so opens no store.
  public func records(_ options: RunOptions) -> Bool { !options.noRecord && !options.dryRun }

  public func run(in context: KindRunContext) throws -> any KindReport {
    if context.options.dryRun { return RunbookPlanReport(text: RunbookPlan.render(runbook)) }
    let history = context.history as? any TimelineStore
    var runbook = self.runbook
    var lock: RunLock?
    if let resumeID, let history {
      // Before anything else: a second resume of the same run stops here.
      lock = try RunLock.take(store: history, run: resumeID, doing: "resuming")
      if let (record, past) = try history.timeline(resumeID) {
        try checkPlaybook(record, past, run: resumeID, force: context.options.force)
        runbook = try RunbookPlaybook.load(
          header: header, path: path, vars: try resumedVars(record, run: resumeID),
          pluginPath: context.options.pluginPath)
      }
    }
    let timelines: any TimelineStore = history ?? InMemoryTimelineStore()
    let runner = try RunbookRunner(playbook: runbook, store: timelines)
    runner.prompter = prompter
    runner.lock = lock
    runner.lockStore = history
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

  /// Refuses to resume a run from another text of its playbook than the
  /// one it started from, showing what changed, unless `--force`.
  func checkPlaybook(_ record: TimelineRun, _ past: [TimelineEvent], run id: Int64, force: Bool)
    throws
  {
    let now = (try? SHA256.hex(ofFile: path)) ?? ""
    let last = past.last { $0.type == "playbook" }
    let then = last?.data["hash"]?.string ?? record.playbookHash
    guard then != now, !force, ["running", "waiting"].contains(record.status) else { return }
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    let (_, redactor) = RunbookRunner.secrets(of: runbook)
    let changes =
      last?.data["text"]?.string.map { LineDiff.render(old: $0, new: redactor.redact(text)) }
      ?? ["(the text it started from was not recorded)"]
    throw RunbookError(
      "run \(id) started from another version of this playbook (sha256 \(then.prefix(12)) then, \(now.prefix(12)) now); resuming would run the new text:\n"
        + changes.map { "  " + $0 }.joined(separator: "\n")
        + "\nresume with --force to run the new text anyway, or start a new run")
  }

  /// The variables a resumed run continues with: those it started with
  /// (a `--var` still wins), and each secret taken again, since none is
  /// stored: from `--var`, the environment variable of the same name, or a
  /// prompt at a terminal. Without one, the resume is refused, naming it.
  func resumedVars(_ record: TimelineRun, run id: Int64) throws -> [(String, String)] {
    var assigned = vars
    let declared = Set(header.document["vars"]?.map?.keys ?? [])
    let given = Set(vars.map(\.0))
    for (name, value) in record.vars.sorted(by: { $0.key < $1.key })
    where declared.contains(name) && !given.contains(name) {
      assigned.insert((name, value), at: 0)
    }
    let environment = ProcessInfo.processInfo.environment
    var missing: [String] = []
    for name in record.secretVars.sorted() where declared.contains(name) && !given.contains(name) {
      if let value = environment[name] ?? prompter.secret(name) {
        assigned.append((name, value))
      } else {
        missing.append("the variable \(name) (--var \(name)=VALUE, or \(name) in the environment)")
      }
    }
    for name in record.secretEnv.sorted() where environment[name] == nil {
      missing.append(
        "the environment variable \(name) (\(name)=VALUE in the environment, or --var \(name)=VALUE)"
      )
    }
    guard missing.isEmpty else {
      throw RunbookError(
        "run \(id) cannot resume without its secrets, which are never stored; give it "
          + missing.joined(separator: "; "))
    }
    return assigned
  }

  /// One answer of an answers file, where it is written.
  struct GivenAnswer {
    var step: String
    var stepMark: SourceMark
    var text: String
    var mark: SourceMark
  }

  /// Each answer names a step that asks something, and is an answer that
  /// question takes (yes, no or skip for a confirmation).
  static func checkAnswers(_ answers: [GivenAnswer], runbook: RunbookPlaybook) -> [Diagnostic] {
    var problems: [Diagnostic] = []
    let asking = runbook.steps.filter { $0.question != nil }.map(\.id)
    for answer in answers {
      guard let step = runbook.step(answer.step) else {
        var message =
          "the answers file answers step \"\(answer.step)\", which runbook \(runbook.name) does not have"
        if let guess = SchemaValidator.suggestion(for: answer.step, among: asking) {
          message += "; did you mean \"\(guess)\"?"
        }
        problems.append(Diagnostic(at: answer.stepMark, code: "R031", message))
        continue
      }
      guard let question = step.question else {
        problems.append(
          Diagnostic(
            at: answer.stepMark, code: "R031",
            "step \(step.id) asks nothing; the steps that ask are "
              + (asking.isEmpty ? "none" : asking.joined(separator: ", "))))
        continue
      }
      if RunbookPrompter.normalize(answer.text, question.kind) == nil {
        problems.append(
          Diagnostic(
            at: answer.mark, code: "R032",
            "step \(step.id) asks \"\(question.text)\", which takes yes, no or skip, not \"\(answer.text)\""
          ))
      }
    }
    return problems
  }

  /// `--answers FILE`: a YAML map of step id to answer (yes, no, skip or text).
  static func loadAnswers(_ path: String) throws -> [GivenAnswer] {
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
    var answers: [GivenAnswer] = []
    for entry in map.entries {
      let text: String
      switch entry.value.kind {
      case .string(let s): text = s
      case .bool(let b): text = b ? "yes" : "no"
      case .int(let i): text = String(i)
      case .double(let d): text = String(d)
      default:
        throw Diagnostic(
          at: entry.value.mark, code: "R030", "the answer for \(entry.key) must be a scalar")
      }
      answers.append(
        GivenAnswer(step: entry.key, stepMark: entry.keyMark, text: text, mark: entry.value.mark))
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
