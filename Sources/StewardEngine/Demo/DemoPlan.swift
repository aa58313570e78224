/// The StreamRec story as a list of `steward` commands, in the order the
/// story happens: the deployment gate blocks two models and passes their
/// fixes, the surveys measure month 0 and then month 18, the community
/// rituals run, the on-call runbook meets a healthy and then a broken
/// service, and the dashboard sums it up from the history the others wrote.
///
/// Each step is a real command line, so the index page can show what a user
/// would type to get the same report.
public struct DemoStep: Sendable {
  /// The report's file stem in the demo folder.
  public var id: String
  public var title: String
  /// What the step shows, in a sentence.
  public var story: String
  /// The arguments after `steward`, relative to the repository root.
  public var arguments: [String]
  /// Files the recorded run writes beside its report, each with the option
  /// that writes it (e.g. `--ics`); the extra renderings leave them out.
  public var extraFiles: [(option: String, file: String)]
  /// The exit status the story expects (1 where a gate should block).
  public var expectedExit: Int32
  /// Extra renderings: each a format and the file it goes to. They re-run
  /// the step without recording it, so the history holds each run once.
  public var renderings: [Rendering]

  /// What kind of step it is, for the word its outcome is given on the
  /// index page: a survey is scored, not passed.
  public enum Role: Sendable {
    case gate, survey, community, runbook, dashboard

    /// The badge for an exit status: 0, 1, or anything else.
    public func verdict(_ status: Int32) -> String {
      switch (self, status) {
      case (_, let s) where s > 1 || s < 0: "error"
      case (.gate, 0): "passed"
      case (.gate, _): "blocked"
      case (.survey, 0): "scored"
      // Fewer respondents than the anonymity threshold: nothing is shown.
      case (.survey, _): "withheld: too few answers"
      case (.community, 0): "done"
      case (.community, _): "needs attention"
      case (.runbook, 0): "all well"
      case (.runbook, _): "escalated"
      case (.dashboard, 0): "computed"
      case (.dashboard, _): "incomplete"
      }
    }

    /// The badge's colour class: a withheld survey wave is a normal
    /// outcome, not a blocked gate.
    public func tone(_ status: Int32) -> String {
      switch (self, status) {
      case (_, 0): "fine"
      case (.survey, 1): "held"
      case (_, 1): "blocked"
      default: "error"
      }
    }
  }

  public var role: Role
  /// The day the step runs on (``StewardClock``), when not the story's:
  /// the campaign's earlier measurements are recorded on the days they
  /// stand for, so that its burn-up has points before and after its deadline.
  public var day: String = DemoPlan.storyDay

  public struct Rendering: Sendable, Equatable {
    public var format: String
    public var file: String
  }

  public init(
    id: String, title: String, story: String, arguments: [String], expectedExit: Int32 = 0,
    role: Role = .gate, renderings: [(format: String, extension: String)] = [],
    extraFiles: [(option: String, file: String)] = []
  ) {
    self.id = id
    self.role = role
    self.title = title
    self.story = story
    self.arguments = arguments
    self.expectedExit = expectedExit
    self.extraFiles = extraFiles
    self.renderings = renderings.map { Rendering(format: $0.format, file: "\(id).\($0.extension)") }
  }

  /// The command a user would type for the recorded run's report.
  public var commandLine: [String] {
    ["steward"] + arguments + extraFiles.flatMap { [$0.option, $0.file] }
  }

  /// The report the step's recorded run writes.
  public var mainFile: String { "\(id).md" }
}

public enum DemoPlan {
  /// The day every step runs on (``StewardClock``): the end of month 18,
  /// when the value dashboard is posted. The surveys count for the month of
  /// their responses whatever the day.
  public static let storyDay = "2026-11-30"

  /// Every step, in story order; later steps read the history earlier ones wrote.
  public static let steps: [DemoStep] =
    audits + campaigns + surveys(month: "00") + surveys(month: "18") + community + runbooks
    + dashboard

  /// The days the model cards' campaign fields were measured before month
  /// 18's end, each a snapshot in Examples/streamrec/campaign-snapshots/.
  public static let campaignDays = [
    "2026-07-15", "2026-08-14", "2026-09-15", "2026-09-29", "2026-11-02", "2026-11-16",
  ]

