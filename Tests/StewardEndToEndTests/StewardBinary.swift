import Foundation
import TestSupport

/// Runs the `steward` binary that `swift build` put next to the test bundle.
enum StewardBinary {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Killed by the `killAfter` deadline.
    var killed = false
  }

  /// The package root, so tests can name shipped files as a user would.
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static var executable: URL {
    // The test bundle lives in the build products folder, beside the binary.
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("steward")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir.deleteLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/steward")
  }

  /// Runs the binary; with `stdout`, its standard output goes to that
  /// file (and `Result.stdout` is empty). With `killAfter`, it is killed
  /// after that many seconds: a test of something that could block (a FIFO,
  /// a slow read) then fails instead of hanging.
  static func run(
    _ arguments: [String], in directory: URL = packageRoot, stdout: FileHandle? = nil,
    killAfter seconds: Double? = nil, environment: [String: String] = [:]
  ) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = stdout ?? out
    process.standardError = err
    try process.run()
    let killed = KilledFlag()
    let pid = process.processIdentifier
    let deadline = DispatchWorkItem {
      killed.set()
      kill(pid, SIGKILL)
    }
    if let seconds {
      DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: deadline)
    }
    // Read both pipes before waiting so a large output cannot deadlock.
    let outData = stdout == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    deadline.cancel()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self), killed: killed.value)
  }

  /// A fresh temporary folder holding `files` (name → content).
  static func scratch(_ files: [String: String]) throws -> URL {
    let dir = try TestFolders.make("e2e")
    for (name, content) in files {
      let url = dir.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(content.utf8).write(to: url)
    }
    return dir
  }
}

extension StewardBinary {
  /// Runs a Python script with Debian's python3 (which has the tests'
  /// independent checkers: `scripts/setup --test`); its stdout and stderr.
  static func python(_ script: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

/// Set from the deadline's thread, read after the process ended.
private final class KilledFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var killed = false
  func set() { lock.withLock { killed = true } }
  var value: Bool { lock.withLock { killed } }
}
