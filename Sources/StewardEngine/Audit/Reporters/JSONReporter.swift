import StewardCore

/// Machine-readable results; the shape is documented in docs/audit.md and
/// versioned by `schema_version`. Keys always come in the same order.
public struct JSONReporter: AuditReporter {
  public static let identifier = "json"
  public static let description = "machine-readable, schema_version 2"
  /// 2: a check's title, remediation and tags moved from every result to the
  /// `checks` list, and each result is one line.
  public static let schemaVersion = 2

  public init() {}

  public func render(_ report: AuditReport) -> String {
    String(decoding: renderUTF8(report), as: UTF8.self)
  }

  public func renderUTF8(_ report: AuditReport) -> [UInt8] {
    var out = JSONText()
    write(report, into: &out)
    return out.finishUTF8()
  }

  /// Streams the report: a 10,000-card audit is about 46 MB of JSON.
  public func write(_ report: AuditReport, to sink: @escaping @Sendable ([UInt8]) -> Void) {
    var out = JSONText()
    out.sink = sink
    write(report, into: &out)
    out.flush()
  }

  /// `{"check":…,"waiver":…}`: the bytes `beginObject`/`field`/`endObject`
  /// give in the compact layout (the golden report and a test hold the two
  /// to the same text).
  ///
  /// A finding (a failure, an error, a waived result) has its fingerprint;
  /// with a baseline, a failure or error also says whether it is `new` or
  /// `unchanged` (in the baseline).
  static func writeLine(
    _ result: UnsafePointer<CheckResult>, into out: inout JSONText, baseline: Bool = false
  ) {
    // Through the pointer, each field is read where it is; a `CheckResult`
    // parameter was copied whole (every string retained) for every line.
    out.literal(#"{"check":"#)
    out.writeString(result.pointee.checkID)
    out.literal(#","subject":"#)
    out.writeString(result.pointee.subjectID)
    out.literal(#","status":"#)
    out.writeString(result.pointee.status.rawValue)
    out.literal(#","severity":"#)
    out.writeString(result.pointee.severity.rawValue)
    out.literal(#","message":"#)
    out.writeString(result.pointee.displayMessage)
    if result.pointee.mark.isKnown {
      out.literal(#","location":{"file":"#)
      out.writeString(result.pointee.mark.file)
      out.literal(#","line":"#)
      out.writeInt(result.pointee.mark.line)
      out.literal(#","column":"#)
      out.writeInt(result.pointee.mark.column)
      out.literal("}")
    } else {
      out.literal(#","location":null"#)
    }
    out.literal(#","path":"#)
    out.writeString(result.pointee.path)
    out.literal(#","evidence":"#)
    out.write(result.pointee.evidence)
    out.literal(#","waiver":"#)
    if let waiver = result.pointee.waiver {
      out.write(ReportValues.waiver(waiver))
    } else {
      out.writeNull()
    }
    let status = result.pointee.status
    let finding = status == .fail || status == .error || status == .waived
    out.literal(#","fingerprint":"#)
    out.writeString(finding ? result.pointee.fingerprint : nil)
    if baseline {
      out.literal(#","baseline":"#)
      out.writeString(
        status == .fail || status == .error
          ? (result.pointee.inBaseline ? "unchanged" : "new") : nil)
    }
    // Only when the check logged: most never do, and each line stays short.
    if !result.pointee.log.isEmpty {
      out.literal(#","log":"#)
      out.write(
        Value(
          .list(
            result.pointee.log.map {
              ReportValues.map([
                ("level", ReportValues.string($0.level)),
                ("message", ReportValues.string($0.message)),
              ])
            })))
    }
    out.literal("}")
  }

  private func write(_ report: AuditReport, into out: inout JSONText) {
    typealias V = ReportValues
    let c = report.counts
    let results = report.results
    // Written straight to the text: building a `Value` per result first
    // was most of the time of a 140,000-result report. A result is always
    // one compact line (the `lines` layout), so its punctuation is written
    // as literal pieces rather than field by field.
    @Sendable func result(_ i: Int, _ out: inout JSONText) {
      // Read in place: `results[i]` copied the result (a retain of each of
      // its strings) for every line.
      results.withUnsafeBufferPointer { results in
        if let base = results.baseAddress {
          Self.writeLine(base + i, into: &out, baseline: report.baseline != nil)
        }
      }
    }
    // What each check is, once: the same title and remediation on all
    // 140,000 results of a 10,000-card run were two thirds of its report.
    let checks = report.checks.map { check in
      let (source, uses): (String, String) =
        switch check.source {
        case .plugin(let plugin, let name): ("plugin", "\(plugin).\(name)")
        case .builtin(let name): ("builtin", name)
        case .expression(let text): ("expr", text)
        }
      return V.map([
        ("id", V.string(check.id)), ("title", V.string(check.title)),
        ("severity", V.string(check.severity.rawValue)), ("source", V.string(source)),
        ("uses", V.string(uses)), ("remediation", V.optional(check.remediation)),
        ("tags", Value(.list(check.tags.map(V.string)))), ("location", V.location(check.mark)),
      ])
    }
    let subjects = report.subjects.map {
      V.map([("id", V.string($0.id)), ("file", V.string($0.file))])
    }
    let warnings = report.warnings.map {
      V.map([
        ("code", V.string($0.code)), ("message", V.string($0.message)),
        ("location", V.location($0.mark)),
      ])
    }
    let playbook = V.map([
      ("name", V.string(report.playbookName)), ("title", V.string(report.playbookTitle)),
      ("path", V.string(report.playbookPath)),
    ])
    let gate = V.map([
      ("fail_on", V.optional(report.failOn?.rawValue)),
      ("errors_fail", Value(.bool(report.errorsFail))),
      ("failed", Value(.bool(report.gateFailed))),
    ])
    let summary = V.map(
      [("results", V.int(report.results.count))]
        + CheckStatus.allCases.map { ($0.rawValue, V.int(c[$0] ?? 0)) })
    var fields: [(String, JSONText.Field)] = [
      ("schema_version", .value(V.int(Self.schemaVersion))),
      (
        "tool",
        .value(V.map([("name", "steward"), ("version", V.string(StewardVersion.current))]))
      ),
      ("kind", .value("audit")),
      ("playbook", .value(playbook)),
      ("started_at", .value(V.string(V.timestamp(report.startedAt)))),
      ("duration_ms", .value(V.int(Int(report.duration * 1000)))),
      ("gate", .value(gate)),
      ("summary", .value(summary)),
      ("checks", .value(Value(.list(checks)))),
      ("subjects", .value(Value(.list(subjects)))),
      // Written one result at a time, a line each: see JSONText.Field.
      ("results", .lines(count: results.count, element: result)),
      ("warnings", .value(Value(.list(warnings)))),
    ]
    if let b = report.baseline {
      let fixed = b.fixed.map {
        V.map([
          ("check", V.string($0.check)), ("subject", V.string($0.subject)),
          ("path", V.optional($0.path)), ("fingerprint", V.string($0.fingerprint)),
          ("message", V.string($0.message)),
        ])
      }
      fields.append(
        (
          "baseline",
          .value(
            V.map([
              ("source", V.string(b.source)), ("new", V.int(b.new)),
              ("unchanged", V.int(b.unchanged)), ("fixed", Value(.list(fixed))),
            ]))
        ))
    }
    // Only for a playbook that has them, like the baseline: every other
    // report keeps its bytes.
    if let signoff = report.signoff {
      let roles = signoff.roles.map {
        V.map([
          ("role", V.string($0.role)), ("state", V.string($0.state.name)),
          ("who", Value(.list($0.who.map(V.string)))),
          ("eligible", Value(.list($0.eligible.map(V.string)))),
        ])
      }
      fields.append(
        (
          "signoff",
          .value(
            V.map([
              ("state", V.string(signoff.state.name)), ("roles", Value(.list(roles))),
              ("triggered_by", V.string(signoff.triggeredBy.first?.name ?? "")),
              ("results_sha256", V.string(signoff.resultsHash)),
            ]))
        ))
    }
    if !report.campaignProgress.isEmpty {
      let campaigns = report.campaignProgress.map { p in
        V.map([
          ("name", V.string(p.campaign.name)), ("owner", V.string(p.campaign.owner)),
          ("checks", Value(.list(p.campaign.checks.sorted().map(V.string)))),
          ("start", V.string(p.campaign.start)), ("deadline", V.string(p.campaign.deadline)),
          ("before_deadline", Value(.bool(p.beforeDeadline))),
          ("subjects", V.int(p.subjects)), ("passing", V.int(p.passing)),
          ("failing", Value(.list(p.failing.map(V.string)))),
        ])
      }
      fields.append(("campaigns", .value(Value(.list(campaigns)))))
    }
    out.writeObject(fields)
  }
}
