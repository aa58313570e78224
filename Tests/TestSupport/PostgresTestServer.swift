public import Foundation

/// The PostgreSQL server the tests use: the throwaway cluster that
/// `scripts/pg-test-cluster start` makes (scripts/test and .ci/run start it),
/// named by `STEWARD_TEST_POSTGRES`. Each test gets a database of its own.
///
/// Without the variable, the PostgreSQL cases are left out of a local
/// `swift test` (with a line saying how to start the server); with
/// `STEWARD_REQUIRE_POSTGRES=1`, as in CI, they run and fail instead.
public enum PostgresTestServer {
  public static let url: String? = {
    let url = ProcessInfo.processInfo.environment["STEWARD_TEST_POSTGRES"] ?? ""
    return url.isEmpty ? nil : url
  }()

  public static let required =
    ProcessInfo.processInfo.environment["STEWARD_REQUIRE_POSTGRES"] == "1"

  /// Whether the PostgreSQL cases run: a server is named, or CI requires one.
  public static let runnable: Bool = {
    if url == nil, !required {
      FileHandle.standardError.write(
        Data(
          """
          note: the PostgreSQL store tests are left out: no STEWARD_TEST_POSTGRES. To run them:
            eval "$(scripts/pg-test-cluster start)"

          """.utf8))
    }
    return url != nil || required
  }()

  public struct Missing: Error, CustomStringConvertible {
    public var description: String
  }

  /// A new, empty database on the test server; its URL.
  public static func newDatabase() throws -> String {
    guard let url, var components = URLComponents(string: url) else {
      throw Missing(
        description:
          "STEWARD_TEST_POSTGRES is not set; start the test server with eval \"$(scripts/pg-test-cluster start)\""
      )
    }
    let name = "steward_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    try psql(url, "CREATE DATABASE \(name)")
    components.path = "/" + name
    return components.string ?? url
  }

  /// Runs one SQL command with `psql` (a client that is not steward's) and
  /// returns what it printed, unaligned and without headers.
  @discardableResult
  public static func psql(_ url: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
    process.arguments = [url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Missing(
        description: "psql \(sql): \(String(decoding: errors, as: UTF8.self))")
    }
    return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
