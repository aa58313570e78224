import Testing

@testable import StewardCore

@Suite struct StatisticsTests {
  func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-4) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
  }

  @Test func centralTendency() {
    #expect(Statistics.mean([1, 2, 3, 4]) == 2.5)
    #expect(Statistics.median([5, 1, 3]) == 3)
    #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
    #expect(Statistics.mean([]) == nil)
    #expect(Statistics.median([]) == nil)
  }

  @Test func quantileIsTypeSeven() {
    // R: quantile(c(1,2,3,4,10), 0.9, type = 7) = 7.6
    #expect(close(Statistics.quantile([1, 2, 3, 4, 10], 0.9), 7.6))
    #expect(Statistics.quantile([1, 2], 1.5) == nil)
  }

  @Test func spread() {
    // Sample variance of 2,4,4,4,5,5,7,9 = 32/7.
    #expect(close(Statistics.variance([2, 4, 4, 4, 5, 5, 7, 9]), 32.0 / 7.0))
    #expect(Statistics.variance([1]) == nil)
    #expect(close(Statistics.standardDeviation([1, 3]), 2.0.squareRoot()))
  }

  @Test func zScoresOfAConstantJudgeAreZero() {
    #expect(Statistics.zScores([7, 7, 7]) == [0, 0, 0])
    let z = Statistics.zScores([1, 2, 3]) ?? []
    #expect(close(z.first, -1) && close(z.last, 1))
  }

  @Test(arguments: [
    (7, 20, 0.1812, 0.5671),
    (30, 100, 0.2189, 0.3958),
  ])
  func wilsonVectors(k: Int, n: Int, lower: Double, upper: Double) {
    let interval = Statistics.wilson(successes: k, trials: n)
    #expect(close(interval?.lower, lower))
    #expect(close(interval?.upper, upper))
  }

  @Test func wilsonClampsAndRefuses() {
    let all = Statistics.wilson(successes: 10, trials: 10)
    #expect(all?.upper == 1)
    #expect(Statistics.wilson(successes: 0, trials: 0) == nil)
    #expect(Statistics.wilson(successes: 3, trials: 2) == nil)
  }

  @Test func sampleRatioMismatchVector() {
    let srm = Statistics.chiSquareGoodnessOfFit(
      observed: [44_000, 45_000], expectedWeights: [0.5, 0.5])
    #expect(close(srm?.statistic, 11.236, 1e-3))
    #expect(srm?.degreesOfFreedom == 1)
    #expect(close(srm?.pValue, 0.0008, 1e-4))
  }

  @Test(arguments: [(6.63, 0.01), (10.83, 0.001), (12.12, 0.0005), (0.5, 0.4795)])
  func chiSquareCriticalValuesAtOneDegree(statistic: Double, p: Double) {
    #expect(close(Statistics.regularizedGammaQ(0.5, statistic / 2), p, 2e-4))
  }

  @Test func enpsCountsPassivesInTheDenominatorOnly() {
    // 2 promoters, 1 passive, 1 detractor: (2 - 1) / 4 = +25.
    #expect(Statistics.enps([10, 9, 8, 3]) == 25)
    #expect(Statistics.enps([10, 10, 10]) == 100)
    #expect(Statistics.enps([]) == nil)
  }

  // Reference values from scipy 1.17.1:
  //   scipy.stats.chisquare(obs, expected).statistic / .pvalue
  @Test(arguments: [
    ([44_000.0, 45_000], [1.0, 1], 11.235955056179776, 0.0008022781177678721),
    ([5000, 5100], [1, 1], 0.9900990099009901, 0.3197181768128675),
    ([1000, 2100, 950], [1, 2, 1], 6.790123456790123, 0.03353848383147017),
    ([10, 30], [1, 1], 10.0, 0.001565402258002549),
    ([502, 498], [0.5, 0.5], 0.016, 0.8993431885613663),
  ])
  func chiSquareMatchesScipy(observed: [Double], weights: [Double], statistic: Double, p: Double) {
    let r = Statistics.chiSquareGoodnessOfFit(observed: observed, expectedWeights: weights)
    #expect(close(r?.statistic, statistic, 1e-9))
    #expect(close(r?.pValue, p, 1e-9))
  }

  // Reference values from scipy 1.17.1:
  //   scipy.stats.binomtest(k, n).proportion_ci(method="wilson")
  @Test(arguments: [
    (7, 20, 0.1811918241010821, 0.5671457233147637),
    (30, 100, 0.21894885294932764, 0.39584854633346667),
    (42, 100, 0.32798382674354737, 0.5179351329695704),
    (6, 10, 0.3126737697336583, 0.8318196702937639),
    (1, 50, 0.0035392592716462223, 0.10495443589637814),
  ])
  func wilsonMatchesScipy(k: Int, n: Int, lower: Double, upper: Double) {
    let ci = Statistics.wilson(successes: k, trials: n)
    #expect(close(ci?.lower, lower, 1e-6))
    #expect(close(ci?.upper, upper, 1e-6))
  }

  @Test func fourFifthsRule() {
    // Selection rates 0.30 (non-English) and 0.50 (English): 0.6 fails 4/5.
    #expect(close(Statistics.disparateImpact(selectionRates: [0.50, 0.30]), 0.6, 1e-12))
    #expect(
      close(Statistics.disparateImpact(selectionRates: [0.42, 0.40, 0.44]), 0.40 / 0.44, 1e-12))
    #expect(Statistics.disparateImpact(selectionRates: [0.5]) == nil)
    #expect(Statistics.disparateImpact(selectionRates: [0, 0]) == nil)
    #expect(Statistics.disparateImpact(selectionRates: [1.2, 0.5]) == nil)
  }

  @Test func equalOpportunityDifference() {
    #expect(
      close(
        Statistics.equalOpportunityDifference(truePositiveRates: [0.82, 0.74, 0.79]), 0.08, 1e-12))
    #expect(Statistics.equalOpportunityDifference(truePositiveRates: [0.7, 0.7]) == 0)
  }

  @Test func topTwoBox() {
    #expect(Statistics.topTwoBoxShare([5, 4, 3, 1]) == 0.5)
  }
}
