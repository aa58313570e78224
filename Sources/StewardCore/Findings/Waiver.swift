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
  /// `all-checks` on a `*` waiver: said out loud, because one line waives
  /// every check of the gate on its subjects.
  public var scope: String?

  public init(
    check: String, subject: String, reason: String, owner: String, expires: String,
    mark: SourceMark = .unknown, scope: String? = nil
  ) {
    self.check = check
    self.subject = subject
    self.reason = reason
    self.owner = owner
    self.expires = expires
    self.mark = mark
    self.scope = scope
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

  /// Days from `day` to the expiry, both `YYYY-MM-DD`: 0 on its last day,
  /// negative once it has expired; nil for a date that is not one.
  public func daysLeft(on day: String) -> Int? {
    guard let end = Self.dayNumber(expires), let start = Self.dayNumber(day) else { return nil }
    return end - start
  }

  /// Days since 1970-01-01 of a proleptic Gregorian `YYYY-MM-DD` (Howard
  /// Hinnant's days_from_civil), with no calendar or time zone to consult.
  static func dayNumber(_ iso: String) -> Int? {
    let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, var y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
    else { return nil }
    y -= m <= 2 ? 1 : 0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
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
