import StewardCore

/// The per-question and per-dimension statistics of one group.
enum SurveyGroupStatistics {
  /// The answers of one question in one group, gathered in one pass.
  struct Tally {
    /// Counts per integer value, for the ordered scales and 0–10 (index = value).
    var counts: [Int] = []
    /// Every number answered, for `number` questions (which need sorting).
    var xs: [Double] = []
    var chosen: [String: Int] = [:]
    var texts: [String] = []
    var answered = 0
  }

  /// Every question's tally for `members`, in one pass over the rows
  /// (row by row, the order the answers are stored in).
  static func tallies(_ questions: [SurveyQuestion], _ members: [SurveyResponse]) -> [Tally] {
    var tallies = [Tally](repeating: Tally(), count: questions.count)
    var integral = [Bool](repeating: false, count: questions.count)
    for (k, q) in questions.enumerated() {
      switch q.scale {
      case .likert(let points):
        tallies[k].counts = [Int](repeating: 0, count: points + 1)
        integral[k] = true
      case .labelled(let labels):
        tallies[k].counts = [Int](repeating: 0, count: labels.count + 1)
        integral[k] = true
      case .enps:
        tallies[k].counts = [Int](repeating: 0, count: 11)
        integral[k] = true
      default: break
      }
    }
    tallies.withUnsafeMutableBufferPointer { t in
      for m in members {
        m.numbers.withUnsafeBufferPointer { numbers in
          for k in 0..<numbers.count {
            let x = numbers[k]
            if x.isNaN { continue }
            t[k].answered += 1
            if integral[k], let i = Int(exactly: x), i >= 0, i < t[k].counts.count {
              t[k].counts[i] += 1
            } else {
              t[k].xs.append(x)
            }
          }
        }
        for (k, answer) in m.others {
          t[k].answered += 1
          switch answer {
          case .number(let x): t[k].xs.append(x)
          case .choices(let c): for option in c { t[k].chosen[option, default: 0] += 1 }
          case .text(let text): t[k].texts.append(text)
          }
        }
      }
    }
    return tallies
  }

  /// `hidden`: questions to hide whatever their count, so that another
  /// group's few answers cannot be found by subtraction (``SurveyScorer``).
  static func score(
    name: String, members: [SurveyResponse], playbook: SurveyPlaybook, isOther: Bool,
    includeText: Bool, previous: SurveyBaseline.Group?, hidden: Set<String> = []
  ) -> SurveyGroupScore {
    var questions: [SurveyQuestionScore] = []
    var freeText: [SurveyFreeText] = []
    var tallies: [String: Tally] = [:]
    var counts: [String: Int] = [:]
    let all = Self.tallies(playbook.questions, members)
    // Anonymity per question: a question (or a text question's comments)
    // answered by fewer than min_group_size people of the group shows no
    // figure, even when the group itself is large enough.
    func hides(_ id: String, _ n: Int) -> Bool {
      hidden.contains(id) || (n > 0 && n < playbook.minGroupSize)
    }
    for (k, q) in playbook.questions.enumerated() {
      let t = all[k]
      counts[q.id] = t.answered
      if case .text = q.scale {
        if includeText {
          freeText.append(
            hides(q.id, t.texts.count)
              ? SurveyFreeText(question: q.id, answers: [], hidden: true)
              : SurveyFreeText(question: q.id, answers: t.texts.sorted()))
        }
        continue
      }
      if hides(q.id, t.answered) {
        var score = SurveyQuestionScore(
          id: q.id, dimension: q.dimension, type: q.scale.typeName, answered: 0)
        score.hidden = true
        questions.append(score)
        continue
      }
      tallies[q.id] = t
      var score = question(q, t)
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
      dimension(id: d.id, title: d.title, playbook: playbook, tallies: tallies, scores: questions)
    }
    var group = SurveyGroupScore(
      name: name, respondents: members.count, isOther: isOther, dimensions: dimensions,
      questions: questions, level: nil, freeText: freeText)
    group.answerCounts = counts
    return group
  }

  static func numbers(_ answers: [SurveyQuestion.Answer]) -> [Double] {
    answers.compactMap {
      if case .number(let x) = $0 { return x }
      return nil
    }
  }

  /// The mean of integer answers given as counts per value.
  static func mean(counts: [Int]) -> Double? {
    var n = 0
    var sum = 0.0
    for (v, c) in counts.enumerated() where c > 0 {
      n += c
      sum += Double(v) * Double(c)
    }
    return n == 0 ? nil : sum / Double(n)
  }

