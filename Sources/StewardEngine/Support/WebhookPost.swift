import Dispatch
public import Foundation
import Subprocess
import SystemPackage

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
  @discardableResult
  public static func post(json: String, to url: URL, timeout: TimeInterval = 10) throws -> Int {
    guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
      throw Failure(description: "a webhook must be an http:// or https:// URL, found \(url)")
    }
    let host = url.host ?? "the webhook"
    let arguments = [
      "--silent", "--show-error", "--max-time", String(Int(max(1, timeout.rounded(.up)))),
      "--request", "POST", "--header", "Content-Type: application/json",
      "--data-binary", "@-", "--output", "/dev/null", "--write-out", "%{http_code}",
      url.absoluteString,
    ]
    let outcome = Blocking.run { () async throws -> Answer in
      let r = try await Subprocess.run(
        .name("curl"), arguments: Arguments(arguments), input: .string(json),
        output: .string(limit: 64), error: .string(limit: 4096))
      var exited = false
      if case .exited(0) = r.terminationStatus { exited = true }
      return Answer(ok: exited, stdout: r.standardOutput ?? "", stderr: r.standardError ?? "")
    }
    let result: Answer
    switch outcome {
    case .success(let r): result = r
    case .failure(let error):
      throw Failure(
        description:
          "cannot post to \(host): curl did not run (\(error)); install it with `apt-get install curl`"
      )
    }
    let status = Int(result.stdout.trimmingCharacters(in: .whitespaces)) ?? 0
    guard result.ok else {
      let reason = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      throw Failure(description: "cannot post to \(host): \(reason)")
    }
    guard (200..<300).contains(status) else {
      throw Failure(description: "the webhook at \(host) answered \(status)")
    }
    return status
  }

  /// What curl said, copied out of Subprocess's non-copyable result.
  struct Answer: Sendable {
    var ok: Bool
    var stdout: String
    var stderr: String
  }
}

/// Runs async work to completion from synchronous code (a command's `run`),
/// on a task of its own so that no cooperative thread is blocked waiting.
enum Blocking {
  static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<
    T, any Error
  > {
    let box = Box<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
      do { box.value = .success(try await work()) } catch { box.value = .failure(error) }
      done.signal()
    }
    done.wait()
    return box.value ?? .failure(CancellationError())
  }

  private final class Box<T: Sendable>: @unchecked Sendable {
    // Written once by the task before it signals, read after the wait.
    var value: Result<T, any Error>?
  }
}
