import StewardCore

/// A report format: turns an audit report into the text of one file.
/// One type per format, each checked against a golden file.
public protocol AuditReporter: Sendable {
  static var identifier: String { get }
  static var description: String { get }
  func render(_ report: AuditReport) -> String
}

/// The formats `--format` accepts for audits.
public enum ReportFormat: String, Sendable, CaseIterable {
  case text, json, junit, sarif, markdown, github

  public func reporter(color: Bool = false) -> any AuditReporter {
    switch self {
    case .text: TextReporter(color: color)
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
