import Foundation
public import StewardCore

/// When a ritual happens: a subset of RFC 5545 recurrence rules, written
/// either as an RRULE or in words.
///
/// | words | RRULE |
/// |---|---|
/// | `weekly on thursday` | `FREQ=WEEKLY;BYDAY=TH` |
/// | `every 2 weeks on tuesday` | `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU` |
/// | `monthly on the first wednesday` | `FREQ=MONTHLY;BYDAY=1WE` |
/// | `monthly on the last friday` | `FREQ=MONTHLY;BYDAY=-1FR` |
/// | `monthly on day 15`, `monthly on the last day` | `FREQ=MONTHLY;BYMONTHDAY=15`, `…=-1` |
/// | `quarterly on the second tuesday` | `FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU` |
///
/// Also `COUNT=n` and `UNTIL=YYYYMMDD`. A cadence must happen in every
/// period it names: "the 5th Tuesday" or "day 31" of every month is refused
/// (most months have none), where RFC 5545 would silently skip those months.
public struct RitualCadence: Sendable, Equatable {
  public enum Frequency: String, Sendable { case weekly = "WEEKLY", monthly = "MONTHLY" }

  public struct Day: Sendable, Equatable {
    /// 1…4 from the start of the month, -1…-4 from its end; nil for weekly.
    public var ordinal: Int?
    /// ISO weekday, Monday 1 … Sunday 7.
    public var weekday: Int
  }

  public var frequency: Frequency
  public var interval: Int
  public var byDay: [Day]
  public var byMonthDay: [Int]
  public var count: Int?
  public var until: LocalDate?

  public init(
    frequency: Frequency, interval: Int = 1, byDay: [Day] = [], byMonthDay: [Int] = [],
    count: Int? = nil, until: LocalDate? = nil
  ) {
    self.frequency = frequency
    self.interval = interval
    self.byDay = byDay
    self.byMonthDay = byMonthDay
    self.count = count
    self.until = until
  }

  static let rruleDays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
  static let ordinalWords = [
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "1st": 1,
    "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
  ]

  /// The RRULE text of this cadence (for the calendar file).
  public var rrule: String {
    var parts = ["FREQ=\(frequency.rawValue)"]
    if interval != 1 { parts.append("INTERVAL=\(interval)") }
    if !byDay.isEmpty {
      parts.append(
        "BYDAY="
          + byDay.map { ($0.ordinal.map(String.init) ?? "") + Self.rruleDays[$0.weekday - 1] }
          .joined(separator: ","))
    }
    if !byMonthDay.isEmpty {
      parts.append("BYMONTHDAY=" + byMonthDay.map(String.init).joined(separator: ","))
    }
    if let count { parts.append("COUNT=\(count)") }
    if let until {
      parts.append("UNTIL=" + until.description.replacingOccurrences(of: "-", with: ""))
    }
    return parts.joined(separator: ";")
  }

  /// Reads a cadence written as an RRULE (`FREQ=…`) or in words; the
  /// diagnostic points at `value`.
  public static func parse(_ value: Value) -> Result<RitualCadence, Diagnostic> {
    guard let text = value.string?.trimmingSpaces, !text.isEmpty else {
      return .failure(
        Diagnostic(
          at: value.mark, code: "T010",
          "a cadence is a string, e.g. \"weekly on thursday\" or \"FREQ=MONTHLY;BYDAY=1WE\""))
    }
    let parsed = text.uppercased().hasPrefix("FREQ=") ? parseRRule(text) : parseWords(text)
    switch parsed {
    case .failure(let message):
      return .failure(
        Diagnostic(at: value.mark, code: "T010", "cadence \"\(text)\": \(message.text)"))
    case .success(let cadence):
      if let problem = cadence.impossibility() {
        return .failure(
          Diagnostic(at: value.mark, code: "T011", "cadence \"\(text)\" is impossible: \(problem)"))
      }
      return .success(cadence)
    }
  }

