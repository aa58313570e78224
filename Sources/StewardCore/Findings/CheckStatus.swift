/// The outcome of one check on one subject.
public enum CheckStatus: String, Sendable, CaseIterable, Codable {
  /// The subject meets the check.
  case pass
  /// The subject does not meet the check and no waiver covers it.
  case fail
  /// The check does not apply to this subject (its `when` was false, or the
  /// check said so).
  case skip
  /// A failure covered by a live waiver.
  case waived
  /// The check could not decide: a plugin error or an exhausted budget.
  case error
}
