import Foundation
public import StewardCore

/// The built-in metrics as pure functions of their inputs and a month, so
/// that each can be checked against numbers worked out by hand
/// (REFERENCE.md §8 has the conventions).
public enum DashboardMetrics {
  /// People on the roster on the month's last day (`start` ≤ day ≤ `end`),
  /// and, with a hiring plan, how many of the positions due by then are
  /// filled: a position with a name needs that person, one without needs an
  /// unmatched person of its team and role.
  public static func headcount(people: Value, plan: Value?, month: DashboardMonth)
    -> DashboardPoint
  {
    let day = month.lastDay
    let everyone = people["people"]?.list ?? people.list ?? []
    let active = everyone.filter { p in
      guard let start = p["start"]?.text, start <= day else { return false }
      if let end = p["end"]?.text, end < day { return false }
      return true
    }
    var teams: [String: Int] = [:]
    for p in active { teams[p["team"]?.text ?? "no team", default: 0] += 1 }
    var point = DashboardPoint(
      month: month, value: Double(active.count),
      detail: "\(active.count) \(active.count == 1 ? "person" : "people") on the roster on \(day)",
      breakdown: teams.keys.sorted().map { DashboardPart(name: $0, value: Double(teams[$0] ?? 0)) })
    guard let plan else { return point }
    // Named positions first: a position open to anyone of a team and role
    // must not take the person another position names.
    let planned = positions(in: plan).filter { $0.start <= day }
    let due = planned.filter { $0.name != nil } + planned.filter { $0.name == nil }
    var unused = active
    var filled = 0
    for position in due {
      let match = unused.firstIndex { p in
        if let name = position.name { return p["name"]?.text == name }
        let sameTeam = position.team == nil || p["team"]?.text?.lowercased() == position.team
        return sameTeam && p["role"]?.text?.lowercased() == position.role
      }
      if let match {
        filled += 1
        unused.remove(at: match)
      }
    }
    let beyond = active.count - filled
    point.facts = [
      ("planned", Double(due.count)), ("filled", Double(filled)),
      ("open", Double(due.count - filled)),
      ("beyond_plan", Double(beyond)),
    ]
    point.detail +=
      "; hiring plan: \(filled) of \(due.count) positions due by then filled, \(due.count - filled) open, \(beyond) beyond the plan"
    return point
  }

  struct Position {
    var team: String?
    var role: String
    var name: String?
    var start: String
  }

  /// The positions of a hub-and-spoke org plan (Examples/streamrec/org/org-plan.yaml).
  static func positions(in plan: Value) -> [Position] {
    var found: [Position] = []
    func add(_ v: Value?, team: String?, role: String) {
      guard let v, let start = v["start"]?.text else { return }
      found.append(
        Position(
          team: team?.lowercased(), role: (v["role"]?.text ?? role).lowercased(),
          name: v["name"]?.text, start: start))
    }
    add(plan["head_of_data_science"], team: nil, role: "head of data science")
    var units: [Value] = []
    if let hub = plan["hub"] { units.append(hub) }
    units += plan["spokes"]?.list ?? []
    for unit in units {
      let team = unit["name"]?.text
      add(unit["lead"], team: team, role: "lead")
      // The build-out (`members`, `team`), the people a team had before the
      // plan (`existing`) and the hires once it stood (`growth`).
      let lists = ["members", "team", "existing", "growth"].flatMap { unit[$0]?.list ?? [] }
      for member in lists {
        add(member, team: team, role: "member")
      }
    }
    return found
  }