  static func parseRRule(_ text: String) -> Result<RitualCadence, MessageText> {
    var cadence = RitualCadence(frequency: .weekly)
    var sawFreq = false
    for part in text.split(separator: ";") {
      let kv = part.split(separator: "=", maxSplits: 1).map { String($0).uppercased() }
      guard kv.count == 2 else { return .failure("\"\(part)\" is not NAME=VALUE") }
      switch kv[0] {
      case "FREQ":
        switch kv[1] {
        case "WEEKLY": cadence.frequency = .weekly
        case "MONTHLY": cadence.frequency = .monthly
        case "YEARLY":
          return .failure("FREQ=YEARLY is not supported; use FREQ=MONTHLY;INTERVAL=12")
        default: return .failure("FREQ must be WEEKLY or MONTHLY, found \(kv[1])")
        }
        sawFreq = true
      case "INTERVAL":
        guard let n = Int(kv[1]), n >= 1, n <= 120 else {
          return .failure("INTERVAL must be a whole number from 1 to 120")
        }
        cadence.interval = n
      case "BYDAY":
        for item in kv[1].split(separator: ",") {
          let code = String(item.suffix(2))
          guard let wd = rruleDays.firstIndex(of: code) else {
            return .failure("BYDAY \(item): expected a day MO, TU, WE, TH, FR, SA or SU")
          }
          let prefix = item.dropLast(2)
          var ordinal: Int?
          if !prefix.isEmpty {
            guard let n = Int(prefix.hasPrefix("+") ? String(prefix.dropFirst()) : String(prefix)),
              n != 0
            else { return .failure("BYDAY \(item): the ordinal must be a non-zero number") }
            ordinal = n
          }
          cadence.byDay.append(Day(ordinal: ordinal, weekday: wd + 1))
        }
      case "BYMONTHDAY":
        for item in kv[1].split(separator: ",") {
          guard let n = Int(item), n != 0, abs(n) <= 31 else {
            return .failure("BYMONTHDAY \(item): expected 1…31 or -31…-1")
          }
          cadence.byMonthDay.append(n)
        }
      case "COUNT":
        guard let n = Int(kv[1]), n >= 1 else { return .failure("COUNT must be at least 1") }
        cadence.count = n
      case "UNTIL":
        let digits = kv[1].prefix(8)
        guard digits.count == 8,
          let d = LocalDate.parse(
            "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))")
        else { return .failure("UNTIL must be a date YYYYMMDD") }
        cadence.until = d
      case "WKST":
        guard kv[1] == "MO" else { return .failure("only WKST=MO is supported") }
      default:
        return .failure(
          "\(kv[0]) is not in the supported subset (FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL)"
        )
      }
    }
    guard sawFreq else { return .failure("FREQ is missing") }
    return .success(cadence)
  }

  static func parseWords(_ text: String) -> Result<RitualCadence, MessageText> {
    let words = text.lowercased().replacingOccurrences(of: ",", with: " ").split(separator: " ")
      .map(String.init).filter { $0 != "and" }
    var i = 0
    var cadence: RitualCadence
    func word(_ k: Int) -> String? { k < words.count ? words[k] : nil }
    switch word(0) {
    case "weekly":
      cadence = RitualCadence(frequency: .weekly)
      i = 1
    case "monthly":
      cadence = RitualCadence(frequency: .monthly)
      i = 1
    case "quarterly":
      cadence = RitualCadence(frequency: .monthly, interval: 3)
      i = 1
    case "every":
      guard let n = word(1).flatMap(Int.init), n >= 1, n <= 120,
        let unit = word(2), ["week", "weeks", "month", "months"].contains(unit)
      else { return .failure("write \"every N weeks on DAY\" or \"every N months on …\"") }
      cadence = RitualCadence(
        frequency: unit.hasPrefix("week") ? .weekly : .monthly, interval: n)
      i = 3
    default:
      return .failure(
        "expected \"weekly\", \"every N weeks\", \"monthly\", \"quarterly\" or an RRULE (FREQ=…)")
    }
    guard let on = word(i) else { return .success(cadence) }
    guard on == "on" else {
      return .failure("expected \"on\" after the frequency, found \"\(on)\"")
    }
    i += 1
    if word(i) == "the" { i += 1 }
    if cadence.frequency == .weekly {
      while let w = word(i) {
        guard let wd = weekday(w) else { return .failure("\"\(w)\" is not a day of the week") }
        cadence.byDay.append(Day(ordinal: nil, weekday: wd))
        i += 1
      }
      if cadence.byDay.isEmpty { return .failure("name the day, e.g. \"weekly on thursday\"") }
      return .success(cadence)
    }
    // Monthly: "the first wednesday", "the last day", "day 15".
    guard let w = word(i) else { return .failure("name the day after \"on\"") }
    if w == "day", let n = word(i + 1).flatMap(Int.init) {
      guard n >= 1, n <= 31 else { return .failure("day \(n) is not a day of a month") }
      cadence.byMonthDay = [n]
      i += 2
    } else if let ordinal = ordinalWords[w] {
      guard let d = word(i + 1) else { return .failure("name the day after \"\(w)\"") }
      if d == "day" {
        guard ordinal == -1 else { return .failure("write \"day N\" or \"the last day\"") }
        cadence.byMonthDay = [-1]
      } else if let wd = weekday(d) {
        cadence.byDay = [Day(ordinal: ordinal, weekday: wd)]
      } else {
        return .failure("\"\(d)\" is not a day of the week")
      }
      i += 2
    } else {
      return .failure("expected \"the first|second|third|fourth|last DAY\" or \"day N\"")
    }
    if let extra = word(i) { return .failure("unexpected \"\(extra)\"") }
    return .success(cadence)
  }

  static func weekday(_ w: String) -> Int? {
    let names = LocalDate.weekdayNames
    if let i = names.firstIndex(of: w) { return i + 1 }
    if let i = names.firstIndex(of: w.hasSuffix("s") ? String(w.dropLast()) : w) { return i + 1 }
    if w.count >= 3, let i = names.firstIndex(where: { $0.hasPrefix(w) }) { return i + 1 }
    return nil
  }

