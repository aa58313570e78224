import Foundation
import StewardCore
import StewardYAML
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
  /// The recorded results of the last run: one detail per file, by file
  /// key, decoded only when the file is reused, on the worker that reuses
  /// it (140,000 results decoded up front took a third of a re-run).
  /// Read from the store on a thread of its own while the files are
  /// listed and the workers start reading and hashing them: the read was
  /// the longest stretch of a re-run with one core idle.
  private let loading: Loading
  private var recorded: [String: (position: Int, detail: String)] { loading.value.recorded }
  private let checks: [String]
  private let specs: [String: CheckSpec]
  /// A reused file's detail is recorded again as it was read, unless a
  /// whole-run check may have changed its results since.
  private let keepsDetails: Bool
  /// The run whose results are reused, if any.
  var fromRun: Int64? { loading.value.fromRun }
  private let reused = Mutex<[String: ReusedFile]>([:])
  var reusedCount: Int { reused.withLock { $0.count } }
  /// Each reused file by its key, to record again as it was read.
  var reusedFiles: [String: ReusedFile] { keepsDetails ? reused.withLock { $0 } : [:] }

  /// Where a reused file's results were in the run they came from.
  struct ReusedFile: Sendable {
    var detail: String
    var position: Int
    var count: Int
  }

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
    specs = Dictionary(checks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    keepsDetails = !checks.contains { $0.scope == .all }
    key = try Self.runKey(runner, checks: checks)
    let name = runner.playbook.header.name
    loading = Loading { try Self.recorded(playbook: name, store: store) }
  }

  /// Rethrows what reading the store threw: the run is refused (exit 2)
  /// as when the store was read before it, though it checked every file.
  func finish() throws {
    if let error = loading.value.error { throw error }
  }

  /// The store's recorded results, read once on a thread of its own.
  final class Loading: Sendable {
    struct Loaded: Sendable {
      var fromRun: Int64?
      var recorded: [String: (position: Int, detail: String)]
      var error: (any Error)?
    }
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<Loaded?>(nil)

    init(
      _ load: @escaping @Sendable () throws -> (Int64?, [String: (position: Int, detail: String)])
    ) {
      Thread { [self] in
        let loaded: Loaded
        do {
          let (from, recorded) = try load()
          loaded = Loaded(fromRun: from, recorded: recorded)
        } catch {
          loaded = Loaded(fromRun: nil, recorded: [:], error: error)
        }
        result.withLock { $0 = loaded }
        done.signal()
      }.start()
    }

    /// Whether the store has been read (`value` then does not wait).
    var isDone: Bool { result.withLock { $0 != nil } }

    /// What was read, once it has been.
    var value: Loaded {
      if let loaded = result.withLock({ $0 }) { return loaded }
      done.wait()
      done.signal()  // for the next waiter
      return result.withLock { $0 } ?? Loaded(recorded: [:])
    }
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
    // A module is found when `require` runs, maybe only inside a check:
    // every file a plugin could require, under its folder's lib/, counts.
    var folders = Set<String>()
    for plugin in playbook.registry.plugins {
      folders.insert((plugin.path as NSString).deletingLastPathComponent)
    }
    for folder in folders.sorted() {
      for (path, sha) in try moduleHashes(under: folder) { lines.append("module \(path) \(sha)") }
    }
    // ctx.data as the checks see it, whichever files it came from.
    lines.append(
      "data \(SHA256.hex(Array(JSONText.render(Value(.map(playbook.data)), pretty: false).utf8)))")
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

  /// The SHA-256 of every file under `folder`/lib (what `require` may
  /// load, links followed as `require` follows them), by path; a file
  /// that cannot be read is a line of its own, so that it never matches.
  static func moduleHashes(under folder: String) throws -> [(String, String)] {
    let lib = (folder.isEmpty ? "." : folder) + "/lib"
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: lib, isDirectory: &isFolder), isFolder.boolValue
    else { return [] }
    guard let walker = FileManager.default.enumerator(atPath: lib) else {
      return [(lib, "unreadable \(UUID())")]
    }
    var hashes: [(String, String)] = []
    while let relative = walker.nextObject() as? String {
      let path = lib + "/" + relative
      var info = stat()
      guard stat(path, &info) == 0 else {
        hashes.append((path, "unreadable \(UUID())"))
        continue
      }
      if info.st_mode & S_IFMT == S_IFDIR { continue }
      // A FIFO would block the read, and no module loads from one or past
      // the module size limit, whatever it holds.
      guard info.st_mode & S_IFMT == S_IFREG, info.st_size <= 1 << 20 else {
        hashes.append((path, "not loadable \(info.st_mode & S_IFMT) \(info.st_size)"))
        continue
      }
      hashes.append((path, (try? SHA256.hex(ofFile: path)) ?? "unreadable \(UUID())"))
    }
    return hashes.sorted { $0.0 < $1.0 }
  }

  static func fileKey(_ runKey: String, path: String, sha256: String) -> String {
    SHA256.hex(Array("\(runKey)\n\(path)\n\(sha256)".utf8))
  }

  // MARK: - Reuse

  /// The recorded results of `file` when its bytes and everything else
  /// they depended on are what they were; nil to check it again.
  func reuse(file: String) -> Reused? {
    // Read as the subject loader reads: a file too large, or not a
    // regular file, is left to it to refuse.
    // Nothing to reuse is known only once the store is read; until then
    // the file is read and hashed meanwhile.
    if loading.isDone, recorded.isEmpty { return nil }
    guard let data = try? FileInput.bytes(path: file, maxBytes: YAMLLimits().maxFileBytes),
      !recorded.isEmpty
    else { return nil }
    let sha = SHA256.hex(data)
    let fileKey = Self.fileKey(key, path: file, sha256: sha)
    guard let (position, detail) = recorded[fileKey],
      let stored = Detail.decodeFile(detail, specs: specs),
      !stored.isEmpty, stored.count % checks.count == 0
    else { return nil }
    var subjects: [AuditReport.SubjectRef] = []
    for (n, row) in stored.enumerated() {
      // Every subject has each check once, in the playbook's order, and
      // every result is about this file.
      guard row.result.checkID == checks[n % checks.count], row.subject.file == file else {
        return nil
      }
      if n % checks.count == 0 {
        subjects.append(row.subject)
      } else if row.result.subjectID != subjects.last?.id {
        return nil
      }
    }
    reused.withLock {
      $0[fileKey] = ReusedFile(detail: detail, position: position, count: stored.count)
    }
    return Reused(sha256: sha, subjects: subjects, results: stored.map(\.result))
  }

  private static func recorded(playbook: String, store: (any HistoryStore)?) throws
    -> (Int64?, [String: (position: Int, detail: String)])
  {
    // The newest run of the playbook only: an older one's results may be
    // another text of a card that changed since and changed back, which is
    // fine, but they are not what the last report said.
    guard let store = store as? any ResultKeyStore,
      let (id, kind) = try store.newestRun(playbook: playbook),
      kind == "audit"
    else { return (nil, [:]) }
    let last = try store.resultKeys(ofRun: id)
    guard !last.isEmpty else { return (nil, [:]) }
    var byFile: [String: (position: Int, detail: String)] = [:]
    for (position, key, detail) in last {
      // A key recorded twice is not one file's whole results: check again.
      byFile[key] = byFile[key] == nil ? (position, detail) : (position, "")
    }
    return (id, byFile)
  }

  // MARK: - Recording

  /// The key and detail of each result of `report`, for the history: each
  /// file's key and detail go with its first result, and its other results
  /// have none (decision 0033).
  /// With them, the files whose rows can be copied from the
  /// run they were reused from: the results are what that run recorded for
  /// them, no waiver now changing one.
  static func keysAndCopies(_ report: AuditReport) -> (
    keys: [(key: String, detail: String)], copies: [ResultCopy]
  )? {
    guard let runKey = report.incrementalKey, let hashes = report.inputHashes else { return nil }
    var copies: [ResultCopy] = []
    var shaByFile: [String: String] = [:]
    for input in hashes { shaByFile[input.path] = input.sha256 }
    var subjectByID: [String: AuditReport.SubjectRef] = [:]
    for subject in report.subjects { subjectByID[subject.id] = subject }
    let reused = report.reusedFiles
    var keys = [(key: String, detail: String)](repeating: ("", ""), count: report.results.count)
    // Read in place: through the array, each result was copied whole
    // (every string retained), a tenth of recording a re-run.
    report.results.withUnsafeBufferPointer { results in
      // A file's results sit together, as the workers stored them; should a
      // file's results ever be split, its key is recorded twice and the
      // file is checked again.
      var n = 0
      while n < results.count {
        guard let subject = subjectByID[results[n].subjectID], let sha = shaByFile[subject.file]
        else {
          n += 1
          continue
        }
        var end = n + 1
        var lastSubject = results[n].subjectID
        while end < results.count {
          let id = results[end].subjectID
          if id != lastSubject {
            guard subjectByID[id]?.file == subject.file else { break }
            lastSubject = id
          }
          end += 1
        }
        let fileKey = fileKey(runKey, path: subject.file, sha256: sha)
        // Kept with no detail, which reads back as nothing: the file is
        // checked again (an error may be passing, and a waived result's
        // status before its waiver is not kept).
        if (n..<end).contains(where: {
          results[$0].status == .error || results[$0].status == .waived
            || results[$0].waiver != nil
        }) {
          keys[n] = (fileKey, "")
        } else if let kept = reused[fileKey] {
          keys[n] = (fileKey, kept.detail)
          if let from = report.reusedFromRun, kept.count == end - n {
            copies.append(ResultCopy(fromRun: from, from: kept.position, to: n, count: end - n))
          }
        } else {
          keys[n] = (
            fileKey,
            Detail.encodeFile(
              subject.file, results[n..<end].map { ($0, subjectByID[$0.subjectID] ?? subject) })
          )
        }
        n = end
      }
    }
    return (keys, copies)
  }
}

