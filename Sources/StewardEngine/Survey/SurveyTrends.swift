/// A group's move since the previous run: per dimension, and its level.
enum SurveyTrends {
  /// `levels`: the playbook's level ids, lowest first (the same in both
  /// runs, since the rubric hash matched).
  static func trend(
    of score: SurveyGroupScore, since before: SurveyBaseline.Group?, levels: [String]
  ) -> SurveyGroupTrend {
    guard let before, before.respondents != nil else {
      return SurveyGroupTrend(
        isNew: true, previousRespondents: nil, dimensions: [], previousLevel: nil, levelMove: nil)
    }
    let dimensions = score.dimensions.map { d in
      let mean = before.dimensionMeans[d.id]
      let top = before.dimensionTopTwoBox[d.id]
      return SurveyDimensionTrend(
        id: d.id, previousMean: mean, meanChange: difference(d.mean, mean),
        previousTopTwoBox: top, topTwoBoxChange: difference(d.topTwoBox, top))
    }
    var move: String?
    if let now = score.level?.level, let then = before.level {
      let (a, b) = (levels.firstIndex(of: now) ?? -1, levels.firstIndex(of: then) ?? -1)
      if a < 0 || b < 0 {
        move = now == then ? "same" : "changed"  // a Lua scorer's levels, not declared
      } else {
        move = a == b ? "same" : (a > b ? "up" : "down")
      }
    }
    return SurveyGroupTrend(
      isNew: false, previousRespondents: before.respondents, dimensions: dimensions,
      previousLevel: before.level, levelMove: move)
  }

  static func difference(_ now: Double?, _ then: Double?) -> Double? {
    guard let now, let then else { return nil }
    return now - then
  }
}
