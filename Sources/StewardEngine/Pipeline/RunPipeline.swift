import Foundation
import StewardCore
import StewardYAML

#if canImport(Glibc)
  import Glibc
#endif

/// `steward run`, for every kind: header → kind → inputs → load → store →
/// run → each report rendered → recorded → exit status. The command line
/// parses its arguments into ``RunOptions`` and calls ``run(_:)``; nothing
/// else about running a playbook lives outside this file and the kind's own
/// folder.
public enum RunPipeline {
  /// Runs the playbook and returns the exit status (DESIGN.md): 0, 1 when
  /// the gate failed, 2 after saying why the input is wrong. Throws a
  /// ``UsageError`` for a format or flag the playbook's kind does not take,
  /// and an ``ExitStatus`` when the report or the store could not be written.
  public static func run(_ options: RunOptions) throws -> RunOutcome {
    // Every kind's Lua logs alike: a wrong STEWARD_LOG is refused by all.
    try PluginLog.$echo.withValue(try options.logLevel()) { try runEchoing(options) }
  }

  private static func runEchoing(_ options: RunOptions) throws -> RunOutcome {
    // A malformed --input or --var is refused before anything is read.
    _ = try options.overrides()
    _ = try options.variables()
    let reports = try options.reportTargets()
    if options.store.isEmpty { throw UsageError("--store takes a file path or a postgres:// URL") }
    try refuseOverwritingInputs(options, reports: reports)

    let header: PlaybookHeader
    do {
      header = try PlaybookLoader.load(path: options.playbook)
    } catch {
      return inputFailure(error, options, kind: namedKind(options.playbook))
    }
    guard let kind = KindRegistry.kind(header.kind) else {
      throw UsageError("no kind \"\(header.kind)\" is registered")
    }
    for format in [options.format] + reports.map(\.format) where !kind.formats.contains(format) {
      throw RunRefusal.format(format, of: kind)
    }
    if let flag = RunFlag.allCases.first(where: {
      $0.isGiven(in: options) && !kind.flags.contains($0)
    }) {
      throw RunRefusal.flag(flag, of: kind)
    }

    let startedAt = StewardClock.now()
    let report: any KindReport
    let context: KindRunContext
    // A store this run creates is removed again if the input turns out wrong
    // during the run (an audit's subjects are read then): a typo must leave
    // nothing behind.
    let storeExisted = HistoryStores.exists(options.store)
    do {
      let loaded = try kind.load(request(options, header: header, kind: kind))
      // Opened after the playbook loaded, so that a mistake in it leaves no
      // store behind, and before the run, so that a bad store costs nothing.
      let history = loaded.records(options) ? try HistoryStores.open(options.store) : nil
      let store = options.store
      let openReading: @Sendable () throws -> (any HistoryStore)? = {
        if let history { return history }
        return HistoryStores.exists(store)
          ? try HistoryStores.open(store, createFolder: false, reading: true) : nil
      }
      context = KindRunContext(
        history: history, openReading: openReading, options: options, startedAt: startedAt)
      report = try loaded.run(in: context)
    } catch let usage as UsageError {
      throw usage
    } catch {
      if !storeExisted { HistoryStores.remove(options.store) }
      return inputFailure(error, options, kind: kind)
    }
    try deliver(report, context: context, reports: reports)
    return RunOutcome(exitStatus: report.exitStatus, report: report)
  }

  /// What the kind's `load` is given, its inputs resolved: the one way a
  /// playbook is read for `run` and for `validate`, so that the two judge it
  /// alike.
  static func request(_ options: RunOptions, header: PlaybookHeader, kind: any RunnableKind.Type)
    throws -> KindLoadRequest
  {
    let inputs = ResolvedInputs(
      header: header, path: options.playbook, overrides: try options.overrides(),
      declaration: kind.inputs)
    return KindLoadRequest(
      header: header, path: options.playbook, inputs: inputs, options: options,
      vars: try options.variables())
  }

