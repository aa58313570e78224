public import Foundation

/// The date steward takes for today: the machine's clock, or the day in
/// `STEWARD_TODAY` (`YYYY-MM-DD`, UTC) at the current time of day.
///
/// The override exists so that a test can run steward a year ahead and see
/// that nothing depends on the day it runs (docs/playbooks.md), and so that
/// `steward demo` records its runs on the day of the story they stand for.
/// Only the day moves: the time of day stays the machine's, so that runs
/// recorded one after another keep their order.
public enum StewardClock {
  public static let variable = "STEWARD_TODAY"

  /// Now, as steward reads it. Durations are differences of two of these.
  public static func now() -> Date { Date().addingTimeInterval(offset) }

  /// How far the override moves the clock, fixed once per process so that
  /// the time between two readings is the real one.
  static let offset: TimeInterval = {
    guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty,
      let day = day(text)
    else { return 0 }
    let real = Date().timeIntervalSince1970
    return day.timeIntervalSince1970 + real.truncatingRemainder(dividingBy: 86_400) - real
  }()

  /// The start of the UTC day `YYYY-MM-DD`, or nil when it is not one.
  public static func day(_ text: String) -> Date? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard text.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
      (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year)
    else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    return calendar.date(from: DateComponents(year: year, month: month, day: day))
  }

  /// Why the override cannot be used, or nil when it is unset or good: the
  /// command line refuses to start with a clock it cannot read.
  public static func problem() -> String? {
    guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else {
      return nil
    }
    return day(text) == nil
      ? "\(variable)=\(text) is not a day: write it as YYYY-MM-DD (for example 2027-12-07)"
      : nil
  }
}
