/// The commented starting files `steward new` writes. Each must pass
/// `steward validate` and `steward test` as written (a test checks).
public enum StarterFiles {
  /// Where `steward new plugin` puts the `steward` API's annotations for
  /// lua-language-server: a hidden folder, so that `steward validate .` and
  /// `steward test .` do not take them for a plugin.
  public static let annotationsFolder = ".steward/lua"

  /// The files `steward new plugin NAME` writes: the plugin, for
  /// lua-language-server in the author's folder a `.luarc.json` and the
  /// annotations it points at, and for luacheck a `.luacheckrc` that knows
  /// `steward`. Those serve every plugin of the folder, so they are written
  /// only when absent (`shared`).
  public static func pluginFiles(name: String) -> [(file: String, text: String, shared: Bool)] {
    [
      ("\(name).lua", plugin(name: name), false),
      (
        ".luarc.json",
        """
        {
          "runtime.version": "Lua 5.4",
          "workspace.library": ["\(annotationsFolder)"],
          "diagnostics.globals": ["steward"]
        }

        """,
        true
      ),
      ("\(annotationsFolder)/steward.meta.lua", LuaAnnotations.text, true),
      (
        ".luacheckrc",
        """
        -- luacheck for Steward plugins: `steward` is the host's API, read-only.
        std = "lua54"
        read_globals = { "steward" }
        exclude_files = { "\(annotationsFolder)/" }

        """,
        true
      ),
    ]
  }

  public static func plugin(name: String) -> String {
    """
    -- \(name): a Steward plugin. Checks registered here can be used from an
    -- audit playbook as `use: \(name).CHECK_ID`.
    --
    -- Try it:   steward test \(name).lua
    -- Inspect:  steward plugins show \(name) --plugin-path .
    -- API:      docs/lua-api.md (steward.get, steward.stats, steward.log, ...);
    --           an editor with lua-language-server completes it through
    --           .luarc.json (refresh the annotations: steward plugins meta).
    local p = steward.plugin{
      name = "\(name)",
      version = "0.1.0",
      description = "What these checks are for.",
    }

    p:check{
      id = "has_owner",                      -- snake_case, unique in the plugin
      description = "Every subject names an owning team.",
      severity = "high",                     -- info, low, medium, high or critical
      remediation = "Add `owner: TEAM` to the card.",
      params = {                             -- typed, with defaults; set per playbook
        field = { type = "string", default = "owner", description = "the field to read" },
      },
      -- subject: the document being checked; params: the parameters above.
      -- A third argument, ctx, holds { check, subject_id, playbook, today }:
      -- add it when the check reads it (luacheck flags an unused argument).
      run = function(subject, params)
        local owner = steward.get(subject, params.field)
        if owner == nil or owner == "" then
          -- `at` names the field the finding is about; reports show its file:line.
          return { status = "fail", message = "no " .. params.field, at = params.field }
        end
        return { status = "pass", at = params.field, evidence = { owner = owner } }
      end,
      -- Examples are the check's tests: `steward test` runs every one.
      examples = {
        { subject = { owner = "recsys" }, expect = "pass" },
        { subject = { name = "orphan" }, expect = "fail", at = "owner" },
      },
    }

    return p

    """
  }

