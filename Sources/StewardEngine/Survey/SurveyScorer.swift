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

  /// Scores `responses`; `previous` (the last run's report) gives the
  /// traffic-light trends.
  public static func score(
    _ playbook: SurveyPlaybook, _ responses: SurveyResponses, previous: SurveyReport? = nil
  ) -> SurveyReport {
    let all = responses.responses
    let minimum = playbook.minGroupSize
    var levelScorer = SurveyLevelScorer(playbook: playbook)
    func group(
      _ name: String, _ members: [SurveyResponse], isOther: Bool, text: Bool,
      previous: SurveyGroupScore?
    )
      -> SurveyGroupScore
    {
      var score = SurveyGroupStatistics.score(
        name: name, members: members, playbook: playbook, isOther: isOther, includeText: text,
        previous: previous)
      score.level = levelScorer.level(for: score, members: members)
      return score
    }
    let overall =
      all.count >= minimum
      ? group("all", all, isOther: false, text: true, previous: previous?.overall) : nil
    var groupings: [SurveyGrouping] = []
    for (index, column) in playbook.groups.enumerated() {
      var buckets: [String: [SurveyResponse]] = [:]
      for r in all {
        let value = r.metadata[column] ?? ""
        buckets[value.isEmpty ? blankGroup : value, default: []].append(r)
      }
      var reported: [SurveyGroupScore] = []
      var folded: [SurveyResponse] = []
      let before = previous?.groupings.first { $0.column == column }
      for name in buckets.keys.sorted() {
        let members = buckets[name] ?? []
        if members.count < minimum || name == otherGroup {
          folded += members
          continue
        }
        reported.append(
          group(
            name, members, isOther: false, text: index == 0,
            previous: before?.groups.first { $0.name == name }))
      }
      var suppressed = 0
      if folded.count >= minimum {
        folded.sort { $0.line < $1.line }
        reported.append(
          group(
            otherGroup, folded, isOther: true, text: index == 0,
            previous: before?.groups.first { $0.name == otherGroup }))
      } else {
        suppressed = folded.count
      }
      groupings.append(SurveyGrouping(column: column, groups: reported, suppressed: suppressed))
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
      warnings: responses.warnings + levelScorer.setupProblems)
  }
}
