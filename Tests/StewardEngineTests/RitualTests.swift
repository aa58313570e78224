import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// A ritual playbook and its files in a scratch folder.
struct RitualFixture {
  let scratch: Scratch

  init(_ playbook: String, files: [String: String] = [:]) throws {
    scratch = try Scratch(files.merging(["rituals.yaml": playbook]) { a, _ in a })
  }

  func load(today: String = "2026-11-30") throws -> RitualPlaybook {
    let path = scratch.path("rituals.yaml")
    return try RitualPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path, today: LocalDate.parse(today)!)
  }

  func problems() -> [Diagnostic] {
    do {
      _ = try load()
      return []
    } catch {
      return Validator.diagnostics(of: error, file: scratch.path("rituals.yaml"))
    }
  }

  static let ten = (1...10).map { "p\($0)" }
  static let roster =
    "people:\n"
    + ten.enumerated().map { i, id in
      "  - {id: \(id), name: P\(i + 1), team: \(i % 2 == 0 ? "red" : "blue"), start: 2026-01-01}"
    }.joined(separator: "\n") + "\n"

  static func playbook(strategy: String, extra: String = "") -> String {
    """
    steward: 1
    kind: ritual
    name: rituals
    timezone: Europe/Berlin
    people: people.yaml
    absences: absences.yaml
    schedule: {from: 2027-01-01, count: 52}
    \(extra)
    rituals:
      - id: papers
        title: Papers
        cadence: weekly on thursday
        start: 2027-01-01
        time: "16:00"
        rotation: {strategy: \(strategy)}
    """
  }

  /// p3 away for six weeks, p7 for two, p10 for a week.
  static let absences = """
    absences:
      - {person: p3, from: 2027-03-01, to: 2027-04-11}
      - {person: p7, from: 2027-07-05, to: 2027-07-18}
      - {person: p10, from: 2027-10-11, to: 2027-10-17}
    """
}

@Suite struct RitualTests {
  func year(_ strategy: String) throws -> (RitualPlaybook, [RitualOccurrence]) {
    let fixture = try RitualFixture(
      RitualFixture.playbook(strategy: strategy),
      files: ["people.yaml": RitualFixture.roster, "absences.yaml": RitualFixture.absences])
    let playbook = try fixture.load()
    let scheduler = try RitualScheduler(playbook: playbook)
    let occurrences = scheduler.schedule(playbook.rituals[0], from: playbook.from, count: 52)
    return (playbook, occurrences)
  }

  @Test(arguments: ["round-robin", "least-recent"])
  func rotationIsFairOverAYearWithAbsences(strategy: String) throws {
    let (playbook, occurrences) = try year(strategy)
    #expect(occurrences.count == 52)
    #expect(occurrences.first?.date.description == "2027-01-07")
    var turns: [String: Int] = [:]
    for o in occurrences {
      let p = try #require(o.presenter)
      #expect(
        !playbook.absences.contains { $0.person == p && $0.covers(o.date) },
        "\(p) presents on \(o.date) while away")
      turns[p, default: 0] += 1
    }
    // 52 turns among 10 people: everyone presents 5 or 6 times, absences or not.
    #expect(turns.count == 10)
    #expect(turns.values.min() == 5 && turns.values.max() == 6, "\(turns)")
    // Nobody presents twice in a row.
    for (a, b) in zip(occurrences, occurrences.dropFirst()) { #expect(a.presenter != b.presenter) }
  }

  @Test func leastRecentGivesAMissedTurnBackFirst() throws {
    let (_, occurrences) = try year("least-recent")
    // p3 is away 1 March to 11 April; their turn (4 March) passes, and
    // they present at the first session back.
    let back = occurrences.first { $0.date.description >= "2027-04-12" }
    #expect(back?.presenter == "p3")
    let (_, robin) = try year("round-robin")
    #expect(robin.first { $0.date.description >= "2027-04-12" }?.presenter != "p3")
  }

