public import Foundation
public import StewardCore
public import StewardLua

/// Runs an audit: every applicable check on every subject, in parallel, one
/// Lua VM per worker, with results in playbook order whatever the core count.
public struct AuditRunner: Sendable {
  public var playbook: AuditPlaybook
  /// Check ids or tags to keep (`--only`); empty keeps all.
  public var only: [String] = []
  /// Check ids or tags to leave out (`--skip`).
  public var skip: [String] = []
  public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
  public var limits: LuaLimits = .default
  /// Today as `YYYY-MM-DD`, for waiver expiry; injectable for tests.
  public var today: String = AuditRunner.isoDay(StewardClock.now())
  /// Overrides the playbook's gate (`--fail-on`).
  public var gate: GatePolicy?
  /// The overriding gate's severity, for callers that name one.
  public var failOn: Severity? {
    get { gate?.threshold }
    set { gate = newValue.map { GatePolicy(threshold: $0, origin: .commandLine) } }
  }
  /// Hash every file read (SHA-256) into ``AuditReport/inputHashes``, for
  /// the history; off when nothing is recorded.
  public var hashInputs = false
  /// The findings of an earlier run (`--baseline`): only new ones fail.
  public var baseline: Baseline?
  /// Echo what checks log on stderr, from this level up.
  public var echoLogs: LuaLogLevel?
  /// `--incremental`: the recorded results to reuse (decision 0033).
  var incremental: IncrementalResults?

  public init(playbook: AuditPlaybook) {
    self.playbook = playbook
  }

  public static func isoDay(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let c = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
  }

  /// The checks left after `--only` and `--skip`.
  public var selectedChecks: [CheckSpec] {
    playbook.checks.filter { check in
      let names = [check.id] + check.tags
      if !only.isEmpty, !names.contains(where: only.contains) { return false }
      return !names.contains(where: skip.contains)
    }
  }

  /// Refuses an `--only` or `--skip` value that names no check id and no
  /// tag: a typo in `--only` would otherwise select nothing and pass the gate.
  public func validateSelection() throws {
    let names = playbook.checks.flatMap { [$0.id] + $0.tags }
    let known = Set(names)
    var problems: [Diagnostic] = []
    for (option, values) in [("--only", only), ("--skip", skip)] {
      for value in values where !known.contains(value) {
        var message = "\(option) \(value): no check has the id or tag \"\(value)\""
        if let guess = SchemaValidator.suggestion(for: value, among: names) {
          message += "; did you mean \"\(guess)\"?"
        }
        problems.append(
          Diagnostic(
            at: SourceMark(file: playbook.path, line: 0, column: 0), code: "A012", message))
      }
    }
    // Each value may name something and the whole still leave nothing
    // (`--only fairness --skip fairness`): a gate over no check passes.
    if problems.isEmpty, !(only.isEmpty && skip.isEmpty), selectedChecks.isEmpty {
      problems.append(
        Diagnostic(
          at: SourceMark(file: playbook.path, line: 0, column: 0), code: "A012",
          "--only and --skip leave no check to run"))
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
  }

  public func run() throws -> AuditReport {
    try validateSelection()
    let started = StewardClock.now()
    let files = try SubjectLoader.files(playbook.subjectPatterns)
    let checks = selectedChecks
    // One pass per file on each worker: read, validate against the schema,
    // check, and drop the tree. Ten thousand cards read up front held all
    // their trees at once, and the schema pass ran on one core.
    let box = FileResults(count: files.count)
    let workerCount = max(1, min(workers, files.count))
    let playbook = self.playbook
    let limits = self.limits
    let today = self.today
    let hashInputs = self.hashInputs
    let echo = self.echoLogs
    let incremental = self.incremental
    DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
      let worker = Worker(
        playbook: playbook, checks: checks, limits: limits, today: today, echo: echo)
      while let f = box.claim() {
        if let reused = incremental?.reuse(file: files[f]) {
          box.hash(file: f, reused.sha256)
          box.store(file: f, subjects: reused.subjects, results: reused.results)
          continue
        }
        var sha256: String?
        let loaded = SubjectLoader.subjects(
          in: files[f], observe: hashInputs ? { sha256 = SHA256.hex($0) } : nil)
        box.hash(file: f, sha256)
        switch loaded {
        case .failure(let error):
          box.store(file: f, problems: error.diagnostics)
        case .success(let subjects):
          let problems =
            playbook.schema.map { schema in
              subjects.flatMap { schema.violations(of: $0.value) }
            } ?? []
          let refs = subjects.map {
            AuditReport.SubjectRef(id: $0.id, file: $0.file, mark: $0.value.mark)
          }
          // Once the input is known to be refused, the rest is only read.
          guard problems.isEmpty, !box.refused else {
            box.store(file: f, subjects: refs, problems: problems)
            continue
          }
          // A file is usually one subject: its results are kept as they
          // are, where `flatMap` would copy each one.
          box.store(
            file: f, subjects: refs,
            results: subjects.count == 1
              ? worker.run(on: subjects[0])
              : subjects.flatMap { worker.run(on: $0) })
        }
      }
    }
    let (refs, collected, problems, hashes) = box.take(files: files)
    let refused = problems + SubjectLoader.duplicates(refs.lazy.map { ($0.id, $0.mark) })
    if !refused.isEmpty { throw PlaybookError(refused) }
    var results = collected
    try runWhole(checks.filter { $0.scope == .all }, into: &results)
    var warnings = applyWaivers(&results) + unapplied(results, checks: checks)
    let applied = baseline.map { apply($0, to: &results) }
    warnings += applied?.1 ?? []
    let gate = self.gate ?? playbook.gate ?? .default
    let gateFailed =
      gate.threshold.map { threshold in
        results.contains {
          AuditReport.blocks($0, at: threshold, errorsFail: playbook.errorsFail)
        }
      } ?? false
    return AuditReport(
      playbookName: playbook.header.name,
      playbookTitle: playbook.header.title ?? playbook.header.name,
      playbookPath: playbook.path, startedAt: started,
      duration: StewardClock.now().timeIntervalSince(started),
      subjects: refs,
      checks: checks, results: results, warnings: warnings, gate: gate,
      errorsFail: playbook.errorsFail, gateFailed: gateFailed,
      inputHashes: hashInputs ? hashes.sorted { $0.path < $1.path } : nil, baseline: applied?.0,
      incrementalKey: incremental?.key, reusedFiles: incremental?.reusedFiles ?? [:],
      reusedFromRun: incremental?.fromRun)
  }

