import Foundation
import StewardEngine
import Testing

/// Every shipped plugin passes luacheck (Debian's lua-check) with the
/// project's `.luacheckrc`; `scripts/setup --test` installs it.
@Suite struct LuacheckTests {
  static let config = StewardBinary.packageRoot.appendingPathComponent(".luacheckrc").path

  static var installed: Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
      FileManager.default.isExecutableFile(atPath: "\($0)/luacheck")
    }
  }

  func luacheck(_ arguments: [String], in directory: URL = StewardBinary.packageRoot) throws
    -> (status: Int32, output: String)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["luacheck", "--no-color"] + arguments
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
  }

  @Test func shippedPluginsAreLintClean() throws {
    let (status, output) = try luacheck(["Plugins", "Sources/StewardLua/Lua"])
    #expect(status == 0, "\(output)")
    #expect(output.contains("0 warnings / 0 errors"), "\(output)")
  }

  /// What `steward new` writes in Lua lints clean with this repository's
  /// config and with luacheck's defaults, which is what an author in their
  /// own folder runs, given the one global Steward provides. `luacheck .`
  /// also reaches the annotations in .steward/lua/.
  @Test(.enabled(if: installed, "luacheck is not installed"))
  func everyStarterIsLintClean() throws {
    let dir = try StewardBinary.scratch([:])
    var commands = [["new", "plugin", "my-checks"]]
    for kind in PlaybookKind.allCases {
      commands.append(["new", "playbook", kind.rawValue, "my-\(kind.rawValue)"])
    }
    for command in commands {
      let r = try StewardBinary.run(command, in: dir)
      #expect(r.status == 0, "\(command): \(r.stderr)")
    }
    for arguments in [["--config", Self.config], ["--no-config", "--globals", "steward"]] {
      // The folder first: `--globals` takes every word after it.
      let (status, output) = try luacheck(["."] + arguments, in: dir)
      #expect(status == 0, "\(arguments): \(output)")
      #expect(output.contains("Checking my-checks.lua"), "\(output)")
      #expect(output.contains("0 warnings / 0 errors"), "\(arguments): \(output)")
    }
  }
}
