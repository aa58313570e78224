public import Foundation

/// POSTs a JSON body to a webhook (Slack, an incident tool) through `curl`.
///
/// Why a command and not URLSession: linking FoundationNetworking into the
/// static binary loads libcurl and some thirty libraries it needs at every
/// start, which tripled `steward --version`'s start-up time for a feature
/// most runs never use. `curl` speaks https, proxies and redirects as users
/// expect, and is one `apt-get install curl` away.
public enum WebhookPost {
  public struct Failure: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  /// Posts `json` and returns the HTTP status; throws when the webhook
  /// cannot be reached, answers outside 2xx, or does not answer in time.
  /// Posts `json` and returns the HTTP status; throws when the webhook
  /// cannot be reached, answers outside 2xx, or does not answer in time.
  ///
  /// Synchronous on purpose, with Foundation's Process: it is called from
  /// plain functions that may run on Swift's cooperative pool, and waiting
  /// there for async work that needs the same pool deadlocks it.
  @discardableResult
  public static func post(json: String, to url: URL, timeout: TimeInterval = 10) throws -> Int {
    guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
      throw Failure(description: "a webhook must be an http:// or https:// URL, found \(url)")
    }
    let host = url.host ?? "the webhook"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "curl", "--silent", "--show-error", "--max-time", String(Int(max(1, timeout.rounded(.up)))),
      "--request", "POST", "--header", "Content-Type: application/json",
      "--data-binary", "@-", "--output", "/dev/null", "--write-out", "%{http_code}",
      url.absoluteString,
    ]
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw Failure(description: "cannot post to \(host): cannot start curl (\(error))")
    }
    input.fileHandleForWriting.write(Data(json.utf8))
    try? input.fileHandleForWriting.close()
    // Both pipes are read to the end before waiting, so neither can fill up.
    let said = output.fileHandleForReading.readDataToEndOfFile()
    let complaint = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let status =
      Int(String(decoding: said, as: UTF8.self).trimmingCharacters(in: .whitespaces)) ?? 0
    if process.terminationStatus == 127 {
      throw Failure(
        description: "cannot post to \(host): curl is not installed (`apt-get install curl`)")
    }
    guard process.terminationStatus == 0 else {
      let reason = String(decoding: complaint, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
      throw Failure(description: "cannot post to \(host): \(reason)")
    }
    guard (200..<300).contains(status) else {
      throw Failure(description: "the webhook at \(host) answered \(status)")
    }
    return status
  }
}
