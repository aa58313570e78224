public import StewardCore

/// What fails an audit's gate: an unwaived failure (or error) at or above a
/// severity, or nothing at all (report only), and who chose it.
///
/// With neither `--fail-on` nor `gate.fail_on`, any unwaived failure or
/// error fails the gate, as Conftest and Checkov do: an audit that forgot to
/// name a gate must not pass a deployment with failures in it.
public struct GatePolicy: Sendable, Equatable {
  public enum Origin: Sendable, Equatable {
    case byDefault, playbook, commandLine
  }

  /// The lowest severity that fails the gate; nil reports only.
  public var threshold: Severity?
  public var origin: Origin

  public init(threshold: Severity?, origin: Origin) {
    self.threshold = threshold
    self.origin = origin
  }

  /// The gate when nobody names one: every severity counts.
  public static let `default` = GatePolicy(threshold: .info, origin: .byDefault)

  /// What `--fail-on` (and `gate.fail_on`) accept.
  public static let names = Severity.allCases.map(\.rawValue) + ["none"]

  /// A `--fail-on` value: a severity, or `none`; nil for anything else.
  public static func parse(_ text: String, origin: Origin = .commandLine) -> GatePolicy? {
    if text == "none" { return GatePolicy(threshold: nil, origin: origin) }
    return Severity(rawValue: text).map { GatePolicy(threshold: $0, origin: origin) }
  }

  /// The gate as the text report names it, e.g. "high and above (--fail-on high)".
  public func describe(errorsFail: Bool) -> String {
    guard let threshold else {
      switch origin {
      case .commandLine: return "none (report only, --fail-on none)"
      case .playbook: return "none (report only, the playbook's gate)"
      case .byDefault: return "none (report only)"
      }
    }
    let ignored = errorsFail ? "" : "; errors ignored"
    switch origin {
    case .byDefault:
      return errorsFail
        ? "fail on any unwaived failure or error (default)"
        : "fail on any unwaived failure\(ignored) (default)"
    case .commandLine:
      return "\(threshold.rawValue) and above (--fail-on \(threshold.rawValue))\(ignored)"
    case .playbook:
      return "\(threshold.rawValue) and above (gate.fail_on in the playbook)\(ignored)"
    }
  }
}