  /// Models whose stage on the month's last day is `production` and whose
  /// card names an owner. The stage then is the deployment log's latest
  /// entry by that day (`date`, `model`, `stage`); a card the log never
  /// mentions counts with its current stage.
  public static func modelsInProduction(
    cards: [Value], deployments: [Value], month: DashboardMonth
  ) -> DashboardPoint {
    let day = month.lastDay
    var logged: [String: [(date: String, stage: String)]] = [:]
    for row in deployments {
      guard let model = row["model"]?.text, let date = row["date"]?.text,
        let stage = row["stage"]?.text
      else { continue }
      logged[model, default: []].append((date, stage))
    }
    var live: [(id: String, owner: String)] = []
    var unowned: [String] = []
    for card in cards {
      guard let id = card["id"]?.text else { continue }
      let stage: String?
      if let history = logged[id] {
        stage = history.filter { $0.date <= day }.max { $0.date < $1.date }?.stage
      } else {
        stage = card["stage"]?.text
      }
      guard stage == "production" else { continue }
      let owner = card["owner"]?.text?.trimmingCharacters(in: .whitespaces) ?? ""
      if owner.isEmpty { unowned.append(id) } else { live.append((id, owner)) }
    }
    live.sort { $0.id < $1.id }
    var owners: [String: Int] = [:]
    for m in live { owners[m.owner, default: 0] += 1 }
    var detail = "\(live.count) in production on \(day)"
    if !live.isEmpty { detail += ": " + live.map(\.id).joined(separator: ", ") }
    var warnings: [String] = []
    if !unowned.isEmpty {
      warnings.append(
        "not counted, in production without an owner: \(unowned.sorted().joined(separator: ", "))")
    }
    return DashboardPoint(
      month: month, value: Double(live.count), detail: detail,
      breakdown: owners.keys.sorted().map {
        DashboardPart(name: $0, value: Double(owners[$0] ?? 0))
      },
      warnings: warnings)
  }

  /// Experiments launched in the month (`launched` is a date in it).
  public static func abTests(experiments: [Value], month: DashboardMonth) -> DashboardPoint {
    let (first, last) = (month.firstDay, month.lastDay)
    let launched = experiments.filter { e in
      guard let d = e["launched"]?.text else { return false }
      return d >= first && d <= last
    }
    var teams: [String: Int] = [:]
    for e in launched { teams[e["team"]?.text ?? "no team", default: 0] += 1 }
    return DashboardPoint(
      month: month, value: Double(launched.count),
      detail: "\(launched.count) launched in \(month)",
      breakdown: teams.keys.sorted().map { DashboardPart(name: $0, value: Double(teams[$0] ?? 0)) })
  }

  /// Wins ÷ validly concluded experiments: those that ended in the `window`
  /// months up to the period's end, with an outcome, and did not fail the
  /// sample-ratio check (`srm: fail` is excluded, not counted as a loss).
  /// The interval is Wilson's at 95 %; above `warnAbove` the team is likely
  /// testing only safe bets.
  public static func winRate(
    experiments: [Value], month: DashboardMonth, window: Int = 6, warnAbove: Double = 0.8
  ) -> DashboardPoint {
    let first = month.advanced(by: -(max(1, window) - 1))
    let (from, to) = (first.firstDay, month.lastDay)
    var wins = 0
    var valid = 0
    var srm = 0
    for e in experiments {
      guard let ended = e["ended"]?.text, !ended.isEmpty, ended >= from, ended <= to,
        let outcome = e["outcome"]?.text?.lowercased(), !outcome.isEmpty
      else { continue }
      if e["srm"]?.text?.lowercased() == "fail" {
        srm += 1
        continue
      }
      valid += 1
      if outcome == "win" { wins += 1 }
    }
    let span = window == 1 ? "in \(month)" : "\(first) to \(month)"
    guard let interval = Statistics.wilson(successes: wins, trials: valid) else {
      return DashboardPoint(
        month: month, value: nil,
        missing: "no validly concluded experiment \(span)"
          + (srm > 0 ? " (\(srm) excluded for sample-ratio mismatch)" : ""),
        facts: [("wins", 0), ("valid", 0), ("srm_excluded", Double(srm))])
    }
    var point = DashboardPoint(
      month: month, value: interval.estimate, low: interval.lower, high: interval.upper,
      detail:
        "\(wins) wins of \(valid) experiments validly concluded \(span)"
        + (srm > 0
          ? " (\(srm) with a sample-ratio mismatch excluded)" : ""),
      facts: [("wins", Double(wins)), ("valid", Double(valid)), ("srm_excluded", Double(srm))])
    // Lesson 4 of the story: a win rate above the line means the team tests
    // only safe bets, so a fall towards the baselines is not bad news.
    point.facts.append(("warn_above", warnAbove))
    point.band =
      interval.estimate > warnAbove
      ? "too high: not testing enough"
      : "in the healthy band (at most \(DashboardFormatter.percent(warnAbove)))"
    if interval.estimate > warnAbove {
      point.warnings.append(
        "win rate \(DashboardFormatter.percent(interval.estimate)) is above \(DashboardFormatter.percent(warnAbove)): the team is only testing safe bets"
      )
    }
    return point
  }

