import ArgumentParser
import Foundation
import StewardCore
import StewardEngine
import StewardYAML

#if canImport(Glibc)
  import Glibc
#endif

extension RunCommand {
  /// `steward run RUNBOOK`: runs the steps, streaming what they print to
  /// stderr and the log, appending the timeline to the history store as it
  /// goes, then prints the report (text, markdown or json). Exits 0 when
  /// every step passed, 1 when one failed or the run escalated.
  func runRunbook(_ header: PlaybookHeader, overrides: [String: [String]]) throws {
    guard ["text", "markdown", "json"].contains(format) else {
      throw ValidationError(
        "a runbook report is text, markdown or json; \"\(format)\" is for audits")
    }
    if failOn != nil || !only.isEmpty || !skip.isEmpty || ignoreErrors || !overrides.isEmpty {
      throw ValidationError(
        "--fail-on, --only, --skip, --input and --ignore-errors do not apply to runbooks")
    }
    var given: [(String, String)] = []
    for item in vars {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw ValidationError("--var takes KEY=VALUE, found \"\(item)\"")
      }
      given.append((parts[0], parts[1]))
    }
    var resumeID: Int64?
    if let resume {
      guard let id = Int64(resume), id > 0 else {
        throw ValidationError("--resume takes the run number steward printed when the run started")
      }
      if noRecord { throw ValidationError("--resume reads the history store; drop --no-record") }
      resumeID = id
    }

    let runbook: RunbookPlaybook
    let history: SQLiteHistoryStore?
    var prompter = RunbookPrompter()
    prompter.yes = yes
    do {
      history = noRecord || dryRun ? nil : try SQLiteHistoryStore(path: store)
      var assigned = given
      if let resumeID, let history, let (record, _) = try history.timeline(resumeID) {
        // A resumed run keeps the variables it started with; --var still wins.
        let declared = Set(header.document["vars"]?.map?.keys ?? [])
        for (name, value) in record.vars.sorted(by: { $0.key < $1.key })
        where declared.contains(name) && !given.contains(where: { $0.0 == name }) {
          assigned.insert((name, value), at: 0)
        }
      }
      runbook = try RunbookPlaybook.load(
        header: header, path: playbook, vars: assigned, pluginPath: pluginPath)
      if let answers {
        prompter.answers = try Self.loadAnswers(answers)
        prompter.answersFile = answers
      }
    } catch {
      throw inputFailure(error)
    }

    if dryRun {
      try emit(RunbookPlan.render(runbook))
      return
    }

    let timelines: any TimelineStore = history ?? InMemoryTimelineStore()
    let report: RunbookReport
    do {
      let runner = try RunbookRunner(playbook: runbook, store: timelines)
      runner.prompter = prompter
      runner.playbookHash = (try? SHA256.hex(ofFile: playbook)) ?? ""
      runner.terminal = { bytes in _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
      }
      runner.log = history.flatMap { Self.openLog(store: $0.path, playbook: runbook.name) }
      Interrupts.install()
      // The main thread is outside Swift's cooperative pool, so it may wait here.
      let box = UncheckedBox(runner)
      let resuming = resumeID
      report = try Blocking.wait {
        if let resumeID = resuming { return try await box.value.resume(resumeID) }
        return try await box.value.run()
      }
    } catch let error as RunbookError {
      Console.error("\(playbook): error: \(error.description)")
      throw ExitCode(Exit.inputError)
    } catch {
      throw inputFailure(error)
    }

    switch format {
    case "markdown": try emit(RunbookMarkdownReporter().render(report))
    case "json": try emit(RunbookJSONReporter().render(report))
    default: try emit(RunbookTextReporter().render(report))
    }
    try record {
      try RunbookRecorder.record(
        report, playbook: runbook, in: RunContext(history: history), timelines: history)
    }
    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
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
