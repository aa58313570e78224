import StewardCore

/// A short summary for the terminal: one line per step, then the verdict.
/// (The events themselves were printed while the run went.)
public struct RunbookTextReporter: Sendable {
  public init() {}

  public func render(_ report: RunbookReport) -> String {
    // Titles and messages carry command output and answers: controls escaped.
    let e = { (text: String) in Printable.escape(text) }
    var lines: [String] = []
    let run = report.run.map { " (run \($0))" } ?? ""
    lines.append("\(e(report.title))\(run)")
    for step in report.steps {
      var line = "  \(RunbookFormat.icon(step.status)) \(e(step.id)): \(step.status.rawValue)"
      if !step.message.isEmpty { line += " — \(e(step.message))" }
      lines.append(line)
    }
    if !report.notReached.isEmpty {
      lines.append("  not reached: \(e(report.notReached.joined(separator: ", ")))")
    }
    if let waiting = report.waiting { lines.append("  ⏳ \(e(waiting))") }
    lines.append(
      "\(report.status.uppercased()): \(report.steps.filter { $0.status == .ok }.count) ok, \(report.steps.filter { $0.status == .failed }.count) failed, \(report.steps.filter { $0.status == .skipped }.count) skipped in \(RunbookFormat.seconds(report.duration))"
    )
    return lines.joined(separator: "\n")
  }
}
