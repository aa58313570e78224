import StewardCore

/// A report format: turns an audit report into the text of one file.
/// One type per format, each checked against a golden file.
public protocol AuditReporter: Sendable {
  static var identifier: String { get }
  static var description: String { get }
  func render(_ report: AuditReport) -> String
  /// The report as UTF-8 bytes, for writing to a file or stdout; reporters
  /// whose output can be large build the bytes without a `String` copy.
  func renderUTF8(_ report: AuditReport) -> [UInt8]
  /// Hands the report to `sink` in order, in one piece or, for reporters
  /// whose output can be large, a megabyte at a time.
  func write(_ report: AuditReport, to sink: @escaping @Sendable ([UInt8]) -> Void)
}

extension AuditReporter {
  public func renderUTF8(_ report: AuditReport) -> [UInt8] { Array(render(report).utf8) }

  public func write(_ report: AuditReport, to sink: @escaping @Sendable ([UInt8]) -> Void) {
    sink(renderUTF8(report))
  }
}

/// The formats `--format` accepts for audits.
public enum ReportFormat: String, Sendable, CaseIterable {
  case text, json, junit, sarif, markdown, github

  public func reporter(color: Bool = false, quiet: Bool = false) -> any AuditReporter {
    switch self {
    case .text: TextReporter(color: color, quiet: quiet)
    case .json: JSONReporter()
    case .junit: JUnitReporter()
    case .sarif: SARIFReporter()
    case .markdown: MarkdownReporter()
    case .github: GitHubReporter()
    }
  }
}

extension CheckResult {
  /// `message`, or a default sentence when the check gave none.
  var displayMessage: String {
    if !message.isEmpty { return message }
    switch status {
    case .pass: return "passed"
    case .fail: return "failed"
    case .skip: return "skipped"
    case .waived: return "failed, waived"
    case .error: return "error"
    }
  }
}