  /// The model-card campaigns measured over time: seeds asked for by 30
  /// September 2026 (done on the 29th) and business monitoring asked for
  /// by 31 March 2027 (3 of 5 cards at month 18). The dashboard draws both
  /// burn-ups from these runs.
  static let campaigns: [DemoStep] =
    campaignDays.map { day in
      var step = DemoStep(
        id: "model-card-campaigns-\(day)",
        title: "Model-card campaigns on \(day)",
        story: "The cards' campaign fields as they stood on \(day), checked on that day.",
        arguments: [
          "run", "Playbooks/model-card-campaigns.yaml", "--input",
          "models=Examples/streamrec/campaign-snapshots/\(day).yaml",
        ])
      step.day = day
      return step
    } + [
      DemoStep(
        id: "model-card-campaigns",
        title: "Model-card campaigns at month 18",
        story:
          "Reproducible seeds, due 30 September, are on every card and now gate; business monitoring, due 31 March 2027, is on 3 of 5 cards and does not fail the gate yet.",
        arguments: ["run", "Playbooks/model-card-campaigns.yaml"],
        renderings: [("json", "json")])
    ]

  /// The surveys StreamRec ran, each at month 0 (May 2025) or month 18
  /// (November 2026); the month-18 run reports the trend since month 0.
  /// A month in `withheld` had fewer respondents than the playbook's
  /// anonymity threshold: the survey reports nothing and exits 1.
  static let surveyPlaybooks:
    [(id: String, title: String, story: String, months: Set<String>, withheld: Set<String>)] = [
      (
        "mlops-maturity", "MLOps maturity (Microsoft's levels 0-4)",
        "Level 1 at month 0; level 2 at month 18, recommendations approaching 3.", ["00", "18"], []
      ),
      (
        "mlops-maturity-google", "MLOps maturity (Google's levels 0-2)",
        "The same teams on Google's scale.", ["00", "18"], []
      ),
      (
        "experimentation-maturity", "Experimentation maturity (crawl, walk, run, fly)",
        "Walk for recommendations only at month 0; run for every product team and fly for recommendations at month 18.",
        ["00", "18"], []
      ),
      (
        "team-health", "Team health (squad health check cards)",
        "Traffic lights per card and team, with the trend.", ["00", "18"], []
      ),
      (
        "team-enps", "Team eNPS",
        "\"I would recommend this team to a friend\". Withheld at month 0: 3 answers are fewer than the anonymity threshold of 5, so no figure and no comment is shown. At month 18, 27 of 28 would recommend the team.",
        ["00", "18"], ["00"]
      ),
      (
        "listening-tour", "The listening tour",
        "Each stakeholder's perception and primary need, and the themes they share.", ["00"], []
      ),
    ]

  static func surveys(month: String) -> [DemoStep] {
    surveyPlaybooks.filter { $0.months.contains(month) }.map { survey in
      DemoStep(
        id: "\(survey.id)-month-\(month)",
        title: "\(survey.title), month \(Int(month) ?? 0)",
        story: survey.story,
        arguments: [
          "run", "Playbooks/\(survey.id).yaml", "--input",
          "responses=Examples/streamrec/surveys/\(survey.id)-month-\(month).csv",
        ],
        expectedExit: survey.withheld.contains(month) ? 1 : 0,
        role: .survey, renderings: [("json", "json")])
    }
  }

