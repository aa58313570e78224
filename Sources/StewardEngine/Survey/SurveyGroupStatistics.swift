import StewardCore

/// The per-question and per-dimension statistics of one group.
enum SurveyGroupStatistics {
  static func score(
    name: String, members: [SurveyResponse], playbook: SurveyPlaybook, isOther: Bool,
    includeText: Bool, previous: SurveyBaseline.Group?
  ) -> SurveyGroupScore {
    var questions: [SurveyQuestionScore] = []
    var freeText: [SurveyFreeText] = []
    for q in playbook.questions {
      let answers = members.compactMap { $0.answers[q.id] }
      if case .text = q.scale {
        if includeText {
          let texts = answers.compactMap { a -> String? in
            if case .text(let t) = a { return t }
            return nil
          }
          freeText.append(SurveyFreeText(question: q.id, answers: texts.sorted()))
        }
        continue
      }
      var score = question(q, answers)
      score.previousENPS = previous?.enps[q.id]
      if var lights = score.lights, let counts = previous?.lights[q.id],
        let before = SurveyLights(green: counts[0], yellow: counts[1], red: counts[2]).score,
        let now = lights.score
      {
        lights.previousScore = before
        lights.previousCounts = counts
        lights.trend =
          now > before + playbook.trendTolerance
          ? .improving : now < before - playbook.trendTolerance ? .worse : .stable
        score.lights = lights
      }
      questions.append(score)
    }
    let dimensions = playbook.dimensions.map { d in
      dimension(id: d.id, title: d.title, playbook: playbook, members: members, scores: questions)
    }
    return SurveyGroupScore(
      name: name, respondents: members.count, isOther: isOther, dimensions: dimensions,
      questions: questions, level: nil, freeText: freeText)
  }

  static func numbers(_ answers: [SurveyQuestion.Answer]) -> [Double] {
    answers.compactMap {
      if case .number(let x) = $0 { return x }
      return nil
    }
  }

  static func question(_ q: SurveyQuestion, _ answers: [SurveyQuestion.Answer])
    -> SurveyQuestionScore
  {
    var score = SurveyQuestionScore(
      id: q.id, dimension: q.dimension, type: q.scale.typeName, answered: answers.count)
    let xs = numbers(answers)
    func counts(_ labels: [String], _ values: [String]) -> [SurveyCount] {
      labels.map { label in SurveyCount(label, values.filter { $0 == label }.count) }
    }
    let chosen = answers.flatMap {
      if case .choices(let c) = $0 { return c }
      return []
    }
    switch q.scale {
    case .likert(let points):
      score.distribution = (1...points).map { p in
        SurveyCount(String(p), xs.filter { $0 == Double(p) }.count)
      }
    case .labelled(let labels):
      score.distribution = labels.enumerated().map { i, label in
        SurveyCount(label, xs.filter { $0 == Double(i + 1) }.count)
      }
    case .single(let options), .multiple(let options, _):
      score.distribution = counts(options, chosen)
    case .number: break
    case .enps:
      score.distribution = (0...10).map { p in
        SurveyCount(String(p), xs.filter { $0 == Double(p) }.count)
      }
      score.enps = Statistics.enps(xs.map { Int($0) })
      score.agree = xs.isEmpty ? nil : Double(xs.filter { $0 >= 9 }.count) / Double(xs.count)
    case .trafficLight:
      let c = counts(SurveyQuestion.lights, chosen)
      score.distribution = c
      score.lights = SurveyLights(green: c[0].count, yellow: c[1].count, red: c[2].count)
    case .text: break
    }
    switch q.scale {
    case .likert, .labelled, .number, .enps:
      score.mean = Statistics.mean(xs)
      score.median = Statistics.median(xs)
    default: break
    }
    if let points = q.scale.points {
      score.topTwoBox = Statistics.topTwoBoxShare(xs.map { Int($0) }, scaleMax: points)
      score.agree = score.topTwoBox
    }
    return score
  }

  static func dimension(
    id: String, title: String, playbook: SurveyPlaybook, members: [SurveyResponse],
    scores: [SurveyQuestionScore]
  ) -> SurveyDimensionScore {
    let scaleQuestions = playbook.questions.filter { $0.dimension == id && $0.scale.points != nil }
    var pooled: [Double] = []
    var top = 0
    var pairs: [(value: Double, weight: Double)] = []
    for q in scaleQuestions {
      let xs = numbers(members.compactMap { $0.answers[q.id] })
      pooled += xs
      let points = Double(q.scale.points ?? 5)
      top += xs.filter { $0 >= points - 1 }.count
      if let m = Statistics.mean(xs) { pairs.append((m, q.weight)) }
    }
    var distribution: [SurveyCount] = []
    if let firstScale = scaleQuestions.first?.scale,
      scaleQuestions.allSatisfy({ $0.scale == firstScale }), let first = scaleQuestions.first,
      let sample = scores.first(where: { $0.id == first.id })
    {
      distribution = sample.distribution.enumerated().map { i, c in
        SurveyCount(c.label, pooled.filter { $0 == Double(i + 1) }.count)
      }
    }
    return SurveyDimensionScore(
      id: id, title: title, answers: pooled.count, mean: MaturityLadder.weightedMean(pairs),
      median: Statistics.median(pooled), distribution: distribution,
      topTwoBox: pooled.isEmpty ? nil : Double(top) / Double(pooled.count))
  }
}

extension SurveyQuestionScore {
  init(id: String, dimension: String, type: String, answered: Int) {
    self.init(
      id: id, dimension: dimension, type: type, answered: answered, mean: nil, median: nil,
      distribution: [], topTwoBox: nil, enps: nil, lights: nil)
  }
}