  /// The sum of a finance column over the `window` months ending with the
  /// period (trailing twelve months by default), with the sums of the
  /// estimate's low and high columns as its range. Every month of the
  /// window must have a row.
  public static func financeSum(
    rows: [Value], column: String, low: String?, high: String?, month: DashboardMonth,
    window: Int = 12
  ) -> DashboardPoint {
    let months = DashboardMonth.range(month.advanced(by: -(max(1, window) - 1)), month)
    var byMonth: [String: Value] = [:]
    for row in rows { if let m = row["month"]?.text { byMonth[m] = row } }
    var total = 0.0
    var lows: Double? = low == nil ? nil : 0
    var highs: Double? = high == nil ? nil : 0
    var absent: [String] = []
    for m in months {
      guard let row = byMonth[m.description], let v = row[column]?.numeric else {
        absent.append(m.description)
        continue
      }
      total += v
      if let low { lows = lows.flatMap { l in row[low]?.numeric.map { l + $0 } } }
      if let high { highs = highs.flatMap { h in row[high]?.numeric.map { h + $0 } } }
    }
    let span = window == 1 ? "\(month)" : "\(months[0]) to \(month)"
    guard absent.isEmpty else {
      return .missing(
        month,
        "no \(column) for \(absent.count == 1 ? absent[0] : "\(absent.count) months from \(absent[0])")"
      )
    }
    return DashboardPoint(
      month: month, value: total, low: lows, high: highs,
      detail: "\(column) summed over \(span)" + (window == 12 ? " (trailing twelve months)" : ""))
  }

  /// Return on the team's cost: the multiple revenue ÷ cost, or the finance
  /// form (revenue − cost) ÷ cost.
  public static func roi(
    revenue: DashboardPoint, cost: DashboardPoint, finance: Bool, month: DashboardMonth
  ) -> DashboardPoint {
    guard let r = revenue.value, let c = cost.value else {
      return .missing(month, revenue.missing ?? cost.missing ?? "no revenue or cost")
    }
    guard c > 0 else { return .missing(month, "the cost is zero") }
    let value = finance ? (r - c) / c : r / c
    let lowR = revenue.low ?? r
    let highR = revenue.high ?? r
    return DashboardPoint(
      month: month, value: value,
      low: finance ? (lowR - c) / c : lowR / c, high: finance ? (highR - c) / c : highR / c,
      detail: finance
        ? "(\(DashboardFormatter.currency(r)) − \(DashboardFormatter.currency(c))) ÷ \(DashboardFormatter.currency(c))"
        : "\(DashboardFormatter.currency(r)) ÷ \(DashboardFormatter.currency(c))")
  }

  /// The ROI label for the form, so no reader mistakes one for the other.
  static func roiLabel(finance: Bool) -> String {
    finance
      ? "finance form: (attributed revenue − team cost) ÷ team cost"
      : "return multiple: attributed revenue ÷ team cost"
  }
}
