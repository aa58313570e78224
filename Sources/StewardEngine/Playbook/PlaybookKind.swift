/// The kinds of work a playbook can describe (DESIGN.md, first table).
public enum PlaybookKind: String, Sendable, CaseIterable {
  case audit, survey, runbook, hackathon, ritual, dashboard

  /// One line for `steward new` and error messages.
  public var summary: String {
    switch self {
    case .audit: "checks over subjects, with findings, waivers and a CI gate"
    case .survey: "maturity assessments and team-health surveys scored into levels"
    case .runbook: "executable on-call procedures with checks, prompts and escalation"
    case .hackathon: "projects, judging and the funnel from idea to shipped"
    case .ritual: "team rituals: cadence, rotation, calendar and attendance"
    case .dashboard: "the data-science value dashboard"
    }
  }
}
