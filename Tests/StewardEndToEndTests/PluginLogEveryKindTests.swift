import Foundation
import Testing

/// `steward.log.*` is said on stderr alike for every kind that runs Lua
/// (issue 18, point 6): with `--verbose` every level, with `STEWARD_LOG`
/// from that level up, without either nothing, and never on stdout, where
/// a machine-readable report may be.
@Suite struct PluginLogEveryKindTests {
  /// A playbook of each kind whose Lua logs one info and one debug line,
  /// the arguments that run it with a JSON report on stdout, and what the
  /// info line says on stderr.
  struct Case: CustomTestStringConvertible, Sendable {
    var kind: String
    var files: [String: String]
    var arguments: [String]
    var infoLine: String
    var debugLine: String
    var testDescription: String { kind }
  }

  static let cases: [Case] = [
    Case(
      kind: "runbook",
      files: [
        "p.lua": """
        local p = steward.plugin{ name = "p", version = "1" }
        p:step{ id = "say", run = function(params, ctx)
          steward.log.info("restarting", params.service)
          steward.log.debug("in step", ctx.step)
          return { ok = true }
        end }
        return p

        """,
        "r.yaml": """
        steward: 1
        kind: runbook
        name: r
        plugins: [p.lua]
        steps:
          - id: restart
            when: steward.log.warn("judging when") == nil
            use: p.say
            with: { service: api }

        """,
      ],
      arguments: ["r.yaml", "--yes"],
      infoLine: "log: info: step restart: restarting api",
      debugLine: "log: debug: step restart: in step restart"),
    Case(
      kind: "survey",
      files: [
        "s.lua": """
        local p = steward.plugin{ name = "health", version = "1" }
        p:scorer{ id = "band", run = function(group)
          steward.log.info("scoring", group.name)
          steward.log.debug("questions", #group.questions)
          return { level = "healthy" }
        end }
        return p

        """,
        "s.yaml": """
        steward: 1
        kind: survey
        name: s
        plugins: [s.lua]
        responses: { file: r.csv, metadata: [team] }
        groups: [team]
        min_group_size: 2
        questions: [{ id: enps, text: e, dimension: culture, type: enps }]
        levels: [{ id: at_risk }, { id: healthy }]
        scoring: { use: health.band }

        """,
        "r.csv": "respondent,team,enps\na,ads,10\nb,ads,9\nc,search,9\nd,search,3\n",
      ],
      arguments: ["s.yaml"],
      infoLine: "log: info: scorer health.band on ads: scoring ads",
      debugLine: "log: debug: scorer health.band on ads: questions 1"),
    Case(
      kind: "ritual",
      files: [
        "m.lua": """
        local p = steward.plugin{ name = "mine", version = "1" }
        p:rotation{ id = "first", run = function(people, n, ctx)
          steward.log.info("choosing from", #people)
          steward.log.debug("turn", n)
          return people[1]
        end }
        return p

        """,
        "people.yaml": """
        people:
          - {id: ana, name: Ana, team: red, start: 2026-01-01}
          - {id: ben, name: Ben, team: blue, start: 2026-01-01}

        """,
        "t.yaml": """
        steward: 1
        kind: ritual
        name: t
        timezone: Europe/Berlin
        people: people.yaml
        plugins: [m.lua]
        schedule: {from: 2027-01-07, count: 1}
        rituals:
          - id: papers
            title: Papers
            cadence: weekly on thursday
            start: 2027-01-07
            time: "16:00"
            rotation: {strategy: mine.first}

        """,
      ],
      arguments: ["t.yaml"],
      infoLine: "log: info: rotation mine.first for papers on 2027-01-07: choosing from 2",
      debugLine: "log: debug: rotation mine.first for papers on 2027-01-07: turn 0"),
    Case(
      kind: "dashboard",
      files: [
        "d.yaml": """
        steward: 1
        kind: dashboard
        name: d
        period: {month: 2026-10, compare: none}
        metrics:
          - id: answer
            title: The answer
            lua: |
              steward.log.info("computing for", period.month)
              steward.log.debug("first day", period.first_day)
              return 42

        """
      ],
      arguments: ["d.yaml"],
      infoLine: "log: info: metric answer for 2026-10: computing for 2026-10",
      debugLine: "log: debug: metric answer for 2026-10: first day 2026-10-01"),
    Case(
      kind: "hackathon (a Lua playbook)",
      files: [
        "h.lua": """
        local teams = { "platform", "recs" }
        steward.log.info("building", #teams, "teams")
        steward.log.debug("first is", teams[1])
        return {
          steward = 1, kind = "hackathon", name = "h",
          event = { id = "h1", title = "Hack 1", start = "2026-09-24" },
          org = { people = "people.yaml", hub = "platform" },
          projects = "projects.yaml",
          judging = { criteria = { { id = "a", weight = 1 } }, scores = "scores.csv" },
        }

        """,
        "people.yaml": """
        people:
          - {id: ana, name: Ana, team: platform}
          - {id: ben, name: Ben, team: recs}

        """,
        "projects.yaml": """
        projects:
          - {id: p1, title: One, members: [ana, ben], status: demoed}

        """,
        "scores.csv": "judge,project,a\nj1,p1,4\n",
      ],
      arguments: ["h.lua"],
      infoLine: "log: info: h.lua: building 2 teams",
      debugLine: "log: debug: h.lua: first is platform"),
  ]

