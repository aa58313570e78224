import StewardCore

/// Reads what a check with `scope = "all"` returned: a list with one result
/// per subject, each a result table with `subject = ID` beside `status`,
/// `message`, `at` and `evidence`:
///
/// ```lua
/// return { { subject = "ads", status = "fail", at = "owner", message = "…" },
///          { subject = "churn", status = "pass" } }
/// ```
///
/// Strictly, failing closed: anything but a list of such tables, or an id
/// that is no subject of the run, is an error result for every subject (no
/// result of the call can be trusted); a subject the list leaves out, or
/// names twice, is an error result for that subject. A subject some entry
/// said `status = "fail"` for is a failure in either case.
struct WholeRunResults {
  let check: CheckSpec
  let subjects: [Subject]

  static let shape =
    "return a list with one result per subject: { subject = ID, status = \"pass\", … }"

  func base(_ subject: Subject) -> CheckResult {
    CheckResult(
      checkID: check.id, subjectID: subject.id, status: .error, severity: check.severity,
      title: check.title, mark: subject.value.mark, remediation: check.remediation,
      tags: check.tags)
  }

  func allError(_ message: String, mark: SourceMark?) -> [CheckResult] {
    subjects.map { subject in
      var result = base(subject)
      result.message = message
      if let mark, mark.isKnown { result.mark = mark }
      return result
    }
  }

  /// The results `returned` gives, one per subject in order; `mark` finds
  /// the place of an `at` path in a subject.
  func read(
    _ returned: Value?, from place: SourceMark,
    mark: (String, Subject) -> SourceMark
  ) -> [CheckResult] {
    // Subjects an entry said `status = "fail"` for: when the list is
    // refused, or names a subject twice, those stay failures rather than
    // errors, which `gate.errors: ignore` would let through (attacker review).
    let saidFail = Set(
      (returned?.list ?? []).compactMap { item -> String? in
        guard let fields = item.map, CheckOutcome.saysFail(CheckOutcome.strings(fields)) else {
          return nil
        }
        return fields["subject"]?.string
      })
    func refuse(_ why: String) -> [CheckResult] {
      allError("\(place): \(why); \(Self.shape)", mark: place).map { result in
        var result = result
        if saidFail.contains(result.subjectID) { result.status = .fail }
        return result
      }
    }
    guard let returned, let items = returned.list else {
      return refuse(
        "a check over all subjects returned \(returned.map { English.withArticle($0.typeName) } ?? "nothing")"
      )
    }
    let known = Set(subjects.map(\.id))
    var found: [String: Value] = [:]
    var twice: Set<String> = []
    for (i, item) in items.enumerated() {
      guard var fields = item.map, let id = fields["subject"]?.string else {
        return refuse("result \(i + 1) is not a table with subject = ID")
      }
      guard known.contains(id) else {
        return refuse("result \(i + 1) names subject \"\(id)\", which is not in this run")
      }
      if found[id] != nil { twice.insert(id) }
      fields.remove("subject")
      found[id] = Value(.map(fields), mark: item.mark)
    }
    return subjects.map { subject in
      var result = base(subject)
      guard !twice.contains(subject.id) else {
        result.message = "\(place): the check returned two results for this subject"
        if saidFail.contains(subject.id) { result.status = .fail }
        return result
      }
      guard let item = found[subject.id] else {
        result.message = "\(place): the check returned no result for this subject"
        return result
      }
      result.take(CheckOutcome.parse(item, from: .plugin(place))) { mark($0, subject) }
      return result
    }
  }
}
