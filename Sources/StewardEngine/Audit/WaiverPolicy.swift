import Foundation
import StewardCore

/// What an audit playbook says about its waivers, beyond the waivers
/// themselves (decision 0038):
///
/// ```yaml
/// waivers: ../waivers/gate.yaml
/// waivers_from: [../waivers/gate.yaml]   # no waiver from anywhere else applies
/// waiver_notice_days: 14                 # warn about waivers this close to expiry
/// checks:
///   - use: ml-governance.fairness_audit
///     waivable: false                    # no waiver covers it
/// ```
struct WaiverPolicy {
  var accepted: [Waiver] = []
  /// From a file `waivers_from` does not name.
  var refused: [Waiver] = []
  var from: [String]?
  var noticeDays = 14
  var problems: [Diagnostic] = []

  static let fields: [FieldSpec] = [
    FieldSpec(
      "waivers_from", .any,
      doc: "the only files waivers are accepted from (a path or a list); others are refused"),
    FieldSpec(
      "waiver_notice_days", .int,
      doc: "warn about a waiver that expires within this many days (default 14)"),
  ]

  static func read(_ document: Value, base: String, checks: [CheckSpec], waivers: [Waiver])
    -> WaiverPolicy
  {
    var policy = WaiverPolicy()
    if let days = document["waiver_notice_days"] {
      if let n = days.int, n >= 0 {
        policy.noticeDays = Int(n)
      } else {
        policy.problems.append(
          Diagnostic(
            at: days.mark, code: "W005",
            "waiver_notice_days takes a whole number of days, 0 or more, found \(days.typeWithArticle)"
          ))
      }
    }
    if let from = document["waivers_from"] {
      var paths: [String] = []
      for item in from.list ?? [from] {
        guard let file = item.string, !file.isEmpty else {
          policy.problems.append(
            Diagnostic(
              at: item.mark, code: "W005",
              "waivers_from takes a file or a list of files, found \(item.typeWithArticle)"))
          continue
        }
        let path = InputFiles.join(base, file)
        // A misspelt name would refuse every waiver, or accept none: said now.
        guard FileManager.default.fileExists(atPath: path), !InputFiles.isDirectory(path) else {
          policy.problems.append(
            Diagnostic(
              at: item.mark, code: "W005",
              "waivers_from names \"\(file)\", which is not a file (looked at \(path))"))
          continue
        }
        paths.append(InputFiles.canonical(path))
      }
      policy.from = paths
    }
    for waiver in waivers {
      if let from = policy.from, !from.contains(InputFiles.canonical(waiver.mark.file)) {
        policy.refused.append(waiver)
      } else {
        policy.accepted.append(waiver)
      }
    }
    let fixed = Set(checks.filter { !$0.waivable }.map(\.id))
    for waiver in policy.accepted where fixed.contains(waiver.check) {
      policy.problems.append(
        Diagnostic(
          at: waiver.mark, code: "W012",
          "check \"\(waiver.check)\" is waivable: false; no waiver can cover it"))
    }
    return policy
  }

}
