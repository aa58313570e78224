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
public struct Baseline: Sendable {
  public struct Entry: Sendable, Hashable {
    public var check: String
    public var subject: String
    public var path: String?
    public var fingerprint: String
    public var message: String

    var key: String { Baseline.key(check, subject, fingerprint) }
  }

  /// Where it was read, for reports: `gate.json`, or `run 12 of PATH`.
  public var source: String
  public var playbook: String
  public var entries: [Entry]

  static func key(_ check: String, _ subject: String, _ fingerprint: String) -> String {
    check + "\u{0}" + subject + "\u{0}" + fingerprint
  }

  static let findings: Set<String> = ["fail", "error", "waived"]

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
    for result in results {
      guard let check = result["check"]?.string, let subject = result["subject"]?.string,
        let status = result["status"]?.string
      else {
        throw PlaybookError([
          problem(result.mark, "a result needs check, subject and status strings")
        ])
      }
      guard findings.contains(status) else { continue }
      let path = result["path"]?.string
      let message = result["message"]?.string ?? ""
      var fingerprint = result["fingerprint"]?.string
      if let given = result["fingerprint"], fingerprint == nil || fingerprint?.count != 64 {
        throw PlaybookError([problem(given.mark, "a fingerprint is 64 hex digits")])
      }
      // A report written before fingerprints were: the same hash, from the
      // same fields of the report.
      fingerprint =
        fingerprint
        ?? CheckResult.fingerprint(
          check: check, subject: subject, path: path, evidence: result["evidence"] ?? .null,
          message: message)
      entries.append(
        Entry(
          check: check, subject: subject, path: path, fingerprint: fingerprint ?? "",
          message: message))
    }
    return Baseline(source: path, playbook: playbook, entries: entries)
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
    let history = try HistoryStores.open(store, createFolder: false)
    guard let run = try history.runs(playbook: nil, limit: nil).first(where: { $0.id == number })
    else { throw problem("no run \(id) in \(HistoryStores.shown(store))") }
    guard run.kind == "audit" else {
      throw problem("run \(id) is \(English.withArticle(run.kind)), not an audit")
    }
    var entries: [Entry] = []
    for row in try history.results(ofRun: number) where findings.contains(row.status) {
      guard row.fingerprint.count == 64 else {
        throw problem(
          "run \(id) was recorded without fingerprints (by an older steward); use --baseline with its JSON report"
        )
      }
      entries.append(
        Entry(
          check: row.check, subject: row.subject, path: nil, fingerprint: row.fingerprint,
          message: row.message))
    }
    return Baseline(
      source: "run \(id) of \(HistoryStores.shown(store))", playbook: run.playbook, entries: entries
    )
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
  /// Marks the failures and errors the baseline holds, and finds the
  /// baseline's findings that are gone. Those of a check this run left out
  /// (`--only`, `--skip`) are not judged: they are neither fixed nor kept.
  func apply(_ baseline: Baseline, to results: inout [CheckResult]) -> BaselineOutcome {
    let known = Set(baseline.entries.map(\.key))
    var present: Set<String> = []
    var new = 0
    var unchanged = 0
    for i in results.indices
    where results[i].status == .fail || results[i].status == .error
      || results[i].status == .waived
    {
      let key = Baseline.key(results[i].checkID, results[i].subjectID, results[i].fingerprint)
      let held = known.contains(key)
      if held { present.insert(key) }
      guard results[i].status != .waived else { continue }
      results[i].inBaseline = held
      if held { unchanged += 1 } else { new += 1 }
    }
    let ran = Set(selectedChecks.map(\.id))
    var seen: Set<String> = []
    let fixed = baseline.entries.filter { entry in
      ran.contains(entry.check) && !present.contains(entry.key) && seen.insert(entry.key).inserted
    }
    return BaselineOutcome(source: baseline.source, new: new, unchanged: unchanged, fixed: fixed)
  }
}