  /// Runs the checks with `scope = "all"`, each once over every subject,
  /// and puts their results where the workers left a place for them. The
  /// subjects are read again, all at once, only when such a check runs.
  func runWhole(_ whole: [CheckSpec], into results: inout [CheckResult]) throws {
    guard !whole.isEmpty else { return }
    let subjects = try SubjectLoader.load(playbook.subjectPatterns)
    let worker = Worker(
      playbook: playbook, checks: whole, limits: limits, today: today, echo: echoLogs)
    var judged: [String: CheckResult] = [:]
    for check in whole {
      for result in worker.runWhole(check, on: subjects) {
        judged[check.id + "\0" + result.subjectID] = result
      }
    }
    let ids = Set(whole.map(\.id))
    for i in results.indices where ids.contains(results[i].checkID) {
      guard let result = judged[results[i].checkID + "\0" + results[i].subjectID] else {
        // Never left as the placeholder's skip: that would pass the gate.
        results[i].status = .error
        results[i].message = "the check judged no such subject"
        continue
      }
      results[i] = result
    }
  }

  /// Turns covered failures (and errors, which count as failures) into
  /// `waived`; returns warnings for waivers that expired, match nothing,
  /// were refused, waive every check, or expire soon.
  ///
  /// A waiver whose check was left out (`--only`, `--skip`) is not judged:
  /// it may well match a failure on the next full run. An expired waiver is
  /// reported once, saying what follows from it: the failure counts again,
  /// another waiver still holds it, or there is nothing left to waive.
  func applyWaivers(_ results: inout [CheckResult]) -> [Diagnostic] {
    let waivers = playbook.waivers
    // A `*` waiver passes these by (a waiver naming one was refused at load).
    let fixed = Set(playbook.checks.filter { !$0.waivable }.map(\.id))
    var matched = Array(repeating: false, count: waivers.count)
    // For each expired waiver that matched: whether some failure it covers
    // was held by no live waiver.
    var countsAgain = Array(repeating: false, count: waivers.count)
    var heldBy: [Int: Int] = [:]
    for i in results.indices where results[i].status == .fail || results[i].status == .error {
      if !fixed.isEmpty, fixed.contains(results[i].checkID) { continue }
      let covering = waivers.indices.filter {
        waivers[$0].covers(checkID: results[i].checkID, subjectID: results[i].subjectID)
      }
      let live = covering.first { waivers[$0].isLive(on: today) }
      if let live {
        results[i].status = .waived
        results[i].waiver = waivers[live]
      }
      for w in covering {
        matched[w] = true
        guard !waivers[w].isLive(on: today) else { continue }
        if let live { heldBy[w] = heldBy[w] ?? live } else { countsAgain[w] = true }
      }
    }
    let ran = Set(selectedChecks.map(\.id))
    let all = playbook.checks.map(\.id)
    var warnings: [Diagnostic] = []
    for (w, waiver) in waivers.enumerated() {
      let about = "waiver for \(waiver.check) on \(waiver.subject)"
      // A mistyped check id would otherwise waive nothing, quietly.
      if waiver.check != "*", !all.contains(waiver.check) {
        var message = "\(about) names no check of this playbook"
        if let guess = SchemaValidator.suggestion(for: waiver.check, among: all) {
          message += "; did you mean \"\(guess)\"?"
        }
        warnings.append(Diagnostic(.warning, at: waiver.mark, code: "W011", message))
        continue
      }
      // Whether every check it could cover ran: only then does "matches
      // nothing" mean anything.
      let judged = waiver.check == "*" ? ran.count == all.count : ran.contains(waiver.check)
      let live = waiver.isLive(on: today)
      if !live {
        var message = "\(about) expired on \(waiver.expires) (owner \(waiver.owner))"
        if countsAgain[w] {
          message += "; the result is no longer waived"
        } else if let live = heldBy[w] {
          message += "; the result is still waived by the waiver at \(waivers[live].mark)"
        } else if judged {
          message += "; it matches nothing now; remove it"
        }
        warnings.append(Diagnostic(.warning, at: waiver.mark, code: "W010", message))
      } else if !matched[w], judged {
        warnings.append(
          Diagnostic(
            .warning, at: waiver.mark, code: "W011",
            "\(about) matches no failure; remove it if it is no longer needed"))
      }
      // Reported on every run, matched or not: one line opens the gate.
      if waiver.check == "*", live {
        warnings.append(
          Diagnostic(
            .warning, at: waiver.mark, code: "W015",
            "waiver for every check (scope: all-checks) on \(waiver.subject), owner \(waiver.owner), until \(waiver.expires)"
              + (fixed.isEmpty
                ? ""
                : "; it does not cover \(fixed.sorted().joined(separator: ", ")) (waivable: false)")
          ))
      }
      if live, let left = waiver.daysLeft(on: today), left <= playbook.waiverNoticeDays {
        warnings.append(
          Diagnostic(
            .warning, at: waiver.mark, code: "W016",
            "\(about) expires \(Self.when(left)) (\(waiver.expires), owner \(waiver.owner))"))
      }
    }
    for waiver in playbook.refusedWaivers {
      warnings.append(
        Diagnostic(
          .warning, at: waiver.mark, code: "W013",
          "waiver for \(waiver.check) on \(waiver.subject) refused: this playbook takes waivers only from "
            + (playbook.waiversFrom ?? []).map(InputFiles.shown).joined(separator: ", ")
            + "; it waives nothing"))
    }
    return warnings
  }