  /// Refuses a report written over what the run reads or records into: the
  /// history store (a SARIF file over it destroyed the whole history, with
  /// the gate's exit status) or the playbook. Subject files are checked
  /// once they are known (``KindReport/readFiles``).
  static func refuseOverwritingInputs(
    _ options: RunOptions, reports: [(format: String, path: String)]
  ) throws {
    var protected = [options.playbook]
    if !options.store.contains("://") {
      protected += ["", "-wal", "-shm", "-journal"].map { options.store + $0 }
    }
    for target in [options.output].compactMap({ $0 }) + reports.map(\.path) {
      if let input = protected.first(where: { RunOptions.sameFile($0, target) }) {
        throw UsageError(
          "the report \(target) would be written over \(input == options.playbook ? "the playbook" : "the history store") \(HistoryStores.shown(input)); write it elsewhere"
        )
      }
    }
  }

  /// Renders the report, says its warnings, delivers it, and records it.
  static func deliver(
    _ report: any KindReport, context: KindRunContext,
    reports: [(format: String, path: String)]
  ) throws {
    let options = context.options
    // Subject files are known only now: a report over one would destroy
    // the card it judged. Compared by device and inode, one stat a file: a
    // target not there yet is no file read, and spelling out 10,000 paths
    // (links resolved) took longer than writing the report.
    for target in [options.output].compactMap({ $0 }) + reports.map(\.path) {
      var targetInfo = stat()
      guard stat(target, &targetInfo) == 0 else { continue }
      if let input = report.readFiles.first(where: { input in
        var info = stat()
        return stat(input, &info) == 0 && info.st_dev == targetInfo.st_dev
          && info.st_ino == targetInfo.st_ino
      }) {
        Console.error(
          "\(target): error: the report would be written over \(input), which the run read; write it elsewhere"
        )
        throw ExitStatus(Exit.inputError)
      }
    }
    do {
      try report.writeCompanions(options)
    } catch {
      throw inputError(error, options)
    }
    let render = RenderOptions(
      color: options.output == nil && options.format == "text" && isatty(STDOUT_FILENO) == 1,
      output: options.output, quiet: options.quiet)
    // To a file the report takes as long as the disk, and the store's
    // inserts go in meanwhile. To stdout it may wait on a reader (a pager)
    // as long as that likes, and an open transaction would hold other runs'
    // writes to the store as long: the run is recorded after it.
    let toFiles = options.output != nil || !reports.isEmpty
    let recording = toFiles ? Recording(report, in: context.history) : nil
    do {
      try Output.stream(to: options.output) { sink in
        report.write(options.format, options: render, to: sink)
      }
      for (format, path) in reports {
        try Output.stream(to: path) { sink in
          report.write(format, options: RenderOptions(output: path), to: sink)
        }
      }
    } catch {
      try? recording?.finish(reportWritten: false)
      throw error
    }
    // A text report on stdout shows its warnings already; anywhere else
    // they are said on stderr too, so that an expired waiver is seen.
    if !(report.textShowsWarnings && options.format == "text" && options.output == nil) {
      for warning in report.warningLines { Console.error(warning) }
    }
    do {
      try report.deliver(options)
    } catch {
      try? recording?.finish(reportWritten: false)
      throw inputError(error, options)
    }
    if let recording {
      try recording.finish(reportWritten: true)
    } else if let store = context.history {
      // Recorded after the report is out: a store that cannot be written
      // is said on stderr and exits 2, with the report already delivered.
      do {
        try report.record(in: store, commitIf: { true })
      } catch {
        Console.error("\(error)")
        throw ExitStatus(Exit.inputError)
      }
    }
  }

  /// Says why the input was refused (with `file:line:column` where there is
  /// one) and gives exit status 2.
  /// The kind a playbook that did not load names, when its text says one,
  /// so that its JSON error report has that kind's `schema_version`.
  static func namedKind(_ path: String) -> (any RunnableKind.Type)? {
    guard let document = try? DocumentLoader.load(path: path).first,
      let name = document["kind"]?.string
    else { return nil }
    return KindRegistry.kind(named: name)
  }

