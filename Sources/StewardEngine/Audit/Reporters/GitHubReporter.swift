import Foundation
import StewardCore

/// GitHub Actions workflow commands: each failure becomes an annotation on the
/// subject file's line, and a summary line ends the output.
public struct GitHubReporter: AuditReporter {
  public static let identifier = "github"
  public static let description = "GitHub Actions annotations"

  public init() {}

  public func render(_ report: AuditReport) -> String {
    var lines: [String] = []
    for r in report.results where [.fail, .error, .waived].contains(r.status) {
      let level: String
      // Held out of the gate by a campaign before its deadline: a warning,
      // so that the job is not red while the gate passes.
      let campaign = report.openCampaignChecks.contains(r.checkID)
      switch r.status {
      case _ where r.inBaseline: level = "notice"
      case .fail where campaign, .error where campaign: level = "warning"
      case .error: level = "error"
      case .waived: level = "notice"
      case .fail where report.failOn.map({ r.severity >= $0 }) == true:
        // A failure the gate counts blocks the deployment: an error, whatever
        // its severity (under the default gate, every failure).
        level = "error"
      default:
        switch ReportValues.level(r.severity) {
        case "error": level = "error"
        case "warning": level = "warning"
        default: level = "notice"
        }
      }
      var properties = Self.location(r.mark)
      properties.append("title=\(Self.property("\(r.checkID) (\(r.severity.rawValue))"))")
      var message = "\(r.subjectID): \(r.displayMessage)"
      if let w = r.waiver { message += " [waived by \(w.owner) until \(w.expires)]" }
      if r.inBaseline { message += " [in the baseline]" }
      if campaign, !r.inBaseline, r.status != .waived {
        message += " [in an open campaign: not in the gate before its deadline]"
      }
      lines.append("::\(level) \(properties.joined(separator: ","))::\(Self.data(message))")
    }
    for w in report.warnings {
      let properties = Self.location(w.mark).joined(separator: ",")
      lines.append(
        "::warning\(properties.isEmpty ? "" : " ")\(properties)::\(Self.data(w.message))")
    }
    let c = report.counts
    lines.append(
      "steward: \(report.results.count) results, \(c[.fail] ?? 0) failed, \(c[.waived] ?? 0) waived, \(c[.error] ?? 0) errors"
        + "; gate: \(report.gate.describe(errorsFail: report.errorsFail))"
        + (report.failOn == nil && report.signoff == nil ? "" : ", \(report.gateVerdict)"))
    return lines.joined(separator: "\n")
  }

  /// The `file`, `line` and `col` properties of an annotation, for the
  /// parts of `mark` that are known.
  static func location(_ mark: SourceMark) -> [String] {
    guard mark.isKnown else { return [] }
    var properties = ["file=\(property(mark.file))"]
    if mark.line > 0 { properties.append("line=\(mark.line)") }
    if mark.column > 0 { properties.append("col=\(mark.column)") }
    return properties
  }

  /// Escaping of a workflow command's message: other controls would reach
  /// the log viewer as they are.
  static func data(_ s: String) -> String { dataBytes(Printable.escape(s, keepingBreaks: true)) }
  static let dataBytes = ByteEscaper([("%", "%25"), ("\r", "%0D"), ("\n", "%0A")])
  /// Escaping of a workflow command's property value.
  static func property(_ s: String) -> String {
    propertyBytes(Printable.escape(s, keepingBreaks: true))
  }
  static let propertyBytes = ByteEscaper([
    ("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"),
  ])
}
