public import Foundation
public import StewardCore

/// Everything an audit run produced, in a deterministic order: subjects in
/// file order, and for each subject the checks in playbook order.
public struct AuditReport: Sendable {
  public struct SubjectRef: Sendable {
    public var id: String
    public var file: String
    /// Where the subject's document starts.
    public var mark: SourceMark = .unknown
  }

  public var playbookName: String
  public var playbookTitle: String
  public var playbookPath: String
  public var startedAt: Date
  public var duration: TimeInterval
  public var subjects: [SubjectRef]
  public var checks: [CheckSpec]
  public var results: [CheckResult]
  /// Expired and unused waivers, and other things worth a look.
  public var warnings: [Diagnostic]
  /// The gate that applied: the command line's, the playbook's, or the default.
  public var gate: GatePolicy
  /// The lowest severity that fails the gate; nil when it only reports.
  public var failOn: Severity? { gate.threshold }
  public var errorsFail: Bool
  public var gateFailed: Bool
  /// The SHA-256 of every file read, by path, when the run was asked to
  /// hash them (``AuditRunner/hashInputs``): hashed from the bytes the
  /// workers parsed, so the history names exactly what was checked.
  public var inputHashes: [InputHash]? = nil
  /// What the run made of its baseline, when it was given one.
  public var baseline: BaselineOutcome? = nil
  /// What every file's key starts from, in an `--incremental` run.
  var incrementalKey: String? = nil
  /// Each file an `--incremental` run reused, by file key, and the run it
  /// came from: recorded again as it was read rather than encoded anew.
  var reusedFiles: [String: IncrementalResults.ReusedFile] = [:]
  var reusedFromRun: Int64? = nil
  /// Each campaign's progress, recorded as run metrics (`campaign.NAME.passing`).
  public var campaignMetrics: [Metric] = []
  /// Each campaign's progress in this run, in the playbook's order.
  public var campaignProgress: [CampaignProgress] = []
  /// The checks of campaigns still before their deadline: not in the gate.
  public var openCampaignChecks: Set<String> = []
  /// Where the sign-off the playbook requires stands; nil when it needs none.
  public var signoff: SignOffOutcome? = nil {
    didSet {
      guard let signoff else { return }
      if signoff.state == .rejected { gateFailed = true }
      // Said as warnings: every format lists them, and none reads as a pass.
      warnings += signoff.lines.map {
        Diagnostic(
          $0.hasPrefix("signed off") ? .note : .warning,
          at: SourceMark(file: playbookPath, line: 0, column: 0), code: "A063", $0)
      }
    }
  }

  /// How many results have each status.
  public var counts: [CheckStatus: Int] {
    // Tallied in place by position, then keyed: `for r in results` copied
    // every result and hashed every status.
    var tally = [Int](repeating: 0, count: CheckStatus.allCases.count)
    results.withUnsafeBufferPointer { results in
      for i in results.indices { tally[results[i].status.position] += 1 }
    }
    var counts: [CheckStatus: Int] = [:]
    for status in CheckStatus.allCases where tally[status.position] > 0 {
      counts[status] = tally[status.position]
    }
    return counts
  }

  /// Results that hold the gate shut (or would, at `failOn`).
  public func blocking(at threshold: Severity) -> [CheckResult] {
    results.filter { blocks($0, at: threshold) }
  }

  /// How many results hold the gate shut at `threshold`, counted in place.
  public func blockingCount(at threshold: Severity) -> Int {
    // Field by field: handing each result to `blocks` copied it whole
    // (every string retained and released), 30 ms of a 10,000-card run.
    results.withUnsafeBufferPointer { results in
      var count = 0
      for i in results.indices
      where Self.blocks(
        status: results[i].status, severity: results[i].severity,
        inBaseline: results[i].inBaseline, at: threshold, errorsFail: errorsFail)
      {
        count += 1
      }
      return count
    }
  }

  /// Whether `r` holds the gate shut at `threshold`.
  func blocks(_ r: CheckResult, at threshold: Severity) -> Bool {
    Self.blocks(r, at: threshold, errorsFail: errorsFail)
  }

  /// Whether a result holds the gate shut: the one rule the run, the
  /// campaigns and every count go through, so none of them forgets a part
  /// of it (campaigns once counted baselined failures again).
  static func blocks(_ r: CheckResult, at threshold: Severity, errorsFail: Bool) -> Bool {
    blocks(
      status: r.status, severity: r.severity, inBaseline: r.inBaseline, at: threshold,
      errorsFail: errorsFail)
  }

  static func blocks(
    status: CheckStatus, severity: Severity, inBaseline: Bool, at threshold: Severity,
    errorsFail: Bool
  ) -> Bool {
    (status == .fail || (status == .error && errorsFail)) && severity >= threshold && !inBaseline
  }

  public func results(for subject: String) -> [CheckResult] {
    results.filter { $0.subjectID == subject }
  }

  /// Results grouped by subject id in one pass, for reporters that walk every
  /// subject (filtering per subject would be quadratic at 10,000 cards).
  public var resultsBySubject: [String: [CheckResult]] {
    Dictionary(grouping: results, by: \.subjectID)
  }
}

extension AuditReport {
  /// Results that hold the gate shut at `threshold`, leaving out the checks
  /// of campaigns before their deadline.
  public func gating(at threshold: Severity) -> Int {
    blocking(at: threshold).count { !openCampaignChecks.contains($0.checkID) }
  }

  /// What the exit status says, in words, for every format's verdict: a
  /// gate whose results pass but that awaits a sign-off exits 3, not 0.
  public var gateVerdict: String {
    if gateFailed {
      if let signoff, signoff.state == .rejected { return "failed: \(signoff.summary)" }
      return "failed"
    }
    if let signoff, signoff.state == .awaiting { return "\(signoff.summary) (exit 3)" }
    if failOn == nil { return "report only" }
    return "passed" + (signoff.map { ", \($0.summary)" } ?? "")
  }
}

extension CheckStatus {
  /// Where the status sits in `allCases`, for tallies kept in an array.
  fileprivate var position: Int {
    switch self {
    case .pass: 0
    case .fail: 1
    case .skip: 2
    case .waived: 3
    case .error: 4
    }
  }
}
