public import StewardCore

/// The scores of one survey run: per group and dimension, per question, the
/// maturity level and why. Built by ``SurveyScorer``; the reporters and the
/// history read only this, so the anonymity rule is enforced once, here:
/// a group below `min_group_size` never appears, and free text carries no
/// respondent metadata.
public struct SurveyReport: Sendable {
  public var playbook: String
  public var title: String
  /// Respondents scored (after dropped rows).
  public var respondents: Int
  /// Rows left out under `on_bad_response: drop`.
  public var dropped: Int
  public var minGroupSize: Int
  public var method: String
  /// Everyone together; nil when there are fewer respondents than `min_group_size`.
  public var overall: SurveyGroupScore?
  /// One entry per `groups:` column, in the playbook's order.
  public var groupings: [SurveyGrouping]
  public var warnings: [Diagnostic]
}

/// The groups of one respondent column (team, role, …).
public struct SurveyGrouping: Sendable {
  public var column: String
  /// Groups reported, by name, "other" (small groups folded together) last.
  public var groups: [SurveyGroupScore]
  /// Respondents in no reported group: the small groups whose "other" was
  /// itself below `min_group_size`.
  public var suppressed: Int
}

/// The scores of one group of respondents.
public struct SurveyGroupScore: Sendable {
  public var name: String
  public var respondents: Int
  /// True for "other", the small groups folded together.
  public var isOther: Bool
  public var dimensions: [SurveyDimensionScore]
  public var questions: [SurveyQuestionScore]
  public var level: SurveyLevelResult?
  /// Free-text answers per text question, sorted, with no respondent metadata.
  public var freeText: [SurveyFreeText]
}

/// A count of answers at one scale point, option or light.
public struct SurveyCount: Sendable, Equatable {
  public var label: String
  public var count: Int
  public init(_ label: String, _ count: Int) {
    self.label = label
    self.count = count
  }
}

/// The pooled Likert and labelled answers of one dimension in one group.
public struct SurveyDimensionScore: Sendable {
  public var id: String
  public var title: String
  /// Answers pooled from its scale questions.
  public var answers: Int
  /// Σ weight × question mean / Σ weight over its scale questions.
  public var mean: Double?
  /// The median of the pooled answers.
  public var median: Double?
  /// Counts per scale point, when every scale question of it has the same points.
  public var distribution: [SurveyCount]
  /// Pooled answers in the top two points of their scale, 0–1.
  public var topTwoBox: Double?
}

/// The answers to one question in one group.
public struct SurveyQuestionScore: Sendable {
  public var id: String
  public var dimension: String
  public var type: String
  /// Respondents who answered it.
  public var answered: Int
  public var mean: Double?
  public var median: Double?
  public var distribution: [SurveyCount]
  public var topTwoBox: Double?
  /// eNPS, −100…100, for 0–10 questions.
  public var enps: Double?
  /// For traffic-light cards: green, yellow, red counts and the trend.
  public var lights: SurveyLights?
}

/// A traffic-light card's votes.
public struct SurveyLights: Sendable, Equatable {
  public enum Trend: String, Sendable {
    case improving, stable, worse
  }

  public var green: Int
  public var yellow: Int
  public var red: Int
  /// Green 2, yellow 1, red 0, averaged: 0…2.
  public var score: Double? {
    let n = green + yellow + red
    return n == 0 ? nil : Double(2 * green + yellow) / Double(n)
  }
  /// Against the same group and card of the previous run; nil without one.
  public var trend: Trend?
  public var previousScore: Double?
}

/// A group's maturity level and what it lacks for the next one.
public struct SurveyLevelResult: Sendable, Equatable {
  /// The level reached; nil when even the first is not.
  public var level: String?
  public var title: String?
  /// The weighted score (weighted method) or the scorer's score (Lua).
  public var score: Double?
  /// The level above, when there is one.
  public var next: String?
  /// Why the group is not at `next`: each unmet criterion with its value.
  public var missing: [String]
  /// A Lua scorer that failed says so here instead of giving a level.
  public var error: String?
}

/// The free-text answers to one question: sorted, never with who wrote them.
public struct SurveyFreeText: Sendable, Equatable {
  public var question: String
  public var answers: [String]
}
