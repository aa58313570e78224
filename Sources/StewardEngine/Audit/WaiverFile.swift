import Foundation
public import StewardCore
import StewardYAML

/// Reads waivers, inline in a playbook or from a file of their own:
///
/// ```yaml
/// waivers:
///   - check: fairness_audit
///     subject: ad-*
///     reason: threshold fix ships in 2026.12
///     owner: maria@streamrec
///     expires: 2026-12-31
/// ```
public enum WaiverFile {
  static let fields: [FieldSpec] = [
    FieldSpec("check", .string, required: true, doc: "the check id, or * for all"),
    FieldSpec("subject", .string, required: true, doc: "the subject id or a glob over ids"),
    FieldSpec("reason", .string, required: true, doc: "why the failure is accepted"),
    FieldSpec("owner", .string, required: true, doc: "who accepted it"),
    FieldSpec("expires", .string, required: true, doc: "the last day it holds, YYYY-MM-DD"),
    FieldSpec(
      "scope", .oneOf(["all-checks"]),
      doc: "all-checks: required with check: *, which waives every check"),
  ]

  /// `value` is a list of waivers, or a path (relative to `base`) to a YAML
  /// file holding such a list (or a map with a `waivers:` list).
  public static func parse(_ value: Value, base: String) throws -> [Waiver] {
    var list = value
    if let reference = value.string {
      let path = InputFiles.join(base, reference)
      guard FileManager.default.fileExists(atPath: path) else {
        throw PlaybookError([
          Diagnostic(at: value.mark, code: "W001", "waiver file \"\(reference)\" not found")
        ])
      }
      let documents = try DocumentLoader.load(path: path)
      list = documents.first.map { $0["waivers"] ?? $0 } ?? Value(.list([]), mark: value.mark)
    }
    guard let items = list.list else {
      throw PlaybookError([
        Diagnostic(at: list.mark, code: "W002", "waivers must be a list, found \(list.typeName)")
      ])
    }
    var problems: [Diagnostic] = []
    var waivers: [Waiver] = []
    for item in items {
      let found = SchemaValidator(fields: fields, context: "waiver").problems(in: item)
      if !found.isEmpty {
        problems += found
        continue
      }
      let expires = item["expires"]?.string ?? ""
      if !isISODate(expires) {
        problems.append(
          Diagnostic(
            at: item["expires"]?.mark ?? item.mark, code: "W003",
            "expires must be a date as YYYY-MM-DD, found \"\(expires)\""))
        continue
      }
      let check = item["check"]?.string ?? ""
      let scope = item["scope"]?.string
      // One line that waives every check must say so: a `*` typed for
      // "every subject" would otherwise open the whole gate.
      if check == "*", scope != "all-checks" {
        problems.append(
          Diagnostic(
            at: item["check"]?.mark ?? item.mark, code: "W004",
            "check: * waives every check of the playbook; say so with \"scope: all-checks\", or name the check"
          ))
        continue
      }
      if check != "*", let scope {
        problems.append(
          Diagnostic(
            at: item["scope"]?.mark ?? item.mark, code: "W004",
            "scope: \(scope) goes only with check: *; this waiver names the check \"\(check)\""))
        continue
      }
      waivers.append(
        Waiver(
          check: check, subject: item["subject"]?.string ?? "",
          reason: item["reason"]?.string ?? "", owner: item["owner"]?.string ?? "",
          expires: expires, mark: item.mark, scope: scope))
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return waivers
  }

  /// Whether `s` is a real calendar date written `YYYY-MM-DD`.
  static func isISODate(_ s: String) -> Bool {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m)
    else { return false }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return (1...days).contains(d)
  }
}
