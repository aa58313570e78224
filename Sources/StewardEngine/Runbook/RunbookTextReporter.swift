/// A short summary for the terminal: one line per step, then the verdict.
/// (The events themselves were printed while the run went.)
public struct RunbookTextReporter: Sendable {
  public init() {}

  public func render(_ report: RunbookReport) -> String {
    var lines: [String] = []
    let run = report.run.map { " (run \($0))" } ?? ""
    lines.append("\(report.title)\(run)")
    for step in report.steps {
      var line = "  \(RunbookFormat.icon(step.status)) \(step.id): \(step.status.rawValue)"
      if !step.message.isEmpty { line += " — \(step.message)" }
      lines.append(line)
    }
    if !report.notReached.isEmpty {
      lines.append("  not reached: \(report.notReached.joined(separator: ", "))")
    }
    lines.append(
      "\(report.status.uppercased()): \(report.steps.filter { $0.status == .ok }.count) ok, \(report.steps.filter { $0.status == .failed }.count) failed, \(report.steps.filter { $0.status == .skipped }.count) skipped in \(RunbookFormat.seconds(report.duration))"
    )
    return lines.joined(separator: "\n")
  }
}
