import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One process at a time runs, resumes or approves a runbook run: a lock
/// that its holder's death releases, even by SIGKILL. Beside an SQLite store
/// it is an advisory lock (`flock`) on a file, which says who holds it; in
/// PostgreSQL it is a session advisory lock on the store's connection, whose
/// holder's `application_name` says who (decision 0032).
final class RunLock {
  private let release: () -> Void

  private init(release: @escaping () -> Void) { self.release = release }
  deinit { release() }

  /// Who takes the lock, for the refusal another process gets.
  static func note(_ doing: String) -> String {
    let since = ISO8601DateFormatter().string(from: Date())
    return "process \(getpid()) (\(RunbookPrompter.user), \(doing) since \(since))"
  }

  static func path(store: String, run: Int64) -> String {
    let folder = ((store as NSString).deletingLastPathComponent as NSString)
      .appendingPathComponent("runbook-locks")
    return (folder as NSString).appendingPathComponent(
      "\((store as NSString).lastPathComponent)-\(run).lock")
  }

  /// Takes run `run`'s lock in `store`, or says which process holds it.
  static func take(store: any TimelineStore, run: Int64, doing: String) throws -> RunLock {
    if let postgres = store as? PostgresHistoryStore {
      guard let who = try postgres.takeRunLock(run, note: note(doing)) else {
        return RunLock { try? postgres.releaseRunLock(run) }
      }
      throw RunbookError(
        "run \(run) is in use by \(who.isEmpty ? "another process" : who); wait for it to end, or stop that process"
      )
    }
    let file = path(store: store.path, run: run)
    try? FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw RunbookError("cannot lock run \(run): \(file): \(String(cString: strerror(errno)))")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let who = Self.read(fd)
      close(fd)
      throw RunbookError(
        "run \(run) is in use by \(who.isEmpty ? "another process" : who); wait for it to end, or stop that process"
      )
    }
    let note = Self.note(doing)
    _ = ftruncate(fd, 0)
    _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    return RunLock { close(fd) }
  }

  /// Who holds run `run` now, or nil when nobody does.
  static func holder(store: any TimelineStore, run: Int64) -> String? {
    if let postgres = store as? PostgresHistoryStore {
      return (try? postgres.runLockHolder(run)) ?? nil
    }
    let fd = open(path(store: store.path, run: run), O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    if flock(fd, LOCK_SH | LOCK_NB) == 0 { return nil }
    let who = read(fd)
    return who.isEmpty ? "another process" : who
  }

  private static func read(_ fd: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 512)
    let n = pread(fd, &buffer, buffer.count, 0)
    return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
  }
}

/// What changed in a playbook between two texts, line by line (a longest
/// common subsequence; playbooks are short).
enum LineDiff {
  static func render(old: String, new: String, limit: Int = 40) -> [String] {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false)
    // The table is lines × lines; past a few million cells, say how much.
    guard a.count * b.count <= 4_000_000 else {
      return ["\(a.count) lines then, \(b.count) now (too long to compare line by line)"]
    }
    var common = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        common[i][j] =
          a[i] == b[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
      }
    }
    var lines: [String] = []
    var (i, j) = (0, 0)
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] {
        i += 1
        j += 1
      } else if j < b.count, i == a.count || common[i][j + 1] >= common[i + 1][j] {
        lines.append("line \(j + 1): + \(b[j])")
        j += 1
      } else {
        lines.append("line \(i + 1): - \(a[i])")
        i += 1
      }
    }
    if lines.count > limit {
      lines = Array(lines.prefix(limit)) + ["… and \(lines.count - limit) more changed lines"]
    }
    return lines
  }
}
