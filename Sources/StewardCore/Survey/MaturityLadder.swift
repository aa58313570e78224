/// The two pure rules that turn scores into a maturity level.
///
/// Levels are indexed from 0, lowest first, as a playbook lists them.
///
/// ```swift
/// // Level 0 has no criteria, level 1 is met, level 2 is not, level 3 is:
/// MaturityLadder.cumulative(met: [[], [true, true], [false], [true]])  // 1
/// MaturityLadder.cutoff(score: 3.2, cutoffs: [0, 2.5, 3.5])            // 1
/// ```
public enum MaturityLadder {
  /// The highest level whose criteria, and those of every level below it,
  /// are all met; nil when even the first level is not reached. A level with
  /// no criteria is met by everyone.
  public static func cumulative(met: [[Bool]]) -> Int? {
    var reached: Int?
    for (i, criteria) in met.enumerated() {
      guard criteria.allSatisfy({ $0 }) else { break }
      reached = i
    }
    return reached
  }

  /// The highest level whose cut-off `score` reaches (cut-offs ascending);
  /// nil below the first.
  public static func cutoff(score: Double, cutoffs: [Double]) -> Int? {
    var reached: Int?
    for (i, cut) in cutoffs.enumerated() where reaches(score, cut) { reached = i }
    return reached
  }

  /// How far below a threshold a value may be and still reach it: the
  /// fairness checks' tolerance (docs/governance-pack.md, decision 0017),
  /// relative once the threshold is above 1. A weighted mean of decimal
  /// answers is rounded in binary: weights 3 and 1 over means 4.333… and 3
  /// give 3.9999999999999996, which must still reach a cut-off of 4.
  public static let tolerance = 1e-9

  /// True when `value` reaches `threshold`, up to ``tolerance``.
  public static func reaches(_ value: Double, _ threshold: Double) -> Bool {
    value >= threshold - tolerance * max(1, abs(threshold))
  }

  /// The weighted mean Σ wᵢxᵢ / Σ wᵢ, ignoring pairs with weight 0; nil when
  /// nothing carries weight.
  public static func weightedMean(_ pairs: [(value: Double, weight: Double)]) -> Double? {
    let total = pairs.reduce(0) { $0 + $1.weight }
    guard total > 0 else { return nil }
    return pairs.reduce(0) { $0 + $1.value * $1.weight } / total
  }
}
