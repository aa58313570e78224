import Foundation

/// `steward history export --to STORE`: copies every run of one history into
/// another (an SQLite file into PostgreSQL, or back), each run with its
/// inputs, metrics and results in one transaction of its own.
///
/// A run is known by what it was, not by its id, which each store numbers
/// itself: its playbook, kind, start time (to the millisecond, as both
/// stores keep it) and playbook hash. A run the target already has is
/// skipped, so an export stopped part way is finished by running it again,
/// and running it twice copies nothing the second time.
public enum HistoryExport {
  public struct Outcome: Sendable, Equatable {
    public var copied: Int
    public var skipped: Int
  }

  struct Identity: Hashable {
    var playbook: String
    var kind: String
    var startedAt: String
    var playbookHash: String

    init(_ run: RunRecord) {
      playbook = run.playbook
      kind = run.kind
      startedAt = SQLiteHistoryStore.timestamp(run.startedAt)
      playbookHash = run.playbookHash
    }
  }

  /// Copies the runs of `source` that `target` lacks, oldest first, so that
  /// the target numbers them in the order they ran.
  public static func copy(from source: any HistoryStore, to target: any HistoryStore) throws
    -> Outcome
  {
    var present = Set(try target.runs(playbook: nil, limit: nil).map(Identity.init))
    var outcome = Outcome(copied: 0, skipped: 0)
    for run in try source.runs(playbook: nil, limit: nil).reversed() {
      let identity = Identity(run)
      guard !present.contains(identity), let id = run.id else {
        outcome.skipped += 1
        continue
      }
      try target.record(run, results: try source.results(ofRun: id))
      present.insert(identity)
      outcome.copied += 1
    }
    return outcome
  }
}
