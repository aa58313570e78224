import Foundation
import Synchronization

/// Exit codes of the command-line contract (DESIGN.md).
enum Exit {
  static let success: Int32 = 0
  static let gateFailed: Int32 = 1
  static let inputError: Int32 = 2
}

/// Results go to stdout and diagnostics to stderr, so that `--format json`
/// output can be piped whatever else is said.
enum Console {
  private static let firstFailure = Mutex<Int32>(0)

  /// The `errno` of the first write to stdout that failed, or 0: `main`
  /// exits 2 when output was lost, whichever command printed it.
  static var lostOutput: Int32 { firstFailure.withLock { $0 } }

  /// Prints `text` and a newline on stdout; false if a write failed.
  @discardableResult static func out(_ text: String) -> Bool {
    // Straight from the string's storage: reports can be tens of megabytes.
    guard Output.writeAll(1, text) && Output.writeAll(1, "\n") else {
      let code = errno
      firstFailure.withLock { if $0 == 0 { $0 = code } }
      return false
    }
    return true
  }

  static func error(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