  /// `kind` is nil when the playbook could not be read far enough to say.
  static func inputFailure(
    _ error: any Error, _ options: RunOptions, kind: (any RunnableKind.Type)? = nil
  ) -> RunOutcome {
    let status = inputError(error, options)
    // Each --report still gets a file that says why (for CI to show).
    var diagnostics = Validator.diagnostics(of: error, file: options.playbook)
    switch error {
    case let whole as any FileLevelError:
      diagnostics = [
        Diagnostic(
          at: SourceMark(file: options.playbook, line: 0, column: 0), code: "E001", "\(whole)")
      ]
    case let history as HistoryError:
      diagnostics = [
        Diagnostic(
          at: SourceMark(file: history.path, line: 0, column: 0), code: "H000", history.message)
      ]
    default: break
    }
    for (format, path) in (try? options.reportTargets()) ?? [] {
      guard
        let text = InputErrorReports.render(
          format, diagnostics: diagnostics, playbook: options.playbook, kind: kind)
      else { continue }
      do { try Output.writeAtomically(text, to: path) } catch {}
    }
    return RunOutcome(exitStatus: status.code, report: nil)
  }

  static func inputError(_ error: any Error, _ options: RunOptions) -> ExitStatus {
    switch error {
    case let exit as ExitStatus: return exit
    case let history as HistoryError: Console.error(history.description)
    case let whole as any FileLevelError: Console.error("\(options.playbook): error: \(whole)")
    default: Diagnostics.print(error, file: options.playbook)
    }
    return ExitStatus(Exit.inputError)
  }
}

/// How a run ended.
public struct RunOutcome: Sendable {
  public var exitStatus: Int32
  /// The report, for the command line to keep until the process exits
  /// (freeing a large one costs a tenth of a second for nothing).
  public var report: (any KindReport)?
}

/// Where history stores are opened: one place for every command.
public enum HistoryStores {
  /// What `steward history verify` finds wrong with a store: its own
  /// integrity check, then every run's results and keys read back whole,
  /// as each reader would (decision 0047). Empty when all is well.
  public static func problems(_ store: any HistoryStore) throws -> [String] {
    var problems =
      try (store as? SQLiteHistoryStore)?.integrityProblems()
      ?? (store as? PostgresHistoryStore)?.integrityProblems() ?? []
    for run in try store.runs(playbook: nil, limit: nil) {
      guard let id = run.id else { continue }
      do {
        _ = try store.results(ofRun: id)
        _ = try (store as? any ResultKeyStore)?.resultKeys(ofRun: id)
      } catch let error as HistoryError {
        problems.append(error.message)
      }
    }
    // One line a problem, each said once.
    var seen = Set<String>()
    return problems.filter { seen.insert($0).inserted }
  }

  /// The store `store` names: a `postgres://` URL (decision 0032), or else an
  /// SQLite file, created with its folder unless `createFolder` is false.
  /// With `reading`, a PostgreSQL database is read as it is, never given
  /// steward's tables (``PostgresHistoryStore/init(url:upTo:migrating:)``).
  public static func open(_ store: String, createFolder: Bool = true, reading: Bool = false)
    throws -> any HistoryStore
  {
    try refuseMistypedURL(store)
    if PostgresHistoryStore.isURL(store) {
      return try PostgresHistoryStore(url: store, migrating: !reading)
    }
    // An empty file is no history: a read would have made it one.
    if reading,
      let size = (try? FileManager.default.attributesOfItem(atPath: store))?[.size] as? Int,
      size == 0
    {
      throw HistoryError(
        path: store, "an empty file, not a history store; `steward run --store` makes one")
    }
    return try SQLiteHistoryStore(path: store, createFolder: createFolder)
  }

