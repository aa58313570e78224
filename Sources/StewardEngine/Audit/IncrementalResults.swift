import Foundation
import StewardCore
import Synchronization

/// `steward run PLAYBOOK --incremental` (decision 0033): the results of the
/// last recorded run of the playbook, by the key of what they depended on,
/// and the keys of this run.
///
/// A file's results are reused whole when its key is the one recorded with
/// them. The key covers the file's bytes and path, and, for every file
/// alike, the playbook's bytes, its schema's, every plugin's source, the
/// checks run (their ids, sources, parameters, severities, guards and
/// deferrals), the Lua limits, steward's version and, when any check runs
/// Lua (which can read `ctx.today`), the day. Anything unknown is a re-run:
/// a file with an error, a waived result or a missing row is checked again.
/// Waivers are applied afresh on every run, to the results before them.
final class IncrementalResults: Sendable {
  /// What every file's key starts from.
  let key: String
  /// The recorded results of the last run, by file key, in order.
  private let recorded: [String: [Stored]]
  private let checks: [String]
  /// The run whose results are reused, if any.
  let fromRun: Int64?
  private let reusedFiles = Mutex(0)
  var reusedCount: Int { reusedFiles.withLock { $0 } }

  struct Stored: Sendable {
    var result: CheckResult
    var subject: AuditReport.SubjectRef
  }

  /// One file's reused results, with its subjects and hash.
  struct Reused {
    var sha256: String
    var subjects: [AuditReport.SubjectRef]
    var results: [CheckResult]
  }

  init(runner: AuditRunner, store: (any HistoryStore)?) throws {
    let checks = runner.selectedChecks
    self.checks = checks.map(\.id)
    key = try Self.runKey(runner, checks: checks)
    (fromRun, recorded) = try Self.recorded(runner, store: store, checks: checks)
  }

  // MARK: - Keys

  static func runKey(_ runner: AuditRunner, checks: [CheckSpec]) throws -> String {
    let playbook = runner.playbook
    var lines = [
      "steward \(StewardVersion.current)",
      "playbook \(try SHA256.hex(ofFile: playbook.path))",
      "schema \(try playbook.schema.map { try SHA256.hex(ofFile: $0.path) } ?? "none")",
      "limits \(runner.limits)",
    ]
    for plugin in playbook.registry.plugins.sorted(by: { $0.name < $1.name }) {
      lines.append("plugin \(plugin.name) \(SHA256.hex(Array(plugin.source.utf8)))")
    }
    let (deferred, targets) = Worker.deferrals(checks, registry: playbook.registry)
    var readsLua = false
    for check in checks {
      switch check.source {
      case .builtin: readsLua = readsLua || check.when != nil
      case .plugin, .expression: readsLua = true
      }
      let params = JSONText.render(Value(.map(check.params)), pretty: false)
      lines.append(
        "check \(check.id) \(check.source) \(check.severity.rawValue) when \(check.when ?? "-") at \(check.at ?? "-") deferred \(deferred[check.id] ?? false) \(targets[check.id] ?? []) params \(params)"
      )
    }
    // Whether a check read ctx.today is not tracked (the read-only ctx
    // gives no hook): every Lua check is taken to read it.
    if readsLua { lines.append("today \(runner.today)") }
    return SHA256.hex(Array(lines.joined(separator: "\n").utf8))
  }

  static func fileKey(_ runKey: String, path: String, sha256: String) -> String {
    SHA256.hex(Array("\(runKey)\n\(path)\n\(sha256)".utf8))
  }

  // MARK: - Reuse

  /// The recorded results of `file` when its bytes and everything else
  /// they depended on are what they were; nil to check it again.
  func reuse(file: String) -> Reused? {
    guard !recorded.isEmpty, let data = FileManager.default.contents(atPath: file) else {
      return nil
    }
    let sha = SHA256.hex(Array(data))
    guard let stored = recorded[Self.fileKey(key, path: file, sha256: sha)], !stored.isEmpty,
      stored.count % checks.count == 0
    else { return nil }
    var subjects: [AuditReport.SubjectRef] = []
    for (n, row) in stored.enumerated() {
      // Every subject has each check once, in the playbook's order.
      guard row.result.checkID == checks[n % checks.count] else { return nil }
      if n % checks.count == 0 {
        subjects.append(row.subject)
      } else if row.result.subjectID != subjects.last?.id {
        return nil
      }
    }
    reusedFiles.withLock { $0 += 1 }
    return Reused(sha256: sha, subjects: subjects, results: stored.map(\.result))
  }

