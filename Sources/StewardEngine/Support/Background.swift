import Foundation

/// A value computed on a thread of its own while the caller goes on, and
/// waited for when it is read. A thread rather than a dispatch queue: the
/// global queues may all be busy (a report's writers take every core), and
/// this work must start at once.
final class Background<T: Sendable>: @unchecked Sendable {
  // Written once by the thread before `done` is signalled, read only after.
  private var result: T?
  private let done = DispatchSemaphore(value: 0)
  private let lock = NSLock()

  init(_ work: @escaping @Sendable () -> T) {
    let thread = Thread { [self] in
      let value = work()
      lock.withLock { result = value }
      done.signal()
    }
    thread.start()
  }

  /// The value, once computed; later reads return at once.
  var value: T {
    done.wait()
    // Signalled again for the next reader, which must not wait forever.
    done.signal()
    return lock.withLock { result }!
  }
}
