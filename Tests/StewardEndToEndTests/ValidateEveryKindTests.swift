import Foundation
import Testing

/// `steward validate PLAYBOOK --input … --plugin-path …` judges every kind
/// exactly as `steward run` does (issue 18, point 7): a case `run` refuses
/// is refused by `validate` with the same errors at the same places, and a
/// case `run` accepts, `validate` accepts.
@Suite struct ValidateEveryKindTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var kind: String
    var files: [String: String]
    var playbook: String
    /// What `run` needs besides the playbook's own flags (a runbook's `--yes`).
    var runOnly: [String] = []
    /// Arguments `run` refuses (exit 2), and what its first error says.
    var refused: [(arguments: [String], says: String)]
    /// Arguments `run` accepts.
    var accepted: [String]
    var testDescription: String { kind }
  }

  static let cases: [Case] = [
    Case(
      kind: "audit",
      files: [
        "lib/p.lua": """
        local p = steward.plugin{ name = "p", version = "1" }
        p:check{ id = "c", run = function(s) return { status = "pass" } end }
        return p

        """,
        "cards/a.yaml": "id: a\nowner: x\n",
        "other/b.yaml": "id: b\nowner: [x\n",
        "teams.yaml": "teams: [x]\n",
        "g.yaml": """
        steward: 1
        kind: audit
        name: g
        plugins: [p]
        subjects: cards/
        data: { teams: teams.yaml }
        checks:
          - use: p.c

        """,
      ],
      playbook: "g.yaml", runOnly: ["--fail-on", "none"],
      refused: [
        ([], "plugin \"p\" not found"),
        (["--plugin-path", "lib", "--input", "subjects=other/"], "other/b.yaml:3:1:"),
        (["--plugin-path", "lib", "--input", "teams=nowhere.yaml"], "nowhere.yaml"),
      ],
      accepted: ["--plugin-path", "lib", "--input", "teams=teams.yaml"]),
    Case(
      kind: "runbook",
      files: [
        "lib/p.lua": """
        local p = steward.plugin{ name = "p", version = "1" }
        p:step{ id = "say", run = function(params) return { ok = true } end }
        return p

        """,
        "r.yaml": """
        steward: 1
        kind: runbook
        name: r
        plugins: [p]
        steps:
          - id: restart
            use: p.say
            with: { service: api }

        """,
      ],
      playbook: "r.yaml", runOnly: ["--yes"],
      refused: [([], "plugin \"p\" not found")],
      accepted: ["--plugin-path", "lib"]),
    Case(
      kind: "survey",
      files: [
        "lib/health.lua": """
        local p = steward.plugin{ name = "health", version = "1" }
        p:scorer{ id = "band", run = function(group) return { level = "healthy" } end }
        return p

        """,
        "s.yaml": """
        steward: 1
        kind: survey
        name: s
        plugins: [health]
        responses: { file: r.csv, metadata: [team] }
        groups: [team]
        min_group_size: 2
        questions: [{ id: enps, text: e, dimension: culture, type: enps }]
        levels: [{ id: at_risk }, { id: healthy }]
        scoring: { use: health.band }

        """,
        "good.csv": "respondent,team,enps\na,ads,10\nb,ads,9\nc,search,9\nd,search,3\n",
        "bad.csv": "respondent,team,enps\na,ads,10\nb,ads,19\nc,search,9\nd,search,3\n",
      ],
      playbook: "s.yaml",
      refused: [
        (["--plugin-path", "lib"], "r.csv"),  // the declared responses are not there
        (["--plugin-path", "lib", "--input", "responses=bad.csv"], "bad.csv:3:"),
        (["--input", "responses=good.csv"], "plugin \"health\" not found"),
        (["--plugin-path", "lib", "--input", "respones=good.csv"], "I001"),
      ],
      accepted: ["--plugin-path", "lib", "--input", "responses=good.csv"]),
    Case(
      kind: "ritual",
      files: [
        "lib/mine.lua": """
        local p = steward.plugin{ name = "mine", version = "1" }
        p:rotation{ id = "first", run = function(people) return people[1] end }
        return p

        """,
        "good.yaml": "people:\n  - {id: ana, name: Ana, team: red, start: 2026-01-01}\n",
        "bad.yaml": "people:\n  - {id: ana, name: Ana, tem: red, start: 2026-01-01}\n",
        "t.yaml": """
        steward: 1
        kind: ritual
        name: t
        timezone: Europe/Berlin
        people: people.yaml
        plugins: [mine]
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
      playbook: "t.yaml",
      refused: [
        (["--plugin-path", "lib"], "people.yaml"),
        (["--plugin-path", "lib", "--input", "people=bad.yaml"], "bad.yaml:2:"),
        (["--input", "people=good.yaml"], "plugin \"mine\" not found"),
      ],
      accepted: ["--plugin-path", "lib", "--input", "people=good.yaml"]),
    Case(
      kind: "hackathon",
      files: [
        "h.yaml": """
        steward: 1
        kind: hackathon
        name: h
        event: {id: h1, title: Hack 1, start: 2026-09-24}
        org: {people: people.yaml, hub: platform}
        projects: projects.yaml
        judging:
          criteria: [{id: a, weight: 1}]
          scores: scores.csv

        """,
        "people.yaml": "people:\n  - {id: ana, name: Ana, team: platform}\n",
        "projects.yaml": "projects:\n  - {id: p1, title: One, members: [ana], status: demoed}\n",
        "bad.yaml": "projects:\n  - {id: p1, title: One, members: [zed], status: demoed}\n",
        "scores.csv": "judge,project,a\nj1,p1,4\n",
      ],
      playbook: "h.yaml",
      refused: [
        (["--input", "projects=bad.yaml"], "bad.yaml:2:"),
        (["--input", "projects=nowhere.yaml"], "nowhere.yaml"),
      ],
      accepted: ["--input", "projects=projects.yaml"]),
    Case(
      kind: "dashboard",
      files: [
        "d.yaml": """
        steward: 1
        kind: dashboard
        name: d
        period: {month: 2026-10, compare: none}
        inputs: {experiments: experiments.csv}
        metrics:
          - builtin: ab_tests

        """,
        "good.csv":
          "id,team,launched,ended,outcome,srm\ns-1,search,2026-09-20,2026-10-04,win,pass\n",
        "bad.csv":
          "id,team,launched,ended,outcome,srm\ns-1,search,2026-09-20,2026-10-04,win,pass,x\n",
      ],
      playbook: "d.yaml",
      refused: [
        ([], "experiments.csv"),
        (["--input", "experiments=bad.csv"], "bad.csv:2:"),
      ],
      accepted: ["--input", "experiments=good.csv"]),
    Case(
      kind: "ritual (a Lua playbook)",
      files: [
        "good.yaml": "people:\n  - {id: ana, name: Ana, team: red, start: 2026-01-01}\n",
        "bad.yaml": "people:\n  - {id: ana, name: Ana, tem: red, start: 2026-01-01}\n",
        "t.lua": """
        return {
          steward = 1, kind = "ritual", name = "t", timezone = "Europe/Berlin",
          people = "people.yaml", schedule = { from = "2027-01-07", count = 1 },
          rituals = { { id = "papers", title = "Papers", cadence = "weekly on thursday",
            start = "2027-01-07", time = "16:00" } },
        }

        """,
      ],
      playbook: "t.lua",
      refused: [
        ([], "people.yaml"),
        (["--input", "people=bad.yaml"], "bad.yaml:2:"),
      ],
      accepted: ["--input", "people=good.yaml"]),
  ]

  @Test(arguments: cases)
  func validateJudgesAsRunDoes(_ c: Case) throws {
    let dir = try StewardBinary.scratch(c.files)
    for (arguments, says) in c.refused {
      let run = try StewardBinary.run(
        ["run", c.playbook, "--no-record"] + c.runOnly + arguments, in: dir)
      let validate = try StewardBinary.run(["validate", c.playbook] + arguments, in: dir)
      #expect(run.status == 2, "run \(arguments): \(run.stderr)")
      #expect(validate.status == 2, "validate \(arguments): \(validate.stdout)\(validate.stderr)")
      let errors = Self.errors(run.stderr)
      #expect(errors.first?.contains(says) == true, "run \(arguments): \(run.stderr)")
      // The same errors at the same places, in the same order.
      #expect(Self.errors(validate.stderr) == errors, "validate \(arguments): \(validate.stderr)")
    }
    let run = try StewardBinary.run(
      ["run", c.playbook, "--no-record"] + c.runOnly + c.accepted, in: dir)
    let validate = try StewardBinary.run(["validate", c.playbook] + c.accepted, in: dir)
    #expect(run.status == 0, "run \(c.accepted): \(run.stderr)")
    #expect(validate.status == 0, "validate \(c.accepted): \(validate.stderr)")
    #expect(validate.stdout.hasPrefix("ok  \(c.playbook)"), "\(validate.stdout)")
  }

  /// `--input` for a kind that reads no inputs is refused by both.
  @Test func inputIsRefusedForARunbookByBoth() throws {
    let c = Self.cases[1]
    let dir = try StewardBinary.scratch(c.files)
    let arguments = ["--plugin-path", "lib", "--input", "x=y.yaml"]
    let run = try StewardBinary.run(["run", "r.yaml", "--no-record", "--yes"] + arguments, in: dir)
    let validate = try StewardBinary.run(["validate", "r.yaml"] + arguments, in: dir)
    #expect(run.status == 2)
    #expect(validate.status == 2, "\(validate.stdout)")
    let says = "--input does not apply to a runbook"
    #expect(run.stderr.contains(says), "\(run.stderr)")
    #expect(validate.stderr.contains("r.yaml: error: " + says), "\(validate.stderr)")
  }

  /// The lines that say an error, each `file:line:column: error: … [CODE]`.
  static func errors(_ stderr: String) -> [String] {
    stderr.split(separator: "\n").map(String.init).filter { $0.contains(": error: ") }
  }

  /// Beside playbooks lie files steward reads or writes that are none:
  /// `validate FOLDER` says what each is, and checks each as the command
  /// that reads it would.
  @Test func aFolderKnowsHolidaysFixturesAndEveryKindsReport() throws {
    var files = Self.cases[3].files  // the ritual
    files["people.yaml"] = files["good.yaml"]
    files["bad.yaml"] = nil
    files["good.yaml"] = nil
    files["cal/holidays.yaml"] = "- {date: 2027-03-25, name: team offsite}\n- {date: 2027-04-15}\n"
    files["cal/more-holidays.yaml"] = "holidays:\n  - {date: 2027-12-24, name: Christmas Eve}\n"
    let dir = try StewardBinary.scratch(files)
    let ritual = try StewardBinary.run(
      [
        "run", "t.yaml", "--no-record", "--plugin-path", "lib", "--format", "json", "--output",
        "cal/ritual.json",
      ], in: dir)
    #expect(ritual.status == 0, "\(ritual.stderr)")
    let survey = Self.cases[2]
    for (name, text) in survey.files {
      try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }
    let s = try StewardBinary.run(
      [
        "run", "s.yaml", "--no-record", "--plugin-path", "lib", "--input", "responses=good.csv",
        "--format", "json", "--output", "cal/survey.json",
      ], in: dir)
    #expect(s.status == 0, "\(s.stderr)")

    let r = try StewardBinary.run(["validate", "cal"], in: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(
      r.stdout.contains("cal/holidays.yaml  holidays file (2 days) of a ritual"), "\(r.stdout)")
    #expect(r.stdout.contains("cal/more-holidays.yaml  holidays file (1 day) of a ritual"))
    #expect(r.stdout.contains("cal/ritual.json  a report steward wrote, not a playbook"))
    #expect(r.stdout.contains("cal/survey.json  a report steward wrote, not a playbook"))

    // A holidays file is read as the ritual reads it: a date that is none is an error.
    try Data("- {date: 2027-02-30, name: nope}\n".utf8).write(
      to: dir.appendingPathComponent("cal/holidays.yaml"))
    let bad = try StewardBinary.run(["validate", "cal/holidays.yaml"], in: dir)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("cal/holidays.yaml:1:"), "\(bad.stderr)")
    // A data file with a schema_version of its own is no report.
    try Data(#"{"schema_version": 3, "rows": []}"#.utf8).write(
      to: dir.appendingPathComponent("cal/data.json"))
    let data = try StewardBinary.run(["validate", "cal/data.json"], in: dir)
    #expect(data.status == 2, "\(data.stdout)")
  }

  /// A `NAME.tests.yaml` met on its own is read as `steward test NAME.yaml`
  /// reads it: a misspelt key, a check the playbook lacks and a subject
  /// file that is not there are errors at their lines.
  @Test func aFixturesFileIsCheckedAgainstItsPlaybook() throws {
    let dir = try StewardBinary.scratch([
      "cards/a.yaml": "id: a\nowner: x\n",
      "g.yaml":
        "steward: 1\nkind: audit\nname: g\nsubjects: cards/\nchecks:\n  - { id: owned, builtin: required, params: { path: owner } }\n",
      "g.tests.yaml": """
      tests:
        - name: a has an owner
          file: cards/a.yaml
          expect: { owned: pass }

      """,
    ])
    let ok = try StewardBinary.run(["validate", "g.tests.yaml"], in: dir)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.contains("g.tests.yaml  audit fixtures (1 fixture"))
    try Data(
      """
      tests:
        - name: a has an owner
          file: cards/a.yaml
          expct: { owned: pass }
        - name: b
          file: cards/b.yaml
          expect: { ownd: pass }

      """.utf8
    ).write(to: dir.appendingPathComponent("g.tests.yaml"))
    let bad = try StewardBinary.run(["validate", "."], in: dir)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("g.tests.yaml:4:5: error:"), "\(bad.stderr)")
    #expect(bad.stderr.contains("g.tests.yaml:7:15: error: the playbook has no check \"ownd\""))
    // Those the test command refuses too.
    let test = try StewardBinary.run(["test", "g.yaml"], in: dir)
    #expect(test.status == 2)
    #expect(test.stderr.contains("g.tests.yaml:4:5: error:"), "\(test.stderr)")
  }
}
