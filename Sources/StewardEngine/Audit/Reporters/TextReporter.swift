import Foundation
import StewardCore

/// The terminal report: results grouped by subject, failures first within a
/// subject's block, with the deciding field's position. Colour only when the
/// output is a terminal (the caller decides).
public struct TextReporter: AuditReporter {
  public static let identifier = "text"
  public static let description = "grouped by subject, for a terminal"
  public var color: Bool
  /// Only failures, errors and waived results (`--quiet`): over a large
  /// inventory the rest is tens of thousands of lines nobody reads.
  public var quiet: Bool

  public init(color: Bool = false, quiet: Bool = false) {
    self.color = color
    self.quiet = quiet
  }

  func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  func label(_ status: CheckStatus) -> String {
    switch status {
    case .pass: paint("pass  ", "32")
    case .fail: paint("FAIL  ", "1;31")
    case .skip: paint("skip  ", "2")
    case .waived: paint("waived", "33")
    case .error: paint("ERROR ", "1;35")
    }
  }

  public func render(_ report: AuditReport) -> String {
    // Every value from a card, a plugin or the playbook goes through `show`:
    // a control character in one would rewrite the terminal (Printable).
    let show = { (text: String) in Printable.escape(text) }
    var lines: [String] = ["\(show(report.playbookTitle)) (\(show(report.playbookName)))", ""]
    let grouped = report.resultsBySubject
    for subject in report.subjects {
      let results = grouped[subject.id] ?? []
      let shown = quiet ? results.filter { [.fail, .error, .waived].contains($0.status) } : results
      if quiet && shown.isEmpty { continue }
      let heading = paint(show(subject.id), "1") + "  \(show(subject.file))"
      // A subject whose every check passed takes one line: over an inventory
      // of 10,000 cards the passes would be 140,000 lines. What each pass
      // said is in the JSON and Markdown reports.
      if !quiet, !results.isEmpty, results.allSatisfy({ $0.status == .pass }) {
        lines.append(
          heading + "  "
            + paint(
              results.count == 1 ? "passed its one check" : "passed all \(results.count) checks",
              "32"))
        continue
      }
      lines.append(heading)
      for r in shown {
        var line =
          "  \(label(r.status)) \(r.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(show(r.checkID))"
        // A pass shows its message only when the check wrote one (an ML Test
        // Score and its band, say); "passed" would only repeat the label.
        if r.status != .pass || !r.message.isEmpty { line += ": \(show(r.displayMessage))" }
        if r.inBaseline { line += paint(" (in the baseline)", "2") }
        lines.append(line)
        if r.status == .fail || r.status == .error || r.status == .waived, r.mark.isKnown {
          lines.append("           at \(show(r.mark.description))")
        }
        if let waiver = r.waiver {
          lines.append(
            "           waived by \(show(waiver.owner)) until \(show(waiver.expires)): \(show(waiver.reason))"
          )
        }
        if r.status == .fail, let remediation = r.remediation {
          lines.append("           fix: \(show(remediation))")
        }
      }
      lines.append("")
    }
    for warning in report.warnings {
      lines.append(
        "\(warning.severity == .note ? "note" : "warning"): \(show(warning.mark.description)): \(show(warning.message))"
      )
    }
    if !report.warnings.isEmpty { lines.append("") }
    let c = report.counts
    lines.append(
      "\(English.count(report.results.count, "result")): \(c[.pass] ?? 0) passed, \(c[.fail] ?? 0) failed, \(c[.waived] ?? 0) waived, \(c[.skip] ?? 0) skipped, \(c[.error] ?? 0) errors"
    )
    if let b = report.baseline {
      lines.append(
        "baseline \(show(b.source)): \(b.new) new, \(b.unchanged) in the baseline (not counted), \(b.fixed.count) fixed"
      )
      for entry in b.fixed {
        lines.append(
          "  " + paint("fixed ", "32")
            + " \(show(entry.subject)) \(show(entry.check)): \(show(entry.message))")
      }
    }
    lines.append("gate: " + report.gate.describe(errorsFail: report.errorsFail))
    // The last line says what the exit status says: a gate whose results
    // pass but that awaits a sign-off exits 3, and a rejection fails it.
    let signoff = report.signoff
    let outside = report.openCampaignChecks.isEmpty ? "" : " outside open campaigns"
    // The default gate counts every severity: "at or above info" says less.
    let scope =
      report.failOn == nil || report.gate.origin == .byDefault
      ? "" : " at or above \(report.failOn?.rawValue ?? "")"
    let blocking = report.failOn.map(report.gating) ?? 0
    let count = "\(blocking)\(scope.isEmpty ? " unwaived" : scope)\(outside)"
    if report.gateFailed {
      if let signoff, signoff.state == .rejected {
        lines.append(
          paint("gate: FAILED", "1;31") + ": \(show(signoff.summary))"
            + (blocking > 0 ? "; \(count)" : "") + " (exit 1)")
      } else {
        lines.append(paint("gate: FAILED", "1;31") + " (\(count))")
      }
    } else if let signoff, signoff.state == .awaiting {
      lines.append(
        paint("gate: awaiting sign-off", "1;33")
          + " by \(show(signoff.awaitingRoles.joined(separator: ", "))) (exit 3)"
          + (report.failOn == nil ? "" : "; nothing unwaived\(scope)\(outside)"))
    } else if report.failOn != nil {
      lines.append(
        paint("gate: passed", "32") + " (nothing unwaived\(scope)\(outside))"
          + (signoff.map { "; \(show($0.summary))" } ?? ""))
    }
    return lines.joined(separator: "\n")
  }
}
