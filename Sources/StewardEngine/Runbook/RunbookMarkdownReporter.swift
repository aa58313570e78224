import Foundation
import StewardCore

#if canImport(Glibc)
  import Glibc
#endif

/// The post-incident timeline: what ran, what it found, who answered what,
/// and who was called, in Markdown.
public struct RunbookMarkdownReporter: Sendable {
  public init() {}

  public func render(_ report: RunbookReport) -> String {
    var out: [String] = []
    out.append("# \(cell(report.title)) — runbook timeline")
    out.append("")
    let run = report.run.map { "run \($0)" } ?? "unrecorded run"
    out.append(
      "**\(report.status.uppercased())** · \(run) of `\(Printable.escape(report.playbook))` · started \(RunbookFormat.timestamp(report.startedAt)) · \(RunbookFormat.seconds(report.duration)) · exit \(report.exitCode)"
    )
    if !report.vars.isEmpty {
      out.append("")
      out.append(
        "Variables: "
          + report.vars.map { "`\(Printable.escape("\($0.name)=\($0.value)"))`" }.joined(
            separator: ", "))
    }
    out.append("")
    out.append("## Steps")
    out.append("")
    out.append("| # | step | status | exit | attempts | time | note |")
    out.append("|---|---|---|---|---|---|---|")
    for (n, step) in report.steps.enumerated() {
      var note = step.message
      if let answer = step.answer { note += (note.isEmpty ? "" : "; ") + "answer: \(answer)" }
      let captures = step.captures.filter { Int($0.key) == nil }.sorted { $0.key < $1.key }
      if !captures.isEmpty {
        note +=
          (note.isEmpty ? "" : "; ")
          + captures.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
      }
      out.append(
        "| \(n + 1) | \(cell(step.title)) (`\(Printable.escape(step.id))`) | \(RunbookFormat.icon(step.status)) \(step.status.rawValue) | \(step.exitCode.map(String.init) ?? "") | \(step.attempts) | \(RunbookFormat.seconds(step.duration)) | \(cell(note)) |"
      )
    }
    if !report.notReached.isEmpty {
      out.append("")
      out.append(
        "Not reached: "
          + report.notReached.map { "`\(Printable.escape($0))`" }.joined(separator: ", "))
    }
    let escalations = report.events.filter { $0.type == "escalation" }
    if !escalations.isEmpty {
      out.append("")
      out.append("## Escalation")
      for e in escalations {
        out.append("")
        out.append(
          "- **\(cell(e.data["contact"]?.string ?? ""))**: \(cell(e.data["reason"]?.string ?? e.message))"
        )
        for line in e.data["context"]?.list ?? [] {
          out.append("  - \(cell(line.string ?? ""))")
        }
      }
      for hook in report.events where hook.type == "hook" {
        out.append("- hook: \(cell(hook.message))")
      }
    }
    out.append("")
    out.append("## Timeline")
    out.append("")
    out.append("| time (UTC) | step | event | detail |")
    out.append("|---|---|---|---|")
    for e in report.events where e.type != "output" || (e.data["bytes"]?.int ?? 0) > 0 {
      out.append(
        "| \(RunbookFormat.time(e.at)) | \(e.step.isEmpty ? "" : "`\(Printable.escape(e.step))`") | \(e.type) | \(cell(e.message)) |"
      )
    }
    let failed = report.steps.filter { $0.status == .failed && !$0.output.text.isEmpty }
    if !failed.isEmpty {
      out.append("")
      out.append("## Output of failed steps")
      for step in failed {
        out.append("")
        out.append("### \(cell(step.id)) (\(step.output.totalBytes) bytes)")
        out.append("")
        out.append("```")
        // Inside the fence HTML is shown as written; controls still are not.
        out.append(
          Printable.escape(
            String(step.output.text.suffix(2000)).trimmingCharacters(in: .newlines),
            keepingBreaks: true))
        out.append("```")
      }
    }
    return out.joined(separator: "\n")
  }

  /// Text from commands, answers and the playbook, escaped as the audit
  /// report's cells are: HTML, controls and table separators.
  func cell(_ text: String) -> String { MarkdownReporter.cell(text) }
}

/// Shared formatting of runbook reports.
enum RunbookFormat {
  /// `2026-11-30T02:18:03.117Z`, as the history writes times. By hand:
  /// an ISO8601DateFormatter per event cost more than the SQLite insert.
  static func timestamp(_ date: Date) -> String {
    let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
    var seconds = time_t(millis / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ n: Int32, _ width: Int) -> String {
      let text = String(n)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-"
      + pad(parts.tm_mday, 2) + "T" + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":"
      + pad(parts.tm_sec, 2) + "." + pad(Int32(millis % 1000), 3) + "Z"
  }

  static func time(_ date: Date) -> String {
    let t = timestamp(date)
    guard let tIndex = t.firstIndex(of: "T") else { return t }
    return String(t[t.index(after: tIndex)...].dropLast())
  }

  static func seconds(_ s: Double) -> String { RunbookRunner.seconds(s) }

  /// A span as people write it: `1 h`, `30 min`, else seconds.
  static func span(_ s: Double) -> String {
    if s >= 3600, s.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(s / 3600)) h" }
    if s >= 60, s.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(s / 60)) min" }
    return seconds(s)
  }

  static func icon(_ status: StepResult.Status) -> String {
    switch status {
    case .ok: "✅"
    case .failed: "❌"
    case .skipped: "⏭"
    case .escalated: "📣"
    }
  }
}
