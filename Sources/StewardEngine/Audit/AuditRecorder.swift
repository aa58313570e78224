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
    var rows = results(report)
    if let keys = IncrementalResults.keys(report) {
      for i in rows.indices { (rows[i].depKey, rows[i].detail) = keys[i] }
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
    let total = report.results.count
    let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, total / 8192))
    return report.results.withUnsafeBufferPointer { source in
      let from = Shared(UnsafeMutablePointer(mutating: source.baseAddress))
      return [ResultRecord](unsafeUninitializedCapacity: total) { buffer, filled in
        let to = Shared(buffer.baseAddress)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
          guard let results = from.pointer, let rows = to.pointer else { return }
          for i in (total * part / parts)..<(total * (part + 1) / parts) {
            (rows + i).initialize(to: row(results + i))
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