  private static func recorded(
    _ runner: AuditRunner, store: (any HistoryStore)?, checks: [CheckSpec]
  ) throws -> (Int64?, [String: [Stored]]) {
    // The newest run of the playbook only: an older one's results may be
    // another text of a card that changed since and changed back, which is
    // fine, but they are not what the last report said.
    guard let store = store as? any ResultKeyStore,
      let run = try store.runs(playbook: runner.playbook.header.name, limit: 1).first,
      run.kind == "audit", let id = run.id
    else { return (nil, [:]) }
    let last = try store.resultKeys(ofRun: id)
    guard !last.isEmpty else { return (nil, [:]) }
    let specs = Dictionary(checks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    var byFile: [String: [Stored]] = [:]
    for (key, detail) in last {
      guard let stored = Detail.decode(detail, specs: specs) else {
        // A row that does not read back makes its file a re-run.
        byFile[key] = []
        continue
      }
      if byFile[key]?.isEmpty == true, byFile[key] != nil { continue }
      byFile[key, default: []].append(stored)
    }
    return (id, byFile)
  }

  // MARK: - Recording

  /// The key and detail of each result of `report`, for the history.
  static func keys(_ report: AuditReport) -> [(key: String, detail: String)]? {
    guard let runKey = report.incrementalKey, let hashes = report.inputHashes else { return nil }
    var shaByFile: [String: String] = [:]
    for input in hashes { shaByFile[input.path] = input.sha256 }
    var subjectByID: [String: AuditReport.SubjectRef] = [:]
    for subject in report.subjects { subjectByID[subject.id] = subject }
    var fileKeys: [String: String] = [:]
    return report.results.map { result in
      guard let subject = subjectByID[result.subjectID], let sha = shaByFile[subject.file]
      else { return ("", "") }
      let key =
        fileKeys[subject.file]
        ?? {
          let made = fileKey(runKey, path: subject.file, sha256: sha)
          fileKeys[subject.file] = made
          return made
        }()
      // Kept with no detail, which reads back as nothing: its file is
      // checked again (an error may be passing, and a waived result's
      // status before its waiver is not kept).
      if result.status == .error || result.status == .waived || result.waiver != nil {
        return (key, "")
      }
      return (key, Detail.encode(result, subject: subject))
    }
  }
}

/// What a reused result needs beyond its check's spec, length-prefixed so
/// that any text goes through exactly: the status and message, the
/// evidence, the marks and path, and the subject the result is about.
enum Detail {
  static func encode(_ r: CheckResult, subject: AuditReport.SubjectRef) -> String {
    var out = Writer()
    out.text(r.checkID)
    out.text(r.subjectID)
    out.text(r.status.rawValue)
    out.text(r.message)
    out.value(r.evidence)
    out.mark(r.mark)
    out.text(r.path ?? "")
    out.text(r.path == nil ? "n" : "y")
    out.text(subject.file)
    out.mark(subject.mark)
    return String(decoding: out.bytes, as: UTF8.self)
  }

  static func decode(_ text: String, specs: [String: CheckSpec])
    -> IncrementalResults.Stored?
  {
    var reader = Reader(bytes: Array(text.utf8))
    guard let check = reader.text(), let spec = specs[check], let subjectID = reader.text(),
      let status = reader.text().flatMap(CheckStatus.init(rawValue:)),
      let message = reader.text(), let evidence = reader.value(), let mark = reader.mark(),
      let path = reader.text(), let hasPath = reader.text(), let file = reader.text(),
      let subjectMark = reader.mark(), reader.atEnd
    else { return nil }
    let result = CheckResult(
      checkID: check, subjectID: subjectID, status: status, severity: spec.severity,
      title: spec.title, message: message, evidence: evidence, mark: mark,
      path: hasPath == "y" ? path : nil, remediation: spec.remediation, tags: spec.tags)
    return IncrementalResults.Stored(
      result: result,
      subject: AuditReport.SubjectRef(id: subjectID, file: file, mark: subjectMark))
  }

  struct Writer {
    var bytes: [UInt8] = []

    mutating func text(_ s: String) {
      bytes.append(contentsOf: String(s.utf8.count).utf8)
      bytes.append(0x3A)
      bytes.append(contentsOf: s.utf8)
    }

    mutating func mark(_ m: SourceMark) {
      text(m.file)
      text(String(m.line))
      text(String(m.column))
    }

    mutating func value(_ v: Value) {
      switch v.kind {
      case .null: text("n")
      case .bool(let b): text(b ? "t" : "f")
      case .int(let i): text("i" + String(i))
      case .double(let d): text("d" + String(d.bitPattern))
      case .string(let s):
        text("s")
        text(s)
      case .list(let items):
        text("l" + String(items.count))
        for item in items { value(item) }
      case .map(let map):
        text("m" + String(map.entries.count))
        for entry in map.entries {
          text(entry.key)
          value(entry.value)
        }
      }
    }
  }

  struct Reader {
    let bytes: [UInt8]
    var at = 0

    var atEnd: Bool { at == bytes.count }

    mutating func text() -> String? {
      var length = 0
      var digits = 0
      while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39, digits < 12 {
        length = length * 10 + Int(bytes[at] - 0x30)
        at += 1
        digits += 1
      }
      guard digits > 0, at < bytes.count, bytes[at] == 0x3A, at + 1 + length <= bytes.count
      else { return nil }
      let text = String(decoding: bytes[(at + 1)..<(at + 1 + length)], as: UTF8.self)
      at += 1 + length
      return text
    }

    mutating func mark() -> SourceMark? {
      guard let file = text(), let line = text().flatMap({ Int($0) }),
        let column = text().flatMap({ Int($0) })
      else { return nil }
      return SourceMark(file: file, line: line, column: column)
    }

    mutating func value(depth: Int = 0) -> Value? {
      guard depth < 200, let tag = text(), let first = tag.first else { return nil }
      let rest = tag.dropFirst()
      switch first {
      case "n": return Value(.null)
      case "t": return Value(.bool(true))
      case "f": return Value(.bool(false))
      case "i": return Int64(rest).map { Value(.int($0)) }
      case "d": return UInt64(rest).map { Value(.double(Double(bitPattern: $0))) }
      case "s": return text().map { Value(.string($0)) }
      case "l":
        guard let count = Int(rest), count >= 0 else { return nil }
        var items: [Value] = []
        for _ in 0..<count {
          guard let item = value(depth: depth + 1) else { return nil }
          items.append(item)
        }
        return Value(.list(items))
      case "m":
        guard let count = Int(rest), count >= 0 else { return nil }
        var entries: [OrderedMap.Entry] = []
        for _ in 0..<count {
          guard let key = text(), let item = value(depth: depth + 1) else { return nil }
          entries.append(OrderedMap.Entry(key: key, value: item))
        }
        return Value(.map(OrderedMap(entries)))
      default: return nil
      }
    }
  }
}
