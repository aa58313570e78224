import StewardCore

/// Scores survey responses into a ``SurveyReport``.
///
/// ```swift
/// let playbook = try SurveyPlaybook.load(header: header, path: path)
/// let responses = try SurveyResponses.load(for: playbook)
/// let report = SurveyScorer.score(playbook, responses)
/// print(SurveyTextReporter().render(report))
/// ```
///
/// Anonymity is applied here, before any format sees the data: per grouping
/// column, groups with fewer than `min_group_size` respondents fold into
/// "other"; when "other" is itself too small it is left out and counted as
/// suppressed. Free text is listed (sorted, without metadata) only for
/// everyone together and for the reported groups of the first grouping
/// column: listing it under two groupings would let a reader intersect, say,
/// a team and a role down to one person.
public enum SurveyScorer {
  /// The name of the group that small groups fold into.
  public static let otherGroup = "other"
  /// The name of the group of respondents with a blank grouping column.
  public static let blankGroup = "(blank)"

  /// Scores `responses` against `previous`, a report of the last run scored
  /// in memory (tests); `steward run` passes a ``SurveyBaseline`` from the store.
  public static func score(
    _ playbook: SurveyPlaybook, _ responses: SurveyResponses, previous: SurveyReport?
  ) -> SurveyReport {
    score(playbook, responses, baseline: previous.map { SurveyBaseline(report: $0) })
  }

  /// Scores `responses`; `baseline` (the previous run of the same playbook)
  /// gives every group its trend, unless the questions changed since.
  public static func score(
    _ playbook: SurveyPlaybook, _ responses: SurveyResponses, baseline: SurveyBaseline? = nil
  ) -> SurveyReport {
    let all = responses.responses
    let minimum = playbook.minGroupSize
    let rubric = SurveyRubric.hash(playbook)
    var previousRun: SurveyPreviousRun?
    var compared: SurveyBaseline?
    if let baseline {
      let changed = baseline.rubricHash != rubric
      previousRun = SurveyPreviousRun(
        run: baseline.run, startedAt: baseline.startedAt, period: baseline.period,
        rubricChanged: changed)
      if !changed { compared = baseline }
    }
    var levelScorer = SurveyLevelScorer(playbook: playbook)
    func group(
      _ name: String, subject: String, _ members: [SurveyResponse], isOther: Bool, text: Bool,
      hidden: Set<String> = []
    ) -> SurveyGroupScore {
      var score = SurveyGroupStatistics.score(
        name: name, members: members, playbook: playbook, isOther: isOther, includeText: text,
        previous: compared?.groups[subject], hidden: hidden)
      score.level = levelScorer.level(for: score, members: members)
      if let compared {
        score.trend = SurveyTrends.trend(
          of: score, since: compared.groups[subject], levels: playbook.levels.map(\.id))
      }
      return score
    }
    let overall =
      all.count >= minimum
      ? group("all", subject: SurveyMetrics.allSubject, all, isOther: false, text: true) : nil
    var groupings: [SurveyGrouping] = []
    for (index, column) in playbook.groups.enumerated() {
      var buckets: [String: [SurveyResponse]] = [:]
      let position = playbook.metadataColumns.firstIndex(of: column)
      for r in all {
        let value = position.map { r.metadataValues[$0] } ?? ""
        buckets[value.isEmpty ? blankGroup : value, default: []].append(r)
      }
      var large: [String] = []
      var folded: [SurveyResponse] = []
      for name in buckets.keys.sorted() {
        let members = buckets[name] ?? []
        if members.count < minimum || name == otherGroup {
          folded += members
        } else {
          large.append(name)
        }
      }
      // Differencing: everyone minus the reported groups is "other". When
      // "other" is too small to report, it could still be computed by
      // subtraction, so the smallest reported group (the last by name on a
      // tie) joins it until "other" is large enough. Nothing is then hidden
      // that subtraction could recover. With no reported group left, everyone
      // is below the threshold and nothing is reported at all.
      var joined: [String] = []
      while !folded.isEmpty, folded.count < minimum, !large.isEmpty {
        let smallest = large.enumerated().min { a, b in
          let (ca, cb) = (buckets[a.element]?.count ?? 0, buckets[b.element]?.count ?? 0)
          return ca != cb ? ca < cb : a.element > b.element
        }
        guard let smallest else { break }
        large.remove(at: smallest.offset)
        joined.append(smallest.element)
        folded += buckets[smallest.element] ?? []
      }
      var reported = large.map { name in
        group(
          name, subject: SurveyMetrics.subject(column, name), buckets[name] ?? [], isOther: false,
          text: index == 0)
      }
      var suppressed = 0
      var members = large.map { buckets[$0] ?? [] }
      if folded.count >= minimum {
        folded.sort { $0.line < $1.line }
        members.append(folded)
        reported.append(
          group(
            otherGroup, subject: SurveyMetrics.subject(column, otherGroup), folded, isOther: true,
            text: index == 0))
      } else {
        suppressed = folded.count
      }
      for (i, hidden) in hiddenByDifference(reported, playbook: playbook) {
        let name = reported[i].name
        reported[i] = group(
          name, subject: SurveyMetrics.subject(column, name), members[i],
          isOther: reported[i].isOther, text: index == 0, hidden: hidden)
      }
      groupings.append(
        SurveyGrouping(
          column: column, groups: reported, suppressed: suppressed, joinedOther: joined.sorted()))
    }
    if let roster = playbook.roster {
      for i in groupings.indices where groupings[i].column == roster.column {
        roster.apply(to: &groupings[i], minimum: minimum)
      }
    }
    let method: String
    switch playbook.method {
    case .rules: method = "rules"
    case .weighted: method = "weighted"
    case .lua(let plugin, let scorer, _): method = "lua:\(plugin).\(scorer)"
    }
    return SurveyReport(
      playbook: playbook.header.name, title: playbook.header.title ?? playbook.header.name,
      respondents: all.count, dropped: responses.dropped, minGroupSize: minimum,
      method: method, overall: overall, groupings: groupings,
      warnings: responses.warnings + levelScorer.setupProblems, rubricHash: rubric,
      previous: previousRun)
  }

