import Foundation
public import StewardCore

/// The wave a survey's responses belong to, `YYYY-MM`: given with
/// `--period`, else the month of the latest date in the responses' date
/// column. Trends compare with the previous *period* of the same playbook,
/// not the previous run: re-running a period (in another format, after a
/// fix to the CSV) replaces that period's run instead of comparing with it,
/// and recording an older period after a newer one compares it with what
/// came before it.
public enum SurveyPeriod {
  /// `YYYY-MM` with a month 01–12.
  public static func isValid(_ text: String) -> Bool {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let month = Int(parts[1])
    else { return false }
    return (1...12).contains(month)
  }

  /// Months from `a` to `b` (both `YYYY-MM`).
  static func distance(from a: String, to b: String) -> Int {
    func index(_ p: String) -> Int {
      let parts = p.split(separator: "-").compactMap { Int($0) }
      return parts.count == 2 ? parts[0] * 12 + parts[1] - 1 : 0
    }
    return index(b) - index(a)
  }

  /// The period of `responses`: `given` when set, else from the dates.
  /// Nil when neither says (the playbook has no date column).
  static func of(
    _ responses: SurveyResponses, playbook: SurveyPlaybook, given: String?
  ) throws -> String? {
    if let given {
      guard isValid(given) else {
        throw UsageError("--period takes a month as YYYY-MM (2026-11), found \"\(given)\"")
      }
      return given
    }
    guard let column = playbook.dateColumn,
      let k = playbook.metadataColumns.firstIndex(of: column)
    else { return nil }
    // Each distinct value is checked once: a wave's 100,000 rows carry a
    // handful of dates.
    var months: Set<String> = []
    var seen: Set<String> = []
    var problems: [Diagnostic] = []
    for r in responses.responses {
      let value = r.metadataValues[k]
      if value.isEmpty || !seen.insert(value).inserted { continue }
      let month = String(value.prefix(7))
      guard value.count >= 7, isValid(month), value.count == 7 || value.dropFirst(7).first == "-"
      else {
        problems.append(
          Diagnostic(
            at: SourceMark(file: playbook.responsesPath, line: r.line, column: 1), code: "Q113",
            "respondent \"\(r.respondent)\": \(column) \"\(value)\" is not a date (YYYY-MM-DD)"))
        continue
      }
      months.insert(month)
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    guard let first = months.min(), let last = months.max() else { return nil }
    // A wave may cross a month's end; more than that is two waves in one file.
    if distance(from: first, to: last) > 1 {
      throw PlaybookError([
        Diagnostic(
          at: playbook.responsesMark, code: "Q114",
          "the responses' \(column) values run from \(first) to \(last): more than one wave;"
            + " split the file, or name the wave with --period YYYY-MM")
      ])
    }
    return last
  }
}
