import Foundation

/// A ``HistoryStore`` in memory, for tests: same ordering rules as the SQLite one.
public final class InMemoryHistoryStore: HistoryStore, @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [(run: RunRecord, results: [ResultRecord])] = []

  public init() {}

  @discardableResult
  public func record(_ run: RunRecord, results: [ResultRecord]) throws -> Int64 {
    lock.lock()
    defer { lock.unlock() }
    var run = run
    stored.removeAll { run.replacing.contains($0.run.id ?? -1) }
    run.id = (stored.compactMap(\.run.id).max() ?? 0) + 1
    run.resultCount = results.count
    run.inputs.sort { $0.path < $1.path }
    stored.append((run, results))
    return run.id ?? 0
  }

  public func runs(playbook: String?, limit: Int?) throws -> [RunRecord] {
    lock.lock()
    defer { lock.unlock() }
    let runs = stored.map(\.run).filter { playbook == nil || $0.playbook == playbook }
      .sorted { ($0.startedAt, $0.id ?? 0) > ($1.startedAt, $1.id ?? 0) }
    return limit.map { Array(runs.prefix($0)) } ?? runs
  }

  public func results(ofRun id: Int64) throws -> [ResultRecord] {
    lock.lock()
    defer { lock.unlock() }
    return stored.first { $0.run.id == id }?.results ?? []
  }

  public func series(metric: String, playbook: String) throws -> [MetricPoint] {
    try runs(playbook: playbook, limit: nil).reversed().compactMap { run in
      run.metric(metric).map {
        MetricPoint(runID: run.id ?? 0, startedAt: run.startedAt, value: $0)
      }
    }
  }
}