  @Test func aLuaStrategyChoosesAndIsCheckedAgainstWhoIsAvailable() throws {
    let plugin = """
      local p = steward.plugin{ name = "mine", version = "1" }
      p:rotation{ id = "last_in_list", run = function(people, n, ctx)
        assert(ctx.ritual == "papers" and ctx.params.k == 2 and math.type(n) == "integer")
        return people[#people]
      end }
      p:rotation{ id = "stranger", run = function() return "nobody" end }
      return p
      """
    let yaml = RitualFixture.playbook(
      strategy: "mine.last_in_list, params: {k: 2}", extra: "plugins: [mine.lua]")
    let fixture = try RitualFixture(
      yaml,
      files: [
        "people.yaml": RitualFixture.roster, "absences.yaml": RitualFixture.absences,
        "mine.lua": plugin,
      ])
    let playbook = try fixture.load()
    let scheduler = try RitualScheduler(playbook: playbook)
    let occurrences = scheduler.schedule(playbook.rituals[0], from: playbook.from, count: 52)
    // The last of the roster who is not away: p10 except in its week off.
    #expect(occurrences.filter { $0.presenter == "p10" }.count == 51)
    #expect(occurrences.first { $0.date.description == "2027-10-14" }?.presenter == "p9")
    #expect(scheduler.warnings.isEmpty)

    let bad = try RitualFixture(
      RitualFixture.playbook(strategy: "mine.stranger", extra: "plugins: [mine.lua]"),
      files: [
        "people.yaml": RitualFixture.roster, "absences.yaml": RitualFixture.absences,
        "mine.lua": plugin,
      ]
    ).load()
    let badScheduler = try RitualScheduler(playbook: bad)
    let none = badScheduler.schedule(bad.rituals[0], from: bad.from, count: 2)
    #expect(none.allSatisfy { $0.presenter == nil })
    #expect(badScheduler.warnings.first?.message.contains("returned \"nobody\"") ?? false)
  }