  /// The files `steward new playbook KIND NAME` writes: the playbook, and
  /// for a hackathon the small roster, projects and scores files it reads
  /// (for a survey its responses and roster, for an audit a sample subject),
  /// so that `validate` and `run` work on the first try.
  public static func files(kind: PlaybookKind, name: String) -> [(file: String, text: String)] {
    var files = [(file: "\(name).yaml", text: playbook(kind: kind, name: name))]
    if kind == .dashboard {
      // The inputs the playbook names, so that it runs as written.
      files += [
        (
          "\(name)-experiments.csv",
          """
          id,team,launched,ended,outcome,srm
          exp-01,recommendations,2026-05-04,2026-05-25,win,pass
          exp-02,ads,2026-06-01,2026-06-22,loss,pass
          exp-03,recommendations,2026-07-06,2026-07-27,flat,pass
          exp-04,search,2026-08-03,2026-08-24,win,fail
          exp-05,ads,2026-08-10,2026-08-31,win,pass
          exp-06,recommendations,2026-09-07,2026-09-28,loss,pass
          exp-07,search,2026-09-14,,,

          """
        ),
        (
          "\(name)-finance.csv",
          "month,attributed_revenue,team_cost\n"
            + (0..<13).map { i in
              let (year, month) = i < 4 ? (2025, 9 + i) : (2026, i - 3)
              return "\(year)-\(month < 10 ? "0" : "")\(month),\(50_000 + 5_000 * i),20000\n"
            }.joined()
        ),
      ]
    }
    if kind == .hackathon {
      files += [
        (
          "\(name)-people.yaml",
          """
          # Who is on which team; docs/hackathon.md. The hub is named in the playbook.
          people:
            - {id: ada, name: Ada, team: platform, start: 2026-01-05}
            - {id: ben, name: Ben, team: recommendations, start: 2026-02-02}
            - {id: chloe, name: Chloe, team: ads, start: 2026-03-02}
            - {id: dev, name: Dev, team: recommendations, start: 2026-04-06}

          """
        ),
        (
          "\(name)-projects.yaml",
          """
          # One entry per project; members are ids from \(name)-people.yaml.
          # status: idea, building, demoed, backlog, shipped or dropped.
          projects:
            - id: shared-features
              title: Shared features for ads
              pitch: Serve the recommendations embeddings to the ads model.
              members: [ada, chloe]
              status: backlog
              ticket: ADS-1
              backlog_date: 2026-09-21
            - id: better-rows
              title: Better home rows
              pitch: Rank the home page rows by predicted watch time.
              members: [ben, dev]
              status: demoed

          """
        ),
        (
          "\(name)-scores.csv",
          """
          judge,project,impact,craft
          ada,better-rows,4,3
          ada,shared-features,5,4
          ben,better-rows,3,4
          ben,shared-features,4,4

          """
        ),
      ]
    }
    if kind == .survey { files += surveyFiles(name: name) }
    if kind == .audit {
      // `validate` reads the subjects as `run` does: a folder with no card
      // would be refused by both (A010).
      files.append(
        (
          "models/\(name)-example.yaml",
          """
          # A sample subject for \(name).yaml; replace it with your model cards
          # (docs/model-card.md describes the format).
          id: \(name)-example
          owner: your-team
          stage: development

          """
        ))
    }
    return files
  }

  /// A survey's sample responses (two teams, November 2026) and roster.
  static func surveyFiles(name: String) -> [(file: String, text: String)] {
    let answers = [
      ("recommendations", "4,9,green"), ("recommendations", "5,10,green"),
      ("recommendations", "3,8,yellow"), ("recommendations", "4,9,green"),
      ("recommendations", "4,7,green"), ("recommendations", "2,6,red"),
      ("ads", "3,8,yellow"), ("ads", "4,9,green"), ("ads", "3,6,yellow"), ("ads", "2,7,red"),
      ("ads", "4,9,green"),
    ]
    var csv = "respondent,team,role,date,release,recommend,fun,comment\n"
    for (i, (team, row)) in answers.enumerated() {
      let comment = i == 0 ? "Pairing on releases helps." : ""
      csv += "r\(i + 1),\(team),engineer,2026-11-\(10 + i % 5),\(row),\(comment)\n"
    }
    return [
      ("\(name).csv", csv),
      (
        "\(name)-roster.yaml",
        """
        # Every team that was asked, with its headcount; a team value in the
        # responses that is not here is an error. docs/survey.md, "Roster".
        min_response_rate: 0.5           # a team answering less gets no level
        teams:
          recommendations: 8
          ads: 7

        """
      ),
    ]
  }

