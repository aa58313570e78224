import Foundation
import Testing

/// `steward run` on the shipped hackathon and ritual playbooks, from the
/// repository root, as a user or `steward demo` runs them.
@Suite struct RitualCommandTests {
  @Test func theHackathonReproducesTheStory() throws {
    let r = try StewardBinary.run(["run", "Playbooks/quarterly-hackathon.yaml", "--no-record"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Projects: 9, cross-team: 7"))
    #expect(r.stdout.contains("9 submitted → 7 demoed → 2 into the backlog → 1 shipped"))
    #expect(r.stdout.contains("stalled: toxicity-explainer TS-128, 56 days in the backlog"))
    #expect(r.stderr.isEmpty)
  }

  @Test func theFunnelAcrossHackathonsIsReadFromTheStore() throws {
    let root = StewardBinary.packageRoot
    let original = try String(
      contentsOf: root.appendingPathComponent("Playbooks/quarterly-hackathon.yaml"), encoding: .utf8
    )
    // The next quarter: the same playbook with another event and fewer projects.
    let next = original.replacingOccurrences(of: "id: 2026-q3", with: "id: 2026-q4")
      .replacingOccurrences(of: "title: Hackathon 2026 Q3", with: "title: Hackathon 2026 Q4")
      .replacingOccurrences(of: "../Examples/", with: root.path + "/Examples/")
      .replacingOccurrences(
        of: root.path + "/Examples/streamrec/hackathon/2026-q3-projects.yaml",
        with: "projects.yaml"
      )
      .replacingOccurrences(
        of: "  scores: " + root.path + "/Examples/streamrec/hackathon/2026-q3-scores.csv\n",
        with: "")
    let dir = try StewardBinary.scratch([
      "q4.yaml": next,
      "projects.yaml": """
      projects:
        - {id: a, title: A, members: [chen-wei, ben-carter], status: demoed}
        - {id: b, title: B, members: [lucas-martin], status: idea}
      """,
    ])
    let store = dir.appendingPathComponent("h.sqlite").path
    let q3 = try StewardBinary.run(["run", "Playbooks/quarterly-hackathon.yaml", "--store", store])
    #expect(q3.status == 0, "\(q3.stderr)")
    let q4 = try StewardBinary.run(["run", "q4.yaml", "--store", store], in: dir)
    #expect(q4.status == 0, "\(q4.stderr)")
    #expect(q4.stdout.contains("Across hackathons:"))
    #expect(q4.stdout.contains("2026-q3: 9 submitted → 7 demoed → 2 into the backlog → 1 shipped"))
    #expect(q4.stdout.contains("2026-q4: 2 submitted → 1 demoed → 0 into the backlog → 0 shipped"))
    let md = try StewardBinary.run(
      ["run", "q4.yaml", "--store", store, "--format", "markdown"], in: dir)
    #expect(md.stdout.contains("| Hackathon 2026 Q3 | 9 | 7 | 2 | 1 | 7 |"))
  }

  @Test func theCommunityRitualsNameWhoIsDriftingAwayAndWriteACalendar() throws {
    let dir = try StewardBinary.scratch([:])
    let ics = dir.appendingPathComponent("community.ics").path
    let store = dir.appendingPathComponent("h.sqlite").path
    let r = try StewardBinary.run([
      "run", "Playbooks/ds-community.yaml", "--ics", ics, "--store", store,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Drifting away (attended none of the last 4 sessions): 2"))
    #expect(r.stdout.contains("Yusuf Demir (trust and safety)"))
    #expect(r.stdout.contains("Ivan Horvat (business analytics)"))
    let text = try String(contentsOfFile: ics, encoding: .utf8)
    #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
    // A second run shows the first one's count as the trend.
    let again = try StewardBinary.run([
      "run", "Playbooks/ds-community.yaml", "--store", store, "--format", "json",
    ])
    #expect(again.status == 0)
    let json = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
    let attendance = json?["attendance"] as? [String: Any]
    #expect(attendance?["isolated_in_earlier_runs"] as? [Int] == [2])
  }

  @Test func aNewRitualPlaybookRunsAsWritten() throws {
    let dir = try StewardBinary.scratch([:])
    #expect(try StewardBinary.run(["new", "playbook", "ritual", "team"], in: dir).status == 0)
    let r = try StewardBinary.run(["run", "team.yaml", "--no-record"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Paper reading group (paper-group): weekly on thursday at 16:00"))
  }

  @Test func theLuaPaperGroupRuns() throws {
    let r = try StewardBinary.run([
      "run", "Playbooks/paper-group.lua", "--no-record", "--format", "markdown",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("presenters by rotations.cross_team"))
  }

  @Test func badInputIsExitTwoWithItsMark() throws {
    let dir = try StewardBinary.scratch([
      "r.yaml": """
      steward: 1
      kind: ritual
      name: r
      timezone: Europe/Berlin
      rituals:
        - {id: talks, cadence: monthly on the 5th tuesday, start: 2026-06-02, time: "17:00"}
        - {id: papers, cadence: weekly on thursday, start: 2026-13-01, time: "16:00"}
      """
    ])
    let r = try StewardBinary.run(["run", "r.yaml", "--no-record"], in: dir)
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    #expect(
      r.stderr.contains("r.yaml:6:26: error: cadence \"monthly on the 5th tuesday\" is impossible"))
    #expect(r.stderr.contains("r.yaml:7:54: error: start of papers \"2026-13-01\" is not a date"))
    let hack = try StewardBinary.run(
      [
        "run", "Playbooks/quarterly-hackathon.yaml", "--no-record", "--input",
        "scores=\(dir.appendingPathComponent("s.csv").path)",
      ])
    #expect(hack.status == 2)
    #expect(hack.stderr.contains("s.csv: error: cannot read"))
  }

  /// The idiom docs/ritual.md uses, `rituals[#rituals + 1] = { … }` (and
  /// `table.insert`, and the same inside a loop): a bad field is reported
  /// at its own line, not at line 1.
  @Test func aBadFieldOfAnAppendedRitualIsReportedAtItsLine() throws {
    let dir = try StewardBinary.scratch([
      "r.lua": """
      local rituals = {}
      rituals[#rituals + 1] = {
        id = "talks", cadence = "monthly on the first tuesday", start = "2026-06-02",
        time = "17:00",
      }
      rituals[#rituals+1] = {
        id = "papers", cadence = "weekly on thursday",
        start = "2026-13-01", time = "16:00",
      }
      table.insert(rituals, { id = "demo", cadence = "fortnightly on friday",
        start = "2026-06-05", time = "25:00" })
      return { steward = 1, kind = "ritual", name = "r", timezone = "Europe/Berlin", rituals = rituals }
      """,
      "loop.lua": """
      local rituals = {}
      for _, day in ipairs({ "monday", "tuesday" }) do
        rituals[#rituals + 1] = { id = "standup-" .. day, cadence = "weekly on " .. day,
          start = "2026-06-01", time = "09:00", colour = "blue" }
      end
      return { steward = 1, kind = "ritual", name = "r", timezone = "Europe/Berlin", rituals = rituals }
      """,
    ])
    let r = try StewardBinary.run(["validate", "r.lua"], in: dir)
    #expect(r.status == 2)
    let said = r.stdout + r.stderr
    #expect(said.contains("r.lua:8:11:"), "\(said)")  // start = "2026-13-01"
    #expect(said.contains("r.lua:11:32:"), "\(said)")  // time = "25:00"
    #expect(!said.contains("r.lua:1:"), "\(said)")
    let loop = try StewardBinary.run(["validate", "loop.lua"], in: dir)
    #expect(loop.status == 2)
    #expect((loop.stdout + loop.stderr).contains("loop.lua:4:43:"), "\(loop.stdout)\(loop.stderr)")
  }

  /// A ritual is one calendar series: an RRULE, EXDATEs for the days not
  /// booked (a holiday, 24-31 December), an override with the presenter per
  /// occurrence. Python's icalendar and recurring-ical-events expand the
  /// file to exactly the occurrences steward lists; the YAML and Lua forms
  /// give the same UIDs and presenters.
  @Test func theCalendarIsOneSeriesThatExpandsToWhatStewardLists() throws {
    let ritual = (
      id: "papers", title: "Paper group", cadence: "weekly on thursday", start: "2026-11-05",
      time: "16:00"
    )
    let dir = try StewardBinary.scratch([
      "people.yaml": """
      people:
        - {id: ana, name: Ana, team: platform, start: 2026-01-05}
        - {id: ben, name: Ben, team: recs, start: 2026-03-02}
        - {id: cai, name: Cai, team: ads, start: 2026-06-01}

      """,
      "holidays.yaml": "- {date: 2027-01-07, name: team offsite}\n",
      "r.yaml": """
      steward: 1
      kind: ritual
      name: community
      timezone: Europe/Berlin
      people: people.yaml
      holidays: holidays.yaml
      schedule: {from: 2026-12-01, count: 6}
      rituals:
        - id: \(ritual.id)
          title: \(ritual.title)
          cadence: \(ritual.cadence)
          start: \(ritual.start)
          time: "\(ritual.time)"
          rotation: {strategy: round-robin, teams: [platform, recs, ads]}

      """,
      "r.lua": """
      local rituals = {}
      rituals[#rituals + 1] = {
        id = "\(ritual.id)", title = "\(ritual.title)", cadence = "\(ritual.cadence)",
        start = "\(ritual.start)", time = "\(ritual.time)",
        rotation = { strategy = "round-robin", teams = { "platform", "recs", "ads" } },
      }
      return {
        steward = 1, kind = "ritual", name = "community", timezone = "Europe/Berlin",
        people = "people.yaml", holidays = "holidays.yaml",
        schedule = { from = "2026-12-01", count = 6 }, rituals = rituals,
      }

      """,
    ])
    var listed: [String: [[String: Any]]] = [:]
    for form in ["r.yaml", "r.lua"] {
      let ics = form + ".ics"
      let r = try StewardBinary.run(
        ["run", form, "--no-record", "--format", "json", "--ics", ics], in: dir)
      #expect(r.status == 0, "\(form): \(r.stderr)")
      let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      let first = (json?["rituals"] as? [[String: Any]])?.first
      listed[form] = first?["occurrences"] as? [[String: Any]] ?? []
      // 24 and 31 December and the offsite on 7 January are not booked.
      let skipped = (first?["skipped"] as? [[String: Any]])?.compactMap { $0["date"] as? String }
      #expect(skipped == ["2026-12-24", "2026-12-31", "2027-01-07"], "\(form)")
    }
    let dates = listed["r.yaml"]?.compactMap { $0["date"] as? String } ?? []
    #expect(
      dates == ["2026-12-03", "2026-12-10", "2026-12-17", "2027-01-14", "2027-01-21", "2027-01-28"])
    #expect(
      listed["r.yaml"]?.compactMap { $0["presenter"] as? String }
        == listed["r.lua"]?.compactMap { $0["presenter"] as? String })

    // The calendar as a calendar application reads it.
    let check = """
      import sys, datetime, icalendar, recurring_ical_events
      for path in sys.argv[1:]:
          cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
          masters = [e for e in cal.walk('VEVENT') if 'RRULE' in e]
          overrides = [e for e in cal.walk('VEVENT') if 'RECURRENCE-ID' in e]
          uids = sorted({str(e['UID']) for e in cal.walk('VEVENT')})
          exdates = []
          for m in masters:
              ex = m.get('EXDATE')
              for group in (ex if isinstance(ex, list) else [ex] if ex else []):
                  exdates += [d.dt.date().isoformat() for d in group.dts]
          occurrences = recurring_ical_events.of(cal).between(
              datetime.date(2026, 1, 1), datetime.date(2028, 1, 1))
          print(path, len(masters), len(overrides), ','.join(uids), ','.join(sorted(exdates)))
          for o in sorted(occurrences, key=lambda e: e['DTSTART'].dt):
              print(' ', o['DTSTART'].dt.isoformat(), o['SUMMARY'])
      """
    let output = try StewardBinary.python(
      check,
      [dir.appendingPathComponent("r.yaml.ics").path, dir.appendingPathComponent("r.lua.ics").path])
    let names = ["ana": "Ana", "ben": "Ben", "cai": "Cai"]
    let expected = (listed["r.yaml"] ?? []).map { o in
      "  \(o["date"] as? String ?? "?")T16:00:00+01:00 Paper group — "
        + (names[o["presenter"] as? String ?? ""] ?? "?")
    }
    let header = "1 6 community-papers@steward 2026-12-24,2026-12-31,2027-01-07"
    #expect(
      output
        == ([dir.appendingPathComponent("r.yaml.ics").path + " " + header] + expected
        + [dir.appendingPathComponent("r.lua.ics").path + " " + header] + expected)
        .joined(separator: "\n") + "\n",
      "\(output)")
  }

  /// A title or a name with line breaks cannot end the event and forge
  /// another, or add an ATTENDEE or URL: Swift reads "\r\n" as one
  /// Character, and the escaping now goes scalar by scalar. Python's
  /// icalendar reads the file back: only the ritual's own events, with the
  /// properties steward writes, and the title as it was given (each line
  /// break read back as "\n").
  @Test func lineBreaksInATitleOrANameForgeNothingInTheCalendar() throws {
    let forged = "\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nUID:forged@evil\\r\\nSUMMARY:Forged"
    let dir = try StewardBinary.scratch([
      "people.yaml": """
      people:
        - {id: ana, name: "Ana\(forged)\\rATTENDEE:mailto:evil@example.com", team: platform, start: 2026-01-05}

      """,
      "r.yaml": """
      steward: 1
      kind: ritual
      name: team-rituals
      timezone: Europe/Berlin
      people: people.yaml
      schedule: {from: 2027-03-15, count: 2}
      rituals:
        - id: papers
          title: "Paper group\\r\\nATTENDEE:mailto:evil@example.com\\nURL:https://evil.example/phish\\u2028DTSTART:2027\\x0b; a, b \\\\ c\\té\\x7f"
          cadence: weekly on thursday
          start: 2027-01-07
          time: "16:00"
          duration: 1h
          rotation: {strategy: least-recent, teams: [platform]}

      """,
    ])
    let r = try StewardBinary.run(["run", "r.yaml", "--no-record", "--ics", "r.ics"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let read = """
      import sys, json, icalendar
      cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
      events = [{'uid': str(e['UID']), 'summary': str(e['SUMMARY']),
                 'keys': sorted(set(e.keys()))} for e in cal.walk('VEVENT')]
      print(json.dumps({'events': events, 'errors': [str(c.errors) for c in cal.walk() if c.errors]}))
      """
    let output = try StewardBinary.python(read, [dir.appendingPathComponent("r.ics").path])
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
    let events = try #require(json["events"] as? [[String: Any]])
    #expect((json["errors"] as? [String]) == [], "\(output)")
    // The series and its two overrides; nothing else.
    #expect(events.count == 3, "\(output)")
    #expect(Set(events.compactMap { $0["uid"] as? String }) == ["team-rituals-papers@steward"])
    let allowed: Set<String> = [
      "UID", "DTSTAMP", "RECURRENCE-ID", "DTSTART", "DTEND", "RRULE", "SUMMARY",
    ]
    for event in events {
      let keys = Set(event["keys"] as? [String] ?? [])
      #expect(keys.isSubset(of: allowed), "\(keys.subtracting(allowed))")
    }
    let title =
      "Paper group\nATTENDEE:mailto:evil@example.com\nURL:https://evil.example/phish\nDTSTART:2027\n; a, b \\ c\té"
    let summaries = events.compactMap { $0["summary"] as? String }
    #expect(summaries.first == title, "\(summaries)")
    let name =
      "Ana\nEND:VEVENT\nBEGIN:VEVENT\nUID:forged@evil\nSUMMARY:Forged\nATTENDEE:mailto:evil@example.com"
    #expect(summaries.dropFirst().allSatisfy { $0 == title + " — " + name }, "\(summaries)")
    // No raw line break is left in a content line (folds are CRLF + space).
    let raw = try String(contentsOf: dir.appendingPathComponent("r.ics"), encoding: .utf8)
    #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains { $0 == "\r" || $0 == "\n" })
  }

  /// With `book_year_end: true` the days between Christmas Eve and New
  /// Year's Eve are booked like any other.
  @Test func aPlaybookCanBookTheYearEnd() throws {
    let dir = try StewardBinary.scratch([
      "r.yaml": """
      steward: 1
      kind: ritual
      name: r
      timezone: Europe/Berlin
      book_year_end: true
      schedule: {from: 2026-12-20, count: 3}
      rituals:
        - {id: papers, cadence: weekly on thursday, start: 2026-11-05, time: "16:00"}

      """
    ])
    let r = try StewardBinary.run(["run", "r.yaml", "--no-record", "--format", "json"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"date\": \"2026-12-24\""))
    #expect(r.stdout.contains("\"date\": \"2026-12-31\""))
  }
}
