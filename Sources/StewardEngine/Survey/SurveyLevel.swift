import Foundation
public import StewardCore

/// One maturity level of a survey, lowest first in the playbook.
///
/// ```yaml
/// levels:
///   - id: "0"
///     title: No MLOps            # no criteria: every team starts here
///   - id: "1"
///     title: DevOps, no MLOps
///     criteria:
///       - { question: automated_builds, min: 3.5 }
///       - { questions: [unit_tests, integration_tests], measure: top_two_box, min: 0.6 }
/// ```
///
/// Under the `rules` method a level is reached when every criterion of it and
/// of every level below it is met; under `weighted` when the weighted mean of
/// the scale questions is at least `min_score`.
public struct SurveyLevel: Sendable, Equatable {
  public var id: String
  public var title: String
  public var criteria: [SurveyCriterion]
  /// The cut-off of the `weighted` method.
  public var minScore: Double?
  public var mark: SourceMark

  static let fields: [FieldSpec] = [
    FieldSpec("id", .any, required: true, doc: "the level's id, a string or an integer"),
    FieldSpec("title", .string, doc: "its name in reports"),
    FieldSpec("description", .string, doc: "what the level means"),
    FieldSpec("criteria", .list(.map), doc: "all must be met (with those of lower levels)"),
    FieldSpec("min_score", .number, doc: "the weighted-score cut-off of the level"),
  ]
}

/// A condition of a level: the answers to one or more questions (or to every
/// scale question of a dimension), pooled, must reach a threshold.
public struct SurveyCriterion: Sendable, Equatable {
  public enum Measure: String, Sendable, CaseIterable {
    /// The mean of the pooled answers.
    case mean
    /// The share of pooled answers in the top two points of their scale (0–1).
    case topTwoBox = "top_two_box"
    /// eNPS of the pooled 0–10 answers (−100…100).
    case enps
  }

  /// The questions whose answers are pooled.
  public var questions: [String]
  /// The dimension named, when the criterion was written with `dimension:`.
  public var dimension: String?
  public var measure: Measure
  public var threshold: Double
  /// The label written in the playbook, else a description built from the rest.
  public var label: String
  public var mark: SourceMark

  static let fields: [FieldSpec] = [
    FieldSpec("question", .string, doc: "one question id"),
    FieldSpec("questions", .list(.string), doc: "several question ids, answers pooled"),
    FieldSpec("dimension", .string, doc: "every scale question of a dimension, pooled"),
    FieldSpec(
      "measure", .oneOf(Measure.allCases.map(\.rawValue)), doc: "mean (default), top_two_box, enps"),
    FieldSpec("min", .number, required: true, doc: "the threshold the measure must reach"),
    FieldSpec("label", .string, doc: "how reports name the criterion"),
  ]

  static func describe(
    measure: Measure, questions: [String], dimension: String?, threshold: Double
  ) -> String {
    let subject = dimension.map { "dimension \($0)" } ?? questions.joined(separator: ", ")
    let shown =
      measure == .topTwoBox
      ? SurveyFormat.percent(threshold) : SurveyFormat.number(threshold)
    return "\(measure.rawValue.replacingOccurrences(of: "_", with: "-")) of \(subject) ≥ \(shown)"
  }
}
