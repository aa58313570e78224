import Foundation
import StewardCore

/// `steward history` output: the run list and a metric's trend, as text or
/// JSON (`schema_version` 1, keys always in the same order; docs/history.md).
public enum HistoryRenderer {
  public static let schemaVersion = 1

  /// The run-level metrics; per-group ones (named `SUBJECT/…`, surveys)
  /// are counted, not listed: `--metric` or JSON shows them.
  static func summaryText(_ metrics: [Metric]) -> String {
    let grouped = metrics.filter { $0.name.contains("/") }.count
    var parts = metrics.filter { !$0.name.contains("/") }.map { "\($0.name) \(number($0.value))" }
    if grouped > 0 { parts.append("+\(grouped) group metrics") }
    return parts.joined(separator: ", ")
  }

  /// A run list, newest first: id, time, playbook, kind, gate and summary.
  /// `timelines` gives, by run id, the runbook run a runbook's record is
  /// of: the two are numbered apart, and `steward timeline`, `--resume` and
  /// `approve` take the runbook run's number (new-user review).
  public static func text(runs: [RunRecord], timelines: [Int64: Int64] = [:]) -> String {
    guard !runs.isEmpty else { return "no runs recorded" }
    let header = ["RUN", "STARTED", "PLAYBOOK", "KIND", "GATE", "SUMMARY"]
    let rows = runs.map { run in
      let summary = summaryText(run.metrics)
      let timeline = run.id.flatMap { timelines[$0] }.map {
        "runbook run \($0) (steward timeline \($0))"
      }
      return [
        "\(run.id ?? 0)", ReportValues.timestamp(run.startedAt), run.playbook, run.kind, run.gate,
        [timeline, summary.isEmpty ? nil : summary].compactMap { $0 }.joined(separator: ", "),
      ]
    }
    return table([header] + rows, rightAligned: [0])
  }

  /// Why `name` (a `--playbook` or `--metric`) is refused: no recorded run
  /// has it while runs have others. A misspelt name listed nothing and
  /// exited 0, which a CI trend script took for an empty history (new-user
  /// review). Nil when the name is known, or nothing is recorded yet.
  public static func unknown(_ what: String, _ name: String, among names: [String]) -> String? {
    let known = Set(names).sorted()
    guard !known.isEmpty, !known.contains(name) else { return nil }
    var message = "no recorded run has the \(what) \"\(name)\""
    if let guess = SchemaValidator.suggestion(for: name, among: known) {
      message += "; did you mean \"\(guess)\"?"
    } else {
      message +=
        " (recorded: \(known.prefix(10).joined(separator: ", "))\(known.count > 10 ? ", …" : ""))"
    }
    return message
  }

  /// A metric over runs, oldest first, with the change from the previous run.
  public static func text(trend points: [MetricPoint], metric: String, playbook: String) -> String {
    guard !points.isEmpty else { return "no run of \(playbook) has the metric \(metric)" }
    let header = ["RUN", "STARTED", metric.uppercased(), "CHANGE"]
    let rows = points.indices.map { i in
      [
        "\(points[i].runID)", ReportValues.timestamp(points[i].startedAt),
        number(points[i].value), change(points, i).map(signed) ?? "",
      ]
    }
    return "\(metric) of \(playbook), oldest first\n"
      + table([header] + rows, rightAligned: [0, 2, 3])
  }

  public static func json(runs: [RunRecord]) -> String {
    typealias V = ReportValues
    @Sendable func run(_ r: RunRecord) -> Value {
      V.map([
        ("id", Value(.int(r.id ?? 0))), ("playbook", V.string(r.playbook)),
        ("kind", V.string(r.kind)), ("started_at", V.string(V.timestamp(r.startedAt))),
        ("duration_ms", V.int(Int((r.duration * 1000).rounded()))),
        ("steward_version", V.string(r.stewardVersion)),
        ("playbook_path", V.string(r.playbookPath)), ("playbook_sha256", V.string(r.playbookHash)),
        ("exit_status", V.int(r.exitStatus)), ("gate", V.string(r.gate)),
        ("summary", V.map(r.metrics.map { ($0.name, numberValue($0.value)) })),
        ("result_count", V.int(r.resultCount)),
        (
          "inputs",
          Value(
            .list(
              r.inputs.map {
                V.map([("path", V.string($0.path)), ("sha256", V.string($0.sha256))])
              }))
        ),
      ])
    }
    var out = JSONText()
    out.writeObject([
      ("schema_version", .value(V.int(schemaVersion))),
      ("runs", .list(count: runs.count, element: { run(runs[$0]) })),
    ])
    return out.text
  }

  public static func json(trend points: [MetricPoint], metric: String, playbook: String) -> String {
    typealias V = ReportValues
    var out = JSONText()
    out.writeObject([
      ("schema_version", .value(V.int(schemaVersion))),
      ("playbook", .value(V.string(playbook))),
      ("metric", .value(V.string(metric))),
      (
        "points",
        .list(
          count: points.count,
          element: { i in
            V.map([
              ("run", Value(.int(points[i].runID))),
              ("started_at", V.string(V.timestamp(points[i].startedAt))),
              ("value", numberValue(points[i].value)),
              ("change", change(points, i).map(numberValue) ?? .null),
            ])
          })
      ),
    ])
    return out.text
  }

  // MARK: - Helpers

  private static func change(_ points: [MetricPoint], _ i: Int) -> Double? {
    i == 0 ? nil : points[i].value - points[i - 1].value
  }

  /// Whole numbers as integers (`12`, not `12.0`); others with up to 4 decimals.
  static func number(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    var s = String(format: "%.4f", d)
    while s.hasSuffix("0") { s.removeLast() }
    return s
  }

  private static func signed(_ d: Double) -> String { d > 0 ? "+" + number(d) : number(d) }

  private static func numberValue(_ d: Double) -> Value {
    d == d.rounded() && abs(d) < 1e15 ? Value(.int(Int64(d))) : Value(.double(d))
  }

  private static func table(_ rows: [[String]], rightAligned: Set<Int>) -> String {
    let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
    return rows.map { row in
      var line = row.indices.map { c in
        let pad = String(repeating: " ", count: widths[c] - row[c].count)
        return rightAligned.contains(c) ? pad + row[c] : row[c] + pad
      }.joined(separator: "  ")
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }.joined(separator: "\n")
  }
}
