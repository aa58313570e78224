public import Foundation
import StewardCore

/// A computed dashboard: every metric for the period, the comparison period
/// and each month of the trend. Reporters render it; ``DashboardRecorder``
/// stores it.
public struct DashboardReport: Sendable {
  public var playbook: String
  public var title: String
  public var playbookPath: String
  public var period: DashboardMonth
  /// The period compared with, when there is one.
  public var compare: DashboardMonth?
  /// Where the comparison came from: `inputs`, or `history run #N`.
  public var compareSource: String
  /// The months of the trend charts, oldest first, ending with `period`.
  public var months: [DashboardMonth]
  public var metrics: [DashboardMetricResult]
  public var startedAt: Date
  public var duration: TimeInterval
  /// Problems that did not stop the run (a model with no deployment history…).
  public var warnings: [String]
  /// Every input file read, in name order, for the history's hashes.
  public var inputFiles: [String]
  /// The audits' campaigns active at the month's end, with their burn-up.
  public var campaigns: [DashboardCampaign] = []

  public init(
    playbook: String, title: String, playbookPath: String, period: DashboardMonth,
    compare: DashboardMonth?, compareSource: String, months: [DashboardMonth],
    metrics: [DashboardMetricResult], startedAt: Date, duration: TimeInterval,
    warnings: [String], inputFiles: [String]
  ) {
    self.playbook = playbook
    self.title = title
    self.playbookPath = playbookPath
    self.period = period
    self.compare = compare
    self.compareSource = compareSource
    self.months = months
    self.metrics = metrics
    self.startedAt = startedAt
    self.duration = duration
    self.warnings = warnings
    self.inputFiles = inputFiles
  }

  public func metric(_ id: String) -> DashboardMetricResult? { metrics.first { $0.id == id } }

  /// Metrics flagged `headline: true` (the monthly post's numbers), or all.
  public var headlines: [DashboardMetricResult] {
    let marked = metrics.filter(\.headline)
    return marked.isEmpty ? metrics : marked
  }

  /// Every warning of the run and of its metrics, metric ones prefixed.
  public var allWarnings: [String] {
    warnings + metrics.flatMap { m in m.current.warnings.map { "\(m.title): \($0)" } }
  }
}

/// How a metric's numbers are written.
public enum DashboardValueFormat: String, Sendable, CaseIterable {
  /// A whole count: `11`.
  case count
  /// A plain number: `3.4`.
  case number
  /// A share in 0…1 written as a percentage: `42 %`.
  case percent
  /// Money in dollars: `$47M`, `$600K`.
  case currency
  /// A ratio written as a multiple: `11.2×`.
  case multiple
  /// A maturity level: `level 2`.
  case level
  /// A score from −100 to 100, with its sign: `+40`.
  case score
}

/// Which way a metric's change is good news, so that its colour says so:
/// a falling win rate is not bad news, a rising cost is not good news.
public enum DashboardBetter: String, Sendable, CaseIterable {
  case up
  case down
  /// Neither: the change is shown without a judgement (headcount, win rate,
  /// whose band says more than its direction).
  case none
}

/// One metric's results.
public struct DashboardMetricResult: Sendable {
  public var id: String
  public var title: String
  /// How it is computed, said in words ("wins ÷ validly concluded…").
  public var label: String
  /// `models_in_production`, …, `expression` or `lua`.
  public var source: String
  public var format: DashboardValueFormat
  public var headline: Bool
  public var current: DashboardPoint
  public var compare: DashboardPoint?
  /// One point per month of ``DashboardReport/months``.
  public var trend: [DashboardPoint]
  /// Which way is good news (`better:` in the playbook).
  public var better: DashboardBetter

  public init(
    id: String, title: String, label: String, source: String, format: DashboardValueFormat,
    headline: Bool, current: DashboardPoint, compare: DashboardPoint?, trend: [DashboardPoint],
    better: DashboardBetter = .none
  ) {
    self.id = id
    self.title = title
    self.label = label
    self.source = source
    self.format = format
    self.headline = headline
    self.current = current
    self.compare = compare
    self.trend = trend
    self.better = better
  }

  /// The change from the comparison, when both values exist.
  public var change: Double? {
    guard let now = current.value, let then = compare?.value else { return nil }
    return now - then
  }

  /// How the change reads: `good`, `bad`, `neutral` (a change of a metric
  /// with no better direction) or `flat` (no change, or nothing to compare).
  public var verdict: String {
    guard let change, change != 0 else { return "flat" }
    switch better {
    case .up: return change > 0 ? "good" : "bad"
    case .down: return change < 0 ? "good" : "bad"
    case .none: return "neutral"
    }
  }
}

/// A metric's value in one month, with what it was made of.
public struct DashboardPoint: Sendable {
  public var month: DashboardMonth
  public var value: Double?
  /// An interval around `value` (win rate: Wilson 95 %; revenue: the estimate's range).
  public var low: Double?
  public var high: Double?
  /// One line on how the value came about ("21 wins of 50 …").
  public var detail: String
  /// Why there is no value ("no survey run recorded by 2025-05").
  public var missing: String?
  /// In place of the number when there is one but it may not be shown: a
  /// survey wave under its anonymity threshold ("withheld (3 answers;
  /// fewer than 5)"). A table cell says this rather than "–", which would
  /// read as "not measured".
  public var withheld: String?
  /// Named parts (per team, per owner, per severity), in display order.
  public var breakdown: [DashboardPart]
  /// Further numbers behind the value, for JSON (`wins`, `valid`, `enps`…).
  public var facts: [(String, Double)]
  /// Warnings about this value (win rate above 80 %…).
  public var warnings: [String]
  /// Where the value stands against the metric's band, in words ("in the
  /// healthy band"), for a metric that has one (the win rate).
  public var band: String?

  public init(
    month: DashboardMonth, value: Double?, low: Double? = nil, high: Double? = nil,
    detail: String = "", missing: String? = nil, breakdown: [DashboardPart] = [],
    facts: [(String, Double)] = [], warnings: [String] = []
  ) {
    self.month = month
    self.value = value
    self.low = low
    self.high = high
    self.detail = detail
    self.missing = missing
    self.breakdown = breakdown
    self.facts = facts
    self.warnings = warnings
  }

  static func missing(_ month: DashboardMonth, _ reason: String) -> DashboardPoint {
    DashboardPoint(month: month, value: nil, missing: reason)
  }

  public func fact(_ name: String) -> Double? { facts.first { $0.0 == name }?.1 }

  /// How the value reads in a table cell: the number, or why it is withheld.
  public func text(_ format: DashboardValueFormat) -> String {
    withheld ?? DashboardFormatter.format(value, format)
  }
  public func part(_ name: String) -> DashboardPart? { breakdown.first { $0.name == name } }
}

/// One named part of a value: a team's level, an owner's models, a
/// severity's failures.
public struct DashboardPart: Sendable, Equatable {
  public var name: String
  public var value: Double?
  /// How it reads ("level 2", "walk"); empty to use the number.
  public var text: String

  public init(name: String, value: Double?, text: String = "") {
    self.name = name
    self.value = value
    self.text = text
  }
}
