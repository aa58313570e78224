import StewardCore

/// The survey report as JSON, `schema_version` 1, keys in the order of
/// ``SurveyReport/toValue()``.
public struct SurveyJSONReporter: Sendable {
  public init() {}

  public func render(_ report: SurveyReport) -> String {
    JSONText.render(report.toValue()) + "\n"
  }
}