  /// The median of integer answers given as counts per value, as
  /// ``Statistics/median(_:)`` computes it (the mean of the two middle
  /// values for an even count), without sorting every answer.
  static func median(counts: [Int]) -> Double? {
    let n = counts.reduce(0, +)
    guard n > 0 else { return nil }
    func kth(_ k: Int) -> Double {
      var seen = 0
      for (v, c) in counts.enumerated() {
        seen += c
        if seen > k { return Double(v) }
      }
      return Double(counts.count - 1)
    }
    let h = Double(n - 1) * 0.5
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, n - 1)
    let a = kth(lo)
    return a + (h - Double(lo)) * (kth(hi) - a)
  }

  static func question(_ q: SurveyQuestion, _ t: Tally) -> SurveyQuestionScore {
    var score = SurveyQuestionScore(
      id: q.id, dimension: q.dimension, type: q.scale.typeName, answered: t.answered)
    func counts(_ labels: [String]) -> [SurveyCount] {
      labels.map { SurveyCount($0, t.chosen[$0] ?? 0) }
    }
    switch q.scale {
    case .likert(let points):
      score.distribution = (1...points).map { SurveyCount(String($0), t.counts[$0]) }
    case .labelled(let labels):
      score.distribution = labels.enumerated().map { SurveyCount($1, t.counts[$0 + 1]) }
    case .single(let options), .multiple(let options, _):
      score.distribution = counts(options)
    case .number:
      score.mean = Statistics.mean(t.xs)
      score.median = Statistics.median(t.xs)
    case .enps:
      score.distribution = (0...10).map { SurveyCount(String($0), t.counts[$0]) }
      let n = t.counts.reduce(0, +)
      if n > 0 {
        let promoters = t.counts[9] + t.counts[10]
        let detractors = t.counts[0...6].reduce(0, +)
        score.enps = 100 * Double(promoters - detractors) / Double(n)
        score.agree = Double(promoters) / Double(n)
      }
    case .trafficLight:
      let c = counts(SurveyQuestion.lights)
      score.distribution = c
      score.lights = SurveyLights(green: c[0].count, yellow: c[1].count, red: c[2].count)
    case .text: break
    }
    switch q.scale {
    case .likert, .labelled, .enps:
      score.mean = mean(counts: t.counts)
      score.median = median(counts: t.counts)
    default: break
    }
    if let points = q.scale.points {
      let n = t.counts.reduce(0, +)
      if n > 0 {
        score.topTwoBox = Double(t.counts[(points - 1)...].reduce(0, +)) / Double(n)
      }
      score.agree = score.topTwoBox
    }
    return score
  }

  static func dimension(
    id: String, title: String, playbook: SurveyPlaybook, tallies: [String: Tally],
    scores: [SurveyQuestionScore]
  ) -> SurveyDimensionScore {
    // A hidden question has no tally: its answers are not pooled either.
    let scaleQuestions = playbook.questions.filter {
      $0.dimension == id && $0.scale.points != nil && tallies[$0.id] != nil
    }
    let widest = scaleQuestions.map { ($0.scale.points ?? 0) + 1 }.max() ?? 0
    var pooled = [Int](repeating: 0, count: widest)
    var top = 0
    var pairs: [(value: Double, weight: Double)] = []
    for q in scaleQuestions {
      guard let t = tallies[q.id], let points = q.scale.points else { continue }
      for (v, c) in t.counts.enumerated() { pooled[v] += c }
      top += t.counts[(points - 1)...].reduce(0, +)
      if let m = mean(counts: t.counts) { pairs.append((m, q.weight)) }
    }
    let answers = pooled.reduce(0, +)
    var distribution: [SurveyCount] = []
    if let firstScale = scaleQuestions.first?.scale,
      scaleQuestions.allSatisfy({ $0.scale == firstScale }), let first = scaleQuestions.first,
      let sample = scores.first(where: { $0.id == first.id })
    {
      distribution = sample.distribution.enumerated().map { i, c in
        SurveyCount(c.label, i + 1 < pooled.count ? pooled[i + 1] : 0)
      }
    }
    return SurveyDimensionScore(
      id: id, title: title, answers: answers, mean: MaturityLadder.weightedMean(pairs),
      median: median(counts: pooled), distribution: distribution,
      topTwoBox: answers == 0 ? nil : Double(top) / Double(answers))
  }
}

extension SurveyQuestionScore {
  init(id: String, dimension: String, type: String, answered: Int) {
    self.init(
      id: id, dimension: dimension, type: type, answered: answered, mean: nil, median: nil,
      distribution: [], topTwoBox: nil, enps: nil, lights: nil)
  }
}
