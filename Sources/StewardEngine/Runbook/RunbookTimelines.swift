import Foundation
import GRDB
import StewardCore

/// Runbook runs as the store keeps them, for `steward history` (the runs
/// that have not ended, and how to go on with each) and `steward timeline`
/// (any recorded run's timeline, rendered again).
public enum Timelines {
  /// By history run id, the runbook run each of `records` is the record of.
  public static func numbers(store path: String, ofRecords records: [Int64]) throws -> [Int64:
    Int64]
  {
    guard !records.isEmpty else { return [:] }
    let store = try open(path, reading: true)
    var found: [Int64: Int64] = [:]
    for run in records {
      if let timeline = try store.timeline(recordedAs: run) { found[run] = timeline }
    }
    return found
  }

  /// Lines about the runbook runs that have not ended (interrupted, still
  /// running in a process, or waiting for an approval), each with the
  /// command that goes on with it; nil when there are none.
  public static func unfinished(store path: String, playbook: String? = nil) throws -> String? {
    let store = try open(path, reading: true)
    let ids = try store.unfinishedTimelines()
    var lines: [String] = []
    for id in ids {
      guard let (record, events) = try store.timeline(id) else { continue }
      if let playbook, record.playbook != playbook { continue }
      let user = events.first { $0.type == "run_started" }?.data["user"]?.string ?? "?"
      let last = events.last { $0.type == "step_finished" }.map { "after step \($0.step)" }
      let resume = "steward run \(record.playbookPath) --resume \(id)"
      let state: String
      if let holder = RunLock.holder(store: store, run: id) {
        state = "running in \(holder)"
      } else if record.status == "waiting",
        let wait = events.last(where: { $0.type == "run_waiting" })
      {
        state =
          "waiting for approval of \(wait.step): steward approve \(id) \(wait.step) --as NAME, then \(resume)"
      } else {
        state = "interrupted \(last ?? "before its first step ended"): \(resume)"
      }
      lines.append(
        "  \(id)  \(ReportValues.timestamp(record.startedAt))  \(record.playbook) by \(user), \(state)"
      )
    }
    guard !lines.isEmpty else { return nil }
    return (["runbook runs not ended:"] + lines).joined(separator: "\n")
  }

  /// The store `path` names (an SQLite file or a PostgreSQL URL), which
  /// keeps runbook timelines; never created here.
  static func open(_ path: String, reading: Bool = false) throws -> any TimelineStore {
    guard
      let store = try HistoryStores.open(path, createFolder: false, reading: reading)
        as? any TimelineStore
    else { throw HistoryError(path: path, "this history store keeps no runbook timelines") }
    return store
  }

  /// Run `run`'s timeline as `steward run --format FORMAT` rendered it.
  public static func render(store path: String, run: Int64, format: String) throws -> String {
    let store = try open(path, reading: true)
    guard let (record, events) = try store.timeline(run) else {
      throw store.noSuchRun(run, in: path)
    }
    var steps: [StepResult] = []
    for event in events where event.type == "step_finished" {
      if let result = StepResult(event: event) { steps.append(result) }
    }
    let end = events.last?.at ?? record.startedAt
    let title = events.first { $0.type == "run_started" }?.data["title"]?.string
    let report = RunbookReport(
      playbook: record.playbook, title: title ?? record.playbook, run: run,
      status: record.status == "running" ? "interrupted" : record.status, steps: steps,
      events: events, vars: record.vars.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
      startedAt: record.startedAt, duration: end.timeIntervalSince(record.startedAt),
      notReached: [],
      waiting: events.last { $0.type == "run_waiting" && record.status == "waiting" }?.message)
    switch format {
    case "markdown": return RunbookMarkdownReporter().render(report)
    case "json": return RunbookJSONReporter().render(report)
    default: return RunbookTextReporter().render(report)
    }
  }
}

extension SQLiteHistoryStore {
  public func timeline(recordedAs run: Int64) throws -> Int64? {
    do {
      return try pool.read { db in
        try Int64.fetchOne(
          db, sql: "SELECT id FROM runbook_run WHERE run_id = ? ORDER BY id LIMIT 1",
          arguments: [run])
      }
    } catch {
      throw HistoryError(path: path, "cannot read the runbook timelines: \(error)")
    }
  }

  public func unfinishedTimelines() throws -> [Int64] {
    do {
      return try pool.read { db in
        try Int64.fetchAll(
          db,
          sql: "SELECT id FROM runbook_run WHERE status IN ('running', 'waiting') ORDER BY id DESC")
      }
    } catch {
      throw HistoryError(path: path, "cannot read the runbook timelines: \(error)")
    }
  }
}
