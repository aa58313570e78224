/// One check on one subject: what happened, why, and where in the subject's
/// file the deciding value sits.
///
/// Results are data, not errors: a failing check is the product working.
public struct CheckResult: Sendable, Equatable {
  public var checkID: String
  public var subjectID: String
  public var status: CheckStatus
  public var severity: Severity
  public var title: String
  public var message: String
  /// The values the check read, for the report ("split: train").
  public var evidence: Value
  /// The field that decided the result, e.g. `models/ad-targeting.yaml:14:5`.
  public var mark: SourceMark
  /// The dotted path of that field, when the check named one.
  public var path: String?
  public var remediation: String?
  public var tags: [String]
  /// The waiver that turned a failure into `waived`, if any.
  public var waiver: Waiver?
  /// A failure or error that the run's baseline already holds: reported,
  /// but not counted by the gate.
  public var inBaseline = false
  /// What the check logged with `steward.log.*` while it judged this
  /// subject, in order.
  public var log: [LogLine] = []

  public init(
    checkID: String, subjectID: String, status: CheckStatus, severity: Severity,
    title: String = "", message: String = "", evidence: Value = .null,
    mark: SourceMark = .unknown, path: String? = nil, remediation: String? = nil,
    tags: [String] = [], waiver: Waiver? = nil
  ) {
    self.checkID = checkID
    self.subjectID = subjectID
    self.status = status
    self.severity = severity
    self.title = title
    self.message = message
    self.evidence = evidence
    self.mark = mark
    self.path = path
    self.remediation = remediation
    self.tags = tags
    self.waiver = waiver
  }
}

extension CheckResult {
  /// What identifies this finding across runs, whatever lines moved: the
  /// check, the subject, the path the result points at, and its evidence
  /// (its message when it has none), hashed. Neither the file nor the line
  /// nor the column takes part. SARIF's `partialFingerprints`
  /// (`stewardFinding/v1`) and a baseline's entries are this.
  public var fingerprint: String {
    Self.fingerprint(
      check: checkID, subject: subjectID, path: path, evidence: evidence, message: message)
  }

  public static func fingerprint(
    check: String, subject: String, path: String?, evidence: Value, message: String
  ) -> String {
    let decided =
      evidence.isNull ? "message\u{0}" + message : JSONText.render(evidence, pretty: false)
    return SHA256.hex(
      Array(
        ("stewardFinding/v1\u{0}" + check + "\u{0}" + subject + "\u{0}" + (path ?? "")
          + "\u{0}" + decided).utf8))
  }
}

/// One `steward.log.<level>(…)` line of a check.
public struct LogLine: Sendable, Equatable {
  /// debug, info, warning or error.
  public var level: String
  public var message: String

  public init(level: String, message: String) {
    self.level = level
    self.message = message
  }
}
