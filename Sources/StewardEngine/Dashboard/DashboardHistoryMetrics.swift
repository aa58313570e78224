public import Foundation
import StewardCore
import StewardYAML

/// The built-in metrics read from other playbooks' runs in the history
/// store: team health and maturity from survey runs, the pass rate and
/// open waivers from an audit run. Each takes the rows of the run that was
/// the latest by the end of the month (nil when there was none).
extension DashboardMetrics {
  /// The run of `playbook` that is the latest as of the end of `month`:
  /// the greatest ``asOf(_:)`` date before the month ended, the newest
  /// recorded run on a tie.
  public static func latestRun(
    of playbook: String, kind: String, by month: DashboardMonth, in store: any HistoryStore
  ) throws -> (RunRecord, [ResultRecord])? {
    let dated = try store.runs(playbook: playbook, limit: nil).filter { $0.kind == kind }
      .map { (run: $0, date: asOf($0)) }
    guard let chosen = pick(dated, by: month), let id = chosen.id else { return nil }
    return (chosen, try store.results(ofRun: id))
  }

  /// Of runs newest first with their dates, the latest as of the month's end.
  static func pick(_ dated: [(run: RunRecord, date: Date)], by month: DashboardMonth) -> RunRecord?
  {
    let end = month.end
    let before = dated.filter { $0.date < end }
    guard let best = before.max(by: { $0.date < $1.date }) else { return nil }
    // Newest first, so the first of the latest date is the newest run of it.
    return before.first { $0.date == best.date }?.run
  }

  /// The date a run speaks for. A survey is as of its latest response: the
  /// greatest `date` in the responses file it read, when that file is still
  /// there with the hash the run recorded; otherwise, and for other kinds,
  /// when the run started. So month 0's survey, scored today from responses
  /// dated May 2025, counts for May 2025.
  public static func asOf(_ run: RunRecord) -> Date {
    guard run.kind == "survey", let input = run.inputs.first,
      input.path.hasSuffix(".csv"), (try? SHA256.hex(ofFile: input.path)) == input.sha256,
      let rows = try? CSVLoader.load(path: input.path).list
    else { return run.startedAt }
    let latest = rows.compactMap { $0["date"]?.text }.filter {
      DashboardMonth(String($0.prefix(7))) != nil
    }.max()
    guard let latest, let date = Self.date(latest) else { return run.startedAt }
    return date
  }

  /// `YYYY-MM-DD` (or a longer ISO 8601 stamp) as the start of that day, UTC.
  static func date(_ text: String) -> Date? {
    let day = text.prefix(10).split(separator: "-")
    guard day.count == 3, let y = Int(day[0]), let m = Int(day[1]), let d = Int(day[2]) else {
      return nil
    }
    return DashboardMonth.calendar.date(from: DateComponents(year: y, month: m, day: d))
  }

  /// A number after `label ` in a recorded message ("mean 3.400, top-two-box 0.750").
  static func number(after label: String, in message: String) -> Double? {
    guard let range = message.range(of: label + " ") else { return nil }
    let rest = message[range.upperBound...]
    let token = rest.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
    return Double(token)
  }

  /// The share agreeing and eNPS for everyone, with the share per group.
  ///
  /// Named run metrics come first (SurveyRecorder writes
  /// `SUBJECT/question/ID/agree` and `all/question/ID/enps`): the question
  /// is `question`, or the one whose eNPS the run recorded. Without them,
  /// the share is the `agree` dimension's top-two-box share from the result
  /// rows, and eNPS a row named `enps` or `metric:enps` (or `enps`).
  public static func teamHealth(
    run: (RunRecord, [ResultRecord])?, survey: String, agree: String?, enps: String?,
    group: String, month: DashboardMonth, question: String? = nil
  ) -> DashboardPoint {
    guard let (record, rows) = run else {
      return .missing(month, "no \(survey) survey run recorded by \(month)")
    }
    if let withheld = withheld(record, survey: survey, month: month) { return withheld }
    let recorded =
      question
      ?? record.metrics.lazy.map(\.name).first {
        $0.hasPrefix("all/question/") && $0.hasSuffix("/enps")
      }.map { String($0.dropFirst("all/question/".count).dropLast("/enps".count)) }
    let dimension = agree.map { "dimension:\($0)" }
    // A 0–10 question's team health is who would recommend the team (every
    // answer but a detractor's, REFERENCE §6), not the promoters alone: 27
    // of 28 recommending is not the fall that 18 promoters of 28 looks like.
    let recommends = recorded.map { record.metric("all/question/\($0)/recommend") != nil } ?? false
    func share(_ subject: String) -> Double? {
      if let recorded {
        let name = recommends ? "recommend" : "agree"
        if let a = record.metric("\(subject)/question/\(recorded)/\(name)") { return a }
      }
      let candidates = rows.filter { row in
        guard row.subject == subject else { return false }
        if let dimension { return row.check == dimension }
        return row.check.hasPrefix("dimension:")
      }
      return candidates.lazy.compactMap { number(after: "top-two-box", in: $0.message) }.first
    }
    let enpsChecks = enps.map { [$0, "metric:\($0)"] } ?? ["enps", "metric:enps"]
    let enpsRow = rows.first { $0.subject == "all" && enpsChecks.contains($0.check) }
    let enpsValue =
      recorded.flatMap { record.metric("all/question/\($0)/enps") }
      ?? enpsRow.flatMap { row in
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
      detail: "survey \(survey), run #\(record.id ?? 0) as of \(Self.day(asOf(record)))"
        + (record.metric("respondents").map { ", \(Int($0)) respondents" } ?? ""),
      missing: overall == nil ? "the \(survey) run has no share agreeing for everyone" : nil,
      breakdown: groups.map {
        DashboardPart(name: String($0.dropFirst(prefix.count)), value: share($0))
      })
    // "3 of 3 agree" reads better than 100 % when the group is small.
    let answers =
      record.metric("all/respondents")
      ?? rows.first { row in
        row.subject == "all"
          && (dimension.map { row.check == $0 } ?? row.check.hasPrefix("dimension:"))
      }.flatMap { number(after: "answers", in: $0.message) }
    if let overall, let answers, answers > 0 {
      point.detail =
        "\(Int((overall * answers).rounded())) of \(Int(answers)) "
        + (recommends ? "would recommend" : "agree") + "; " + point.detail
    }
    if let enpsValue {
      point.facts.append(("enps", enpsValue))
      point.detail += "; eNPS \(DashboardFormatter.format(enpsValue, .score))"
    }
    if let n = record.metric("respondents") { point.facts.append(("respondents", n)) }
    return point
  }

