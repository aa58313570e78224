import Foundation
public import StewardCore
import StewardYAML

/// The findings of an earlier run of the same playbook (`--baseline FILE`,
/// a JSON report, or `--baseline-run RUN` from the history): a run then
/// fails the gate only on findings that are not among them, and lists the
/// ones that are gone as fixed (decision 0041).
///
/// A finding is a failure, an error or a waived result, keyed by its check,
/// its subject and its ``CheckResult/fingerprint``, which no line number
/// takes part in: a card whose lines moved keeps its findings.
///
/// A baseline is not a waiver (decision 0045): only an entry that was a
/// failure covers a result, only a failure is covered, and never one of a
/// `waivable: false` check. The file is trusted like the playbook: whoever
/// can write an entry can hide a failure, so it is reviewed in the PR.
public struct Baseline: Sendable {
  public struct Entry: Sendable, Hashable {
    public var check: String
    public var subject: String
    /// What the result was then: `fail`, `error` or `waived`. Only `fail`
    /// covers: a waived entry would outlive its waiver's expiry.
    public var status: String
    public var path: String?
    public var fingerprint: String
    public var message: String

    var key: String { Baseline.key(check, subject, fingerprint) }
  }

  /// Where it was read, for reports: `gate.json`, or `run 12 of PATH`.
  public var source: String
  /// The file the warnings about it point at: the report or the store.
  public var mark: SourceMark
  public var playbook: String
  public var entries: [Entry]

  static func key(_ check: String, _ subject: String, _ fingerprint: String) -> String {
    check + "\u{0}" + subject + "\u{0}" + fingerprint
  }

  static let findings: Set<String> = ["fail", "error", "waived"]

  /// A fingerprint as steward writes it: 64 lowercase hex digits.
  static func wellFormed(_ fingerprint: String) -> Bool {
    fingerprint.utf8.count == 64
      && fingerprint.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }

  /// Reads a JSON report; every problem is at its place in the file (A042).
  public static func read(file path: String) throws -> Baseline {
    func problem(_ mark: SourceMark, _ message: String) -> Diagnostic {
      Diagnostic(at: mark, code: "A042", "baseline \(path): \(message)")
    }
    let top = SourceMark(file: path, line: 1, column: 1)
    guard FileManager.default.fileExists(atPath: path) else {
      throw PlaybookError([
        Diagnostic(
          at: SourceMark(file: path, line: 0, column: 0), code: "A042",
          "no baseline report at \(path) (write one with --format json or --report json=FILE)")
      ])
    }
    // The loader refuses a folder, a FIFO or a device (Y016) before it
    // reads, so a baseline cannot hold the run.
    let documents = try DocumentLoader.load(path: path)
    guard let report = documents.first, report.map != nil else {
      throw PlaybookError([problem(top, "not a JSON report of an audit (an object)")])
    }
    guard report["kind"]?.string == "audit" else {
      throw PlaybookError([
        problem(
          report["kind"]?.mark ?? report.mark, "not the JSON report of an audit (kind: audit)")
      ])
    }
    guard let playbook = report["playbook"]?["name"]?.string else {
      throw PlaybookError([
        problem(
          report["playbook"]?.mark ?? report.mark, "the report names no playbook (playbook.name)")
      ])
    }
    guard let results = report["results"]?.list else {
      throw PlaybookError([
        problem(report["results"]?.mark ?? report.mark, "the report has no results list")
      ])
    }
    var entries: [Entry] = []
    let statuses = Set(CheckStatus.allCases.map(\.rawValue))
    for result in results {
      guard let check = result["check"]?.string, let subject = result["subject"]?.string,
        let status = result["status"]?.string
      else {
        throw PlaybookError([
          problem(result.mark, "a result needs check, subject and status strings")
        ])
      }
      // A mistyped status would otherwise drop the entry, or keep it, quietly.
      guard statuses.contains(status) else {
        throw PlaybookError([
          problem(
            result["status"]?.mark ?? result.mark,
            "\"\(status)\" is no status (\(statuses.sorted().joined(separator: ", ")))")
        ])
      }
      guard findings.contains(status) else { continue }
      // Never computed from the entry's other fields: an entry written by
      // hand then hid a new failure of a new subject. Every finding steward
      // reports carries its fingerprint.
      guard let given = result["fingerprint"], let fingerprint = given.string,
        wellFormed(fingerprint)
      else {
        throw PlaybookError([
          problem(
            result["fingerprint"]?.mark ?? result.mark,
            "the \(status) result of \(check) on \(subject) needs its fingerprint "
              + "(64 lowercase hex digits, as steward writes it); write the baseline again with --report json=FILE"
          )
        ])
      }
      entries.append(
        Entry(
          check: check, subject: subject, status: status, path: result["path"]?.string,
          fingerprint: fingerprint, message: result["message"]?.string ?? ""))
    }
    return Baseline(
      source: path, mark: SourceMark(file: path, line: 0, column: 0), playbook: playbook,
      entries: entries)
  }

