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
    for (i, cut) in cutoffs.enumerated() where score >= cut { reached = i }
    return reached
  }

  /// The weighted mean Σ wᵢxᵢ / Σ wᵢ, ignoring pairs with weight 0; nil when
  /// nothing carries weight.
  public static func weightedMean(_ pairs: [(value: Double, weight: Double)]) -> Double? {
    let total = pairs.reduce(0) { $0 + $1.weight }
    guard total > 0 else { return nil }
    return pairs.reduce(0) { $0 + $1.value * $1.weight } / total
  }
}