  /// Why the cadence cannot happen in every period, or nil.
  func impossibility() -> String? {
    switch frequency {
    case .weekly:
      if byDay.contains(where: { $0.ordinal != nil }) {
        return "a weekly cadence names days without a number (BYDAY=TH, not 2TH)"
      }
      if !byMonthDay.isEmpty { return "a weekly cadence cannot name days of the month" }
    case .monthly:
      if !byDay.isEmpty, !byMonthDay.isEmpty {
        return "name weekdays or days of the month, not both"
      }
      for d in byDay {
        guard let n = d.ordinal else {
          return "a monthly cadence needs the week of the month (BYDAY=1WE, -1FR)"
        }
        if abs(n) >= 5 {
          let day = LocalDate.weekdayNames[d.weekday - 1].capitalized
          return n > 0
            ? "most months have no \(ordinalName(n)) \(day); use \"the last \(day.lowercased())\" (BYDAY=-1\(Self.rruleDays[d.weekday - 1]))"
            : "no month has \(abs(n)) \(day)s counted from its end; use -1 to -4"
        }
      }
      for n in byMonthDay where abs(n) > 28 {
        return n > 0
          ? "not every month has a day \(n); use \"the last day\" (BYMONTHDAY=-1) or a day up to 28"
          : "not every month has \(abs(n)) days; use -1 to -28"
      }
    }
    return nil
  }

  func ordinalName(_ n: Int) -> String {
    switch n {
    case 1: "1st"
    case 2: "2nd"
    case 3: "3rd"
    default: "\(n)th"
    }
  }

  /// The dates of this cadence anchored at `start` (the first possible
  /// day; a weekly interval counts weeks from its week, a monthly one months
  /// from its month), from `from` on, at most `limit` of them. `COUNT`
  /// counts from `start`, as in RFC 5545.
  public func dates(start: LocalDate, from: LocalDate? = nil, limit: Int) -> [LocalDate] {
    var found: [LocalDate] = []
    var emitted = 0
    let from = from ?? start
    var period = 0
    // A cadence that passed `impossibility()` produces a date in every
    // period, so `limit` periods past `from` always suffice; the guard only
    // stops a bad caller.
    while found.count < limit, period < 100_000 {
      let candidates: [LocalDate]
      switch frequency {
      case .weekly:
        let monday = start.adding(days: -(start.weekday - 1) + 7 * interval * period)
        let days = byDay.isEmpty ? [start.weekday] : byDay.map(\.weekday).sorted()
        candidates = days.map { monday.adding(days: $0 - 1) }
      case .monthly:
        let first = start.firstOfMonth(adding: interval * period)
        candidates = monthDates(first, start: start).sorted()
      }
      period += 1
      for d in candidates where !(d < start) {
        if let until, until < d { return found }
        emitted += 1
        if let count, emitted > count { return found }
        if !(d < from) {
          found.append(d)
          if found.count == limit { return found }
        }
      }
    }
    return found
  }

  func monthDates(_ first: LocalDate, start: LocalDate) -> [LocalDate] {
    let length = first.daysInMonth
    if byDay.isEmpty && byMonthDay.isEmpty {
      return [first.adding(days: min(start.day, length) - 1)]
    }
    var out: [LocalDate] = []
    for n in byMonthDay {
      let day = n > 0 ? n : length + n + 1
      if day >= 1, day <= length { out.append(first.adding(days: day - 1)) }
    }
    for d in byDay {
      guard let n = d.ordinal else { continue }
      if n > 0 {
        let firstMatch = first.adding(days: (d.weekday - first.weekday + 7) % 7)
        let date = firstMatch.adding(days: 7 * (n - 1))
        if date.month == first.month { out.append(date) }
      } else {
        let last = first.adding(days: length - 1)
        let lastMatch = last.adding(days: -((last.weekday - d.weekday + 7) % 7))
        let date = lastMatch.adding(days: 7 * (n + 1))
        if date.month == first.month { out.append(date) }
      }
    }
    return out
  }

  /// A short description in words, for reports.
  public var summary: String {
    let every: String
    switch (frequency, interval) {
    case (.weekly, 1): every = "weekly"
    case (.weekly, let n): every = "every \(n) weeks"
    case (.monthly, 1): every = "monthly"
    case (.monthly, 3): every = "quarterly"
    case (.monthly, let n): every = "every \(n) months"
    }
    var on: [String] = []
    for d in byDay {
      let name = LocalDate.weekdayNames[d.weekday - 1]
      if let n = d.ordinal {
        let word = [-1: "last", 1: "first", 2: "second", 3: "third", 4: "fourth"][n]
        on.append("the \(word ?? ordinalName(n)) \(name)")
      } else {
        on.append(name)
      }
    }
    for n in byMonthDay { on.append(n == -1 ? "the last day" : n > 0 ? "day \(n)" : "day \(n)") }
    return on.isEmpty ? every : "\(every) on \(on.joined(separator: " and "))"
  }
}

/// An error message from the cadence parser, before it gets its mark.
public struct MessageText: Error, Sendable, ExpressibleByStringLiteral,
  ExpressibleByStringInterpolation
{
  public var text: String
  public init(stringLiteral value: String) { text = value }
  public init(stringInterpolation: DefaultStringInterpolation) {
    text = String(stringInterpolation: stringInterpolation)
  }
}
