import Foundation
import StewardCore

/// The built-in metrics read from other playbooks' runs in the history
/// store: team health and maturity from survey runs, the pass rate and
/// open waivers from an audit run. Each takes the rows of the run that was
/// the latest by the end of the month (nil when there was none).
extension DashboardMetrics {
  /// The run of `playbook` recorded last before `month` ended.
  public static func latestRun(
    of playbook: String, kind: String, by month: DashboardMonth, in store: any HistoryStore
  ) throws -> (RunRecord, [ResultRecord])? {
    let end = month.end
    guard
      let run = try store.runs(playbook: playbook, limit: nil).first(where: {
        $0.kind == kind && $0.startedAt < end
      }), let id = run.id
    else { return nil }
    return (run, try store.results(ofRun: id))
  }

  /// A number after `label ` in a recorded message ("mean 3.400, top-two-box 0.750").
  static func number(after label: String, in message: String) -> Double? {
    guard let range = message.range(of: label + " ") else { return nil }
    let rest = message[range.upperBound...]
    let token = rest.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
    return Double(token)
  }

  /// The share agreeing (the `agree` dimension's top-two-box share, over
  /// everyone) and eNPS, with the share per group. eNPS is read from a row
  /// whose check is `enps` or `metric:enps` (or the one `enps` names): its
  /// status or its message's first number.
  public static func teamHealth(
    run: (RunRecord, [ResultRecord])?, survey: String, agree: String?, enps: String?,
    group: String, month: DashboardMonth
  ) -> DashboardPoint {
    guard let (record, rows) = run else {
      return .missing(month, "no \(survey) survey run recorded by \(month)")
    }
    let dimension = agree.map { "dimension:\($0)" }
    func share(_ subject: String) -> Double? {
      let candidates = rows.filter { row in
        guard row.subject == subject else { return false }
        if let dimension { return row.check == dimension }
        return row.check.hasPrefix("dimension:")
      }
      return candidates.lazy.compactMap { number(after: "top-two-box", in: $0.message) }.first
    }
    let enpsChecks = enps.map { [$0, "metric:\($0)"] } ?? ["enps", "metric:enps"]
    let enpsRow = rows.first { $0.subject == "all" && enpsChecks.contains($0.check) }
    let enpsValue = enpsRow.flatMap { row in
      Double(row.status) ?? number(after: "enps", in: row.message.lowercased())
        ?? Double(row.message.split(separator: " ").first ?? "")
    }
    let prefix = group + "="
    let parts = rows.filter { $0.subject.hasPrefix(prefix) }.map(\.subject)
    var seen = Set<String>()
    let groups = parts.filter { seen.insert($0).inserted }
    let overall = share("all")
    var point = DashboardPoint(
      month: month, value: overall,
      detail: "survey \(survey), run #\(record.id ?? 0) of \(Self.day(record.startedAt))"
        + (record.metric("respondents").map { ", \(Int($0)) respondents" } ?? ""),
      missing: overall == nil ? "the \(survey) run has no share agreeing for everyone" : nil,
      breakdown: groups.map {
        DashboardPart(name: String($0.dropFirst(prefix.count)), value: share($0))
      })
    // "3 of 3 agree" reads better than 100 % when the group is small.
    let answers = rows.first { row in
      row.subject == "all"
        && (dimension.map { row.check == $0 } ?? row.check.hasPrefix("dimension:"))
    }.flatMap { number(after: "answers", in: $0.message) }
    if let overall, let answers, answers > 0 {
      point.detail =
        "\(Int((overall * answers).rounded())) of \(Int(answers)) agree; " + point.detail
    }
    if let enpsValue {
      point.facts.append(("enps", enpsValue))
      point.detail += "; eNPS \(DashboardFormatter.format(enpsValue, .score))"
    }
    if let n = record.metric("respondents") { point.facts.append(("respondents", n)) }
    return point
  }

  /// The maturity level of everyone (the run's `all` row) and of each group
  /// (`team=…` rows). Level ids are numbers, or ranks in `levels`, lowest
  /// first (1-based): `[crawl, walk, run, fly]`.
  public static func maturity(
    run: (RunRecord, [ResultRecord])?, survey: String, levels: [String], group: String,
    month: DashboardMonth
  ) -> DashboardPoint {
    guard let (record, rows) = run else {
      return .missing(month, "no \(survey) survey run recorded by \(month)")
    }
    func rank(_ id: String) -> Double? {
      if let i = levels.firstIndex(where: { $0.lowercased() == id.lowercased() }) {
        return Double(i + 1)
      }
      if id == "below first level" { return 0 }
      let digits = id.reversed().prefix { $0.isNumber }.reversed()
      return Double(String(digits))
    }
    let levelRows = rows.filter { $0.check == "level" }
    let prefix = group + "="
    let parts = levelRows.filter { $0.subject.hasPrefix(prefix) }.map { row in
      DashboardPart(
        name: String(row.subject.dropFirst(prefix.count)), value: rank(row.status),
        text: row.status)
    }
    let overall = levelRows.first { $0.subject == "all" }
    var value = overall.flatMap { rank($0.status) }
    var how = "everyone's level"
    if overall == nil, let lowest = parts.compactMap(\.value).min() {
      value = lowest
      how = "the lowest team's level (the run has no overall level)"
    }
    return DashboardPoint(
      month: month, value: value,
      detail: "survey \(survey), run #\(record.id ?? 0) of \(Self.day(record.startedAt)): \(how)"
        + (overall.map { " (\($0.status))" } ?? ""),
      missing: value == nil ? "the \(survey) run has no level" : nil, breakdown: parts)
  }

  /// Passes ÷ decided results (pass, fail, waived, error; skips left out),
  /// the waivers in force, and the failures by severity.
  public static func audit(
    run: (RunRecord, [ResultRecord])?, playbook: String, month: DashboardMonth
  ) -> DashboardPoint {
    guard let (record, rows) = run else {
      return .missing(month, "no \(playbook) audit run recorded by \(month)")
    }
    let decided = rows.filter { $0.status != CheckStatus.skip.rawValue }
    let passed = decided.filter { $0.status == CheckStatus.pass.rawValue }.count
    let waived = decided.filter { $0.status == CheckStatus.waived.rawValue }.count
    let failed = decided.filter { $0.status == CheckStatus.fail.rawValue }
    let severities = Severity.allCases.reversed().map { s in
      DashboardPart(
        name: s.rawValue, value: Double(failed.filter { $0.severity == s.rawValue }.count))
    }
    guard !decided.isEmpty else {
      return .missing(month, "the \(playbook) run has no decided result")
    }
    return DashboardPoint(
      month: month, value: Double(passed) / Double(decided.count),
      detail:
        "\(playbook) run #\(record.id ?? 0) of \(Self.day(record.startedAt)): \(passed) of \(decided.count) results pass, \(failed.count) fail, \(waived) waived",
      breakdown: severities,
      facts: [
        ("pass", Double(passed)), ("results", Double(decided.count)),
        ("fail", Double(failed.count)), ("open_waivers", Double(waived)),
      ])
  }

  static func day(_ date: Date) -> String {
    let c = DashboardMonth.calendar.dateComponents([.year, .month, .day], from: date)
    let m = DashboardMonth(year: c.year ?? 1970, month: c.month ?? 1)
    let d = c.day ?? 1
    return m.description + (d < 10 ? "-0\(d)" : "-\(d)")
  }
}
