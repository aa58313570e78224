/// An accepted failure: who accepted it, why, and until when.
///
/// A waiver past its expiry no longer waives; the report says so, so that
/// "temporary" exceptions cannot quietly become permanent.
public struct Waiver: Sendable, Equatable {
  /// The check id the waiver covers (`*` for every check).
  public var check: String
  /// The subject id, or a glob pattern over ids (`ad-*`).
  public var subject: String
  public var reason: String
  public var owner: String
  /// The last day the waiver holds, as `YYYY-MM-DD` (inclusive).
  public var expires: String
  public var mark: SourceMark

  public init(
    check: String, subject: String, reason: String, owner: String, expires: String,
    mark: SourceMark = .unknown
  ) {
    self.check = check
    self.subject = subject
    self.reason = reason
    self.owner = owner
    self.expires = expires
    self.mark = mark
  }

  /// Whether the waiver names this check and subject.
  public func covers(checkID: String, subjectID: String) -> Bool {
    (check == "*" || check == checkID) && Glob.matches(subject, subjectID)
  }

  /// Whether the waiver still holds on `day` (`YYYY-MM-DD`); ISO dates compare
  /// as strings.
  public func isLive(on day: String) -> Bool {
    day <= expires
  }
}

/// Shell-style patterns over ids: `*` any run, `?` one character.
public enum Glob {
  public static func matches(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.unicodeScalars)
    let t = Array(text.unicodeScalars)
    var pi = 0
    var ti = 0
    var starP = -1
    var starT = 0
    // Greedy match with backtracking to the last star: linear in practice,
    // and never exponential, whatever the pattern.
    while ti < t.count {
      if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
        pi += 1
        ti += 1
      } else if pi < p.count, p[pi] == "*" {
        starP = pi
        starT = ti
        pi += 1
      } else if starP >= 0 {
        pi = starP + 1
        starT += 1
        ti = starT
      } else {
        return false
      }
    }
    while pi < p.count, p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
