public import Foundation
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
  /// SHA-256 of the questions and levels (``SurveyRubric``): two runs with
  /// the same hash asked the same questions and scored them the same way.
  public var rubricHash: String = ""
  /// The run this one is compared with; nil when there is none.
  public var previous: SurveyPreviousRun?
  /// The wave, `YYYY-MM` (``SurveyPeriod``); nil when neither the
  /// responses' dates nor `--period` name one.
  public var period: String? = nil
}

/// The groups of one respondent column (team, role, …).
public struct SurveyGrouping: Sendable {
  public var column: String
  /// Groups reported, by name, "other" (small groups folded together) last.
  public var groups: [SurveyGroupScore]
  /// Respondents in no reported group: the small groups whose "other" was
  /// itself below `min_group_size` (then nothing at all is reported).
  public var suppressed: Int
  /// Groups large enough to be reported that were folded into "other" so
  /// that the small groups cannot be found by subtracting the reported
  /// groups from everyone (docs/survey.md, "Differencing").
  public var joinedOther: [String] = []
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
  /// The move since the previous run; nil without a comparable previous run.
  public var trend: SurveyGroupTrend? = nil
  /// Its headcount in the roster, when the playbook has one; the response
  /// rate is `respondents / headcount`.
  public var headcount: Int? = nil
  /// Answers per question id (comments for text questions), before any is
  /// hidden: what the differencing rule counts. Never rendered or stored.
  var answerCounts: [String: Int] = [:]
  /// The response rate, 0–1, when the roster gives a headcount.
  public var responseRate: Double? {
    guard let headcount, headcount > 0 else { return nil }
    return Double(respondents) / Double(headcount)
  }
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
  /// The share agreeing: for Likert and labelled questions the top-two-box
  /// share, for 0–10 questions the promoters' (9–10) share.
  public var agree: Double? = nil
  /// eNPS of the same group and question in the previous run.
  public var previousENPS: Double? = nil
  /// For traffic-light cards: green, yellow, red counts and the trend.
  public var lights: SurveyLights?
  /// True when fewer than `min_group_size` people of the group answered it
  /// (or hiding it keeps another group's few answers from being found by
  /// subtraction): no figure of it is shown or stored.
  public var hidden: Bool = false
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
  /// The previous run's green, yellow and red counts, when there is one.
  public var previousCounts: [Int]? = nil
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
  /// Why the level cannot be decided (a criterion over a question nobody,
  /// or too few people, answered; a response rate under the roster's
  /// minimum): the group gets no level rather than a wrong one.
  public var unknown: String? = nil
  /// Under `unknown`, the level the group reaches at least, when it is one.
  public var atLeast: String? = nil
}

/// The free-text answers to one question: sorted, never with who wrote them.
public struct SurveyFreeText: Sendable, Equatable {
  public var question: String
  public var answers: [String]
  /// True when fewer than `min_group_size` comments were written (the
  /// comments are not shown).
  public var hidden: Bool = false
}

/// The previous run of the same playbook, as far as the report compares with it.
public struct SurveyPreviousRun: Sendable, Equatable {
  /// Its id in the history store (nil when the baseline came from a report, not a store).
  public var run: Int64?
  public var startedAt: Date?
  /// Its period, `YYYY-MM`, when it recorded one.
  public var period: String? = nil
  /// True when its questions or levels differ from this run's (another
  /// rubric hash, or none recorded): nothing is compared, because a move
  /// would only show the new rubric.
  public var rubricChanged: Bool
}

/// How one group moved since the previous run of the same playbook.
public struct SurveyGroupTrend: Sendable, Equatable {
  /// The group was not reported in the previous run (new, or under the threshold then).
  public var isNew: Bool
  public var previousRespondents: Int?
  public var dimensions: [SurveyDimensionTrend]
  /// The previous level; nil when the group had none (new, below the first
  /// level, or the playbook has no levels).
  public var previousLevel: String?
  /// `up`, `down` or `same` (`changed` for a Lua scorer's undeclared levels) against `previousLevel`; nil when either side has no level.
  public var levelMove: String?
}

/// A dimension's mean and top-two-box share now and in the previous run.
public struct SurveyDimensionTrend: Sendable, Equatable {
  public var id: String
  public var previousMean: Double?
  public var meanChange: Double?
  public var previousTopTwoBox: Double?
  /// In share points (0.2 = +20 percentage points).
  public var topTwoBoxChange: Double?
}
