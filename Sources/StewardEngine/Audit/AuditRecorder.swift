import Foundation
import StewardCore

/// Turns a finished audit into history rows and records them.
///
/// ```swift
/// let report = try runner.run()
/// try AuditRecorder.record(report, in: context)   // after the report is written
/// ```
public enum AuditRecorder {
  /// Records `report` in the context's store, if it has one; returns the run id.
  /// The playbook and every subject file are hashed now (SHA-256).
  @discardableResult
  public static func record(_ report: AuditReport, in context: RunContext) throws -> Int64? {
    try record(report, in: context, commitIf: { true })
  }

  /// Records the run, committing only if `commit` says so once the rows are
  /// in (``HistoryStore/record(_:results:commitIf:)``).
  public static func record(
    _ report: AuditReport, in context: RunContext, commitIf commit: () -> Bool
  ) throws -> Int64? {
    guard let store = context.history else { return nil }
    guard let (keys, copies) = IncrementalResults.keysAndCopies(report) else {
      return try store.record(try run(report), results: results(report), commitIf: commit)
    }
    // Reused results are copied inside a store that can (their rows are
    // not made here at all), and sent again to one that cannot.
    let copying = store as? any CopyingResultStore
    var skip = [Bool](repeating: false, count: report.results.count)
    if copying != nil {
      for copy in copies { for n in copy.to..<(copy.to + copy.count) { skip[n] = true } }
    }
    var rows = results(report, skipping: skip)
    for i in rows.indices where !skip[i] { (rows[i].depKey, rows[i].detail) = keys[i] }
    if let copying {
      return try copying.record(try run(report), results: rows, copies: copies, commitIf: commit)
    }
    return try store.record(try run(report), results: rows, commitIf: commit)
  }

  /// The run row of an audit: hashes, gate and summary metrics.
  public static func run(_ report: AuditReport) throws -> RunRecord {
    let inputs = try report.inputHashes ?? hashedSubjectFiles(report)
    let counts = report.counts
    var metrics = [
      Metric("results", Double(report.results.count)),
      Metric("subjects", Double(report.subjects.count)),
      Metric("checks", Double(report.checks.count)),
    ]
    metrics += CheckStatus.allCases.map { Metric($0.rawValue, Double(counts[$0] ?? 0)) }
    if let failOn = report.failOn {
      metrics.append(Metric("blocking", Double(report.blockingCount(at: failOn))))
    }
    metrics += report.campaignMetrics
    return RunRecord(
      playbook: report.playbookName, kind: "audit", playbookPath: report.playbookPath,
      playbookHash: try SHA256.hex(ofFile: report.playbookPath), startedAt: report.startedAt,
      duration: report.duration, stewardVersion: StewardVersion.current,
      exitStatus: Int(report.exitStatus),
      gate: report.exitStatus == Exit.waiting
        ? "awaiting sign-off"
        : report.failOn == nil ? "none" : (report.gateFailed ? "failed" : "passed"),
      inputs: inputs, metrics: metrics, resultCount: report.results.count)
  }

  /// A report whose run did not hash its files: each subject file, read again.
  static func hashedSubjectFiles(_ report: AuditReport) throws -> [InputHash] {
    var files: [String] = []
    var seen = Set<String>()
    for subject in report.subjects where seen.insert(subject.file).inserted {
      files.append(subject.file)
    }
    return try files.sorted().map { InputHash(path: $0, sha256: try SHA256.hex(ofFile: $0)) }
  }

  /// One row per check result, in the report's order, made on all cores: a
  /// 10,000-card run has 140,000, each with its location to format, which
  /// took 70 ms on one core while the other waited.
  public static func results(_ report: AuditReport) -> [ResultRecord] {
    results(report, skipping: [])
  }

  /// The rows, with an empty one at each position `skip` marks (a store
  /// copies those results from an earlier run).
  static func results(_ report: AuditReport, skipping skip: [Bool]) -> [ResultRecord] {
    let total = report.results.count
    let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, total / 8192))
    return report.results.withUnsafeBufferPointer { source in
      let from = Shared(UnsafeMutablePointer(mutating: source.baseAddress))
      return [ResultRecord](unsafeUninitializedCapacity: total) { buffer, filled in
        let to = Shared(buffer.baseAddress)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
          guard let results = from.pointer, let rows = to.pointer else { return }
          for i in (total * part / parts)..<(total * (part + 1) / parts) {
            (rows + i).initialize(
              to: i < skip.count && skip[i]
                ? ResultRecord(subject: "", check: "", status: "", severity: "")
                : row(results + i))
          }
        }
        filled = total
      }
    }
  }

  /// The row of the result at `r`, read in place.
  private static func row(_ r: UnsafePointer<CheckResult>) -> ResultRecord {
    ResultRecord(
      subject: r.pointee.subjectID, check: r.pointee.checkID, status: r.pointee.status.rawValue,
      severity: r.pointee.severity.rawValue, message: r.pointee.displayMessage,
      location: r.pointee.mark.isKnown ? r.pointee.mark.description : "",
      // Hashed for findings only: a passing result is never in a baseline.
      fingerprint: r.pointee.status == .fail || r.pointee.status == .error
        || r.pointee.status == .waived ? r.pointee.fingerprint : "")
  }
}