  @Test(arguments: cases)
  func logLinesGoToStderrAsAskedAndNeverToStdout(_ c: Case) throws {
    let dir = try StewardBinary.scratch(c.files)
    let run = ["run"] + c.arguments + ["--no-record", "--format", "json"]

    let plain = try StewardBinary.run(run, in: dir)
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(!plain.stderr.contains("log: "), "\(plain.stderr)")
    #expect(try Self.isJSON(plain.stdout), "\(plain.stdout)")

    let verbose = try StewardBinary.run(run + ["--verbose"], in: dir)
    #expect(verbose.status == 0, "\(verbose.stderr)")
    #expect(verbose.stderr.contains(c.infoLine), "\(verbose.stderr)")
    #expect(verbose.stderr.contains(c.debugLine), "\(verbose.stderr)")
    #expect(!verbose.stdout.contains("log: "))
    #expect(try Self.isJSON(verbose.stdout), "\(verbose.stdout)")

    let info = try StewardBinary.run(run, in: dir, environment: ["STEWARD_LOG": "info"])
    #expect(info.stderr.contains(c.infoLine), "\(info.stderr)")
    #expect(!info.stderr.contains(c.debugLine), "\(info.stderr)")

    let error = try StewardBinary.run(run, in: dir, environment: ["STEWARD_LOG": "error"])
    #expect(!error.stderr.contains("log: "), "\(error.stderr)")

    let wrong = try StewardBinary.run(run, in: dir, environment: ["STEWARD_LOG": "loud"])
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("STEWARD_LOG takes debug, info, warning, error"))
    #expect(wrong.stdout.isEmpty)
  }

  /// A `when:` expression of a runbook logs as its step, like a step type.
  @Test func aRunbookExpressionLogsAsItsStep() throws {
    let c = Self.cases[0]
    let dir = try StewardBinary.scratch(c.files)
    let r = try StewardBinary.run(
      ["run"] + c.arguments + ["--no-record"], in: dir, environment: ["STEWARD_LOG": "warn"])
    #expect(r.stderr.contains("log: warning: step restart: judging when"), "\(r.stderr)")
    #expect(!r.stderr.contains("restarting api"))
  }

  /// A plugin that does not compile is said once, with its column, by
  /// every kind that uses plugins, from `run` and from `validate`: the
  /// step type, scorer or rotation it would have held is not said again
  /// to be missing.
  @Test(arguments: [(0, "p.lua"), (1, "s.lua"), (2, "m.lua")])
  func aBrokenPluginIsSaidOnceByEveryKind(_ index: Int, _ plugin: String) throws {
    var files = Self.cases[index].files
    files[plugin] = """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "c", run = function(s)
        if s.x then return { status = "pass" } end end end,
      }
      return p

      """
    let dir = try StewardBinary.scratch(files)
    let playbook = Self.cases[index].arguments[0]
    for arguments in [["run", playbook, "--no-record", "--yes"], ["validate", playbook]] {
      let r = try StewardBinary.run(
        index == 0 ? arguments : arguments.filter { $0 != "--yes" }, in: dir)
      #expect(r.status == 2, "\(arguments)")
      let errors = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
      #expect(
        errors == [
          "\(plugin):3:50: error: '}' expected (to close '{' at line 2) near 'end' [L001]"
        ],
        "\(arguments): \(r.stderr)")
    }
  }

  /// `steward test` says what examples and fixtures log with STEWARD_LOG.
  @Test func stewardTestSaysWhatExamplesAndFixturesLog() throws {
    let dir = try StewardBinary.scratch([
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "c", run = function(s)
          steward.log.info("judging", s.id)
          return { status = s.ok and "pass" or "fail" }
        end,
        examples = { { subject = { id = "m", ok = true }, expect = "pass" } } }
      return p

      """,
      "g.yaml":
        "steward: 1\nkind: audit\nname: g\nplugins: [p.lua]\nsubjects: g.tests.yaml\nchecks:\n  - use: p.c\n",
      "g.tests.yaml": "tests:\n  - { name: bad, subject: { id: x }, expect: { c: fail } }\n",
    ])
    let quiet = try StewardBinary.run(["test", "p.lua", "g.yaml"], in: dir)
    #expect(quiet.status == 0, "\(quiet.stdout)\(quiet.stderr)")
    #expect(!quiet.stderr.contains("log: "))
    let r = try StewardBinary.run(
      ["test", "p.lua", "g.yaml"], in: dir, environment: ["STEWARD_LOG": "info"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stderr.contains("log: info: example 1 of c: judging m"), "\(r.stderr)")
    #expect(r.stderr.contains("log: info: c on x: judging x"), "\(r.stderr)")
    #expect(!r.stdout.contains("log: "))
    let wrong = try StewardBinary.run(
      ["test", "p.lua"], in: dir, environment: ["STEWARD_LOG": "loud"])
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("STEWARD_LOG takes debug, info, warning, error"))
  }

  static func isJSON(_ text: String) throws -> Bool {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any]
  }
}
