import Foundation
import StewardCore
import Testing

@testable import StewardEngine

@Suite struct RitualCadenceTests {
  static func cadence(_ text: String) throws -> RitualCadence {
    try RitualCadence.parse(Value(.string(text))).get()
  }

  static func date(_ s: String) -> LocalDate { LocalDate.parse(s)! }

  static func dates(_ text: String, start: String, count: Int) throws -> [String] {
    try cadence(text).dates(start: date(start), limit: count).map(\.description)
  }

  @Test func localDatesAgreeWithTheCalendar() {
    #expect(LocalDate(year: 2028, month: 2, day: 29) != nil)
    #expect(LocalDate(year: 2027, month: 2, day: 29) == nil)
    #expect(LocalDate(year: 2100, month: 2, day: 29) == nil)
    #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
    #expect(Self.date("1970-01-01").dayNumber == 0)
    #expect(Self.date("2026-11-30").weekday == 1)  // a Monday
    #expect(Self.date("2028-02-29").weekday == 2)  // a Tuesday
    for n in stride(from: -800_000, to: 800_000, by: 997) {
      #expect(LocalDate(dayNumber: n).dayNumber == n)
    }
    #expect(LocalDate.parse("2026-1-05") == nil && LocalDate.parse("05.01.2026") == nil)
  }

