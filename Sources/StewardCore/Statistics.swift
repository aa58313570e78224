import Foundation

/// The statistics every kind scores with, exposed to Lua as `steward.stats`.
///
/// Functions return nil instead of trapping or inventing a value when the input
/// cannot support an answer (an empty sample, a zero denominator, a NaN or
/// an infinity): a report must say "not enough data", never print 0 % or NaN.
/// `steward.stats` turns a non-finite input into an error before it gets here.
public enum Statistics {
  /// Φ⁻¹(0.975), the two-sided 95 % normal quantile, to double precision
  /// (scipy.stats.norm.ppf(0.975)); 1.959964 would move Wilson bounds by up
  /// to 1.6e-8.
  public static let z95 = 1.959963984540054

  /// The arithmetic mean; nil for an empty sample.
  ///
  /// ```swift
  /// Statistics.mean([1, 2, 3, 4])  // 2.5
  /// ```
  public static func mean(_ xs: [Double]) -> Double? {
    guard !xs.isEmpty, xs.allSatisfy(\.isFinite) else { return nil }
    return xs.reduce(0, +) / Double(xs.count)
  }

  /// The median (mean of the two middle values for an even count).
  public static func median(_ xs: [Double]) -> Double? {
    quantile(xs, 0.5)
  }

  /// The `q`-quantile, 0 ≤ q ≤ 1, by linear interpolation between order
  /// statistics (R's type 7, the default of R, NumPy and Excel's PERCENTILE).
  public static func quantile(_ xs: [Double], _ q: Double) -> Double? {
    // A NaN would make the sort, and so the answer, depend on the input order.
    guard !xs.isEmpty, q >= 0, q <= 1, xs.allSatisfy(\.isFinite) else { return nil }
    let sorted = xs.sorted()
    let h = Double(sorted.count - 1) * q
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }

  /// The sample variance (n − 1 denominator); nil below two values.
  public static func variance(_ xs: [Double]) -> Double? {
    guard xs.count >= 2, let m = mean(xs) else { return nil }
    return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
  }

  /// The sample standard deviation.
  public static func standardDeviation(_ xs: [Double]) -> Double? {
    variance(xs).map { $0.squareRoot() }
  }

  /// Standard scores `(x − mean) / sd`; all zeros when every value is the same
  /// (a judge who gives everyone 7 ranks no one above anyone else).
  public static func zScores(_ xs: [Double]) -> [Double]? {
    guard let m = mean(xs) else { return nil }
    // Equal values are tested as such: the mean of seven 7.3s is not 7.3 in
    // binary, and the leftover rounding divided by an sd of the same size
    // would give z = 0.93.
    if let first = xs.first, xs.allSatisfy({ $0 == first }) { return xs.map { _ in 0 } }
    guard let sd = standardDeviation(xs), sd > 0 else { return xs.map { _ in 0 } }
    return xs.map { ($0 - m) / sd }
  }