  /// Checks whose `when:` was false or nil for every subject: a misspelt
  /// path in it reads as nil, and the check judged nothing while the gate
  /// passed without a word (new-user review of issue 15).
  func unapplied(_ results: [CheckResult], checks: [CheckSpec]) -> [Diagnostic] {
    // Only checks with a `when:` can go unapplied. Read in place and matched
    // by position first: a worker leaves each subject's results in check
    // order, and copying or hashing each of 140,000 results was 80 ms on one
    // core at the end of a 10,000-card run, with the other core idle.
    var guarded: [String: Int] = [:]
    for (i, check) in checks.enumerated() where check.when != nil { guarded[check.id] = i }
    guard !guarded.isEmpty else { return [] }
    var subjects = [Int](repeating: 0, count: checks.count)
    var judged = [Bool](repeating: false, count: checks.count)
    results.withUnsafeBufferPointer { results in
      for r in results.indices {
        let id = results[r].checkID
        let slot = r % checks.count
        let index = checks[slot].id == id ? slot : guarded[id]
        guard let index, checks[index].when != nil else { continue }
        subjects[index] += 1
        if !judged[index],
          results[r].status != .skip || !results[r].message.hasPrefix("not applicable (when: ")
        {
          judged[index] = true
        }
      }
    }
    return checks.indices.compactMap { i in
      guard let when = checks[i].when, subjects[i] > 0, !judged[i] else { return nil }
      return Diagnostic(
        .warning, at: checks[i].whenMark, code: "W019",
        "check \(checks[i].id) applied to none of the \(English.count(subjects[i], "subject")): its when: (\(when)) was false or nil for each; a misspelt path in it reads as nil"
      )
    }
  }

