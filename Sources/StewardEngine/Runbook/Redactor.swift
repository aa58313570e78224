/// Replaces secret values with `***` in everything a runbook writes: the
/// terminal, the log, the timeline, reports and the history.
public struct Redactor: Sendable {
  public static let mask = "***"
  /// Longest first, so a secret that contains another is masked whole.
  let secrets: [[UInt8]]

  /// Values shorter than 3 characters are not redacted: masking every "1"
  /// would hide more than it protects.
  public init(values: [String]) {
    secrets = Set(values.filter { $0.utf8.count >= 3 }).map { Array($0.utf8) }
      .sorted { $0.count > $1.count }
  }

  public var isEmpty: Bool { secrets.isEmpty }
  var longest: Int { secrets.first?.count ?? 0 }

  public func redact(_ text: String) -> String {
    guard !secrets.isEmpty else { return text }
    return String(decoding: redact(Array(text.utf8)), as: UTF8.self)
  }

  func redact(_ bytes: [UInt8]) -> [UInt8] {
    guard !secrets.isEmpty, !bytes.isEmpty else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    outer: while i < bytes.count {
      for secret in secrets where bytes[i] == secret[0] && i + secret.count <= bytes.count {
        if bytes[i..<(i + secret.count)].elementsEqual(secret) {
          out.append(contentsOf: Self.mask.utf8)
          i += secret.count
          continue outer
        }
      }
      out.append(bytes[i])
      i += 1
    }
    return out
  }
}

extension Redactor {
  /// A step's result as it may leave the process: its message (a failed
  /// `cwd`, a command not found on a templated path, an escalation that
  /// templates a secret), answer and captures redacted.
  func redact(_ result: StepResult) -> StepResult {
    guard !isEmpty else { return result }
    var clean = result
    clean.message = redact(result.message)
    clean.answer = result.answer.map { redact($0) }
    clean.captures = result.captures.mapValues { redact($0) }
    return clean
  }
}

/// Redacts a stream that arrives in chunks: a secret split across two chunks
/// is held back until it is whole, so it never leaks half-printed.
final class RedactingStream: @unchecked Sendable {
  let redactor: Redactor
  private var carry: [UInt8] = []

  init(_ redactor: Redactor) { self.redactor = redactor }

  func feed(_ chunk: [UInt8]) -> [UInt8] {
    guard !redactor.isEmpty else { return chunk }
    let done = redactor.redact(carry + chunk)
    let keep = min(done.count, redactor.longest - 1)
    carry = Array(done.suffix(keep))
    return Array(done.dropLast(keep))
  }

  func finish() -> [UInt8] {
    defer { carry = [] }
    return redactor.redact(carry)
  }
}