  /// A two-sided interval for a proportion.
  public struct Interval: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var estimate: Double
  }

  /// The Wilson score interval for `successes` out of `trials`
  /// (Wilson 1927), without continuity correction, clamped to [0, 1]; the
  /// default z, Φ⁻¹(0.975), gives 95 %. Nil unless z is finite and above 0.
  ///
  /// ```swift
  /// Statistics.wilson(successes: 7, trials: 20)  // [0.1812, 0.5671]
  /// ```
  public static func wilson(successes: Int, trials: Int, z: Double = z95) -> Interval? {
    guard trials > 0, successes >= 0, successes <= trials, z.isFinite, z > 0 else { return nil }
    let n = Double(trials)
    let p = Double(successes) / n
    let z2 = z * z
    let denominator = 1 + z2 / n
    let centre = (p + z2 / (2 * n)) / denominator
    let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
    // At k = 0 and k = n one bound is exactly 0 or 1 in closed form; rounding
    // would otherwise print an upper bound of 99.99999 %.
    let lower = successes == 0 ? 0 : max(0, centre - half)
    let upper = successes == trials ? 1 : min(1, centre + half)
    return Interval(lower: lower, upper: upper, estimate: p)
  }

  /// The result of a chi-square goodness-of-fit test.
  public struct ChiSquare: Sendable, Equatable {
    public var statistic: Double
    public var degreesOfFreedom: Int
    public var pValue: Double
  }

  /// Chi-square goodness of fit of `observed` counts against `expectedWeights`
  /// (normalised here), the sample-ratio-mismatch test of an A/B experiment.
  ///
  /// ```swift
  /// Statistics.chiSquareGoodnessOfFit(observed: [44_000, 45_000], expectedWeights: [1, 1])
  /// // statistic 11.24, p ≈ 0.0008
  /// ```
  public static func chiSquareGoodnessOfFit(
    observed: [Double], expectedWeights: [Double]
  ) -> ChiSquare? {
    guard observed.count >= 2, observed.count == expectedWeights.count,
      observed.allSatisfy({ $0 >= 0 && $0.isFinite }),
      expectedWeights.allSatisfy({ $0 > 0 && $0.isFinite })
    else { return nil }
    let total = observed.reduce(0, +)
    let weightSum = expectedWeights.reduce(0, +)
    guard total > 0 else { return nil }
    var statistic = 0.0
    for (o, w) in zip(observed, expectedWeights) {
      let e = total * w / weightSum
      statistic += (o - e) * (o - e) / e
    }
    let df = observed.count - 1
    let p = regularizedGammaQ(Double(df) / 2, statistic / 2)
    return ChiSquare(statistic: statistic, degreesOfFreedom: df, pValue: p)
  }

  /// eNPS from 0–10 answers: % promoters (9–10) minus % detractors (0–6),
  /// from −100 to +100; passives count only in the denominator. Nil when an
  /// answer is off the scale: dropping it would change the denominator.
  public static func enps(_ answers: [Int]) -> Double? {
    guard !answers.isEmpty, answers.allSatisfy({ (0...10).contains($0) }) else { return nil }
    let valid = answers
    let promoters = valid.filter { $0 >= 9 }.count
    let detractors = valid.filter { $0 <= 6 }.count
    return 100 * Double(promoters - detractors) / Double(valid.count)
  }

  /// The share of answers in the top two boxes of a 1…`scaleMax` scale.
  /// Nil when an answer is off the 1…`scaleMax` scale.
  public static func topTwoBoxShare(_ answers: [Int], scaleMax: Int = 5) -> Double? {
    guard !answers.isEmpty, scaleMax >= 2, answers.allSatisfy({ (1...scaleMax).contains($0) })
    else { return nil }
    return Double(answers.filter { $0 >= scaleMax - 1 }.count) / Double(answers.count)
  }

  /// The disparate-impact ratio: the lowest group's selection rate over the
  /// highest's. The four-fifths rule (EEOC, 29 CFR 1607.4(D)) flags a ratio
  /// below 0.8. Nil without two groups or when no group is ever selected.
  ///
  /// ```swift
  /// Statistics.disparateImpact(selectionRates: [0.30, 0.45])  // 0.667: fails 4/5
  /// ```
  public static func disparateImpact(selectionRates: [Double]) -> Double? {
    guard selectionRates.count >= 2, selectionRates.allSatisfy({ $0 >= 0 && $0 <= 1 }),
      let highest = selectionRates.max(), let lowest = selectionRates.min(), highest > 0
    else { return nil }
    return lowest / highest
  }

  /// The equal-opportunity difference: the largest gap between the groups'
  /// true-positive rates (recall), 0 when every group is served alike.
  public static func equalOpportunityDifference(truePositiveRates: [Double]) -> Double? {
    guard truePositiveRates.count >= 2, truePositiveRates.allSatisfy({ $0 >= 0 && $0 <= 1 }),
      let highest = truePositiveRates.max(), let lowest = truePositiveRates.min()
    else { return nil }
    return highest - lowest
  }

  /// Q(a, x), the upper regularized incomplete gamma function, by the series
  /// for x < a + 1 and Lentz's continued fraction otherwise (Numerical
  /// Recipes §6.2); the chi-square survival function is Q(df/2, χ²/2).
  static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
    if x <= 0 { return 1 }
    let lnPrefix = -x + a * log(x) - lgamma(a)
    if x < a + 1 {
      var sum = 1 / a
      var term = sum
      var ap = a
      for _ in 0..<500 {
        ap += 1
        term *= x / ap
        sum += term
        if abs(term) < abs(sum) * 1e-15 { break }
      }
      return max(0, 1 - sum * exp(lnPrefix))
    }
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1..<500 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-15 { break }
    }
    return min(1, exp(lnPrefix) * h)
  }
}