  static let audits: [DemoStep] = [
    DemoStep(
      id: "deployment-gate",
      title: "Deployment gate: the model cards as they were",
      story:
        "The contractor's ad-targeting model fails the four findings of the audit, and the content-moderation model is blocked for disparate impact on non-English content.",
      arguments: [
        "run", "Playbooks/deployment-gate.yaml", "--input", "models=Examples/streamrec/models",
        "--fail-on", "high",
      ],
      expectedExit: 1,
      renderings: [("json", "json"), ("sarif", "sarif")]),
    DemoStep(
      id: "deployment-gate-remediated",
      title: "Deployment gate: after the fixes",
      story: "The remediated ad-targeting and content-moderation cards pass the same gate.",
      arguments: [
        "run", "Playbooks/deployment-gate.yaml", "--input",
        "models=Examples/streamrec/models-remediated", "--fail-on", "high",
      ],
      renderings: [("json", "json")]),
    DemoStep(
      id: "experiment-review",
      title: "Experiment review",
      story:
        "Every A/B test is checked for sample ratio mismatch, a pre-registered analysis plan and a recorded sample size.",
      arguments: ["run", "Playbooks/experiment-review.yaml"],
      expectedExit: 1,
      renderings: [("json", "json")]),
    DemoStep(
      id: "ml-test-score",
      title: "ML Test Score",
      story:
        "Each team's production readiness, scored on the 28 tests of the ML Test Score; one team is below the bar.",
      arguments: ["run", "Playbooks/ml-test-score.yaml"],
      expectedExit: 1,
      renderings: [("json", "json")]),
    DemoStep(
      id: "org-design",
      title: "Org design: hub and spoke",
      story:
        "The hiring plan is checked: the platform hub staffed before the spokes, each spoke's lead before the team. By month 18 it has 30 positions across the hub and five spokes, search and business analytics the newest: 28 filled, 2 open.",
      arguments: ["run", "Playbooks/org-design.yaml"],
      renderings: [("json", "json")]),
  ]

  static let community: [DemoStep] = [
    DemoStep(
      id: "quarterly-hackathon",
      title: "The quarterly hackathon",
      story:
        "Cross-team projects from the org file, judges' scores normalised per judge, and the funnel from submitted to demoed to the sprint backlog: 7 cross-team projects, 2 into the backlog.",
      arguments: ["run", "Playbooks/quarterly-hackathon.yaml"],
      role: .community, renderings: [("json", "json")]),
    DemoStep(
      id: "ds-community",
      title: "Community rituals",
      story:
        "The paper reading group, the monthly tech talk, the quarterly hackathon and the monthly value post: next dates, presenters, the calendar file, and who has stopped coming.",
      arguments: ["run", "Playbooks/ds-community.yaml"],
      role: .community, renderings: [("json", "json")], extraFiles: [("--ics", "ds-community.ics")]),
    DemoStep(
      id: "paper-group",
      title: "The paper group, written in Lua",
      story:
        "A ritual playbook written as a Lua file, with a rotation strategy that never picks two presenters from the same team in a row.",
      arguments: ["run", "Playbooks/paper-group.lua"], role: .community),
  ]

  /// The on-call runbook against the simulated recommender service, run
  /// unattended (`--yes` answers its confirmation prompt).
  static let runbooks: [DemoStep] = [
    DemoStep(
      id: "recsys-oncall-healthy",
      title: "On-call runbook: a healthy night",
      story:
        "The recommender's runbook checks serving health, feature freshness, latency and click-through; all is well, so no remedy runs.",
      arguments: ["run", "Playbooks/recsys-oncall.yaml", "--yes"],
      role: .runbook, renderings: [("json", "json")]),
    DemoStep(
      id: "recsys-oncall-broken",
      title: "On-call runbook: the feature pipeline breaks at 2 a.m.",
      story:
        "The runbook finds features five hours stale, falls back to popularity recommendations, checks the fallback works and escalates to the feature-store owner, with a timeline for the post-incident review.",
      arguments: ["run", "Playbooks/recsys-oncall.yaml", "--yes", "--var", "state=broken"],
      expectedExit: 1,
      role: .runbook, renderings: [("json", "json")]),
    DemoStep(
      id: "monitoring-review",
      title: "Monitoring review",
      story: "The four monitoring layers walked in turn: business, model, data and system.",
      arguments: ["run", "Playbooks/monitoring-review.yaml", "--yes"],
      role: .runbook, renderings: [("json", "json")]),
  ]

  static let dashboard: [DemoStep] = [
    DemoStep(
      id: "value-dashboard",
      title: "The value dashboard",
      story:
        "The monthly post that won the CFO, from the same inputs and the history the steps above recorded: month 18 against month 0.",
      arguments: ["run", "Playbooks/value-dashboard.yaml"],
      role: .dashboard, renderings: [("html", "html"), ("json", "json"), ("slack", "slack.json")])
  ]
}
