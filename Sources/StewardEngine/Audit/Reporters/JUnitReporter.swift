import Foundation
import StewardCore

/// JUnit XML for CI test tabs: one test suite per subject, one test case per
/// check. Failures and errors carry the message and location; waived and
/// skipped results are `<skipped>` with the reason.
public struct JUnitReporter: AuditReporter {
  public static let identifier = "junit"
  public static let description = "JUnit XML, a test case per check and subject"

  public init() {}

  public func render(_ report: AuditReport) -> String {
    let c = report.counts
    // A finding the gate does not count (in the baseline, or of a check in
    // a campaign before its deadline) is written as skipped, and counted so:
    // a CI test tab must not turn red while the gate passes.
    func held(_ r: CheckResult) -> Bool {
      (r.status == .fail || r.status == .error)
        && (r.inBaseline || report.openCampaignChecks.contains(r.checkID))
    }
    let known = report.results.reduce(into: (fail: 0, error: 0)) { n, r in
      if held(r), r.status == .fail { n.fail += 1 }
      if held(r), r.status == .error { n.error += 1 }
    }
    let extra = governance(report)
    var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
    xml +=
      #"<testsuites name="\#(escape(report.playbookName))" tests="\#(report.results.count + extra.tests)" failures="\#((c[.fail] ?? 0) - known.fail + extra.failures)" errors="\#((c[.error] ?? 0) - known.error)" skipped="\#((c[.skip] ?? 0) + (c[.waived] ?? 0) + known.fail + known.error + extra.skipped)" time="\#(seconds(report.duration))">"#
      + "\n"
    let grouped = report.resultsBySubject
    for subject in report.subjects {
      let results = grouped[subject.id] ?? []
      let failures = results.filter { $0.status == .fail && !held($0) }.count
      let errors = results.filter { $0.status == .error && !held($0) }.count
      let skipped = results.filter { $0.status == .skip || $0.status == .waived || held($0) }
        .count
      xml +=
        #"  <testsuite name="\#(escape(subject.id))" file="\#(escape(subject.file))" tests="\#(results.count)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)">"#
        + "\n"
      for r in results {
        let open =
          #"    <testcase classname="\#(escape(report.playbookName)).\#(escape(subject.id))" name="\#(escape(r.checkID))""#
        let detail =
          "\(r.displayMessage)\nseverity: \(r.severity.rawValue)\nat: \(r.mark)"
          + (r.remediation.map { "\nfix: \($0)" } ?? "")
        switch r.status {
        case .pass:
          xml += open + "/>\n"
        case .fail where held(r), .error where held(r):
          // Known before (--baseline), or in a campaign's grace period:
          // shown, not failing the build.
          let why =
            r.inBaseline
            ? "in the baseline" : "in an open campaign: not in the gate before its deadline"
          xml +=
            open + ">\n"
            + #"      <skipped message="\#(why)">\#(escape(detail))</skipped>"#
            + "\n    </testcase>\n"
        case .fail:
          xml +=
            open + ">\n"
            + #"      <failure message="\#(escape(r.displayMessage))" type="\#(r.severity.rawValue)">\#(escape(detail))</failure>"#
            + "\n    </testcase>\n"
        case .error:
          xml +=
            open + ">\n"
            + #"      <error message="\#(escape(r.displayMessage))" type="error">\#(escape(detail))</error>"#
            + "\n    </testcase>\n"
        case .skip, .waived:
          // A waived result keeps what was found (a failure, or an error's
          // text) inside the element: the waiver's reason alone hides it.
          if let waiver = r.waiver {
            let reason = "waived by \(waiver.owner) until \(waiver.expires): \(waiver.reason)"
            xml +=
              open + ">\n"
              + #"      <skipped message="\#(escape(reason))">\#(escape(r.displayMessage))</skipped>"#
              + "\n    </testcase>\n"
          } else {
            xml +=
              open + ">\n" + #"      <skipped message="\#(escape(r.displayMessage))"/>"#
              + "\n    </testcase>\n"
          }
        }
      }
      xml += "  </testsuite>\n"
    }
    xml += extra.xml
    // Warnings (an expired, refused or expiring waiver) as the standard
    // error of a suite of no test cases: counted nowhere, shown by the
    // CI test tabs that show a suite's output.
    if !report.warnings.isEmpty {
      let text = report.warnings.map(\.description).joined(separator: "\n")
      xml +=
        #"  <testsuite name="steward warnings" tests="0" failures="0" errors="0" skipped="0">"#
        + "\n" + "    <system-err>\(escape(text))</system-err>\n  </testsuite>\n"
    }
    xml += "</testsuites>"
    return xml
  }

  /// The sign-off as a test case (failed when rejected, skipped while
  /// awaited: the run exits 3), and each campaign's progress as one,
  /// skipped while before its deadline with failures to go. Empty for a
  /// playbook with neither.
  func governance(_ report: AuditReport) -> (
    xml: String, tests: Int, failures: Int, skipped: Int
  ) {
    guard report.signoff != nil || !report.campaignProgress.isEmpty else { return ("", 0, 0, 0) }
    var cases: [String] = []
    var failures = 0
    var skipped = 0
    let suite = "steward governance"
    if let signoff = report.signoff {
      for role in signoff.roles {
        let open = #"    <testcase classname="\#(suite)" name="sign-off by \#(escape(role.role))""#
        switch role.state {
        case .approved:
          cases.append(open + "/>")
        case .rejected:
          failures += 1
          cases.append(
            open + ">\n"
              + #"      <failure message="sign-off rejected by \#(escape(role.who.joined(separator: ", ")))" type="signoff"/>"#
              + "\n    </testcase>")
        case .awaiting:
          skipped += 1
          cases.append(
            open + ">\n"
              + #"      <skipped message="awaiting sign-off by \#(escape(role.role)) (exit 3)"/>"#
              + "\n    </testcase>")
        }
      }
    }
    for p in report.campaignProgress {
      let open = #"    <testcase classname="\#(suite)" name="campaign \#(escape(p.campaign.name))""#
      if p.beforeDeadline, !p.failing.isEmpty {
        skipped += 1
        cases.append(
          open + ">\n" + #"      <skipped message="\#(escape(p.summary))"/>"# + "\n    </testcase>")
      } else {
        // Past its deadline its checks' failures are failures above.
        cases.append(
          open + ">\n      <system-out>\(escape(p.summary))</system-out>\n    </testcase>")
      }
    }
    let xml =
      #"  <testsuite name="\#(suite)" tests="\#(cases.count)" failures="\#(failures)" errors="0" skipped="\#(skipped)">"#
      + "\n" + cases.joined(separator: "\n") + "\n  </testsuite>\n"
    return (xml, cases.count, failures, skipped)
  }

  func seconds(_ t: Double) -> String {
    String(format: "%.3f", t)
  }

  /// XML attribute and text escaping; control characters XML 1.0 cannot hold
  /// are dropped.
  func escape(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
      case let c where c.value < 0x20: continue
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
