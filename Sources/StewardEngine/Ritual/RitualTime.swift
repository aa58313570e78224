public import Foundation

/// Wall-clock times in a named IANA zone, through Foundation's `Calendar`
/// and `TimeZone`. On Linux these read the zone rules built into the
/// toolchain's ICU (`lib_FoundationICU.so`), not /usr/share/zoneinfo, so
/// results do not depend on the machine's `tzdata` package.
public struct RitualTime: Sendable, Equatable {
  public var hour: Int
  public var minute: Int

  public init(hour: Int, minute: Int) {
    self.hour = hour
    self.minute = minute
  }

  /// `HH:MM`, 24-hour.
  public static func parse(_ text: String) -> RitualTime? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[1].count == 2, (1...2).contains(parts[0].count),
      let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
    else { return nil }
    return RitualTime(hour: h, minute: m)
  }

  public var description: String { String(format: "%02d:%02d", hour, minute) }

  /// A duration: minutes as a number, or `90m`, `1h`, `1h30m`, `2d`.
  public static func minutes(_ text: String) -> Int? {
    var total = 0
    var digits = ""
    var sawUnit = false
    for c in text.lowercased() where c != " " {
      if c.isASCII, c.isNumber {
        digits.append(c)
        continue
      }
      guard let n = Int(digits) else { return nil }
      switch c {
      case "m": total += n
      case "h": total += n * 60
      case "d": total += n * 1440
      default: return nil
      }
      digits = ""
      sawUnit = true
    }
    if !digits.isEmpty {
      guard !sawUnit, let n = Int(digits) else { return nil }
      total += n
    }
    return total > 0 ? total : nil
  }

  /// The instant of `time` on `date` in `zone`. A time that the clocks skip
  /// (02:30 on the night summer time starts) is moved forward by the length
  /// of the gap, as Foundation does (03:30); a time that happens twice (the
  /// night it ends) is the first of the two.
  public static func instant(_ date: LocalDate, _ time: RitualTime, in zone: TimeZone) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let components = DateComponents(
      year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute)
    if let d = calendar.date(from: components) { return d }
    // Not reached for valid dates; fall back to the UTC reading.
    return Date(
      timeIntervalSince1970: Double(date.dayNumber * 86400 + time.hour * 3600 + time.minute * 60))
  }

  /// The local date and time of `instant` in `zone`.
  public static func local(_ instant: Date, in zone: TimeZone) -> (LocalDate, RitualTime) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
    let date =
      LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
      ?? LocalDate(dayNumber: 0)
    return (date, RitualTime(hour: c.hour ?? 0, minute: c.minute ?? 0))
  }

  /// `+01:00`-style offset of `zone` at `instant`.
  public static func offset(_ zone: TimeZone, at instant: Date) -> String {
    let seconds = zone.secondsFromGMT(for: instant)
    let sign = seconds < 0 ? "-" : "+"
    let a = abs(seconds) / 60
    return String(format: "%@%02d:%02d", sign, a / 60, a % 60)
  }
}