  /// "today", "tomorrow", "in 5 days".
  static func when(_ days: Int) -> String {
    switch days {
    case 0: "today"
    case 1: "tomorrow"
    default: "in \(days) days"
    }
  }
}

/// Hands out files to the workers and collects, by file, their subjects,
/// results and problems, so that the report keeps file order.
final class FileResults: @unchecked Sendable {
  private struct Slot {
    var subjects: [AuditReport.SubjectRef] = []
    var results: [CheckResult] = []
    var problems: [Diagnostic] = []
  }

  private let lock = NSLock()
  private var next = 0
  private var slots: [Slot]
  /// Kept apart from the slots, which `store` replaces whole.
  private var hashes: [String?]
  private var anyProblem = false

  init(count: Int) {
    slots = Array(repeating: Slot(), count: count)
    hashes = Array(repeating: nil, count: count)
  }

  func hash(file: Int, _ sha256: String?) {
    guard let sha256 else { return }
    lock.withLock { hashes[file] = sha256 }
  }

  func claim() -> Int? {
    lock.withLock {
      guard next < slots.count else { return nil }
      next += 1
      return next - 1
    }
  }

  /// Whether some file was refused already: the run will not report.
  var refused: Bool { lock.withLock { anyProblem } }

  func store(
    file: Int, subjects: [AuditReport.SubjectRef] = [], results: [CheckResult] = [],
    problems: [Diagnostic] = []
  ) {
    lock.withLock {
      slots[file] = Slot(subjects: subjects, results: results, problems: problems)
      if !problems.isEmpty { anyProblem = true }
    }
  }

  /// Everything in file order, leaving the box empty so results are held
  /// once; the hashes are of the files that were hashed.
  func take(files paths: [String]) -> (
    [AuditReport.SubjectRef], [CheckResult], [Diagnostic], [InputHash]
  ) {
    lock.withLock {
      var subjects: [AuditReport.SubjectRef] = []
      var problems: [Diagnostic] = []
      // Where each file's results start in the list (by index: `for slot in
      // slots` would copy every slot's arrays).
      let offsets = slots.indices.reduce(into: [0]) { starts, i in
        starts.append(starts[starts.count - 1] + slots[i].results.count)
      }
      let total = offsets[offsets.count - 1]
      let files = slots.count
      // Moved on all cores, each a run of files into its own part of the
      // list: the move is mostly the first touch of new memory.
      let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, total / 4096))
      let results = [CheckResult](unsafeUninitializedCapacity: total) { buffer, filled in
        slots.withUnsafeMutableBufferPointer { slots in
          let from = Shared(slots.baseAddress)
          let to = Shared(buffer.baseAddress)
          DispatchQueue.concurrentPerform(iterations: parts) { part in
            guard let slots = from.pointer, let list = to.pointer else { return }
            for i in (files * part / parts)..<(files * (part + 1) / parts) {
              _ = Self.move(&slots[i].results, to: list + offsets[i])
            }
          }
        }
        filled = total
      }
      for i in slots.indices {
        subjects += slots[i].subjects
        problems += slots[i].problems
      }
      slots = []
      let inputs = hashes.indices.compactMap { i in
        hashes[i].map { InputHash(path: paths[i], sha256: $0) }
      }
      return (subjects, results, problems, inputs)
    }
  }

  /// What a moved-from slot holds until it is freed: empty fields, so that
  /// setting and freeing it touches no other memory.
  private static let placeholder = CheckResult(
    checkID: "", subjectID: "", status: .skip, severity: .info)

  /// Moves the elements of `chunk` to `target` and leaves `chunk` holding
  /// placeholders; returns how many moved. Copying the 140,000 results of a
  /// 10,000-card run retained and released every string of every result,
  /// all over the heap: 80 ms on one core at the end of the run, with the
  /// other idle.
  private static func move(
    _ chunk: inout [CheckResult], to target: UnsafeMutablePointer<CheckResult>
  )
    -> Int
  {
    chunk.withUnsafeMutableBufferPointer { source in
      guard let base = source.baseAddress else { return 0 }
      target.moveInitialize(from: base, count: source.count)
      base.initialize(repeating: placeholder, count: source.count)
      return source.count
    }
  }
}

/// A pointer handed to the threads of `concurrentPerform` (`FileResults.take`,
/// `AuditRecorder.results`), each of which touches only its own elements.
struct Shared<Element>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Element>?
  init(_ pointer: UnsafeMutablePointer<Element>?) { self.pointer = pointer }
}
