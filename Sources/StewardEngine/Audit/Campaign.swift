import Foundation
public import StewardCore

/// `campaigns:` in an audit: new checks rolled out with a deadline. Until the
/// deadline their failures are reported as the campaign's progress and do not
/// fail the gate; from the day after, they gate like any other check. This is
/// how a new rule arrives without failing every team's gate on the same day.
///
/// ```yaml
/// campaigns:
///   - { name: eval-data, checks: [eval_dataset], start: 2026-11-01, deadline: 2027-01-31, owner: ml-platform }
/// ```
public struct Campaign: Sendable {
  public var name: String
  public var checks: Set<String>
  public var start: String
  public var deadline: String
  public var owner: String

  static let fields: [FieldSpec] = [
    FieldSpec("name", .identifier, required: true, doc: "the campaign's name, for history"),
    FieldSpec("checks", .list(.string), required: true, doc: "the ids of the checks it rolls out"),
    FieldSpec("start", .string, required: true, doc: "when it started, YYYY-MM-DD"),
    FieldSpec("deadline", .string, required: true, doc: "the last day its failures do not gate"),
    FieldSpec("owner", .string, required: true, doc: "who runs the campaign"),
  ]

  /// The playbook's campaigns; throws ``PlaybookError`` with every problem.
  public static func parse(_ document: StewardCore.Value, checks: [CheckSpec]) throws
    -> [Campaign]
  {
    guard let value = document["campaigns"] else { return [] }
    guard let items = value.list else {
      throw PlaybookError([
        Diagnostic(at: value.mark, code: "A070", "campaigns takes a list of campaigns")
      ])
    }
    var problems: [Diagnostic] = []
    var found: [Campaign] = []
    var claimed: [String: String] = [:]
    let ids = Set(checks.map(\.id))
    for item in items {
      let itemProblems = SchemaValidator(fields: fields, context: "campaign").problems(in: item)
      problems += itemProblems
      guard itemProblems.isEmpty, let name = item["name"]?.string,
        let start = item["start"]?.string, let deadline = item["deadline"]?.string,
        let owner = item["owner"]?.string
      else { continue }
      for (key, day) in [("start", start), ("deadline", deadline)]
      where StewardClock.day(day) == nil {
        problems.append(
          Diagnostic(
            at: item[key]?.mark ?? item.mark, code: "A071",
            "campaign \(name): \(key) must be a date, YYYY-MM-DD"))
      }
      if let from = StewardClock.day(start), let to = StewardClock.day(deadline) {
        let days = Int((to.timeIntervalSince(from) / 86400).rounded())
        if deadline < start {
          problems.append(
            Diagnostic(
              at: item["deadline"]?.mark ?? item.mark, code: "A071",
              "campaign \(name): the deadline \(deadline) is before its start \(start)"))
        } else if days > maxDays {
          // A campaign is a grace period, not a waiver without an end: a
          // deadline of 9999-12-31 took checks out of the gate for good.
          problems.append(
            Diagnostic(
              at: item["deadline"]?.mark ?? item.mark, code: "A071",
              "campaign \(name): the deadline \(deadline) is \(days) days after its start \(start); a campaign lasts at most \(maxDays) days"
            ))
        }
      }
      if found.contains(where: { $0.name == name }) {
        problems.append(
          Diagnostic(at: item.mark, code: "A072", "campaign \"\(name)\" is named twice"))
      }
      var own = Set<String>()
      for check in item["checks"]?.list ?? [] {
        guard let id = check.string else { continue }
        if !ids.contains(id) {
          problems.append(
            Diagnostic(
              at: check.mark, code: "A073",
              "campaign \(name): the playbook has no check \"\(id)\""))
        } else if let spec = checks.first(where: { $0.id == id }), !spec.waivable {
          // `waivable: false` promises no failure of it is ever let through;
          // a campaign would let them through until its deadline.
          problems.append(
            Diagnostic(
              at: check.mark, code: "A075",
              "campaign \(name): check \"\(id)\" is waivable: false, so no campaign may hold its failures out of the gate"
            ))
        } else if let other = claimed[id] {
          problems.append(
            Diagnostic(
              at: check.mark, code: "A073",
              "campaign \(name): check \"\(id)\" is already in campaign \(other)"))
        }
        claimed[id] = name
        own.insert(id)
      }
      if own.isEmpty {
        problems.append(
          Diagnostic(at: item.mark, code: "A073", "campaign \(name) names no check"))
      }
      found.append(
        Campaign(name: name, checks: own, start: start, deadline: deadline, owner: owner))
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return found
  }

  /// The longest a campaign may run, start to deadline: a year, leap day
  /// included.
  public static let maxDays = 366

  /// Whether its failures still do not gate on `today` (YYYY-MM-DD). Before
  /// its start the check is not in force yet either.
  public func isOpen(on today: String) -> Bool { today <= deadline }

  /// A day as the number the history keeps: 2026-09-30 is 20260930.
  public static func number(_ day: String) -> Double {
    Double(day.replacingOccurrences(of: "-", with: "")) ?? 0
  }

  /// The day a recorded number stands for; nil when it is not one.
  public static func day(_ number: Double?) -> String? {
    guard let number, number >= 10_000_101, number < 100_000_000 else { return nil }
    let n = Int(number)
    let day = String(format: "%04d-%02d-%02d", n / 10000, n / 100 % 100, n % 100)
    return StewardClock.day(day) == nil ? nil : day
  }

  /// The history metric names of its progress.
  public static func metric(_ name: String, _ what: String) -> String {
    "campaign.\(name).\(what)"
  }
}

extension AuditReport {
  /// Takes the open campaigns' checks out of the gate, says each campaign's
  /// progress, and keeps it for the history (``campaignMetrics``). A
  /// campaign that holds failures out of the gate says so as a warning, in
  /// every format: a gate that passes on them must not read as clean.
  mutating func apply(_ campaigns: [Campaign], today: String) {
    let open = Set(campaigns.filter { $0.isOpen(on: today) }.flatMap(\.checks))
    openCampaignChecks = open
    if let threshold = failOn, !open.isEmpty {
      gateFailed = results.contains { !open.contains($0.checkID) && blocks($0, at: threshold) }
    }
    for campaign in campaigns {
      var failing = Set<String>()
      var seen = Set<String>()
      var held = 0
      for r in results where campaign.checks.contains(r.checkID) {
        seen.insert(r.subjectID)
        if r.status == .fail || r.status == .error { failing.insert(r.subjectID) }
        if let threshold = failOn, blocks(r, at: threshold) { held += 1 }
      }
      let passing = seen.count - failing.count
      campaignProgress.append(
        CampaignProgress(
          campaign: campaign, beforeDeadline: campaign.isOpen(on: today), subjects: seen.count,
          passing: passing, failing: failing.sorted()))
      // The dates go with every run, so that the dashboard can draw the
      // burn-up against the deadline the campaign had when it was measured.
      campaignMetrics += [
        Metric(Campaign.metric(campaign.name, "passing"), Double(passing)),
        Metric(Campaign.metric(campaign.name, "subjects"), Double(seen.count)),
        Metric(Campaign.metric(campaign.name, "start"), Campaign.number(campaign.start)),
        Metric(Campaign.metric(campaign.name, "deadline"), Campaign.number(campaign.deadline)),
      ]
      let open = campaign.isOpen(on: today)
      let started = today >= campaign.start
      let state: String
      if !open {
        state = "past its deadline \(campaign.deadline): it gates"
      } else if held > 0 {
        state =
          "\(started ? "" : "not started yet; ")it holds \(English.count(held, "failure")) out of the gate until \(campaign.deadline)"
      } else {
        state =
          "\(started ? "" : "not started yet; ")until \(campaign.deadline) its failures do not fail the gate"
      }
      warnings.append(
        Diagnostic(
          open && held > 0 ? .warning : .note,
          at: SourceMark(file: playbookPath, line: 0, column: 0), code: "A074",
          "campaign \(campaign.name) (owner \(campaign.owner), \(started ? "from" : "starts") \(campaign.start)): \(passing) of \(seen.count) subjects pass; \(state)"
            + (failing.isEmpty ? "" : "; failing: \(failing.sorted().joined(separator: ", "))")))
    }
  }
}

/// A campaign's progress in one run, for the reports.
public struct CampaignProgress: Sendable {
  public var campaign: Campaign
  /// On or before the deadline: its failures do not fail the gate.
  public var beforeDeadline: Bool
  public var subjects: Int
  public var passing: Int
  /// The subjects failing (or in error on) its checks.
  public var failing: [String]