/// What a reused result needs beyond its check's spec, length-prefixed so
/// that any text goes through exactly: the status and message, the
/// evidence, the marks and path, and the subject the result is about.
enum Detail {
  /// A file's results, in order: a tag, the file, their count, then each
  /// result, whose marks name the file only when it is another (a path
  /// written three times a result was 40 % of a gate's details).
  /// A detail of one result, as recorded before, does not read as one.
  static func encodeFile(_ file: String, _ results: [(CheckResult, AuditReport.SubjectRef)])
    -> String
  {
    var out = Writer(file: file)
    out.text("file")
    out.text(file)
    out.text(String(results.count))
    for (result, subject) in results { encode(result, subject: subject, into: &out) }
    return String(decoding: out.bytes, as: UTF8.self)
  }

  static func decodeFile(_ text: String, specs: [String: CheckSpec])
    -> [IncrementalResults.Stored]?
  {
    var reader = Reader(bytes: Array(text.utf8))
    guard reader.text() == "file", let file = reader.text(),
      let count = reader.int(), count >= 0, count <= reader.bytes.count
    else { return nil }
    reader.file = file
    var stored: [IncrementalResults.Stored] = []
    stored.reserveCapacity(count)
    for _ in 0..<count {
      guard let one = decode(&reader, specs: specs) else { return nil }
      stored.append(one)
    }
    return reader.atEnd ? stored : nil
  }

