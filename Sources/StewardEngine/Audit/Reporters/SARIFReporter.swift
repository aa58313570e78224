import Foundation
import StewardCore

/// SARIF 2.1.0 for code-scanning tools: one rule per check (from its metadata),
/// one result per failure, error or waived failure; locations from the marks;
/// waivers as accepted external suppressions.
public struct SARIFReporter: AuditReporter {
  public static let identifier = "sarif"
  public static let description = "SARIF 2.1.0, for code scanning"

  public init() {}

  public func render(_ report: AuditReport) -> String {
    typealias V = ReportValues
    let rules = report.checks.map { check in
      V.map([
        ("id", V.string(check.id)), ("name", V.string(check.id)),
        ("shortDescription", V.map([("text", V.string(check.title))])),
        ("help", V.map([("text", V.string(check.remediation ?? check.title))])),
        ("defaultConfiguration", V.map([("level", V.string(V.level(check.severity)))])),
        (
          "properties",
          V.map([
            ("severity", V.string(check.severity.rawValue)),
            ("tags", Value(.list(check.tags.map(V.string)))),
          ])
        ),
      ])
    }
    let ruleIndex = Dictionary(
      report.checks.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    let results = report.results.filter { [.fail, .waived, .error].contains($0.status) }.map {
      r -> Value in
      var pairs: [(String, Value)] = [
        ("ruleId", V.string(r.checkID)), ("ruleIndex", V.int(ruleIndex[r.checkID] ?? 0)),
        ("level", V.string(r.status == .error ? "error" : V.level(r.severity))),
        ("message", V.map([("text", V.string("\(r.subjectID): \(r.displayMessage)"))])),
      ]
      if r.mark.isKnown {
        var region: [(String, Value)] = [("startLine", V.int(max(1, r.mark.line)))]
        if r.mark.column > 0 { region.append(("startColumn", V.int(r.mark.column))) }
        pairs.append(
          (
            "locations",
            Value(
              .list([
                V.map([
                  (
                    "physicalLocation",
                    V.map([
                      ("artifactLocation", V.map([("uri", V.string(Self.uri(r.mark.file)))])),
                      ("region", V.map(region)),
                    ])
                  )
                ])
              ]))
          ))
      }
      if let w = r.waiver {
        pairs.append(
          (
            "suppressions",
            Value(
              .list([
                V.map([
                  ("kind", "external"), ("status", "accepted"),
                  ("justification", V.string("\(w.reason) (owner \(w.owner), until \(w.expires))")),
                ])
              ]))
          ))
      }
      // Line-free, so a code-scanning tool keeps tracking a finding whose
      // lines moved; with a baseline, SARIF's own word for new or not.
      pairs.append(("partialFingerprints", V.map([("stewardFinding/v1", V.string(r.fingerprint))])))
      if report.baseline != nil {
        pairs.append(
          ("baselineState", V.string(r.inBaseline || r.status == .waived ? "unchanged" : "new")))
      }
      pairs.append(
        (
          "properties",
          V.map([("subject", V.string(r.subjectID)), ("status", V.string(r.status.rawValue))])
        ))
      return V.map(pairs)
    }
    let document = V.map([
      ("$schema", "https://json.schemastore.org/sarif-2.1.0.json"),
      ("version", "2.1.0"),
      (
        "runs",
        Value(
          .list([
            V.map(
              [
                (
                  "tool",
                  V.map([
                    (
                      "driver",
                      V.map([
                        ("name", "steward"), ("version", V.string(StewardVersion.current)),
                        ("rules", Value(.list(rules))),
                      ])
                    )
                  ])
                ),
                ("results", Value(.list(results + Self.absent(report)))),
              ] + Self.invocations(report.warnings) + Self.runProperties(report))
          ]))
      ),
    ])
    return JSONText.render(document)
  }

  /// The baseline's findings this run no longer has, as SARIF results in
  /// the `absent` baseline state (level none: nothing to fix).
  static func absent(_ report: AuditReport) -> [Value] {
    typealias V = ReportValues
    let ruleIndex = Dictionary(
      report.checks.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    return (report.baseline?.fixed ?? []).map { entry in
      V.map([
        ("ruleId", V.string(entry.check)), ("ruleIndex", V.int(ruleIndex[entry.check] ?? 0)),
        ("level", "none"),
        ("message", V.map([("text", V.string("\(entry.subject): fixed: \(entry.message)"))])),
        ("partialFingerprints", V.map([("stewardFinding/v1", V.string(entry.fingerprint))])),
        ("baselineState", "absent"),
        ("properties", V.map([("subject", V.string(entry.subject)), ("status", "fixed")])),
      ])
    }
  }

  /// Where the sign-off and the campaigns stand, as the run's property bag
  /// (none for a playbook without either): a code-scanning tool shows the
  /// findings, and this says why the gate waits or what is not gating yet.
  static func runProperties(_ report: AuditReport) -> [(String, Value)] {
    typealias V = ReportValues
    guard report.signoff != nil || !report.campaignProgress.isEmpty else { return [] }
    var bag: [(String, Value)] = [("gate", V.string(report.gateVerdict))]
    if let signoff = report.signoff {
      bag.append(("signoff", V.string(signoff.state.name)))
      bag.append(("signoffDetail", V.string(signoff.summary)))
    }
    if !report.campaignProgress.isEmpty {
      bag.append(("campaigns", Value(.list(report.campaignProgress.map { V.string($0.summary) }))))
    }
    return [("properties", V.map(bag))]
  }

  /// The run's warnings (an expired, refused or expiring waiver) as
  /// notifications of a successful invocation, where code-scanning tools
  /// show what the tool had to say beside its results; none without them.
  static func invocations(_ warnings: [Diagnostic]) -> [(String, Value)] {
    guard !warnings.isEmpty else { return [] }
    let invocation = ReportValues.map([
      ("executionSuccessful", Value(.bool(true))),
      ("toolExecutionNotifications", Value(.list(warnings.map(InputErrorReports.notification)))),
    ])
    return [("invocations", Value(.list([invocation])))]
  }

  /// A file path as SARIF's `artifactLocation.uri`, which must be a URI
  /// reference (RFC 3986): a relative reference for a relative path, so a
  /// code-scanning tool resolves it against the checkout, and a `file://`
  /// URI for an absolute one. URLComponents does the percent-encoding,
  /// including a colon in a relative path's first segment, which would
  /// otherwise read as a scheme.
  static func uri(_ path: String) -> String {
    var components = URLComponents()
    if path.hasPrefix("/") {
      components.scheme = "file"
      components.host = ""
    }
    components.path = path
    return components.string ?? components.percentEncodedPath
  }
}