  @Test func aRunawayStrategyCostsOneBudgetNotOnePerDate() throws {
    let plugin = """
      local p = steward.plugin{ name = "bad", version = "1" }
      p:rotation{ id = "spin", run = function() while true do end end }
      return p
      """
    let playbook = try RitualFixture(
      RitualFixture.playbook(strategy: "bad.spin", extra: "plugins: [bad.lua]"),
      files: [
        "people.yaml": RitualFixture.roster, "absences.yaml": RitualFixture.absences,
        "bad.lua": plugin,
      ]
    ).load()
    let scheduler = try RitualScheduler(playbook: playbook)
    let occurrences = scheduler.schedule(playbook.rituals[0], from: playbook.from, count: 52)
    #expect(occurrences.count == 52)
    #expect(occurrences.allSatisfy { $0.presenter == nil && $0.note != nil })
    #expect(scheduler.warnings.count == 1)
    // The instruction budget, or on a busy machine the wall clock: either
    // limit ends the one call, and the warning says which.
    let message = scheduler.warnings.first?.message ?? ""
    #expect(
      message.contains("instruction budget") || message.contains("wall-clock limit"),
      "\(scheduler.warnings)")
  }

  @Test func aTemplateThatDoesNotParseIsAnErrorOnItsLine() throws {
    let yaml = """
      steward: 1
      kind: ritual
      name: r
      timezone: UTC
      rituals:
        - id: papers
          cadence: weekly on thursday
          start: 2026-10-01
          time: "16:00"
          announcement: |
            {{title}} on {{date}}
            {{#presenter}}{{name}}{{/presnter}}
      """
    let problems = try RitualFixture(yaml).problems()
    #expect(problems.map(\.code) == ["T040"])
    #expect(problems.first?.mark.line == 12)
  }

  @Test func anUnknownStrategyOrPersonIsAnErrorWithItsMark() throws {
    let fixture = try RitualFixture(
      RitualFixture.playbook(strategy: "mine.nope").replacingOccurrences(
        of: "people.yaml", with: "people.yaml"),
      files: [
        "people.yaml": RitualFixture.roster,
        "absences.yaml": "absences:\n  - {person: p99, from: 2027-01-01, to: 2027-01-02}\n",
      ])
    let problems = fixture.problems()
    #expect(problems.map(\.code).sorted() == ["T021", "T031"])
    let person = try #require(problems.first { $0.code == "T021" })
    #expect(person.mark.file.hasSuffix("absences.yaml") && person.mark.line == 2)
    #expect(person.mark.column == 14)
  }

  @Test func anImpossibleCadenceInAPlaybookPointsAtIt() throws {
    let yaml = RitualFixture.playbook(strategy: "round-robin").replacingOccurrences(
      of: "weekly on thursday", with: "monthly on the 5th tuesday")
    let problems = try RitualFixture(
      yaml, files: ["people.yaml": RitualFixture.roster, "absences.yaml": "absences: []\n"]
    ).problems()
    #expect(problems.count == 1)
    #expect(problems.first?.code == "T011")
    #expect(problems.first?.mark.line == 12 && problems.first?.mark.column == 14)
  }

  @Test func attendanceNamesWhoIsDriftingAway() throws {
    // Five sessions; p2 came early and not since, p3 joined too late to judge.
    let roster = """
      people:
        - {id: p1, name: One, team: red, start: 2026-01-01}
        - {id: p2, name: Two, team: blue, start: 2026-01-01}
        - {id: p3, name: Three, team: blue, start: 2026-10-20}
        - {id: p4, name: Four, team: red, start: 2026-01-01, end: 2026-09-30}
      """
    let csv = """
      date,ritual,person
      2026-10-01,papers,p1
      2026-10-01,papers,p2
      2026-10-08,papers,p2
      2026-10-15,papers,p1
      2026-10-22,papers,p1
      2026-10-29,papers,p1
      2026-10-29,papers,p3
      """
    let yaml = """
      steward: 1
      kind: ritual
      name: r
      timezone: UTC
      people: people.yaml
      attendance: {file: a.csv, window: 3}
      rituals: [{id: papers, cadence: weekly on thursday, start: 2026-10-01, time: "16:00"}]
      """
    let playbook = try RitualFixture(yaml, files: ["people.yaml": roster, "a.csv": csv]).load()
    let a = RitualAttendanceAnalysis.analyse(
      playbook.attendance, roster: playbook.roster, window: 3)
    #expect(a.sessions.count == 5)
    #expect(a.isolated.map(\.id) == ["p2"])
    let p2 = try #require(a.people.first { $0.id == "p2" })
    #expect(p2.attended == 2 && p2.eligible == 5)
    #expect(p2.previousWindow == (2, 2) && p2.lastWindow == (0, 3))
    #expect(a.people.map(\.id) == ["p1", "p2", "p3"])  // p4 left
    #expect(a.teams.map { "\($0.team) \($0.attended)/\($0.eligible)" } == ["red 4/5", "blue 3/7"])
  }

  @Test func badAttendanceRowsAreErrorsAtTheirCell() throws {
    let yaml = """
      steward: 1
      kind: ritual
      name: r
      timezone: UTC
      people: people.yaml
      attendance: a.csv
      rituals: [{id: papers, cadence: weekly on thursday, start: 2026-10-01, time: "16:00"}]
      """
    let csv =
      "date,ritual,person\n2026-10-01,papers,p1\n01/10/2026,papers,p1\n2026-10-08,talks,p1\n2026-10-08,papers,zed\n"
    let problems = try RitualFixture(
      yaml, files: ["people.yaml": "people: [{id: p1, team: red}]\n", "a.csv": csv]
    ).problems()
    #expect(problems.map(\.code) == ["T012", "T036", "T021"])
    #expect(problems.map(\.mark.line) == [3, 4, 5])
    #expect(problems.map(\.mark.column) == [1, 12, 19])
  }

  @Test func announcementsRenderWithMustache() throws {
    let yaml = """
      steward: 1
      kind: ritual
      name: r
      timezone: Europe/Berlin
      people: people.yaml
      schedule: {from: 2026-12-01, count: 2}
      rituals:
        - id: papers
          title: Papers & pizza
          cadence: weekly on thursday
          start: 2026-10-01
          time: "16:00"
          duration: 1h30m
          rotation: {strategy: round-robin}
          data: {topic: "Uplift <models>"}
          announcement: |
            {{title}} on {{date}}, {{time}}-{{end_time}} {{timezone}} (UTC{{utc_offset}}): {{data.topic}}.
            {{#presenter}}{{name}} of {{team}}{{/presenter}}{{#next}}, then {{presenter.name}}{{/next}}
      """
    let playbook = try RitualFixture(
      yaml,
      files: [
        "people.yaml": "people: [{id: p1, name: Ana, team: red}, {id: p2, name: Bo, team: blue}]\n"
      ]
    ).load()
    let report = RitualReport.build(playbook, scheduler: try RitualScheduler(playbook: playbook))
    #expect(
      report.rituals[0].announcement
        == "Papers & pizza on Thursday 3 December 2026, 16:00-17:30 Europe/Berlin (UTC+01:00): Uplift <models>.\nBo of blue, then Ana"
    )
    let broken = yaml.replacingOccurrences(of: "{{/presenter}}{{#next}}", with: "{{/next}}")
    let problems = try RitualFixture(
      broken, files: ["people.yaml": "people: [{id: p1, team: red}]\n"]
    ).problems()
    #expect(problems.map(\.code) == ["T040"])
  }

  @Test func theCalendarFileIsValidICalendar() throws {
    let path = Scratch.packageRoot.appendingPathComponent("Playbooks/ds-community.yaml").path
    let playbook = try RitualPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      vars: ["from": "2027-03-01", "count": "6"], today: LocalDate(year: 2026, month: 11, day: 30)!)
    let report = RitualReport.build(playbook, scheduler: try RitualScheduler(playbook: playbook))
    let ics = RitualReporter.calendar(report, stamp: Date(timeIntervalSince1970: 1_796_000_000))
    let scratch = try Scratch(["c.ics": ics])
    // Python's icalendar reads the file independently: 4 series of 6, each
    // a master and its 6 overrides, and recurring-ical-events expands them
    // to 24 occurrences, each in Europe/Berlin with the local time the
    // playbook says, across the change to summer time on 28 March 2027.
    let check = """
      import sys, datetime, icalendar, recurring_ical_events
      cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
      assert len(cal.walk('VEVENT')) == 28, len(cal.walk('VEVENT'))
      assert len(cal.walk('VTIMEZONE')) == 1
      events = recurring_ical_events.of(cal).between(datetime.date(2027, 1, 1), datetime.date(2029, 1, 1))
      assert len(events) == 24, len(events)
      for e in events:
          start = e['DTSTART'].dt
          assert str(start.tzinfo) == 'Europe/Berlin' or start.tzinfo.tzname(start) in ('CET', 'CEST', 'GMT+1', 'GMT+2'), start.tzinfo
          assert e['DTEND'].dt > start
      papers = sorted(e['DTSTART'].dt for e in events if str(e['SUMMARY']).startswith('Paper reading group'))
      assert [p.hour for p in papers] == [16] * 6, papers
      assert [p.utcoffset().total_seconds() / 3600 for p in papers] == [1, 1, 1, 1, 2, 2], papers
      assert any('Announcement' in str(e.get('DESCRIPTION', '')) or 'picks the paper' in str(e.get('DESCRIPTION', '')) for e in events)
      print('ok', len(events))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", check, scratch.path("c.ics")]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(output)\n\(ics)")
    #expect(output.hasPrefix("ok 24"))
    // Lines are CRLF and folded at 75 octets.
    #expect(ics.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
    #expect(ics.contains("DTSTART;TZID=Europe/Berlin:20270304T160000\r\n"))
  }

  @Test func theStreamRecAttendanceNamesThePeopleDriftingAway() throws {
    let path = Scratch.packageRoot.appendingPathComponent("Playbooks/ds-community.yaml").path
    let playbook = try RitualPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      today: LocalDate(year: 2026, month: 11, day: 30)!)
    let report = RitualReport.build(playbook, scheduler: try RitualScheduler(playbook: playbook))
    let isolated = try #require(report.attendance?.isolated)
    #expect(isolated.map(\.name) == ["Yusuf Demir", "Ivan Horvat"])
    #expect(report.warnings.isEmpty)
    #expect(
      RitualReporter.text(report).contains(
        "Drifting away (attended none of the last 4 sessions): 2"))
    // Marta Nowak is on parental leave from 7 December: no turn for her.
    for row in report.rituals {
      for o in row.occurrences where o.presenter == "marta-nowak" {
        #expect(o.date < LocalDate(year: 2026, month: 12, day: 7)!)
      }
    }
  }
}