  /// Refuses a store name that is meant as a PostgreSQL URL but would be
  /// taken for an SQLite file: a CI job's runs would go into a folder named
  /// `postgres:/…` beside the checkout, and never reach the shared history.
  /// Spaces around it (a pasted secret), a `postgres` scheme missing a
  /// slash or its colon, `USER@HOST:PORT/…` without a scheme, and a path
  /// ending in `/` (a folder) are all refused.
  static func refuseMistypedURL(_ store: String) throws {
    let shown = shown(store)
    if store != store.trimmingCharacters(in: .whitespacesAndNewlines) {
      throw HistoryError(
        path: shown.trimmingCharacters(in: .whitespacesAndNewlines),
        "the store name begins or ends with a space or a line break; remove it (a pasted secret often carries one)"
      )
    }
    if PostgresHistoryStore.isURL(store) { return }
    let lower = store.lowercased()
    let urlLike = [
      // Any scheme but PostgreSQL's own (postgresql+psycopg2://, jdbc:…://,
      // Postgres://): said by name below, never a file.
      #"^[^/]*://"#,
      // postgres:/…, postgres//…, postgres ://…, postgres;//…
      #"^postgres(ql)?\s*([:;]|//)"#,
      // //user:pw@host/db: a URL without its scheme, not a path from the root.
      #"^//"#,
      // user@host:5432/db, user@db.internal/db, user:pw@host
      #"^[^/@\s]+@[^/\s]*(:[0-9]+|\.)[^/\s]*(/|$)"#,
      #"^[^/@\s]+:[^/@\s]*@[^/\s]+"#,
      // host:5432/db, db.internal:5432
      #"^[A-Za-z0-9.-]+:[0-9]+(/|$)"#,
    ]
    if urlLike.contains(where: { lower.range(of: $0, options: .regularExpression) != nil }) {
      if let scheme = store.range(of: "://").map({ store[..<$0.lowerBound] }), !scheme.isEmpty,
        !scheme.lowercased().hasPrefix("postgres") || scheme.contains("+")
      {
        throw HistoryError(
          path: shown,
          "\(scheme):// is not a store steward knows; use postgres://USER@HOST/DATABASE or an SQLite file path"
        )
      }
      throw HistoryError(
        path: shown,
        "this looks like a mistyped PostgreSQL URL; write postgres://USER@HOST/DATABASE, or ./NAME for a file of that name"
      )
    }
    if store.hasSuffix("/") {
      throw HistoryError(path: shown, "the history store names a folder; name an SQLite file in it")
    }
  }

  /// `store` as messages show it: a password masked wherever a
  /// `USER:PASSWORD@` is, in a URL or in anything that looks like one.
  public static func shown(_ store: String) -> String {
    let masked =
      PostgresHistoryStore.isURL(store) || store.contains("://")
      ? PostgresURL.masked(store) : store
    // Up to the last @ before the host: a password may hold an @ itself.
    return masked.replacingOccurrences(
      of: #"([^/:@\s]+):([^/\s]*)@"#, with: "$1:***@", options: .regularExpression)
  }

  /// Whether there is a store to read without making one: an SQLite file
  /// that exists, or a database server (which says itself if it is not there).
  public static func exists(_ store: String) -> Bool {
    // A name that is refused "exists", so that opening it says why rather
    // than a reader saying there is no history.
    store.contains("://") || (try? refuseMistypedURL(store)) == nil
      || FileManager.default.fileExists(atPath: store)
  }

  /// The store a command uses when it names none: `STEWARD_STORE`, or the
  /// SQLite file in `.steward/`.
  public static var defaultStore: String {
    let named = ProcessInfo.processInfo.environment["STEWARD_STORE"] ?? ""
    return named.isEmpty ? ".steward/history.sqlite" : named
  }

  /// Removes a SQLite store this run created and never wrote a run into
  /// (with its journal files), and its folder if that is now empty. A store
  /// that holds a run (another process, started meanwhile, recorded into
  /// it) is left alone.
  static func remove(_ path: String) {
    // Only a file this run made: opening a name that was refused (or never
    // made) to look inside would create it.
    var isFolder: ObjCBool = false
    guard !PostgresHistoryStore.isURL(path), !path.hasSuffix("/"),
      FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue
    else { return }
    // Closed again before the files go: a pool still open could write its
    // journal back.
    let empty: Bool = {
      guard let store = try? SQLiteHistoryStore(path: path, createFolder: false) else {
        return false
      }
      return (try? store.runs(playbook: nil, limit: 1))?.isEmpty == true
    }()
    guard empty else { return }
    let fm = FileManager.default
    for suffix in ["", "-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: path + suffix) }
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty, (try? fm.contentsOfDirectory(atPath: folder))?.isEmpty == true {
      try? fm.removeItem(atPath: folder)
    }
  }
}
