import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

/// A history store named on the command line. Its default, from
/// `STEWARD_STORE`, is shown in `--help` with the password masked: the
/// help printed a CI secret whole.
struct StoreName: ExpressibleByArgument, Sendable {
  var value: String
  init(_ value: String) { self.value = value }
  init?(argument: String) { value = argument }
  var defaultValueDescription: String { HistoryStores.shown(value) }
  static var standard: StoreName { StoreName(HistoryStores.defaultStore) }
}

struct HistoryCommand: ParsableCommand {
  static var defaultStore: String { HistoryStores.defaultStore }

  static let configuration = CommandConfiguration(
    commandName: "history",
    abstract: "List recorded runs, or show a metric's trend.",
    discussion: """
      Every `steward run` records its run (playbook, content hashes, gate,
      summary and every result) in the history store. Runs are listed newest
      first; --metric shows one summary metric of a playbook's runs, oldest
      first, with the change from the run before:

        steward history
        steward history --playbook deployment-gate --format json
        steward history --playbook deployment-gate --metric fail

      Audit metrics: results, subjects, checks, pass, fail, skip, waived,
      error, and blocking when a gate is set.

      The store is an SQLite file or a PostgreSQL database
      (postgres://USER@HOST/DATABASE), also named by STEWARD_STORE;
      `steward history export --to STORE` copies one history into another;
      `steward history verify` checks one.
      """,
    subcommands: [HistoryExportCommand.self, HistoryVerifyCommand.self])

  @Option(help: "Only runs of this playbook (its `name:`).")
  var playbook: String?

  @Option(help: "Show this summary metric's trend over the playbook's runs (needs --playbook).")
  var metric: String?

  @Option(help: "Show a campaign's burn-up: subjects passing in each run that measured it.")
  var campaign: String?

  @Flag(
    help:
      "List the playbook's sign-offs: who signed which run's results, in which role (needs --playbook)."
  )
  var signoffs = false

  @Option(help: "Output format: text, json.")
  var format: String = "text"

  @Option(help: "At most this many runs, newest first.")
  var limit: Int?

  @Option(
    name: .customLong("store"),
    help: "The history store to read: an SQLite file or a postgres:// URL (STEWARD_STORE).")
  var storeName: StoreName = .standard
  var store: String { storeName.value }

  func validate() throws {
    guard ["text", "json"].contains(format) else {
      throw ValidationError("unknown format \"\(format)\"; use one of text, json")
    }
    if store.isEmpty { throw ValidationError("--store takes a file path or a postgres:// URL") }
    if metric != nil, playbook == nil {
      throw ValidationError("--metric needs --playbook NAME")
    }
    if signoffs, playbook == nil || format != "text" {
      throw ValidationError("--signoffs needs --playbook NAME and the text format")
    }
    if let limit, limit < 1 { throw ValidationError("--limit takes a positive number") }
  }

  func run() throws {
    // Reading never creates a store: a missing one is a mistyped path.
    guard HistoryStores.exists(store) else {
      Console.error(
        "\(HistoryStores.shown(store)): error: no history store here; `steward run` creates it, or name one with --store"
      )
      throw ExitCode(Exit.inputError)
    }
    do {
      let history = try HistoryStores.open(store, createFolder: false, reading: true)
      let text: String
      if let campaign {
        guard
          let burnUp = Campaign.burnUp(
            campaign, runs: try history.runs(playbook: playbook, limit: limit))
        else {
          try refuseUnknownNames(in: history)
          Console.error(
            "\(HistoryStores.shown(store)): error: no run measured a campaign \"\(campaign)\"")
          throw ExitCode(Exit.inputError)
        }
        text = burnUp
      } else if signoffs, let playbook {
        try refuseUnknownNames(in: history)
        text = try SignOffs.text(store: store, playbook: playbook) + "\n"
      } else if let metric, let playbook {
        var points = try history.series(metric: metric, playbook: playbook)
        if points.isEmpty { try refuseUnknownNames(in: history, metric: metric) }
        if let limit { points = Array(points.suffix(limit)) }
        text =
          format == "json"
          ? HistoryRenderer.json(trend: points, metric: metric, playbook: playbook)
          : HistoryRenderer.text(trend: points, metric: metric, playbook: playbook)
      } else {
        let runs = try history.runs(playbook: playbook, limit: limit)
        if runs.isEmpty { try refuseUnknownNames(in: history) }
        if format == "json" {
          text = HistoryRenderer.json(runs: runs)
        } else {
          // Runs that never ended (killed, waiting) are in no run row yet.
          let unfinished = try Timelines.unfinished(store: store, playbook: playbook)
          let timelines = try Timelines.numbers(
            store: store, ofRecords: runs.filter { $0.kind == "runbook" }.compactMap(\.id))
          text = [
            runs.isEmpty && unfinished != nil
              ? nil : HistoryRenderer.text(runs: runs, timelines: timelines),
            unfinished,
          ]
          .compactMap { $0 }.joined(separator: "\n\n")
        }
      }
      try Output.deliver(text, to: nil)
    } catch let error as HistoryError {
      Console.error(error.description)
      throw ExitCode(Exit.inputError)
    }
  }

