import Foundation
public import StewardCore

/// The hackathon report as plain text, Markdown, or JSON (`schema_version` 1).
public enum HackathonReporter {
  public static func render(_ report: HackathonReport, format: String) -> String {
    switch format {
    case "markdown": markdown(report)
    case "json": JSONText.render(value(report)) + "\n"
    default: text(report)
    }
  }

  static func score(_ x: Double) -> String { String(format: "%+.2f", x) }

  static func funnelLine(_ f: HackathonReport.Funnel) -> String {
    "\(f.submitted) submitted → \(f.demoed) demoed → \(f.backlog) into the backlog → \(f.shipped) shipped"
      + (f.dropped > 0 ? " (\(f.dropped) dropped)" : "")
  }

  public static func text(_ r: HackathonReport) -> String {
    // Names and titles come from the playbook and its files: controls escaped.
    let e = { (text: String) in Printable.escape(text) }
    var out: [String] = []
    var heading = "\(e(r.event.title)) (\(e(r.event.id)))"
    if let s = r.event.start {
      heading += ", \(s)" + (r.event.end.map { $0 == s ? "" : " to \($0)" } ?? "")
    }
    out.append(heading)
    if let theme = r.event.theme { out.append("Theme: \(e(theme))") }
    out.append("")
    out.append(
      "Projects: \(r.projects.count), cross-team: \(r.funnel.crossTeam) (hub and spokes: \(r.projects.filter(\.hubAndSpoke).count)), participants: \(r.participants)"
    )
    for p in r.projects {
      let kind = p.crossTeam ? "cross-team" : "single team"
      out.append(
        "  \(e(p.id))  \(e(p.title))  [\(p.status.rawValue)] \(kind): \(e(p.teams.joined(separator: ", ")))"
      )
    }
    out.append("")
    out.append("Participation by team:")
    for t in r.participation {
      out.append(
        "  \(e(t.team)): \(t.participants) of \(t.headcount)"
          + (t.rate.map { " (\(HackathonFormat.percent($0)))" } ?? ""))
    }
    if !r.ranking.isEmpty {
      out.append("")
      out.append(
        "Ranking (\(r.judges.count) judges, z-score per judge; criteria: \(r.criteria.map { "\(e($0.id)) ×\(HackathonFormat.number($0.weight))" }.joined(separator: ", "))):"
      )
      for row in r.ranking {
        let title = r.project(row.project)?.title ?? row.project
        out.append("  \(row.rank). \(e(row.project))  \(score(row.score))  \(e(title))")
      }
    }
    out.append("")
    out.append("Funnel: \(funnelLine(r.funnel))")
    if r.history.count > 1 {
      out.append("Across hackathons:")
      for e in r.history {
        out.append(
          "  \(Printable.escape(e.event)): \(funnelLine(e.funnel)); cross-team \(e.funnel.crossTeam)"
        )
      }
    }
    if !r.followUp.isEmpty {
      out.append("")
      out.append(
        "Follow-up as of \(r.asOf) (stalled after \(r.stallAfterDays) days in the backlog):")
      for f in r.followUp {
        let ticket = f.ticket.map { " \(e($0))" } ?? ""
        let days =
          f.days.map {
            f.state == .shipped ? ", shipped after \($0) days" : ", \($0) days in the backlog"
          } ?? ""
        out.append("  \(f.state.rawValue): \(e(f.project))\(ticket)\(days)")
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  public static func markdown(_ r: HackathonReport) -> String {
    // Every name goes through the audit report's cell escaping: HTML and
    // controls escaped (a team called <img onerror=…> is shown, not run).
    let m = MarkdownReporter.cell
    var out: [String] = ["# \(m(r.event.title))", ""]
    var facts: [String] = ["Event `\(Printable.escape(r.event.id))`"]
    if let s = r.event.start { facts.append("from \(s)" + (r.event.end.map { " to \($0)" } ?? "")) }
    if let t = r.event.theme { facts.append("theme: \(m(t))") }
    out.append(facts.joined(separator: ", ") + ".")
    out.append("")
    out.append(
      "**\(r.projects.count) projects, \(r.funnel.crossTeam) cross-team, \(r.funnel.backlog) into the sprint backlog.**"
    )
    out += [
      "", "## Projects", "", "| Project | Status | Teams | Cross-team |", "|---|---|---|---|",
    ]
    for p in r.projects {
      let name = p.link.map { "[\(m(p.title))](\(m($0)))" } ?? m(p.title)
      out.append(
        "| \(name) | \(p.status.rawValue) | \(m(p.teams.joined(separator: ", "))) | \(p.crossTeam ? (p.hubAndSpoke ? "yes (hub and spoke)" : "yes") : "no") |"
      )
    }
    out += [
      "", "## Participation by team", "", "| Team | Participants | Headcount | Rate |",
      "|---|---|---|---|",
    ]
    for t in r.participation {
      out.append(
        "| \(m(t.team)) | \(t.participants) | \(t.headcount) | \(t.rate.map(HackathonFormat.percent) ?? "n/a") |"
      )
    }
    if !r.ranking.isEmpty {
      out += [
        "", "## Ranking", "",
        "\(r.judges.count) judges; each judge's weighted totals are turned into z-scores, and a project's score is the mean of its z-scores.",
        "", "| Rank | Project | Score |", "|---|---|---|",
      ]
      for row in r.ranking {
        out.append(
          "| \(row.rank) | \(m(r.project(row.project)?.title ?? row.project)) | \(score(row.score)) |"
        )
      }
    }
    out += [
      "", "## Funnel", "", "| Hackathon | Submitted | Demoed | Backlog | Shipped | Cross-team |",
      "|---|---|---|---|---|---|",
    ]
    for e in r.history {
      let f = e.funnel
      out.append(
        "| \(m(e.title)) | \(f.submitted) | \(f.demoed) | \(f.backlog) | \(f.shipped) | \(f.crossTeam) |"
      )
    }
    if !r.followUp.isEmpty {
      out += [
        "", "## Follow-up (as of \(r.asOf))", "", "| Project | Ticket | State | Days |",
        "|---|---|---|---|",
      ]
      for f in r.followUp {
        out.append(
          "| \(m(f.title)) | \(m(f.ticket ?? "")) | \(f.state.rawValue) | \(f.days.map(String.init) ?? "") |"
        )
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  static func funnelValue(_ f: HackathonReport.Funnel) -> Value {
    [
      "submitted": .init(.int(Int64(f.submitted))), "demoed": .init(.int(Int64(f.demoed))),
      "backlog": .init(.int(Int64(f.backlog))), "shipped": .init(.int(Int64(f.shipped))),
      "dropped": .init(.int(Int64(f.dropped))), "cross_team": .init(.int(Int64(f.crossTeam))),
    ]
  }

  public static func value(_ r: HackathonReport) -> Value {
    func s(_ x: String?) -> Value { x.map { Value(.string($0)) } ?? .null }
    func i(_ x: Int) -> Value { Value(.int(Int64(x))) }
    let projects: [Value] = r.projects.map { p in
      let rank = r.ranking.first { $0.project == p.id }
      return [
        "id": s(p.id), "title": s(p.title), "status": s(p.status.rawValue),
        "members": Value(.list(p.members.map { Value(.string($0)) })),
        "teams": Value(.list(p.teams.map { Value(.string($0)) })),
        "cross_team": Value(.bool(p.crossTeam)), "hub_and_spoke": Value(.bool(p.hubAndSpoke)),
        "ticket": s(p.ticket), "link": s(p.link),
        "rank": rank.map { i($0.rank) } ?? .null,
        "score": rank.map { Value(.double($0.score)) } ?? .null,
      ]
    }
    let ranking: [Value] = r.ranking.map { row in
      [
        "rank": i(row.rank), "project": s(row.project), "score": Value(.double(row.score)),
        "judges": Value(
          .list(
            row.byJudge.map {
              ["judge": s($0.judge), "raw": Value(.double($0.raw)), "z": Value(.double($0.z))]
            })),
      ]
    }
    return [
      "schema_version": 1, "kind": "hackathon", "playbook": s(r.playbook),
      "event": [
        "id": s(r.event.id), "title": s(r.event.title), "theme": s(r.event.theme),
        "start": s(r.event.start?.description), "end": s(r.event.end?.description),
      ],
      "projects": Value(.list(projects)),
      "participation": Value(
        .list(
          r.participation.map {
            ["team": s($0.team), "participants": i($0.participants), "headcount": i($0.headcount)]
          })),
      "participants": i(r.participants),
      "criteria": Value(
        .list(r.criteria.map { ["id": s($0.id), "weight": Value(.double($0.weight))] })),
      "judges": Value(.list(r.judges.map { Value(.string($0)) })),
      "ranking": Value(.list(ranking)),
      "funnel": funnelValue(r.funnel),
      "history": Value(
        .list(
          r.history.map {
            ["event": s($0.event), "title": s($0.title), "funnel": funnelValue($0.funnel)]
          }
        )),
      "followup": [
        "as_of": s(r.asOf.description), "stall_after_days": i(r.stallAfterDays),
        "items": Value(
          .list(
            r.followUp.map {
              [
                "project": s($0.project), "ticket": s($0.ticket), "state": s($0.state.rawValue),
                "days": $0.days.map(i) ?? .null,
              ]
            })),
      ],
      "warnings": Value(.list(r.warnings.map { Value(.string($0.description)) })),
    ]
  }
}
