public import Foundation
import StewardCore
import StewardLua

/// Computes a dashboard: every metric for the period, each month of the
/// trend and the comparison period.
///
/// ```swift
/// let header = try PlaybookLoader.load(path: "Playbooks/value-dashboard.yaml")
/// let playbook = try DashboardPlaybook.load(header: header, path: header…)
/// let report = try DashboardRunner.run(playbook: playbook, history: store)
/// let html = DashboardHTMLReporter().render(report)
/// ```
///
/// Inputs are read once. Survey and audit metrics read the runs in
/// `history` recorded by the end of each month; without a store they say
/// so instead of failing. Throws ``PlaybookError`` for unreadable inputs.
public enum DashboardRunner {
  public static func run(
    playbook: DashboardPlaybook, history: (any HistoryStore)?, now: Date = StewardClock.now()
  ) throws -> DashboardReport {
    let started = StewardClock.now()
    let inputs = try DashboardInputs.load(playbook)
    var warnings = consistencyWarnings(playbook, inputs)
    let period = playbook.period
    let months = DashboardMonth.range(
      period.advanced(by: -(playbook.trendMonths - 1)), period)

    // The comparison: a given month, or the last recorded run before this period.
    var compareMonth: DashboardMonth?
    var compareSource = "inputs and history"
    var recorded: RunRecord?
    switch playbook.comparison {
    case .none: break
    case .month(let m): compareMonth = m
    case .previous:
      if let history, let run = try previousRun(of: playbook, before: period, in: history) {
        recorded = run
        compareMonth = DashboardRecorder.period(of: run)
        compareSource = "history run #\(run.id ?? 0)"
      } else {
        compareMonth = period.advanced(by: -1)
        compareSource = "inputs and history (no earlier run of this dashboard recorded)"
      }
    }

    var evaluator = try Evaluator(playbook: playbook, inputs: inputs, history: history)
    var byMonth: [DashboardMonth: [String: DashboardPoint]] = [:]
    var wanted = months
    if let compareMonth, recorded == nil, !wanted.contains(compareMonth) {
      wanted.append(compareMonth)
    }
    for month in wanted { byMonth[month] = try evaluator.points(month) }
    warnings += evaluator.warnings

    let results = playbook.metrics.map { spec -> DashboardMetricResult in
      let current = byMonth[period]?[spec.id] ?? .missing(period, "not computed")
      var compare: DashboardPoint?
      if let recorded, let compareMonth {
        let value = recorded.metric(spec.id)
        compare = DashboardPoint(
          month: compareMonth, value: value, detail: "recorded by run #\(recorded.id ?? 0)",
          missing: value == nil ? "run #\(recorded.id ?? 0) did not record \(spec.id)" : nil)
      } else if let compareMonth {
        compare = byMonth[compareMonth]?[spec.id]
      }
      return DashboardMetricResult(
        id: spec.id, title: spec.title, label: label(spec), source: sourceName(spec),
        format: spec.format, headline: spec.headline, current: current, compare: compare,
        trend: months.map { byMonth[$0]?[spec.id] ?? .missing($0, "not computed") },
        better: spec.better)
    }
    var report = DashboardReport(
      playbook: playbook.header.name, title: playbook.title, playbookPath: playbook.path,
      period: period, compare: compareMonth, compareSource: compareSource, months: months,
      metrics: results, startedAt: started, duration: StewardClock.now().timeIntervalSince(started),
      warnings: warnings, inputFiles: inputs.files)
    if let history { report.campaigns = try DashboardCampaigns.find(in: history, by: period) }
    return report
  }

  /// The newest recorded run of this dashboard for a period before `period`.
  static func previousRun(
    of playbook: DashboardPlaybook, before period: DashboardMonth, in store: any HistoryStore
  ) throws -> RunRecord? {
    let runs = try store.runs(playbook: playbook.header.name, limit: nil).filter {
      $0.kind == "dashboard"
    }
    let earlier = runs.filter { run in
      DashboardRecorder.period(of: run).map { $0 < period } ?? false
    }
    // Newest first already; the latest period wins, then the newest run of it.
    return earlier.max { a, b in
      (DashboardRecorder.period(of: a) ?? period) < (DashboardRecorder.period(of: b) ?? period)
    }.flatMap { best in
      earlier.first { DashboardRecorder.period(of: $0) == DashboardRecorder.period(of: best) }
    }
  }

  static func sourceName(_ spec: DashboardMetricSpec) -> String {
    switch spec.source {
    case .builtin(let b): b.rawValue
    case .expression: "expression"
    case .lua: "lua"
    }
  }

  /// How the metric is computed, in words; ROI always says which form.
  static func label(_ spec: DashboardMetricSpec) -> String {
    if let d = spec.description { return d }
    switch spec.source {
    case .builtin(let b):
      switch b {
      case .headcount: return "people on the roster at the month's end, against the hiring plan"
      case .models_in_production:
        return "models whose stage is production at the month's end, with a named owner"
      case .ab_tests: return "experiments launched in the month"
      case .win_rate:
        let window = spec.params["window"]?.int ?? 6
        return
          "wins ÷ validly concluded experiments over \(window) months, sample-ratio failures excluded; Wilson 95 % interval"
      case .attributed_revenue:
        return
          "estimated revenue from shipped winners, trailing \(spec.params["window"]?.int ?? 12) months"
      case .team_cost: return "the team's cost, trailing \(spec.params["window"]?.int ?? 12) months"
      case .roi: return DashboardMetrics.roiLabel(finance: spec.params["form"]?.string == "finance")
      case .team_health:
        return
          "share agreeing (who would recommend, on a 0–10 question; else top-two-box), with eNPS beside it, from the latest survey run"
      case .maturity: return "maturity level from the latest survey run, per team"
      case .audit: return "passes ÷ decided results of the latest audit run; open waivers"
      }
    case .expression(let e): return "expression: \(e)"
    case .lua: return "Lua metric"
    }
  }

  /// Things worth knowing about the inputs: a card the deployment log never
  /// mentions, a log that disagrees with a card about today's stage.
  static func consistencyWarnings(_ playbook: DashboardPlaybook, _ inputs: DashboardInputs)
    -> [String]
  {
    var warnings: [String] = []
    for spec in playbook.metrics {
      guard case .builtin(.models_in_production) = spec.source,
        let log = inputs.values[spec.input("deployments")]?.list
      else { continue }
      var latest: [String: (String, String)] = [:]
      for row in log {
        guard let m = row["model"]?.text, let d = row["date"]?.text, let s = row["stage"]?.text
        else { continue }
        if latest[m].map({ $0.0 <= d }) ?? true { latest[m] = (d, s) }
      }
      for card in inputs.rows(spec.input("cards")) {
        guard let id = card["id"]?.text else { continue }
        if let (_, stage) = latest[id] {
          if let cardStage = card["stage"]?.text, cardStage != stage {
            warnings.append(
              "model \(id): its card says \(cardStage), the deployment log's last entry \(stage)")
          }
        } else {
          warnings.append(
            "model \(id): no deployment history; its card's stage counts for every month")
        }
      }
    }
    return warnings
  }
}
