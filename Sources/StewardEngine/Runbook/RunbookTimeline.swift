public import Foundation
public import StewardCore

/// One thing that happened in a runbook run, appended the moment it happens.
///
/// Types: `run_started`, `run_resumed`, `step_started`, `output`, `exit`,
/// `retry`, `check`, `prompt`, `step_finished`, `escalation`, `hook`,
/// `run_finished`. `data` holds the details (exit code, answer, captures…).
public struct TimelineEvent: Sendable, Equatable {
  /// Position in the run's timeline, from 1; unique per run.
  public var seq: Int
  public var at: Date
  /// The step's id, or "" for events of the whole run.
  public var step: String
  public var type: String
  /// One readable line (already redacted).
  public var message: String
  public var data: Value

  public init(
    seq: Int = 0, at: Date = StewardClock.now(), step: String, type: String, message: String,
    data: Value = [:]
  ) {
    self.seq = seq
    self.at = at
    self.step = step
    self.type = type
    self.message = message
    self.data = data
  }
}

/// The row a runbook run gets when it starts, so that it can be resumed.
public struct TimelineRun: Sendable, Equatable {
  public var id: Int64?
  public var playbook: String
  public var playbookPath: String
  public var playbookHash: String
  public var startedAt: Date
  /// `running` until it ends, then `ok`, `failed` or `escalated`.
  public var status: String
  /// The variables the run used (`--var` included), secret ones left out.
  public var vars: [String: String]
  /// Secret variables given on the command line or from the environment:
  /// only their names are kept, and a resume must be given them again.
  public var secretVars: [String] = []
  /// Secret environment variables the run took from its environment (names only).
  public var secretEnv: [String] = []
  /// The history run recorded when it ended.
  public var historyRun: Int64?

  public init(
    id: Int64? = nil, playbook: String, playbookPath: String, playbookHash: String,
    startedAt: Date, status: String = "running", vars: [String: String] = [:],
    historyRun: Int64? = nil
  ) {
    self.id = id
    self.playbook = playbook
    self.playbookPath = playbookPath
    self.playbookHash = playbookHash
    self.startedAt = startedAt
    self.status = status
    self.vars = vars
    self.historyRun = historyRun
  }
}

/// Where timelines are written as they happen: each ``append(_:to:)`` is one
/// small transaction, so a run killed with SIGKILL loses nothing it did.
public protocol TimelineStore: Sendable {
  /// Where the store is, for messages (and, for SQLite, the run locks' folder).
  var path: String { get }
  /// Starts a timeline; returns its id (the RUN of `--resume RUN`).
  func begin(_ run: TimelineRun) throws -> Int64
  /// Appends one event; `event.seq` must be the next number.
  func append(_ event: TimelineEvent, to run: Int64) throws
  /// Marks the run ended, linking the history run it was recorded as.
  func finish(_ run: Int64, status: String, historyRun: Int64?) throws
  /// The run and its events in order, or nil when there is no such run.
  func timeline(_ run: Int64) throws -> (TimelineRun, [TimelineEvent])?
  /// Runbook runs that never ended (`running`, or killed, and `waiting`), newest first.
  func unfinishedTimelines() throws -> [Int64]
  /// The runbook run that `steward history`'s run `run` is the record of.
  func timeline(recordedAs run: Int64) throws -> Int64?
}

extension TimelineStore {
  /// "There is no runbook run N", saying which runbook run it is when N is
  /// the number `steward history` shows for it: the two are numbered apart,
  /// and an engineer who typed the history's number was told only that
  /// there was no such run.
  public func noSuchRun(_ run: Int64, in place: String) -> RunbookError {
    var message = "there is no runbook run \(run) in \(place)"
    if let timeline = try? timeline(recordedAs: run) {
      message +=
        "; run \(run) in `steward history` is the record of runbook run \(timeline): use \(timeline)"
    }
    return RunbookError(message)
  }
}

/// Timelines in memory, for tests and `--no-record` runs.
public final class InMemoryTimelineStore: TimelineStore, @unchecked Sendable {
  private let lock = NSLock()
  private var runs: [Int64: TimelineRun] = [:]
  private var events: [Int64: [TimelineEvent]] = [:]
  private var next: Int64 = 1

  public let path = "memory"

  public init() {}

  public func begin(_ run: TimelineRun) throws -> Int64 {
    lock.withLock {
      let id = next
      next += 1
      var run = run
      run.id = id
      runs[id] = run
      events[id] = []
      return id
    }
  }

  public func append(_ event: TimelineEvent, to run: Int64) throws {
    try lock.withLock {
      guard events[run] != nil else { throw HistoryError(path: "memory", "no runbook run \(run)") }
      events[run]?.append(event)
    }
  }

  public func finish(_ run: Int64, status: String, historyRun: Int64?) throws {
    lock.withLock {
      runs[run]?.status = status
      runs[run]?.historyRun = historyRun
    }
  }

  public func timeline(_ run: Int64) throws -> (TimelineRun, [TimelineEvent])? {
    lock.withLock {
      guard let r = runs[run] else { return nil }
      return (r, events[run] ?? [])
    }
  }

  public func timeline(recordedAs run: Int64) throws -> Int64? {
    lock.withLock { runs.values.first { $0.historyRun == run }?.id }
  }

  public func unfinishedTimelines() throws -> [Int64] {
    lock.withLock {
      runs.values.filter { ["running", "waiting"].contains($0.status) }.compactMap(\.id).sorted(
        by: >)
    }
  }
}
