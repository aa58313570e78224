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
    let sorted = existing.mapValues { $0.sorted { $0.position < $1.position } }
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
      let ranges = sorted[copy.fromRun] ?? []
      var at = copy.from
      let end = copy.from + copy.count
      while at < end {
        let to = copy.to + (at - copy.from)
        // The reference covering `at`, or the next one after it, found by
        // bisection: a long chain of re-runs can leave one per file.
        let after = Self.firstIndex(in: ranges, after: at)
        let covering = after > 0 ? ranges[after - 1] : nil
        if let covering, at < covering.position + covering.count {
          let length = min(end, covering.position + covering.count) - at
          append(
            ResultReuse(
              position: to, count: length, fromRun: covering.fromRun,
              fromPosition: covering.fromPosition + (at - covering.position)))
          at += length
        } else {
          let next = after < ranges.count ? ranges[after].position : end
          let length = min(end, next) - at
          append(ResultReuse(position: to, count: length, fromRun: copy.fromRun, fromPosition: at))
          at += length
        }
      }
    }
    return out
  }

  /// The index of the first of `ranges` (sorted by position) that starts
  /// after `position`.
  static func firstIndex(in ranges: [ResultReuse], after position: Int) -> Int {
    var low = 0
    var high = ranges.count
    while low < high {
      let mid = (low + high) / 2
      if ranges[mid].position <= position { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// Refuses references no steward writes: an empty or negative range, one
  /// past what a position can hold, or two that overlap. A tampered store
  /// is said, not read (a huge count overflowed the arithmetic below).
  static func checked(_ references: [ResultReuse], run id: Int64, path: String) throws
    -> [ResultReuse]
  {
    let sorted = references.sorted { $0.position < $1.position }
    var end = 0
    for r in sorted {
      guard r.count > 0, r.position >= 0, r.fromPosition >= 0,
        r.position <= Int(Int32.max) - r.count, r.fromPosition <= Int(Int32.max) - r.count,
        r.position >= end
      else {
        throw HistoryError(
          path: path,
          "the history store is inconsistent: run \(id) has a reference out of range (positions \(r.position) +\(r.count) from run \(r.fromRun) at \(r.fromPosition)); it cannot be read"
        )
      }
      end = r.position + r.count
    }
    return sorted
  }

  /// A run's rows by position: its `own`, and for each of its references
  /// the rows that `fetch(run, from, end)` reads from the run it names
  /// (positions `from..<end` there), moved to their positions in this
  /// run. Each run referred to is read once, over the span of its
  /// references. The positions come out strictly increasing, and within
  /// `0..<count` (`count` is the run's `result_count`), or the store is
  /// said to be inconsistent: a run is read whole or not at all.
  static func rows<T>(
    own: [(Int, T)], references: [ResultReuse], run id: Int64, count: Int, path: String,
    fetch: (Int64, Int, Int) throws -> [(Int, T)]
  ) throws -> [(Int, T)] {
    var all = own
    if !references.isEmpty {
      let checked = try checked(references, run: id, path: path)
      for from in Set(checked.map(\.fromRun)).sorted() {
        let mine = checked.filter { $0.fromRun == from }.sorted {
          $0.fromPosition < $1.fromPosition
        }
        let low = mine.map(\.fromPosition).min() ?? 0
        let high = mine.map { $0.fromPosition + $0.count }.max() ?? 0
        let rows = try fetch(from, low, high)
        // Rows by position there, for each reference's slice.
        var index: [Int: Int] = [:]
        index.reserveCapacity(rows.count)
        for (n, row) in rows.enumerated() { index[row.0] = n }
        for reference in mine {
          for at in reference.fromPosition..<(reference.fromPosition + reference.count) {
            guard let n = index[at] else { continue }
            all.append((at - reference.fromPosition + reference.position, rows[n].1))
          }
        }
      }
      all.sort { $0.0 < $1.0 }
    }
    var previous = -1
    for row in all {
      guard row.0 > previous, row.0 < count else {
        throw HistoryError(
          path: path,
          "the history store is inconsistent: run \(id) has \(row.0 <= previous ? "two results at position \(row.0)" : "a result at position \(row.0), past its \(count)"); it cannot be read"
        )
      }
      previous = row.0
    }
    return all
  }

  /// A run's results, checked to be all of them: one at every position
  /// from 0 to its `result_count`.
  static func whole(
    _ resolved: (rows: [(Int, ResultRecord)], count: Int), run id: Int64, path: String
  ) throws -> [ResultRecord] {
    guard resolved.rows.count == resolved.count else {
      throw HistoryError(
        path: path,
        "the history store is inconsistent: run \(id) has \(resolved.rows.count) of its \(resolved.count) results; it cannot be read"
      )
    }
    return resolved.rows.map(\.1)
  }

  /// The statements, the same on both stores, that give every run referring
  /// to run `id`'s results rows and keys of its own and drop the
  /// references, so that `id` can be deleted (a survey wave recorded again
  /// replaces its run) without taking anything from them.
  static func materializing(run id: Int64) -> [String] {
    let columns = [
      "subject", "check_id", "status", "severity", "message", "location", "fingerprint",
    ]
    return [
      """
      INSERT INTO result (run_id, position, \(columns.joined(separator: ", ")))
      SELECT u.run_id, u.position + r.position - u.from_position, \(
        columns.map { "r." + $0 }.joined(separator: ", "))
      FROM result_reuse u JOIN result r ON r.run_id = u.from_run
        AND r.position >= u.from_position AND r.position < u.from_position + u.count
      WHERE u.from_run = \(id)
      """,
      """
      INSERT INTO result_key (run_id, position, dep_key, detail)
      SELECT u.run_id, u.position + k.position - u.from_position, k.dep_key, k.detail
      FROM result_reuse u JOIN result_key k ON k.run_id = u.from_run
        AND k.position >= u.from_position AND k.position < u.from_position + u.count
      WHERE u.from_run = \(id)
      """,
      "DELETE FROM result_reuse WHERE from_run = \(id)",
    ]
  }

  /// What the integrity check asks of the references, the same SQL on both
  /// stores: each query lists the runs with the problem named. Positions
  /// are summed as 64-bit numbers, so a huge count is found, not overflowed.
  static let integrityChecks: [(sql: String, problem: String)] = [
    (
      """
      SELECT DISTINCT run_id FROM result_reuse
      WHERE count <= 0 OR position < 0 OR from_position < 0
        OR CAST(position AS BIGINT) + count
          > (SELECT result_count FROM run WHERE run.id = result_reuse.run_id)
        OR CAST(from_position AS BIGINT) + count
          > (SELECT result_count FROM run WHERE run.id = result_reuse.from_run)
      ORDER BY run_id
      """,
      "has a reference out of range"
    ),
    (
      """
      SELECT DISTINCT a.run_id FROM result_reuse a JOIN result_reuse b
        ON a.run_id = b.run_id AND a.position < b.position
        AND CAST(a.position AS BIGINT) + a.count > b.position
      ORDER BY a.run_id
      """,
      "has references that overlap"
    ),
    (
      """
      SELECT DISTINCT u.run_id FROM result_reuse u JOIN result r
        ON r.run_id = u.run_id AND r.position >= u.position
        AND r.position < CAST(u.position AS BIGINT) + u.count
      ORDER BY u.run_id
      """,
      "has a result of its own where a reference is"
    ),
    (
      "SELECT DISTINCT run_id FROM result_reuse WHERE from_run = run_id ORDER BY run_id",
      "refers to itself"
    ),
  ]
}