  /// Reads run `id` of the history store at `store`; the store must exist.
  public static func read(run id: String, store: String) throws -> Baseline {
    func problem(_ message: String) -> PlaybookError {
      PlaybookError([
        Diagnostic(
          at: SourceMark(file: HistoryStores.shown(store), line: 0, column: 0), code: "A044",
          "--baseline-run \(id): \(message)")
      ])
    }
    guard let number = Int64(id), number > 0 else {
      throw problem("a run is named by its number (steward history lists them)")
    }
    guard HistoryStores.exists(store) else {
      throw problem("there is no history store at \(HistoryStores.shown(store))")
    }
    let history = try HistoryStores.open(store, createFolder: false, reading: true)
    guard let run = try history.runs(playbook: nil, limit: nil).first(where: { $0.id == number })
    else { throw problem("no run \(id) in \(HistoryStores.shown(store))") }
    guard run.kind == "audit" else {
      throw problem("run \(id) is \(English.withArticle(run.kind)), not an audit")
    }
    var entries: [Entry] = []
    for row in try history.results(ofRun: number) where findings.contains(row.status) {
      guard wellFormed(row.fingerprint) else {
        throw problem(
          "run \(id) was recorded without fingerprints (by an older steward); write a new baseline with --report json=FILE"
        )
      }
      entries.append(
        Entry(
          check: row.check, subject: row.subject, status: row.status, path: nil,
          fingerprint: row.fingerprint, message: row.message))
    }
    return Baseline(
      source: "run \(id) of \(HistoryStores.shown(store))",
      // Shown as the store is everywhere: a PostgreSQL URL's password masked.
      mark: SourceMark(file: HistoryStores.shown(store), line: 0, column: 0),
      playbook: run.playbook, entries: entries)
  }

  /// Refuses a baseline of another playbook (A043): its findings would be
  /// matched against checks that mean something else, hiding new ones.
  public func check(playbook name: String, at mark: SourceMark) throws {
    guard playbook == name else {
      throw PlaybookError([
        Diagnostic(
          at: mark, code: "A043",
          "the baseline (\(source)) is a report of playbook \"\(playbook)\", not of \"\(name)\"; "
            + "a baseline from another playbook would hide findings or invent fixed ones")
      ])
    }
  }
}

/// What a run made of its baseline, for the reports.
public struct BaselineOutcome: Sendable {
  public var source: String
  /// Findings the gate counts that the baseline does not hold.
  public var new: Int
  /// Findings the baseline holds (reported, not counted by the gate).
  public var unchanged: Int
  /// The baseline's findings this run no longer has.
  public var fixed: [Baseline.Entry]
}

extension AuditRunner {
  /// Marks the failures the baseline covers, finds the baseline's findings
  /// that are gone, and says both as warnings: W017 for what it covers, per
  /// check, W018 for what it holds and cannot cover. Entries of a check this
  /// run left out (`--only`, `--skip`) are not judged: neither fixed nor kept.
  ///
  /// A result is covered only when it is a failure, its check is waivable,
  /// and an entry that was a failure has its key. Errors always count: a
  /// check that breaks on every card would otherwise be silenced for good.
  func apply(_ baseline: Baseline, to results: inout [CheckResult]) -> (
    BaselineOutcome, [Diagnostic]
  ) {
    var held: [String: Set<String>] = [:]
    for entry in baseline.entries { held[entry.key, default: []].insert(entry.status) }
    let fixedChecks = Set(playbook.checks.filter { !$0.waivable }.map(\.id))
    var present: Set<String> = []
    var new = 0
    var unchanged = 0
    // What each held result came to: covered (no reason) or counted and why.
    var notes: [(check: String, why: String?, subject: String)] = []
    for i in results.indices
    where results[i].status == .fail || results[i].status == .error
      || results[i].status == .waived
    {
      let key = Baseline.key(results[i].checkID, results[i].subjectID, results[i].fingerprint)
      guard let statuses = held[key] else {
        if results[i].status != .waived { new += 1 }
        continue
      }
      present.insert(key)
      guard results[i].status != .waived else { continue }
      let why: String? =
        results[i].status == .error
        ? "they are errors, and a baseline covers no error"
        : fixedChecks.contains(results[i].checkID)
          ? "the check is waivable: false, and a baseline covers none of its failures"
          : statuses.contains("fail")
            ? nil
            : "they were \(statuses.sorted().joined(separator: " or ")) then, "
              + "and a baseline covers only failures"
      results[i].inBaseline = why == nil
      if why == nil { unchanged += 1 } else { new += 1 }
      notes.append((results[i].checkID, why, results[i].subjectID))
    }
    let ran = Set(selectedChecks.map(\.id))
    var seen: Set<String> = []
    let fixed = baseline.entries.filter { entry in
      ran.contains(entry.check) && !present.contains(entry.key) && seen.insert(entry.key).inserted
    }
    let source = baseline.source
    // Said on every run, in every format, like a `*` waiver (W015): each
    // covered failure is one the gate does not see.
    var groups: [(check: String, why: String?, subjects: [String])] = []
    var group: [String: Int] = [:]
    for note in notes {
      let key = note.check + "\u{0}" + (note.why ?? "")
      if let at = group[key] {
        groups[at].subjects.append(note.subject)
      } else {
        group[key] = groups.count
        groups.append((note.check, note.why, [note.subject]))
      }
    }
    let warnings = groups.map { g in
      guard let why = g.why else {
        return Diagnostic(
          .warning, at: baseline.mark, code: "W017",
          "baseline \(source) covers \(Self.count(g.subjects.count, "failure")) of \(g.check), "
            + "not counted by the gate: \(Self.list(g.subjects))")
      }
      return Diagnostic(
        .warning, at: baseline.mark, code: "W018",
        "baseline \(source) holds \(Self.count(g.subjects.count, "result")) of \(g.check) "
          + "that still \(g.subjects.count == 1 ? "counts" : "count") (\(why)): "
          + Self.list(g.subjects))
    }
    return (
      BaselineOutcome(source: source, new: new, unchanged: unchanged, fixed: fixed), warnings
    )
  }

  /// "1 failure", "3 failures".
  static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

  /// The first subjects and how many more: a warning stays one line over
  /// a large inventory, and each result is marked in the report.
  static func list(_ subjects: [String]) -> String {
    let shown = 10
    return subjects.prefix(shown).joined(separator: ", ")
      + (subjects.count > shown ? " and \(subjects.count - shown) more" : "")
  }
}