  @Test func wordsAndRRulesMeanTheSame() throws {
    let pairs = [
      ("weekly on thursday", "FREQ=WEEKLY;BYDAY=TH"),
      ("every 2 weeks on tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
      ("monthly on the first wednesday", "FREQ=MONTHLY;BYDAY=1WE"),
      ("monthly on the last friday", "FREQ=MONTHLY;BYDAY=-1FR"),
      ("monthly on day 15", "FREQ=MONTHLY;BYMONTHDAY=15"),
      ("monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
      ("quarterly on the second tuesday", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"),
    ]
    for (words, rrule) in pairs {
      #expect(try Self.cadence(words) == Self.cadence(rrule), "\(words)")
      #expect(try Self.cadence(words).rrule == rrule)
    }
  }

  @Test func monthEnds() throws {
    #expect(
      try Self.dates("monthly on the last day", start: "2027-01-01", count: 5) == [
        "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31",
      ])
    #expect(
      try Self.dates("monthly on the last friday", start: "2026-10-01", count: 4) == [
        "2026-10-30", "2026-11-27", "2026-12-25", "2027-01-29",
      ])
    // A weekly ritual crosses month and year ends without a gap.
    #expect(
      try Self.dates("weekly on thursday", start: "2026-12-20", count: 3) == [
        "2026-12-24", "2026-12-31", "2027-01-07",
      ])
    // Started on the 31st with no day named: months without a 31st are not
    // skipped, the ritual falls on their last day.
    #expect(
      try Self.dates("monthly", start: "2026-01-31", count: 3) == [
        "2026-01-31", "2026-02-28", "2026-03-31",
      ])
  }

  @Test func leapYears() throws {
    #expect(
      try Self.dates("monthly on the last day", start: "2028-01-15", count: 3) == [
        "2028-01-31", "2028-02-29", "2028-03-31",
      ])
    #expect(
      try Self.dates("weekly on tuesday", start: "2028-02-20", count: 3) == [
        "2028-02-22", "2028-02-29", "2028-03-07",
      ])
    #expect(
      try Self.dates("monthly on the last tuesday", start: "2028-02-01", count: 1) == ["2028-02-29"]
    )
    #expect(
      try Self.dates("monthly on the last day", start: "2100-02-01", count: 1) == ["2100-02-28"])
  }

  @Test func intervalsCountFromTheStart() throws {
    #expect(
      try Self.dates("every 2 weeks on monday, thursday", start: "2026-11-30", count: 5) == [
        "2026-11-30", "2026-12-03", "2026-12-14", "2026-12-17", "2026-12-28",
      ])
    #expect(
      try Self.dates("quarterly on the last thursday", start: "2026-09-01", count: 3) == [
        "2026-09-24", "2026-12-31", "2027-03-25",
      ])
    let c = try Self.cadence("FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    #expect(
      c.dates(start: Self.date("2026-11-30"), from: Self.date("2026-12-08"), limit: 10).map(
        \.description) == ["2026-12-14"])
    #expect(
      try Self.dates("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261214", start: "2026-11-30", count: 10).count
        == 3)
  }

  @Test func daylightSavingChangesInANamedZone() throws {
    let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
    let four = RitualTime(hour: 16, minute: 0)
    // Summer time starts on 29 March 2026: 16:00 is 15:00 UTC before, 14:00 after.
    let before = RitualTime.instant(Self.date("2026-03-26"), four, in: berlin)
    let after = RitualTime.instant(Self.date("2026-04-02"), four, in: berlin)
    #expect(after.timeIntervalSince(before) == 7 * 86400 - 3600)
    #expect(RitualTime.offset(berlin, at: before) == "+01:00")
    #expect(RitualTime.offset(berlin, at: after) == "+02:00")
    #expect(
      ICalendarWriter.compact(after, utc: true, z: true) == "20260402T140000Z")
    // And ends on 25 October 2026.
    let october = RitualTime.instant(Self.date("2026-10-29"), four, in: berlin)
    #expect(ICalendarWriter.compact(october, utc: true, z: true) == "20261029T150000Z")

    let newYork = try #require(TimeZone(identifier: "America/New_York"))
    let nine = RitualTime(hour: 9, minute: 0)
    // US clocks change on 8 March 2026, three weeks before Europe's.
    let march1 = RitualTime.instant(Self.date("2026-03-01"), nine, in: newYork)
    let march8 = RitualTime.instant(Self.date("2026-03-08"), nine, in: newYork)
    #expect(ICalendarWriter.compact(march1, utc: true, z: true) == "20260301T140000Z")
    #expect(ICalendarWriter.compact(march8, utc: true, z: true) == "20260308T130000Z")
    let (localDate, localTime) = RitualTime.local(march8, in: newYork)
    #expect(localDate == Self.date("2026-03-08") && localTime == nine)
  }

  /// 02:30 does not exist in Berlin on 29 March 2026; Foundation moves it
  /// forward by the gap, to 03:30 summer time (01:30 UTC).
  @Test func aTimeTheClocksSkipMovesForward() throws {
    let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
    let skipped = RitualTime.instant(
      Self.date("2026-03-29"), RitualTime(hour: 2, minute: 30), in: berlin)
    #expect(ICalendarWriter.compact(skipped, utc: true, z: true) == "20260329T013000Z")
  }

  @Test(arguments: [
    ("monthly on the fifth tuesday", "most months have no 5th Tuesday"),
    ("FREQ=MONTHLY;BYDAY=5TU", "most months have no 5th Tuesday"),
    ("FREQ=MONTHLY;BYMONTHDAY=31", "not every month has a day 31"),
    ("monthly on day 30", "not every month has a day 30"),
    ("FREQ=MONTHLY;BYDAY=TU", "needs the week of the month"),
    ("FREQ=WEEKLY;BYDAY=2TU", "without a number"),
  ])
  func impossibleCadencesAreErrorsAtTheirMark(text: String, message: String) {
    let mark = SourceMark(file: "r.yaml", line: 7, column: 14)
    guard case .failure(let d) = RitualCadence.parse(Value(.string(text), mark: mark)) else {
      Issue.record("\(text) parsed")
      return
    }
    #expect(d.code == "T011")
    #expect(d.mark == mark)
    #expect(d.message.contains(message), "\(d.message)")
  }

  @Test(arguments: [
    "fortnightly", "weekly on thursdy", "FREQ=DAILY", "FREQ=WEEKLY;BYHOUR=9", "monthly on the",
    "FREQ=YEARLY;BYMONTH=2",
  ])
  func unreadableCadencesAreErrors(text: String) {
    guard case .failure(let d) = RitualCadence.parse(Value(.string(text))) else {
      Issue.record("\(text) parsed")
      return
    }
    #expect(d.code == "T010")
  }
}