  static func encode(_ r: CheckResult, subject: AuditReport.SubjectRef, into out: inout Writer) {
    out.text(r.checkID)
    out.text(r.subjectID)
    out.text(r.status.rawValue)
    out.text(r.message)
    out.value(r.evidence)
    out.mark(r.mark)
    out.text(r.path ?? "")
    out.text(r.path == nil ? "n" : "y")
    out.mark(subject.mark)
    // A plugin's log is in the report: a reused result keeps it.
    out.text(String(r.log.count))
    for line in r.log {
      out.text(line.level)
      out.text(line.message)
    }
  }

  static func decode(_ reader: inout Reader, specs: [String: CheckSpec])
    -> IncrementalResults.Stored?
  {
    guard let check = reader.text(), let spec = specs[check], let subjectID = reader.text(),
      let status = reader.text().flatMap(CheckStatus.init(rawValue:)),
      let message = reader.text(), let evidence = reader.value(), let mark = reader.mark(),
      let path = reader.text(), let hasPath = reader.text(),
      let subjectMark = reader.mark(), let lines = reader.int(), lines >= 0,
      lines <= reader.bytes.count
    else { return nil }
    var result = CheckResult(
      checkID: check, subjectID: subjectID, status: status, severity: spec.severity,
      title: spec.title, message: message, evidence: evidence, mark: mark,
      path: hasPath == "y" ? path : nil, remediation: spec.remediation, tags: spec.tags)
    for _ in 0..<lines {
      guard let level = reader.text(), let text = reader.text() else { return nil }
      result.log.append(LogLine(level: level, message: text))
    }
    return IncrementalResults.Stored(
      result: result,
      subject: AuditReport.SubjectRef(id: subjectID, file: reader.file, mark: subjectMark))
  }

