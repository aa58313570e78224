import Foundation
public import StewardCore

/// A calendar date with no time and no zone (`2026-11-30`), as playbooks,
/// rosters and attendance files write it.
///
/// Date arithmetic is done on the proleptic Gregorian calendar by day
/// numbers, so "the last Friday of the month" or "Feb 29" never depend on a
/// time zone; only turning a date and a wall-clock time into an instant does
/// (``RitualCalendar``).
///
/// ```swift
/// let d = LocalDate(year: 2028, month: 2, day: 29)
/// d?.weekday            // 2 (Tuesday; Monday is 1)
/// d?.adding(days: 1)    // 2028-03-01
/// ```
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let year: Int
  public let month: Int
  public let day: Int

  /// nil when the day does not exist (2026-02-29, 2026-13-01).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else {
      return nil
    }
    self.year = year
    self.month = month
    self.day = day
  }

  /// Days since 1970-01-01 (negative before).
  public init(dayNumber: Int) {
    // Howard Hinnant's civil_from_days.
    let z = dayNumber + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    year = yoe + era * 400 + (m <= 2 ? 1 : 0)
    month = m
    day = d
  }

  /// Days since 1970-01-01.
  public var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// ISO weekday: Monday 1 … Sunday 7.
  public var weekday: Int {
    let n = (dayNumber + 3) % 7  // 1970-01-01 was a Thursday (4)
    return (n < 0 ? n + 7 : n) + 1
  }

  public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

  /// The first day of the month `months` after this date's month.
  public func firstOfMonth(adding months: Int) -> LocalDate {
    let index = year * 12 + (month - 1) + months
    let y = index >= 0 ? index / 12 : (index - 11) / 12
    return LocalDate(uncheckedYear: y, month: index - y * 12 + 1, day: 1)
  }

  private init(uncheckedYear year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Today in the machine's calendar and time zone (``StewardClock``).
  public static func today() -> LocalDate {
    let c = Calendar.current.dateComponents([.year, .month, .day], from: StewardClock.now())
    return LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
      ?? LocalDate(dayNumber: 0)
  }

  public static func isLeap(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  public var daysInMonth: Int { Self.daysIn(month: month, year: year) }

  public var description: String {
    func pad(_ n: Int, _ width: Int) -> String {
      let s = String(n)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

  /// Reads `YYYY-MM-DD` strictly (no times, no other separators).
  public static func parse(_ text: String) -> LocalDate? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
    else { return nil }
    return LocalDate(year: y, month: m, day: d)
  }

  /// A date field of a document: a `YYYY-MM-DD` string, or a diagnostic at
  /// its mark saying why it is not one.
  public static func parse(_ value: Value, what: String, code: String) -> Result<
    LocalDate, Diagnostic
  > {
    guard let text = value.string else {
      return .failure(
        Diagnostic(
          at: value.mark, code: code, "\(what) must be a date YYYY-MM-DD, found \(value.typeName)"))
    }
    guard let date = parse(text.trimmingSpaces) else {
      return .failure(
        Diagnostic(
          at: value.mark, code: code,
          "\(what) \"\(text)\" is not a date; write YYYY-MM-DD, e.g. 2026-11-30"))
    }
    return .success(date)
  }

  static let weekdayNames = [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  ]
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s = s.dropFirst() }
    while s.last == " " || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
    return String(s)
  }
}
