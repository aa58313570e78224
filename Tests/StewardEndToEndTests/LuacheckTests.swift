import Foundation
import Testing

/// Every shipped plugin passes luacheck (Debian's lua-check) with the
/// project's `.luacheckrc`; `scripts/setup --test` installs it.
@Suite struct LuacheckTests {
  @Test func shippedPluginsAreLintClean() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["luacheck", "--no-color", "Plugins"]
    process.currentDirectoryURL = StewardBinary.packageRoot
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(output)")
    #expect(output.contains("0 warnings / 0 errors"), "\(output)")
  }
}
