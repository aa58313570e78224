public import Foundation

/// Writes events as an iCalendar file (RFC 5545): a VEVENT per event (a
/// series with its RRULE and EXDATEs, or an override of one of its
/// occurrences by RECURRENCE-ID), with its start and end in its own zone
/// (`DTSTART;TZID=Europe/Berlin:20261203T160000`), and a VTIMEZONE per zone
/// that lists the zone's real offset changes over the span of the events
/// (as Foundation's `TimeZone` knows them), so a calendar shows the right
/// local time on both sides of a daylight-saving change.
public struct ICalendarWriter: Sendable {
  public struct Event: Sendable {
    public var uid: String
    public var summary: String
    public var description: String?
    public var location: String?
    public var start: Date
    public var end: Date
    public var zone: TimeZone
    /// A series: its RRULE and the starts it leaves out (EXDATE).
    public var rrule: String?
    public var exdates: [Date] = []
    /// An override of one occurrence of the series with the same UID.
    public var recurrenceID: Date?

    public init(
      uid: String, summary: String, description: String? = nil, location: String? = nil,
      start: Date, end: Date, zone: TimeZone
    ) {
      self.uid = uid
      self.summary = summary
      self.description = description
      self.location = location
      self.start = start
      self.end = end
      self.zone = zone
    }
  }

  /// When the file was made (DTSTAMP); passed in so output can be reproduced.
  public var stamp: Date

  public init(stamp: Date) { self.stamp = stamp }

  public func render(_ events: [Event]) -> String {
    var lines = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Steward//steward rituals//EN",
      "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
    ]
    var zones: [String] = []
    for e in events where !zones.contains(e.zone.identifier) { zones.append(e.zone.identifier) }
    for id in zones {
      guard let zone = TimeZone(identifier: id) else { continue }
      let mine = events.filter { $0.zone.identifier == id }
      let first = mine.map(\.start).min() ?? stamp
      let last = mine.map(\.end).max() ?? stamp
      lines += timezone(zone, from: first, to: last)
    }
    for e in events {
      lines.append("BEGIN:VEVENT")
      lines.append("UID:\(text(e.uid))")
      lines.append("DTSTAMP:\(utc(stamp))")
      if let id = e.recurrenceID {
        lines.append("RECURRENCE-ID;TZID=\(e.zone.identifier):\(local(id, e.zone))")
      }
      lines.append("DTSTART;TZID=\(e.zone.identifier):\(local(e.start, e.zone))")
      lines.append("DTEND;TZID=\(e.zone.identifier):\(local(e.end, e.zone))")
      if let rule = e.rrule { lines.append("RRULE:\(rule)") }
      for x in e.exdates { lines.append("EXDATE;TZID=\(e.zone.identifier):\(local(x, e.zone))") }
      lines.append("SUMMARY:\(text(e.summary))")
      if let d = e.description, !d.isEmpty { lines.append("DESCRIPTION:\(text(d))") }
      if let l = e.location, !l.isEmpty { lines.append("LOCATION:\(text(l))") }
      lines.append("END:VEVENT")
    }
    lines.append("END:VCALENDAR")
    return lines.map(fold).joined(separator: "\r\n") + "\r\n"
  }

  /// A VTIMEZONE whose observances are the zone's transitions between a
  /// year before `from` and `to`; a zone without transitions gets one
  /// STANDARD observance.
  func timezone(_ zone: TimeZone, from: Date, to: Date) -> [String] {
    var lines = ["BEGIN:VTIMEZONE", "TZID:\(zone.identifier)"]
    var cursor = from.addingTimeInterval(-366 * 86400)
    var transitions: [Date] = []
    while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= to,
      transitions.count < 1000
    {
      transitions.append(next)
      cursor = next
    }
    if transitions.isEmpty {
      let offset = zone.secondsFromGMT(for: from)
      lines += [
        "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:\(Self.offset(offset))",
        "TZOFFSETTO:\(Self.offset(offset))",
        "TZNAME:\(zone.abbreviation(for: from) ?? zone.identifier)",
        "END:STANDARD",
      ]
    } else {
      for t in transitions {
        let before = zone.secondsFromGMT(for: t.addingTimeInterval(-1))
        let after = zone.secondsFromGMT(for: t)
        let kind = zone.isDaylightSavingTime(for: t) ? "DAYLIGHT" : "STANDARD"
        // DTSTART of an observance is the local time before the change.
        let localStart = t.addingTimeInterval(Double(before))
        lines += [
          "BEGIN:\(kind)", "DTSTART:\(Self.compact(localStart, utc: true, z: false))",
          "TZOFFSETFROM:\(Self.offset(before))", "TZOFFSETTO:\(Self.offset(after))",
          "TZNAME:\(zone.abbreviation(for: t) ?? kind)", "END:\(kind)",
        ]
      }
    }
    lines.append("END:VTIMEZONE")
    return lines
  }

  static func offset(_ seconds: Int) -> String {
    let sign = seconds < 0 ? "-" : "+"
    let a = abs(seconds) / 60
    return String(format: "%@%02d%02d", sign, a / 60, a % 60)
  }

  /// `YYYYMMDDTHHMMSS` of `date` read in UTC (with `Z` when `z`).
  static func compact(_ date: Date, utc: Bool, z: Bool) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(
      format: "%04d%02d%02dT%02d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
      c.minute ?? 0, c.second ?? 0) + (z ? "Z" : "")
  }

  func utc(_ date: Date) -> String { Self.compact(date, utc: true, z: true) }

  func local(_ date: Date, _ zone: TimeZone) -> String {
    Self.compact(
      date.addingTimeInterval(Double(zone.secondsFromGMT(for: date))), utc: true, z: false)
  }

  /// TEXT escaping (RFC 5545 §3.3.11), scalar by scalar. Swift's
  /// `Character` holds "\r\n" as one grapheme that equals neither "\r" nor
  /// "\n", so a title or a name with CRLF went out raw and could end the
  /// event and forge another (or an ATTENDEE line). Every line break (CRLF,
  /// CR, LF, NEL, U+2028/2029, which some readers split lines on) becomes
  /// `\n`; other control characters, which TEXT may not hold, are dropped.
  func text(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var scalars = s.unicodeScalars.makeIterator()
    var pending = scalars.next()
    while let c = pending {
      pending = scalars.next()
      switch c.value {
      case 0x5C: out.append(contentsOf: "\\\\".unicodeScalars)
      case 0x3B: out.append(contentsOf: "\\;".unicodeScalars)
      case 0x2C: out.append(contentsOf: "\\,".unicodeScalars)
      case 0x0D:
        if pending == "\n" { pending = scalars.next() }
        out.append(contentsOf: "\\n".unicodeScalars)
      case 0x0A, 0x0B, 0x0C, 0x85, 0x2028, 0x2029: out.append(contentsOf: "\\n".unicodeScalars)
      case 0x09: out.append(c)
      case 0x00...0x1F, 0x7F...0x9F: continue
      default: out.append(c)
      }
    }
    return String(out)
  }

  /// Folds a content line at 75 octets, never inside a UTF-8 sequence.
  func fold(_ line: String) -> String {
    var out = ""
    var count = 0
    for scalar in line.unicodeScalars {
      let width = String(scalar).utf8.count
      if count + width > 75 {
        out += "\r\n "
        count = 1
      }
      out.unicodeScalars.append(scalar)
      count += width
    }
    return out
  }
}
