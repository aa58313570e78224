import Foundation
public import StewardCore

extension DashboardReport {
  /// The JSON report's schema version; bump it when a key changes meaning
  /// or goes away (adding keys is compatible).
  public static let schemaVersion = 1

  /// The report as a document: the JSON format's content, keys in a stable
  /// order (docs/dashboard.md describes each).
  public func toValue() -> Value {
    var fields: [(String, Value)] = [
      ("schema_version", .init(.int(Int64(Self.schemaVersion)))),
      ("tool", ["name": "steward", "version": Value(.string(StewardVersion.current))]),
      ("kind", "dashboard"),
      (
        "playbook",
        [
          "name": Value(.string(playbook)), "title": Value(.string(title)),
          "path": Value(.string(playbookPath)),
        ]
      ),
      ("period", Value(.string(period.description))),
      ("compare", compare.map { Value(.string($0.description)) } ?? .null),
      ("compare_source", Value(.string(compareSource))),
      ("months", Value(.list(months.map { Value(.string($0.description)) }))),
    ]
    fields.append(("metrics", Value(.list(metrics.map { $0.toValue() }))))
    fields.append(("campaigns", Value(.list(campaigns.map { $0.toValue() }))))
    fields.append(("warnings", Value(.list(allWarnings.map { Value(.string($0)) }))))
    return Value(.map(OrderedMap(fields.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
  }
}

extension DashboardCampaign {
  func toValue() -> Value {
    func int(_ n: Int) -> Value { Value(.int(Int64(n))) }
    let fields: [(String, Value)] = [
      ("name", Value(.string(name))), ("playbook", Value(.string(playbook))),
      ("start", Value(.string(start))), ("deadline", Value(.string(deadline))),
      ("past_deadline", Value(.bool(pastDeadline))), ("state", Value(.string(state))),
      ("target", int(target)), ("passing", int(passing)), ("failing", int(failing)),
      (
        "points",
        Value(
          .list(
            points.map { p in
              [
                "day": Value(.string(p.day)), "run": Value(.int(p.run)),
                "passing": int(p.passing), "subjects": int(p.subjects),
              ]
            }))
      ),
    ]
    return Value(.map(OrderedMap(fields.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
  }
}

extension DashboardMetricResult {
  func toValue() -> Value {
    var fields: [(String, Value)] = [
      ("id", Value(.string(id))), ("title", Value(.string(title))),
      ("label", Value(.string(label))), ("source", Value(.string(source))),
      ("format", Value(.string(format.rawValue))), ("headline", Value(.bool(headline))),
      ("current", current.toValue(format)),
      ("compare", compare?.toValue(format) ?? .null),
      ("change", change.map { Value(.double($0)) } ?? .null),
      ("better", Value(.string(better.rawValue))), ("verdict", Value(.string(verdict))),
    ]
    fields.append(
      (
        "trend",
        Value(
          .list(
            trend.map { p in
              [
                "month": Value(.string(p.month.description)),
                "value": p.value.map { Value(.double($0)) } ?? .null,
              ]
            }))
      ))
    return Value(.map(OrderedMap(fields.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
  }
}

extension DashboardPoint {
  func toValue(_ format: DashboardValueFormat) -> Value {
    func number(_ d: Double?) -> Value { d.map { Value(.double($0)) } ?? .null }
    let fields: [(String, Value)] = [
      ("month", Value(.string(month.description))),
      ("value", number(value)),
      ("text", Value(.string(text(format)))),
      ("low", number(low)), ("high", number(high)),
      ("detail", Value(.string(detail))),
      ("missing", missing.map { Value(.string($0)) } ?? .null),
      (
        "breakdown",
        Value(
          .list(
            breakdown.map { part in
              [
                "name": Value(.string(part.name)), "value": number(part.value),
                "text": Value(.string(part.text)),
              ]
            }))
      ),
      (
        "facts",
        Value(
          .map(OrderedMap(facts.map { OrderedMap.Entry(key: $0.0, value: Value(.double($0.1))) })))
      ),
      ("warnings", Value(.list(warnings.map { Value(.string($0)) }))),
      ("band", band.map { Value(.string($0)) } ?? .null),
    ]
    return Value(.map(OrderedMap(fields.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
  }
}

/// The dashboard as JSON, `schema_version` 1.
public struct DashboardJSONReporter: Sendable {
  public init() {}

  public func render(_ report: DashboardReport) -> String {
    JSONText.render(report.toValue()) + "\n"
  }
}
