public import StewardCore

/// The run as JSON (`schema_version` 1; documented in docs/runbook.md).
public struct RunbookJSONReporter: Sendable {
  public static let schemaVersion = 1

  public init() {}

  public func render(_ report: RunbookReport) -> String {
    JSONText.render(value(report))
  }

  public func value(_ report: RunbookReport) -> Value {
    func map(_ pairs: [(String, Value)]) -> Value {
      Value(.map(OrderedMap(uniqueEntries: pairs.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
    }
    let steps = report.steps.map { s in
      map([
        ("id", Value(.string(s.id))), ("title", Value(.string(s.title))),
        ("status", Value(.string(s.status.rawValue))),
        ("exit", s.exitCode.map { Value(.int(Int64($0))) } ?? .null),
        ("attempts", Value(.int(Int64(s.attempts)))),
        ("duration_seconds", Value(.double((s.duration * 1000).rounded() / 1000))),
        ("timed_out", Value(.bool(s.timedOut))), ("message", Value(.string(s.message))),
        ("answer", s.answer.map { Value(.string($0)) } ?? .null),
        ("captures", RunbookRunner.stringMap(s.captures)),
        ("output_bytes", Value(.int(Int64(s.output.totalBytes)))),
      ])
    }
    let events = report.events.map { e in
      map([
        ("seq", Value(.int(Int64(e.seq)))), ("at", Value(.string(RunbookFormat.timestamp(e.at)))),
        ("step", Value(.string(e.step))), ("type", Value(.string(e.type))),
        ("message", Value(.string(e.message))), ("data", e.data),
      ])
    }
    return map([
      ("schema_version", Value(.int(Int64(Self.schemaVersion)))),
      ("kind", "runbook"),
      ("playbook", Value(.string(report.playbook))),
      ("title", Value(.string(report.title))),
      ("run", report.run.map { Value(.int($0)) } ?? .null),
      ("status", Value(.string(report.status))),
      ("exit_code", Value(.int(Int64(report.exitCode)))),
      ("started_at", Value(.string(RunbookFormat.timestamp(report.startedAt)))),
      ("duration_seconds", Value(.double((report.duration * 1000).rounded() / 1000))),
      (
        "vars",
        RunbookRunner.stringMap(
          Dictionary(report.vars.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))
      ),
      ("steps", Value(.list(steps))),
      ("not_reached", Value(.list(report.notReached.map { Value(.string($0)) }))),
      ("events", Value(.list(events))),
    ])
  }
}
