public import Foundation

/// Where runs are kept once they finish: `steward run` records every run, and
/// `steward history` reads them back (docs/history.md).
///
/// Two implementations: ``SQLiteHistoryStore`` (the `.steward/history.sqlite`
/// file) and ``InMemoryHistoryStore`` (tests). Pass one in a ``RunContext``.
///
/// ```swift
/// let store = InMemoryHistoryStore()
/// let id = try store.record(run, results: rows)
/// let trend = try store.series(metric: "fail", playbook: "deployment-gate")
/// ```
public protocol HistoryStore: Sendable {
  /// Records a run with its results, all or nothing; returns the run's id.
  /// `run.id` is ignored and `run.resultCount` is set from `results`.
  @discardableResult
  func record(_ run: RunRecord, results: [ResultRecord]) throws -> Int64

  /// Records a run the same way, but commits only if `commit` (called once
  /// the rows are in, and free to wait) says so; nil when it did not. The
  /// rows can go in while the report is still being written, and the run
  /// is kept only once the report is out.
  func record(_ run: RunRecord, results: [ResultRecord], commitIf commit: () -> Bool) throws
    -> Int64?

  /// Runs, newest first; only `playbook`'s when given, at most `limit`.
  func runs(playbook: String?, limit: Int?) throws -> [RunRecord]

  /// The results of one run, in the order they were recorded.
  func results(ofRun id: Int64) throws -> [ResultRecord]

  /// A metric of `playbook`'s runs, oldest first; runs without it are left out.
  func series(metric: String, playbook: String) throws -> [MetricPoint]
  /// Runs `body` while holding the store's export lock, which another
  /// process's `history export` into the same store waits for: two exports
  /// at once each found a run missing and both copied it.
  func exclusively<T>(_ body: () throws -> T) throws -> T
}

extension HistoryStore {
  /// A store only this process sees needs no lock.
  public func exclusively<T>(_ body: () throws -> T) throws -> T { try body() }
}

/// One run of one playbook, as the history keeps it.
public struct RunRecord: Sendable, Equatable {
  /// Set by the store when the run is recorded.
  public var id: Int64?
  public var playbook: String
  /// The playbook kind: `audit`, later `survey`, `runbook`…
  public var kind: String
  /// The playbook file as given on the command line.
  public var playbookPath: String
  /// SHA-256 of the playbook file's bytes, lowercase hex.
  public var playbookHash: String
  public var startedAt: Date
  public var duration: TimeInterval
  public var stewardVersion: String
  /// The exit status the run ended with (0 or 1; a run that exits 2 is not recorded).
  public var exitStatus: Int
  /// `passed`, `failed`, or `none` when no gate was set.
  public var gate: String
  /// Every input file (path as the run named it) with its SHA-256, in path order.
  public var inputs: [InputHash]
  /// Summary metrics in a stable order: `results`, `pass`, `fail`, … and kind-specific ones.
  public var metrics: [Metric]
  /// How many result rows the run has.
  public var resultCount: Int
  /// Runs this one replaces: deleted in the same transaction that records
  /// it (a survey re-run for a period it already recorded). Not stored.
  public var replacing: [Int64] = []

  public init(
    id: Int64? = nil, playbook: String, kind: String, playbookPath: String, playbookHash: String,
    startedAt: Date, duration: TimeInterval, stewardVersion: String, exitStatus: Int,
    gate: String, inputs: [InputHash] = [], metrics: [Metric] = [], resultCount: Int = 0
  ) {
    self.id = id
    self.playbook = playbook
    self.kind = kind
    self.playbookPath = playbookPath
    self.playbookHash = playbookHash
    self.startedAt = startedAt
    self.duration = duration
    self.stewardVersion = stewardVersion
    self.exitStatus = exitStatus
    self.gate = gate
    self.inputs = inputs
    self.metrics = metrics
    self.resultCount = resultCount
  }

  /// The value of a summary metric, if the run has it.
  public func metric(_ name: String) -> Double? {
    metrics.first { $0.name == name }?.value
  }
}

/// An input file and the SHA-256 of its bytes.
public struct InputHash: Sendable, Equatable {
  public var path: String
  public var sha256: String

  public init(path: String, sha256: String) {
    self.path = path
    self.sha256 = sha256
  }
}

/// A named number in a run's summary.
public struct Metric: Sendable, Equatable {
  public var name: String
  public var value: Double

  public init(_ name: String, _ value: Double) {
    self.name = name
    self.value = value
  }
}

/// One result row of a run: a check (or metric) on a subject.
public struct ResultRecord: Sendable, Equatable {
  public var subject: String
  public var check: String
  public var status: String
  public var severity: String
  public var message: String
  /// `file:line:column` of the deciding field, or empty.
  public var location: String
  /// An audit finding's ``CheckResult/fingerprint``, for `--baseline-run`;
  /// empty for other results and for runs recorded before it was kept.
  public var fingerprint: String = ""
  /// `--incremental` runs only: the key of what the result depended on
  /// and what a later run needs to reuse it (decision 0033); "" otherwise.
  public var depKey = ""
  public var detail = ""

