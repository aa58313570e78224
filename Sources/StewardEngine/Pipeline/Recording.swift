import Foundation
import Synchronization

/// Records a run on a thread of its own while its report is written to a
/// file (`--output`): the rows go into the store meanwhile, and the
/// transaction waits for the report's outcome, committing only once the
/// report is out. A report that cannot be written leaves no run behind, as
/// when recording came after it; the store's inserts (about 0.3 s on one
/// core for a 10,000-card audit's 140,000 results) no longer wait for the
/// report's 0.15 s.
final class Recording: Sendable {
  private let reportWritten = Mutex<Bool?>(nil)
  private let decided = DispatchSemaphore(value: 0)
  private let finished = DispatchSemaphore(value: 0)
  private let failure = Mutex<String?>(nil)
  /// Taken by the recording thread, so that it holds the store only while
  /// it records: the pipeline's own reference must be the last, so that the
  /// store closes (and folds its write-ahead log in) before the process
  /// exits, as it did when recording came after the report.
  private let job: Mutex<(report: any KindReport, store: any HistoryStore)?>

  /// Starts recording `report`; nil when there is no store.
  init?(_ report: any KindReport, in store: (any HistoryStore)?) {
    guard let store else { return nil }
    job = Mutex((report, store))
    // A thread, not a dispatch queue: the report's writers take the cores
    // the global queues have, and this one must start now.
    let thread = Thread { [self] in
      record()
      finished.signal()
    }
    thread.start()
  }

  private func record() {
    guard let (report, store) = job.withLock({ $0.take() }) else { return }
    do {
      try report.record(in: store) { self.waitForReport() }
    } catch {
      failure.withLock { $0 = "\(error)" }
    }
  }

  private func waitForReport() -> Bool {
    decided.wait()
    return reportWritten.withLock { $0 } ?? false
  }

  /// Says whether the report is out, then waits for the store: a store that
  /// could not be written is said on stderr and exits 2, after the report.
  func finish(reportWritten written: Bool) throws {
    reportWritten.withLock { $0 = written }
    decided.signal()
    finished.wait()
    if let message = failure.withLock({ $0 }) {
      Console.error(message)
      throw ExitStatus(Exit.inputError)
    }
  }
}
