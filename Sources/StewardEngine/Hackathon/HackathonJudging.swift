public import StewardCore

/// Judging: weighted criteria, several judges, each judge's totals turned into
/// z-scores so that a harsh judge weighs the same as a generous one.
///
/// For judge *j* and project *p*, the raw total is the weighted mean of the
/// criteria, `raw = Σ wᵢ·sᵢ / Σ wᵢ`. Each judge's raw totals are standardised
/// over the projects that judge scored, `z = (raw − mean) / sd` with the
/// population standard deviation (a judge who gives everyone the same total
/// has no opinion to weigh: z = 0). A project's score is the mean of its z
/// over the judges who scored it; ranks are competition ranks, so equal
/// scores share a rank and the next rank skips (1, 2, 2, 4).
public enum HackathonJudging {
  public struct Criterion: Sendable, Equatable {
    public var id: String
    public var title: String
    public var weight: Double
    public var min: Double
    public var max: Double
  }

  /// One judge's scores of one project, by criterion id.
  public struct Score: Sendable, Equatable {
    public var judge: String
    public var project: String
    public var values: [String: Double]
    public var mark: SourceMark

    public init(
      judge: String, project: String, values: [String: Double], mark: SourceMark = .unknown
    ) {
      self.judge = judge
      self.project = project
      self.values = values
      self.mark = mark
    }
  }

  public struct Ranked: Sendable, Equatable {
    public var project: String
    public var score: Double
    public var rank: Int
    /// Each judge's raw total and z-score for this project.
    public var byJudge: [(judge: String, raw: Double, z: Double)]

    public static func == (a: Ranked, b: Ranked) -> Bool {
      a.project == b.project && a.score == b.score && a.rank == b.rank
        && a.byJudge.map(\.judge) == b.byJudge.map(\.judge)
        && a.byJudge.map(\.raw) == b.byJudge.map(\.raw) && a.byJudge.map(\.z) == b.byJudge.map(\.z)
    }
  }

  /// Two scores closer than this are a tie (they differ only by rounding).
  static let tieTolerance = 1e-9

  public static func rawTotal(_ values: [String: Double], criteria: [Criterion]) -> Double {
    let weight = criteria.reduce(0) { $0 + $1.weight }
    guard weight > 0 else { return 0 }
    return criteria.reduce(0) { $0 + $1.weight * (values[$1.id] ?? 0) } / weight
  }

  /// Ranks the projects that were scored, best first; projects in `order`
  /// break no ties, they only fix the order of tied projects.
  public static func rank(_ scores: [Score], criteria: [Criterion], order: [String]) -> [Ranked] {
    var judges: [String] = []
    for s in scores where !judges.contains(s.judge) { judges.append(s.judge) }
    var perProject: [String: [(judge: String, raw: Double, z: Double)]] = [:]
    for judge in judges {
      let own = scores.filter { $0.judge == judge }
      let raws = own.map { rawTotal($0.values, criteria: criteria) }
      let mean = raws.reduce(0, +) / Double(raws.count)
      let variance = raws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(raws.count)
      let sd = variance.squareRoot()
      for (s, raw) in zip(own, raws) {
        let z = sd > tieTolerance ? (raw - mean) / sd : 0
        perProject[s.project, default: []].append((judge, raw, z))
      }
    }
    var ranked: [Ranked] = perProject.map { project, rows in
      Ranked(
        project: project, score: rows.reduce(0) { $0 + $1.z } / Double(rows.count), rank: 0,
        byJudge: rows)
    }
    func position(_ id: String) -> Int { order.firstIndex(of: id) ?? Int.max }
    ranked.sort {
      if abs($0.score - $1.score) > tieTolerance { return $0.score > $1.score }
      return position($0.project) < position($1.project)
    }
    for i in ranked.indices {
      if i > 0, abs(ranked[i].score - ranked[i - 1].score) <= tieTolerance {
        ranked[i].rank = ranked[i - 1].rank
      } else {
        ranked[i].rank = i + 1
      }
    }
    return ranked
  }
}