  /// Refuses (exit 2) a `--playbook`, or `metric` of it, that no recorded
  /// run has while runs have others. Asked only when the answer came out
  /// empty, so that a listing reads the store once.
  func refuseUnknownNames(in history: any HistoryStore, metric: String? = nil) throws {
    guard let playbook else { return }
    let all = try history.runs(playbook: nil, limit: nil)
    var problem =
      try Timelines.unfinished(store: store, playbook: playbook) == nil
      ? HistoryRenderer.unknown("playbook", playbook, among: all.map(\.playbook)) : nil
    if problem == nil, let metric {
      problem = HistoryRenderer.unknown(
        "metric", metric,
        among: all.filter { $0.playbook == playbook }.flatMap { $0.metrics.map(\.name) })
    }
    if let problem {
      Console.error("\(HistoryStores.shown(store)): error: \(problem)")
      throw ExitCode(Exit.inputError)
    }
  }

}

struct HistoryExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Copy every run of one history store into another.",
    discussion: """
      Copies an SQLite history into PostgreSQL, or back: each run with its
      inputs, metrics and results, in one transaction of its own. A run the
      target already has (the same playbook, kind, start time and playbook
      hash) is skipped, so running it again finishes an export that stopped
      and copies nothing new the second time.

        steward history export --to postgres://ci@db.internal/steward
        steward history export --from postgres://ci@db.internal/steward --to laptop.sqlite
      """)

  // Not --store: `steward history` takes that one itself, before `export`.
  @Option(
    name: .customLong("from"),
    help: "The history store to copy from: an SQLite file or a postgres:// URL (STEWARD_STORE).")
  var fromName: StoreName = .standard
  var from: String { fromName.value }

  @Option(help: "The history store to copy into (created when it is an SQLite file).")
  var to: String

  func validate() throws {
    if from.isEmpty || to.isEmpty {
      throw ValidationError("--from and --to take a file path or a postgres:// URL")
    }
    if from == to { throw ValidationError("--to names the store being copied from") }
  }

  func run() throws {
    guard HistoryStores.exists(from) else {
      Console.error(
        "\(HistoryStores.shown(from)): error: no history store here; name the one to copy with --from"
      )
      throw ExitCode(Exit.inputError)
    }
    do {
      let source = try HistoryStores.open(from, createFolder: false, reading: true)
      let target = try HistoryStores.open(to)
      let outcome = try HistoryExport.copy(from: source, to: target)
      print(
        "copied \(English.count(outcome.copied, "run")) to \(HistoryStores.shown(to)); \(outcome.skipped) already there"
      )
    } catch let stopped as HistoryExport.Stopped {
      Console.error("\(stopped.reason)")
      Console.error(
        "\(HistoryStores.shown(to)): note: the export stopped after copying \(English.count(stopped.outcome.copied, "run")) (\(stopped.outcome.skipped) already there); once the cause is mended, running it again copies the rest"
      )
      throw ExitCode(Exit.inputError)
    } catch let error as HistoryError {
      Console.error(error.description)
      throw ExitCode(Exit.inputError)
    }
  }
}

struct TimelineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "timeline",
    abstract: "Render a recorded runbook run's timeline again.",
    discussion: """
      Any runbook run in the store, ended, interrupted or waiting, as
      `steward run --format` rendered it (`steward history` lists the runs
      that have not ended):

        steward timeline 7 --format markdown > incident-7.md
      """)

  @Argument(help: "The runbook run's number.")
  var runNumber: Int64

  @Option(help: "Output format: text, markdown, json.")
  var format: String = "text"

  @Option(
    name: .customLong("store"),
    help: "The history store to read: an SQLite file or a postgres:// URL (STEWARD_STORE).")
  var storeName: StoreName = .standard
  var store: String { storeName.value }

  func validate() throws {
    guard ["text", "markdown", "json"].contains(format) else {
      throw ValidationError("unknown format \"\(format)\"; use one of text, markdown, json")
    }
  }

  func run() throws {
    guard HistoryStores.exists(store) else {
      Console.error(
        "\(HistoryStores.shown(store)): error: no history store here; name one with --store")
      throw ExitCode(Exit.inputError)
    }
    do {
      try Output.deliver(
        Timelines.render(store: store, run: runNumber, format: format), to: nil)
    } catch let error as any FileLevelError {
      Console.error("\(HistoryStores.shown(store)): error: \(error)")
      throw ExitCode(Exit.inputError)
    } catch let error as HistoryError {
      Console.error(error.description)
      throw ExitCode(Exit.inputError)
    }
  }
}

struct HistoryVerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check that a history store reads back whole.",
    discussion: """
      Runs the store's own integrity check (SQLite's, or PostgreSQL's
      catalogue), checks that every run has exactly the results it
      records, that no reused result refers to rows that are not there,
      and reads every run back as `--baseline-run`, sign-offs and
      `history export` would. Says "ok" and exits 0, or lists each problem
      and exits 2.

        steward history verify
        steward history verify postgres://ci@db.internal/steward
      """)

  @Argument(
    help: ArgumentHelp(
      "The history store: an SQLite file or a postgres:// URL (STEWARD_STORE).", valueName: "store")
  )
  var storeName: StoreName = .standard
  var store: String { storeName.value }

  func run() throws {
    let shown = HistoryStores.shown(store)
    guard HistoryStores.exists(store) else {
      Console.error("\(shown): error: no history store here; name one to check")
      throw ExitCode(Exit.inputError)
    }
    do {
      let history = try HistoryStores.open(store, createFolder: false, reading: true)
      let problems = try HistoryStores.problems(history)
      guard problems.isEmpty else {
        for problem in problems { Console.error("\(shown): error: \(Printable.escape(problem))") }
        throw ExitCode(Exit.inputError)
      }
      print(
        "\(shown): ok (\(English.count(try history.runs(playbook: nil, limit: nil).count, "run")))")
    } catch let error as HistoryError {
      Console.error(error.description)
      throw ExitCode(Exit.inputError)
    }
  }
}
