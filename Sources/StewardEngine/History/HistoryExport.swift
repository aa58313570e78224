import Foundation
import StewardCore

/// `steward history export --to STORE`: copies every run of one history into
/// another (an SQLite file into PostgreSQL, or back), each run with its
/// inputs, metrics and results in one transaction of its own, then who
/// triggered each run (with what its results were bound to) and the
/// sign-offs on it. The keys an `--incremental`
/// run reuses results by are not copied: the first such run on the target
/// checks every file again and records them there.
///
/// A run is known by what it was, not by its id, which each store numbers
/// itself: its playbook, kind, start time (to the millisecond, as both
/// stores keep it), playbook hash, duration, steward version, exit status,
/// gate, result count and the hashes of its input files. A run the target
/// already has is skipped, so an export stopped part way is finished by
/// running it again, and running it twice copies nothing the second time.
/// Two CI jobs that started in the same millisecond on other inputs are
/// two runs: without the inputs in its identity, the second was taken for
/// the first and left out, with exit 0.
public enum HistoryExport {
  public struct Outcome: Sendable, Equatable {
    public var copied: Int
    public var skipped: Int
  }

  /// An export that stopped part way: what it had done, and why it
  /// stopped. Running it again finishes it (a run already there is skipped).
  public struct Stopped: Error {
    public var outcome: Outcome
    public var reason: any Error
  }

  struct Identity: Hashable {
    var playbook: String
    var kind: String
    var startedAt: String
    var playbookHash: String
    var durationMS: Int64
    var stewardVersion: String
    var exitStatus: Int
    var gate: String
    var resultCount: Int
    /// The SHA-256 of its inputs' paths and hashes, in path order.
    var inputs: String

    init(_ run: RunRecord) {
      playbook = run.playbook
      kind = run.kind
      startedAt = SQLiteHistoryStore.timestamp(run.startedAt)
      playbookHash = run.playbookHash
      durationMS = Int64((run.duration * 1000).rounded())
      stewardVersion = run.stewardVersion
      exitStatus = run.exitStatus
      gate = run.gate
      resultCount = run.resultCount
      var digest = SHA256()
      var latest: [String: String] = [:]
      for input in run.inputs { latest[input.path] = input.sha256 }
      for path in latest.keys.sorted() {
        digest.update(Array("\(path)\u{0}\(latest[path] ?? "")\u{0}".utf8))
      }
      inputs = digest.hexDigest()
    }
  }

  /// Copies the runs of `source` that `target` lacks, oldest first, so that
  /// the target numbers them in the order they ran.
  public static func copy(from source: any HistoryStore, to target: any HistoryStore) throws
    -> Outcome
  {
    // What the target has is read under its lock, so that another export
    // into it cannot copy the same runs meanwhile.
    try target.exclusively {
      var present = Set(try target.runs(playbook: nil, limit: nil).map(Identity.init))
      var outcome = Outcome(copied: 0, skipped: 0)
      for run in try source.runs(playbook: nil, limit: nil).reversed() {
        let identity = Identity(run)
        guard !present.contains(identity), let id = run.id else {
          outcome.skipped += 1
          continue
        }
        do {
          try target.record(run, results: try source.results(ofRun: id))
        } catch {
          // Said, so that nobody takes the target for whole or untouched.
          if outcome.copied > 0 { throw Stopped(outcome: outcome, reason: error) }
          throw error
        }
        present.insert(identity)
        outcome.copied += 1
      }
      try copySignOffs(from: source, to: target)
      return outcome
    }
  }

  /// Who triggered each run and every sign-off on it, onto the target's
  /// numbering of the same runs. Run after the runs, and on runs copied
  /// before too, so that an export stopped between a run and its sign-offs
  /// is finished by running it again; a sign-off the target has is skipped.
  static func copySignOffs(from source: any HistoryStore, to target: any HistoryStore) throws {
    guard let from = source as? any SignOffStore, let to = target as? any SignOffStore else {
      return
    }
    let sourceRuns = try source.runs(playbook: nil, limit: nil)
    var targetID: [Identity: Int64] = [:]
    for run in try target.runs(playbook: nil, limit: nil) {
      if let id = run.id { targetID[Identity(run)] = id }
    }
    var sourceIdentity: [Int64: Identity] = [:]
    for run in sourceRuns {
      guard let id = run.id else { continue }
      sourceIdentity[id] = Identity(run)
      if let trigger = try from.trigger(ofRun: id), let copy = targetID[Identity(run)],
        try to.trigger(ofRun: copy) == nil
      {
        var moved = trigger
        moved.run = copy
        try to.recordTrigger(moved, bindings: try from.bindings(ofRun: id))
      }
    }
    for playbook in Set(sourceRuns.map(\.playbook)).sorted() {
      let kept = Set(try to.signOffs(playbook: playbook, role: nil).map(SignOffKey.init))
      for record in try from.signOffs(playbook: playbook, role: nil) {
        guard let identity = sourceIdentity[record.run], let copy = targetID[identity] else {
          continue
        }
        var moved = record
        moved.id = nil
        moved.run = copy
        if !kept.contains(SignOffKey(moved)) { try to.recordSignOff(moved) }
      }
    }
  }

  /// A sign-off by what it says, not by the ids each store gives.
  struct SignOffKey: Hashable {
    var fields: [String]

    init(_ s: SignOffRecord) {
      fields = [
        String(s.run), s.playbook, s.check, s.subject, s.resultsHash, s.role, s.who, s.identity,
        s.decision, s.note, SQLiteHistoryStore.timestamp(s.signedAt),
      ]
    }
  }
}