  public init(
    subject: String, check: String, status: String, severity: String, message: String = "",
    location: String = "", fingerprint: String = ""
  ) {
    self.fingerprint = fingerprint
    self.subject = subject
    self.check = check
    self.status = status
    self.severity = severity
    self.message = message
    self.location = location
  }
}

/// A metric's value in one run, for trends.
public struct MetricPoint: Sendable, Equatable {
  public var runID: Int64
  public var startedAt: Date
  public var value: Double

  public init(runID: Int64, startedAt: Date, value: Double) {
    self.runID = runID
    self.startedAt = startedAt
    self.value = value
  }
}

/// Why the history store could not be used; printed as `PATH: error: MESSAGE`.
public struct HistoryError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var message: String

  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): error: \(message)" }
}

/// What a run needs from its surroundings, passed in rather than global
/// (STYLE.md, practice 14): the history store, or none with `--no-record`.
extension HistoryStore {
  /// For stores without a transaction to hold open: decide, then record.
  public func record(
    _ run: RunRecord, results: [ResultRecord], commitIf commit: () -> Bool
  ) throws -> Int64? {
    guard commit() else { return nil }
    return try record(run, results: results)
  }
}

public struct RunContext: Sendable {
  public var history: (any HistoryStore)?

  public init(history: (any HistoryStore)? = nil) {
    self.history = history
  }
}

/// A store that keeps, beside the results of an `--incremental` run, the
/// key of what each depended on (decision 0033).
public protocol ResultKeyStore: HistoryStore {
  /// The position, key and detail of each result of run `id` that has
  /// them, in order.
  func resultKeys(ofRun id: Int64) throws -> [(position: Int, key: String, detail: String)]
  /// The id and kind of the playbook's newest run, as `runs(playbook:limit: 1)`
  /// would list it first, without reading its 10,000 input hashes.
  func newestRun(playbook: String) throws -> (id: Int64, kind: String)?
}

/// Results an `--incremental` run reused, recorded as a reference to the
/// rows (`result` and `result_key`) of the run they were reused from,
/// rather than sent again (decisions 0033 and 0047).
public struct ResultCopy: Sendable, Equatable {
  public var fromRun: Int64
  /// The first result's position in `fromRun`, and in the run recorded.
  public var from: Int
  public var to: Int
  public var count: Int

  /// The positions of `count` results whose rows are sent: those no copy
  /// covers. A copy out of bounds, or any copy into a store whose schema
  /// is older than references (`keepsReuses` false), is an error, and
  /// nothing is recorded.
  static func sentPositions(_ count: Int, copies: [ResultCopy], path: String, keepsReuses: Bool)
    throws -> [Int]
  {
    guard !copies.isEmpty else { return Array(0..<count) }
    guard keepsReuses else {
      throw HistoryError(path: path, "cannot record reused results in a store before v8")
    }
    var copied = [Bool](repeating: false, count: count)
    for copy in copies {
      guard copy.count > 0, copy.to >= 0, copy.to + copy.count <= count else {
        throw HistoryError(path: path, "cannot record the run: a reused range is out of bounds")
      }
      for n in copy.to..<(copy.to + copy.count) { copied[n] = true }
    }
    return (0..<count).filter { !copied[$0] }
  }
}

/// A store that records reused results by reference (SQLite's and
/// PostgreSQL's, from migration v8).
public protocol CopyingResultStore: HistoryStore {
  /// Records `run` as ``HistoryStore/record(_:results:commitIf:)`` does,
  /// except the results in `copies`, whose rows in `results` are not read:
  /// those come from the runs the copies name, and the record fails, with
  /// nothing written, when any is not all there.
  func record(
    _ run: RunRecord, results: [ResultRecord], copies: [ResultCopy], commitIf commit: () -> Bool
  ) throws -> Int64?
}

extension CopyingResultStore {
  /// A run with nothing reused, in the one transaction `copies` go in.
  public func record(
    _ run: RunRecord, results: [ResultRecord], commitIf commit: () -> Bool
  ) throws -> Int64? {
    try record(run, results: results, copies: [], commitIf: commit)
  }
}

/// A store that keeps sign-offs and who triggered each run that needs one
/// (migration "v6-signoff"), and what each result of such a run was bound to
/// (migration "v7-signoff-binding"): SQLite's and PostgreSQL's.
public protocol SignOffStore: HistoryStore {
  /// Keeps who triggered the run and its results' bindings
  /// (``SignOffs/bindings(_:playbook:)``, by position) in one transaction.
  func recordTrigger(_ trigger: RunTrigger, bindings: [String]) throws
  func trigger(ofRun run: Int64) throws -> RunTrigger?
  /// What each result of run `run` was bound to, by position; empty for a
  /// run recorded before migration v7.
  func bindings(ofRun run: Int64) throws -> [String]
  /// The run's playbook name, path and kind, or nil when there is no such run.
  func runSummary(_ run: Int64) throws -> (playbook: String, path: String, kind: String)?
  @discardableResult func recordSignOff(_ s: SignOffRecord) throws -> Int64
  /// A playbook's sign-offs, oldest first; only `role`'s when given.
  func signOffs(playbook: String, role: String?) throws -> [SignOffRecord]
}
