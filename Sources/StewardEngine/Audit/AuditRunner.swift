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
  public var today: String = AuditRunner.isoDay(Date())
  /// Overrides the playbook's gate (`--fail-on`).
  public var failOn: Severity?

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

  public func run() throws -> AuditReport {
    let started = Date()
    // Each subject's tree is dropped once its checks have run: with ten
    // thousand cards, keeping them all to the end was a third of peak memory.
    let subjects = SubjectSlots(try playbook.loadSubjects())
    let refs = subjects.refs
    let checks = selectedChecks
    // A worker takes a whole subject and runs its checks in playbook order,
    // converting the subject into Lua once for all of them.
    let box = ResultBox(subjects: refs.count, checks: checks.count)
    let workerCount = max(1, min(workers, refs.count))
    let playbook = self.playbook
    let limits = self.limits
    let today = self.today
    DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
      let worker = Worker(playbook: playbook, checks: checks, limits: limits, today: today)
      while let s = box.claim() {
        box.store(subject: s, worker.run(checks, on: subjects.take(s)))
      }
    }
    var results = box.takeResults()
    let warnings = applyWaivers(&results)
    let gate = failOn ?? playbook.failOn
    let gateFailed =
      gate.map { threshold in
        results.contains {
          ($0.status == .fail || ($0.status == .error && playbook.errorsFail))
            && $0.severity >= threshold
        }
      } ?? false
    return AuditReport(
      playbookName: playbook.header.name,
      playbookTitle: playbook.header.title ?? playbook.header.name,
      playbookPath: playbook.path, startedAt: started, duration: Date().timeIntervalSince(started),
      subjects: refs,
      checks: checks, results: results, warnings: warnings, failOn: gate,
      errorsFail: playbook.errorsFail, gateFailed: gateFailed)
  }

  /// Turns covered failures into `waived`; returns warnings for expired and
  /// unused waivers.
  func applyWaivers(_ results: inout [CheckResult]) -> [Diagnostic] {
    var warnings: [Diagnostic] = []
    var used = Set<Int>()
    var reportedExpired = Set<Int>()
    for i in results.indices where results[i].status == .fail {
      let r = results[i]
      let covering = playbook.waivers.indices.filter {
        playbook.waivers[$0].covers(checkID: r.checkID, subjectID: r.subjectID)
      }
      if let live = covering.first(where: { playbook.waivers[$0].isLive(on: today) }) {
        results[i].status = .waived
        results[i].waiver = playbook.waivers[live]
        used.insert(live)
      }
      for w in covering where !playbook.waivers[w].isLive(on: today) {
        used.insert(w)
        if reportedExpired.insert(w).inserted {
          let waiver = playbook.waivers[w]
          warnings.append(
            Diagnostic(
              .warning, at: waiver.mark, code: "W010",
              "waiver for \(waiver.check) on \(waiver.subject) expired on \(waiver.expires) (owner \(waiver.owner)); the failure counts again"
            ))
        }
      }
    }
    for (w, waiver) in playbook.waivers.enumerated() where !used.contains(w) {
      warnings.append(
        Diagnostic(
          .warning, at: waiver.mark, code: "W011",
          "waiver for \(waiver.check) on \(waiver.subject) matches no failure; remove it if it is no longer needed"
        ))
    }
    return warnings
  }
}

/// Hands out subjects to the workers and collects their results by index.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var next = 0
  private let subjects: Int
  private let checks: Int
  private(set) var results: [CheckResult?]

  init(subjects: Int, checks: Int) {
    self.subjects = subjects
    self.checks = checks
    results = Array(repeating: nil, count: subjects * checks)
  }

  func claim() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < subjects else { return nil }
    next += 1
    return next - 1
  }

  /// The results in order, leaving the box empty so they are held once.
  func takeResults() -> [CheckResult] {
    lock.lock()
    defer { lock.unlock() }
    var all: [CheckResult] = []
    all.reserveCapacity(results.count)
    for i in results.indices {
      if let r = results[i] { all.append(r) }
      results[i] = nil
    }
    results = []
    return all
  }

  func store(subject: Int, _ batch: [CheckResult]) {
    lock.lock()
    for (c, result) in batch.enumerated() { results[subject * checks + c] = result }
    lock.unlock()
  }
}

/// The loaded subjects, each taken once by the worker that checks it.
final class SubjectSlots: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Subject?]
  let refs: [AuditReport.SubjectRef]

  init(_ subjects: [Subject]) {
    refs = subjects.map { AuditReport.SubjectRef(id: $0.id, file: $0.file) }
    slots = subjects
  }

  func take(_ index: Int) -> Subject {
    lock.lock()
    defer { lock.unlock() }
    guard let subject = slots[index] else {
      preconditionFailure("subject \(index) taken twice")
    }
    slots[index] = nil
    return subject
  }
}
