public import Foundation
import StewardCore

/// A dashboard playbook read and validated: its period, its inputs and its
/// metrics. Every problem is reported at once (``PlaybookError``), each at
/// its mark, before an input is read. The format is in docs/dashboard.md.
public struct DashboardPlaybook: Sendable {
  /// What the comparison column shows.
  public enum Comparison: Sendable, Equatable {
    /// No comparison.
    case none
    /// A given month, computed from the inputs and the history as of then.
    case month(DashboardMonth)
    /// The last run of this dashboard recorded for an earlier period; the
    /// month before when the history has none.
    case previous
  }

  public var header: PlaybookHeader
  public var path: String
  public var title: String
  public var period: DashboardMonth
  public var comparison: Comparison
  /// Months in the trend charts, the period included.
  public var trendMonths: Int
  /// Named inputs, resolved: paths relative to the playbook, or as given
  /// with `--input NAME=PATH`.
  public var inputs: [String: [String]]
  public var metrics: [DashboardMetricSpec]

  public var baseDirectory: String { (path as NSString).deletingLastPathComponent }

  static let periodFields: [FieldSpec] = [
    FieldSpec("month", .string, doc: "the month reported, YYYY-MM (default: this month, UTC)"),
    FieldSpec("compare", .string, doc: "a month YYYY-MM, \"previous\" or \"none\""),
    FieldSpec("trend", .int, doc: "months in the trend charts (default 12, or back to compare)"),
  ]

  /// Reads the dashboard body of `header`'s document. `inputs` replaces
  /// named inputs (`--input NAME=PATH`); `vars["month"]` and
  /// `vars["compare"]` replace the period's (`--var month=2026-10`).
  public static func load(
    header: PlaybookHeader, path: String, inputs overrides: [String: [String]] = [:],
    vars: [String: String] = [:], now: Date = StewardClock.now()
  ) throws -> DashboardPlaybook {
    try load(
      header: header, path: path,
      inputs: ResolvedInputs(
        header: header, path: path, overrides: overrides, declaration: DashboardKind.inputs),
      vars: vars, now: now)
  }

  /// Reads the dashboard body with its inputs already resolved.
  public static func load(
    header: PlaybookHeader, path: String, inputs resolved: ResolvedInputs,
    vars: [String: String] = [:], now: Date = StewardClock.now()
  ) throws -> DashboardPlaybook {
    let document = header.document
    var problems: [Diagnostic] = resolved.problems

    // Period.
    var period = DashboardMonth(containing: now)
    var comparison = Comparison.none
    var trend: Int?
    let periodValue = document["period"]
    if let periodValue {
      problems += SchemaValidator(fields: periodFields, context: "period").problems(in: periodValue)
    }
    func month(_ text: String?, _ mark: SourceMark) -> DashboardMonth? {
      guard let text else { return nil }
      if let m = DashboardMonth(text) { return m }
      problems.append(
        Diagnostic(
          at: mark, code: "D001", "\"\(text)\" is not a month; write YYYY-MM, e.g. 2026-11"))
      return nil
    }
    if let m = month(periodValue?["month"]?.string, periodValue?["month"]?.mark ?? document.mark) {
      period = m
    }
    if let text = vars["month"] {
      if let m = month(text, SourceMark(file: path, line: 0, column: 0)) { period = m }
    }
    func parseComparison(_ text: String, _ mark: SourceMark) {
      switch text {
      case "previous": comparison = .previous
      case "none": comparison = .none
      default: if let m = month(text, mark) { comparison = .month(m) }
      }
    }
    if let c = periodValue?["compare"] {
      if let s = c.string { parseComparison(s, c.mark) }
    }
    if let text = vars["compare"] {
      parseComparison(text, SourceMark(file: path, line: 0, column: 0))
    }
    if case .month(let m) = comparison, m >= period {
      problems.append(
        Diagnostic(
          at: periodValue?["compare"]?.mark ?? document.mark, code: "D002",
          "the comparison month \(m) must come before the period \(period)"))
    }
    if let t = periodValue?["trend"], let n = t.int {
      if n < 1 || n > 120 {
        problems.append(
          Diagnostic(at: t.mark, code: "D003", "trend must be 1 to 120 months, found \(n)"))
      } else {
        trend = Int(n)
      }
    }
    var trendMonths = trend ?? 12
    if trend == nil, case .month(let m) = comparison {
      trendMonths = min(120, max(12, m.distance(to: period) + 1))
    }

    // Inputs.
    var inputs: [String: [String]] = resolved.declared.mapValues { $0.map(\.path) }
    for (name, paths) in resolved.overrides { inputs[name] = paths }

    // Metrics.
    var metrics: [DashboardMetricSpec] = []
    let items = document["metrics"]?.list ?? []
    if items.isEmpty {
      problems.append(
        Diagnostic(
          at: document["metrics"]?.mark ?? document.mark, code: "D010",
          "a dashboard needs at least one metric under \"metrics:\""))
    }
    for item in items {
      guard let spec = DashboardMetricSpec.parse(item, inputs: inputs, problems: &problems) else {
        continue
      }
      if let first = metrics.first(where: { $0.id == spec.id }) {
        problems.append(
          Diagnostic(
            at: item["id"]?.mark ?? item.mark, code: "D011",
            "metric id \"\(spec.id)\" is used twice (first at \(first.mark)); give one an \"id:\""))
        continue
      }
      metrics.append(spec)
    }
    DashboardMetricSpec.checkReferences(metrics, problems: &problems)

    if !problems.isEmpty { throw PlaybookError(problems) }
    return DashboardPlaybook(
      header: header, path: path, title: header.title ?? header.name, period: period,
      comparison: comparison, trendMonths: trendMonths, inputs: inputs, metrics: metrics)
  }
}