  struct Writer {
    var bytes: [UInt8] = []
    /// The file whose results these are: a mark in it is written as "=".
    let file: String

    mutating func text(_ s: String) {
      bytes.append(contentsOf: String(s.utf8.count).utf8)
      bytes.append(0x3A)
      bytes.append(contentsOf: s.utf8)
    }

    mutating func mark(_ m: SourceMark) {
      text(m.file == file ? "=" : "/" + m.file)
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
    var file = ""

    var atEnd: Bool { at == bytes.count }

    /// The next field's bytes, as a range of `bytes`.
    private mutating func field() -> Range<Int>? {
      var length = 0
      var digits = 0
      while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39, digits < 12 {
        length = length * 10 + Int(bytes[at] - 0x30)
        at += 1
        digits += 1
      }
      guard digits > 0, at < bytes.count, bytes[at] == 0x3A, at + 1 + length <= bytes.count
      else { return nil }
      defer { at += 1 + length }
      return (at + 1)..<(at + 1 + length)
    }

    mutating func text() -> String? {
      guard let range = field() else { return nil }
      // Decoded from the buffer itself: through an ArraySlice, String took
      // the generic path, a fifth of decoding a reused gate's details.
      return bytes.withUnsafeBufferPointer {
        String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
      }
    }

    /// A field of decimal digits, an optional leading "-", as a number
    /// (a line, a column, a count), without making a String of it.
    mutating func int() -> Int? {
      guard let range = field() else { return nil }
      return number(range)
    }

    mutating func mark() -> SourceMark? {
      guard let named = text(), named == "=" || named.hasPrefix("/"),
        let line = int(), let column = int()
      else { return nil }
      return SourceMark(
        file: named == "=" ? file : String(named.dropFirst()), line: line, column: column)
    }

    mutating func value(depth: Int = 0) -> Value? {
      // The tag is read in place (a letter, then a number for most): a
      // String made of each took a tenth of decoding a reused gate.
      guard depth < 200, let tag = field(), !tag.isEmpty else { return nil }
      let rest = (tag.lowerBound + 1)..<tag.upperBound
      switch bytes[tag.lowerBound] {
      case 0x6E: return rest.isEmpty ? Value(.null) : nil  // n
      case 0x74: return rest.isEmpty ? Value(.bool(true)) : nil  // t
      case 0x66: return rest.isEmpty ? Value(.bool(false)) : nil  // f
      case 0x69: return number(rest).map { Value(.int(Int64($0))) }  // i
      case 0x64:  // d: the bit pattern, which may not fit an Int
        return UInt64(String(decoding: bytes[rest], as: UTF8.self)).map {
          Value(.double(Double(bitPattern: $0)))
        }
      case 0x73: return rest.isEmpty ? text().map { Value(.string($0)) } : nil  // s
      case 0x6C:  // l
        guard let count = number(rest), count >= 0, count <= bytes.count else { return nil }
        var items: [Value] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
          guard let item = value(depth: depth + 1) else { return nil }
          items.append(item)
        }
        return Value(.list(items))
      case 0x6D:  // m
        guard let count = number(rest), count >= 0, count <= bytes.count else { return nil }
        var entries: [OrderedMap.Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
          guard let key = text(), let item = value(depth: depth + 1) else { return nil }
          entries.append(OrderedMap.Entry(key: key, value: item))
        }
        return Value(.map(OrderedMap(entries)))
      default: return nil
      }
    }

    /// The decimal number in `range` of `bytes` (a leading "-" allowed), or
    /// nil when it is not one or does not fit.
    private func number(_ range: Range<Int>) -> Int? {
      var digits = range
      let negative = !range.isEmpty && bytes[range.lowerBound] == 0x2D
      if negative { digits = (range.lowerBound + 1)..<range.upperBound }
      guard !digits.isEmpty, digits.count <= 19 else { return nil }
      var n = 0
      for i in digits {
        let byte = bytes[i]
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        let (times, over1) = n.multipliedReportingOverflow(by: 10)
        let (sum, over2) = times.addingReportingOverflow(Int(byte - 0x30))
        guard !over1, !over2 else { return nil }
        n = sum
      }
      return negative ? -n : n
    }
  }
}