  /// Differencing per question: the answers a grouping hides (in groups
  /// where too few answered) must be none or at least `min_group_size`, or
  /// everyone's figures minus the shown groups' give them back. While they
  /// are 1 to `min_group_size` − 1, the question is also hidden in the group
  /// with the fewest answers to it (the last by name on a tie). Returns, by
  /// group index, the questions to hide there as well.
  static func hiddenByDifference(_ groups: [SurveyGroupScore], playbook: SurveyPlaybook)
    -> [Int: Set<String>]
  {
    var extra: [Int: Set<String>] = [:]
    for q in playbook.questions {
      let counts = groups.map { $0.answerCounts[q.id] ?? 0 }
      var hidden = groups.map { g in
        g.questions.first { $0.id == q.id }?.hidden
          ?? g.freeText.first { $0.question == q.id }?.hidden ?? false
      }
      if case .text = q.scale, groups.allSatisfy({ $0.freeText.isEmpty }) { continue }
      func total() -> Int { zip(counts, hidden).reduce(0) { $0 + ($1.1 ? $1.0 : 0) } }
      while (1..<playbook.minGroupSize).contains(total()) {
        let candidates = groups.indices.filter { !hidden[$0] && counts[$0] > 0 }
        guard
          let smallest = candidates.min(by: { a, b in
            counts[a] != counts[b] ? counts[a] < counts[b] : groups[a].name > groups[b].name
          })
        else { break }
        hidden[smallest] = true
        extra[smallest, default: []].insert(q.id)
      }
    }
    return extra
  }
}