  /// A survey wave with fewer respondents than its anonymity threshold
  /// reported no group, everyone included, and exited 1 (SurveyKind): its
  /// figures exist but may not be shown. It says so in place of a number,
  /// since "–" would read as "not measured". Nil for a wave that reported.
  static func withheld(_ record: RunRecord, survey: String, month: DashboardMonth)
    -> DashboardPoint?
  {
    guard record.kind == "survey", record.exitStatus == 1, let n = record.metric("respondents")
    else { return nil }
    let answers = "\(Int(n)) answer" + (n == 1 ? "" : "s")
    // Runs recorded before the threshold was a metric still say why.
    let threshold = record.metric("min_group_size")
    var point = DashboardPoint(
      month: month, value: nil,
      detail: "survey \(survey), run #\(record.id ?? 0) as of \(Self.day(asOf(record)))",
      missing: nil, facts: [("respondents", n)])
    point.withheld =
      "withheld (\(answers); " + (threshold.map { "fewer than \(Int($0))" } ?? "too few") + ")"
    point.missing =
      point.detail + ": withheld, \(answers) "
      + (threshold.map { "fewer than its anonymity threshold of \(Int($0))" }
        ?? "under its anonymity threshold")
      + ", so no figure and no comment was reported"
    return point
  }

  /// Which level stands for the whole organisation.
  public enum MaturitySummary: String, Sendable, CaseIterable {
    /// The run's level for everyone (its `all` row); the lowest team's without one.
    case overall
    case lowest
    case highest
    /// The lowest level among the teams past the first level: where the
    /// practice exists, how far it has got ("level 2, recommendations only").
    case started
  }

  /// The maturity level of everyone (the run's `all` row) and of each group
  /// (`team=…` rows). Level ids are numbers, or ranks in `levels`, lowest
  /// first (1-based): `[crawl, walk, run, fly]`.
  public static func maturity(
    run: (RunRecord, [ResultRecord])?, survey: String, levels: [String], group: String,
    month: DashboardMonth, summary: MaturitySummary = .overall
  ) -> DashboardPoint {
    guard let (record, rows) = run else {
      return .missing(month, "no \(survey) survey run recorded by \(month)")
    }
    if let withheld = withheld(record, survey: survey, month: month) { return withheld }
    // SurveyRecorder's named metric `SUBJECT/level` is the level's number
    // when the run has it; otherwise the id is ranked here.
    func rank(_ id: String, _ subject: String) -> Double? {
      if let n = record.metric("\(subject)/level") { return n }
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
        name: String(row.subject.dropFirst(prefix.count)), value: rank(row.status, row.subject),
        text: row.status)
    }
    let overall = levelRows.first { $0.subject == "all" }
    var value: Double?
    var how: String
    let teams = parts.filter { $0.value != nil }
    func named(_ part: DashboardPart?) -> String {
      guard let part else { return "" }
      return " (\(part.name): \(part.text))"
    }
    switch summary {
    case .overall:
      value = overall.flatMap { rank($0.status, "all") }
      how = "everyone's level" + (overall.map { " (\($0.status))" } ?? "")
      if overall == nil, let lowest = teams.min(by: { ($0.value ?? 0) < ($1.value ?? 0) }) {
        value = lowest.value
        how = "the lowest team's level, the run has no overall level" + named(lowest)
      }
    case .lowest:
      let lowest = teams.min { ($0.value ?? 0) < ($1.value ?? 0) }
      value = lowest?.value
      how = "the lowest team's level" + named(lowest)
    case .highest:
      let highest = teams.max { ($0.value ?? 0) < ($1.value ?? 0) }
      value = highest?.value
      how = "the highest team's level" + named(highest)
    case .started:
      // Teams still on the first rung have not started; the others' floor
      // is the level the practice has reached where it exists.
      let first = levels.isEmpty ? 0.0 : 1.0
      let started = teams.filter { ($0.value ?? first) > first }
      let lowest = started.min { ($0.value ?? 0) < ($1.value ?? 0) }
      value = lowest?.value ?? (teams.isEmpty ? nil : first)
      let firstName = levels.first ?? "level 0"
      how =
        lowest == nil
        ? "every team on the first level (\(firstName))"
        : "the lowest level among the teams past \(firstName)" + named(lowest)
          + ", \(started.count) of \(teams.count) teams"
    }
    return DashboardPoint(
      month: month, value: value,
      detail: "survey \(survey), run #\(record.id ?? 0) as of \(Self.day(asOf(record))): \(how)",
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
