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

  @Test func topTwoBox() {
    #expect(Statistics.topTwoBoxShare([5, 4, 3, 1]) == 0.5)
  }
}
