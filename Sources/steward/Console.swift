import Foundation

/// Exit codes of the command-line contract (DESIGN.md).
enum Exit {
  static let success: Int32 = 0
  static let gateFailed: Int32 = 1
  static let inputError: Int32 = 2
}

/// Results go to stdout and diagnostics to stderr, so that `--format json`
/// output can be piped whatever else is said.
enum Console {
  static func out(_ text: String) {
    // Straight from the string's storage: reports can be tens of megabytes.
    _ = Output.writeAll(1, text) && Output.writeAll(1, "\n")
  }

  static func out(_ utf8: [UInt8]) {
    _ = Output.writeAll(1, utf8) && (utf8.last == UInt8(ascii: "\n") || Output.writeAll(1, "\n"))
  }

  static func error(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
