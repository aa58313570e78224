/// Reused results recorded by reference (decision 0047): a range of a run's
/// positions whose result rows, and key rows, are those of another run at
/// other positions. An `--incremental` run that reused 9,900 of 10,000
/// cards used to copy 140,000 rows and 25 MB of details inside the store,
/// which took two thirds of the run; a reference is one row per range.
///
/// A reference always names the run that holds the rows themselves: reusing
/// a run's reused results points at their origin, so a chain of incremental
/// runs never makes a chain of references.
public struct ResultReuse: Sendable, Equatable {
  /// The first position in the run recorded, and how many follow.
  public var position: Int
  public var count: Int
  /// The run that holds the rows, and the first one's position there.
  public var fromRun: Int64
  public var fromPosition: Int

  public init(position: Int, count: Int, fromRun: Int64, fromPosition: Int) {
    self.position = position
    self.count = count
    self.fromRun = fromRun
    self.fromPosition = fromPosition
  }

  /// The references that record `copies`, given the references each run
  /// they copy from already has (by run id, in any order): each copy is
  /// followed to the run that holds its rows, split where it spans both
  /// rows and references, and neighbours that continue each other are
  /// merged, so that a run reusing 9,900 cards in a row needs one reference.
  public static func resolve(_ copies: [ResultCopy], existing: [Int64: [ResultReuse]])
    -> [ResultReuse]
  {
    var out: [ResultReuse] = []
    func append(_ piece: ResultReuse) {
      if var last = out.last, last.fromRun == piece.fromRun,
        last.position + last.count == piece.position,
        last.fromPosition + last.count == piece.fromPosition
      {
        last.count += piece.count
        out[out.count - 1] = last
      } else {
        out.append(piece)
      }
    }
    for copy in copies.sorted(by: { $0.to < $1.to }) where copy.count > 0 {
      let ranges = (existing[copy.fromRun] ?? []).sorted { $0.position < $1.position }
      var at = copy.from
      let end = copy.from + copy.count
      while at < end {
        let to = copy.to + (at - copy.from)
        // The reference covering `at`, or the next one after it.
        if let covering = ranges.last(where: { $0.position <= at }),
          at < covering.position + covering.count
        {
          let length = min(end, covering.position + covering.count) - at
          append(
            ResultReuse(
              position: to, count: length, fromRun: covering.fromRun,
              fromPosition: covering.fromPosition + (at - covering.position)))
          at += length
        } else {
          let next = ranges.first(where: { $0.position > at })?.position ?? end
          let length = min(end, next) - at
          append(ResultReuse(position: to, count: length, fromRun: copy.fromRun, fromPosition: at))
          at += length
        }
      }
    }
    return out
  }

  /// A run's rows by position: its `own`, and for each of its references
  /// the rows `fetch` reads from the run it names (positions there), moved
  /// to their positions in this run.
  static func rows<T>(
    own: [(Int, T)], references: [ResultReuse], fetch: (ResultReuse) throws -> [(Int, T)]
  ) rethrows -> [(Int, T)] {
    guard !references.isEmpty else { return own }
    var all = own
    for reference in references {
      all += try fetch(reference).map {
        ($0.0 - reference.fromPosition + reference.position, $0.1)
      }
    }
    all.sort { $0.0 < $1.0 }
    return all
  }
}