  public static func playbook(kind: PlaybookKind, name: String) -> String {
    let header = """
      # \(name): a Steward \(kind.rawValue) playbook (\(kind.summary)).
      # Check it with `steward validate \(name).yaml`.
      steward: 1
      kind: \(kind.rawValue)
      name: \(name)
      title: \(name)
      owner: your-team

      """
    switch kind {
    case .audit:
      return header + """
        # Subject files: a file, a folder or a glob, relative to this playbook.
        # Each YAML/JSON document is one subject, named by its `id:` field.
        subjects: models/
        # Plugins with more checks; list them with `steward plugins list`.
        plugins: []
        checks:
          - id: has-owner
            builtin: required            # required, equals, one_of, range
            params: { path: owner }
            severity: high
            remediation: Add `owner:` to the model card.
          # A production model pages someone when it degrades: the model
          # layer of `monitoring` names its alerting channel (docs/model-card.md).
          - id: production-is-monitored
            expr: steward.get(subject, "monitoring.model.alerting.channel") ~= nil
            at: monitoring.model.alerting.channel
            when: steward.get(subject, "stage") == "production"
            severity: high
        # Accepted failures, each with an owner and an expiry date.
        waivers: []
        gate:
          fail_on: high                  # exit 1 on an unwaived high or critical failure

        """
    case .ritual:
      return header + """
        # docs/ritual.md describes every key. Run it with
        # `steward run \(name).yaml --ics \(name).ics` for the next dates as a calendar.
        timezone: Europe/Berlin          # an IANA zone; times below are local to it
        # people: people.yaml            # the roster (id, name, team, start); enables rotations
        # absences: absences.yaml        # who is away when; rotations skip them
        # attendance: attendance.csv     # date, ritual, person: who is drifting away
        schedule: {from: today, count: 4}
        rituals:
          - id: paper-group
            title: Paper reading group
            cadence: weekly on thursday  # or "monthly on the first wednesday", or an RRULE
            start: 2026-01-01
            time: "16:00"
            duration: 1h
            announcement: |
              {{title}}: {{date}}, {{time}} ({{timezone}}).

        """
    case .hackathon:
      return header + """
        # docs/hackathon.md describes every key. `steward new` wrote the three
        # files it reads beside it; replace their contents with your own.
        event:
          id: \(name)
          title: \(name)
          start: 2026-09-10
          end: 2026-09-11
        org:
          people: \(name)-people.yaml     # id, name, team: the org plan the audits use
          hub: platform                  # the hub team; the others are spokes
        projects: \(name)-projects.yaml
        judging:
          criteria:                      # each judge's scores are normalised (z-score)
            - {id: impact, title: Impact on viewers or revenue, weight: 2}
            - {id: craft, title: Quality of the demo, weight: 1}
          scores: \(name)-scores.csv      # judge, project, one column per criterion
        followup:
          stall_after_days: 42           # a backlog item older than this has stalled

        """
    case .dashboard:
      return header + """
        # Inputs, relative to this playbook (docs/dashboard.md says what each holds).
        # The two files beside it are examples: replace them with your own.
        inputs:
          experiments: \(name)-experiments.csv   # id, team, launched, ended, outcome, srm
          finance: \(name)-finance.csv           # month, attributed_revenue, team_cost
        period:
          month: 2026-09                 # the month reported; leave it out for the current month
          compare: previous              # the last recorded run; or a month, YYYY-MM
        metrics:
          - builtin: ab_tests
          - builtin: win_rate            # wins ÷ valid experiments, SRM failures excluded
            headline: true
          - builtin: attributed_revenue
            headline: true
          - builtin: team_cost
          - builtin: roi
            params: { form: multiple }   # or finance: (revenue − cost) ÷ cost

        """
    case .survey:
      return header + """
        # One row per respondent, columns named by question id; see docs/survey.md.
        responses:
          file: \(name).csv               # relative to this playbook; or --input responses=PATH
          metadata: [team, role, date]   # the dates name the period trends compare by (or --period)
        groups: [team]                   # report per team; smaller groups fold into "other"
        min_group_size: 5                # also per question and for comments
        roster: \(name)-roster.yaml        # teams and headcounts: response rates, no typo'd teams
        questions:
          - { id: release, text: Releasing a model is easy., dimension: delivery, type: likert }
          - { id: recommend, text: I would recommend this team to a friend., dimension: culture, type: enps }
          - { id: fun, text: Fun, dimension: culture, type: traffic_light }
          - { id: comment, text: Anything else?, dimension: culture, type: text }
        levels:
          - { id: starting }
          - id: healthy
            criteria:
              - { question: release, min: 3.5 }
              - { question: recommend, measure: enps, min: 0 }

        """
    case .runbook:
      return header + """
        # The format is in docs/runbook.md. Run it with `steward run \(name).yaml`;
        # `--dry-run` shows the plan, `--yes` answers the questions.
        vars:
          service: localhost
        escalation:
          contact: the on-call engineer of your-team
        defaults:
          timeout: 30s
        steps:
          - id: check
            title: Is the service answering?
            run: [echo, "{{service}} status=up"]   # an argument list; `shell: true` for a string
            expect:
              output: 'status=(?<status>\\w+)'
            check: captures.status == "up"
            on_failure: { goto: escalate }
          - id: escalate
            when: steps.check.failed
            escalate: "{{service}} is not answering"

        """
    default:
      return header + """
        # The \(kind.rawValue) body is described in docs/playbooks.md.

        """
    }
  }
}