  /// `reproducible-seeds: 5 of 5 subjects pass; past its deadline 2026-09-30, it gates`.
  public var summary: String {
    "\(campaign.name): \(passing) of \(subjects) subjects pass; "
      + (beforeDeadline
        ? "until \(campaign.deadline) its failures do not fail the gate"
        : "past its deadline \(campaign.deadline), it gates")
  }
}

extension Campaign {
  /// `steward history --campaign NAME`: subjects passing in each run that
  /// measured the campaign, oldest first, as a burn-up.
  public static func burnUp(_ name: String, runs: [RunRecord]) -> String? {
    let points = runs.reversed().compactMap { run -> (RunRecord, Int, Int)? in
      guard let passing = run.metric(metric(name, "passing")),
        let subjects = run.metric(metric(name, "subjects"))
      else { return nil }
      return (run, Int(passing), Int(subjects))
    }
    guard !points.isEmpty else { return nil }
    var lines = ["campaign \(name): subjects passing, oldest run first"]
    for (run, passing, subjects) in points {
      let width = 20
      let filled = subjects == 0 ? 0 : passing * width / subjects
      lines.append(
        "\(AuditRunner.isoDay(run.startedAt))  run \(run.id ?? 0)  \(run.playbook)  "
          + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
          + "  \(passing) of \(subjects)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
