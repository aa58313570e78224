import Foundation
import Synchronization

/// Exit codes of the command-line contract (DESIGN.md).
public enum Exit {
  public static let success: Int32 = 0
  public static let gateFailed: Int32 = 1
  public static let inputError: Int32 = 2
  /// Waiting on a person (a runbook step's approval).
  public static let waiting: Int32 = 3
}

/// Results go to stdout and diagnostics to stderr, so that `--format json`
/// output can be piped whatever else is said.
public enum Console {
  private static let firstFailure = Mutex<Int32>(0)

  /// The `errno` of the first write to stdout that failed, or 0: `main`
  /// exits 2 when output was lost, whichever command printed it.
  public static var lostOutput: Int32 { firstFailure.withLock { $0 } }

  /// Prints `text` and a newline on stdout; false if a write failed.
  @discardableResult public static func out(_ text: String) -> Bool {
    // Straight from the string's storage: reports can be tens of megabytes.
    guard Output.writeAll(1, text) && Output.writeAll(1, "\n") else {
      let code = errno
      firstFailure.withLock { if $0 == 0 { $0 = code } }
      return false
    }
    return true
  }

  public static func error(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}

/// An exit whose reason is already said on stderr: the command line exits
/// with `code` and prints nothing more.
public struct ExitStatus: Error, Sendable, Equatable {
  public var code: Int32
  public init(_ code: Int32) { self.code = code }
}

/// A mistake in how the command was typed (a format or a flag the playbook's
/// kind does not take): the command line says it as a usage error, exit 2.
public struct UsageError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// An error about a whole file rather than a place in it, said as
/// `file: error: message`.
public protocol FileLevelError: Error, CustomStringConvertible {}
