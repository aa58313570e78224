public import Foundation

/// A calendar month, the dashboard's reporting period: `2026-11`.
///
/// Every metric is computed "as of" a month: from the rows dated up to its
/// last day, and from the history runs recorded by then (UTC).
///
/// ```swift
/// let m = DashboardMonth("2026-11")!
/// m.advanced(by: -18).description  // "2025-05"
/// ```
public struct DashboardMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var year: Int
  /// 1 … 12.
  public var month: Int

  public init(year: Int, month: Int) {
    self.year = year
    self.month = month
  }

  /// Parses `YYYY-MM`; nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m)
    else { return nil }
    self.init(year: y, month: m)
  }

  /// The month `date` falls in, in UTC.
  public init(containing date: Date) {
    let c = DashboardMonth.calendar.dateComponents([.year, .month], from: date)
    self.init(year: c.year ?? 1970, month: c.month ?? 1)
  }

  public var description: String {
    let y = String(year)
    let m = month < 10 ? "0\(month)" : "\(month)"
    return "\(y)-\(m)"
  }

  /// A count of months since year 0, for arithmetic and ordering.
  var index: Int { year * 12 + (month - 1) }

  public func advanced(by months: Int) -> DashboardMonth {
    let i = index + months
    return DashboardMonth(year: i / 12, month: i % 12 + 1)
  }

  /// Months from `self` to `other`, negative when `other` is earlier.
  public func distance(to other: DashboardMonth) -> Int { other.index - index }

  public static func < (a: DashboardMonth, b: DashboardMonth) -> Bool { a.index < b.index }

  /// The first day of the month, `YYYY-MM-01`.
  public var firstDay: String { description + "-01" }

  /// The last day of the month, `YYYY-MM-DD`; dates compare as strings.
  public var lastDay: String {
    let days: Int
    switch month {
    case 2: days = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: days = 30
    default: days = 31
    }
    return description + "-\(days)"
  }

  /// The first instant after the month (UTC): runs started before it count
  /// as recorded "by" this month.
  public var end: Date {
    let next = advanced(by: 1)
    return DashboardMonth.calendar.date(
      from: DateComponents(year: next.year, month: next.month, day: 1)) ?? .distantFuture
  }

  /// The months `from` … `to`, both included, oldest first.
  public static func range(_ from: DashboardMonth, _ to: DashboardMonth) -> [DashboardMonth] {
    guard from <= to else { return [] }
    return (0...from.distance(to: to)).map { from.advanced(by: $0) }
  }

  static let calendar: Calendar = {
    var c = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone(identifier: "UTC") ?? c.timeZone
    return c
  }()
}
