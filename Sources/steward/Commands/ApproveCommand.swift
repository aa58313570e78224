import ArgumentParser
import Foundation
import StewardEngine

struct ApproveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "approve",
    abstract: "Approve (or deny) a runbook step that waits for a second person.",
    discussion: """
      A runbook step with `approve:` stops its run (exit 3) until enough of
      the people it names approve it. Each decision is recorded in the run's
      timeline with who gave it; then resume the run:

        steward approve 7 rollback --as lee --reason "checked the dashboards"
        steward run rollback.yaml --resume 7

      The name comes from --as, else STEWARD_USER, else USER. It is recorded,
      not authenticated: this is a second person's word on the record, not an
      access control. The person who started the run cannot approve it.
      """)

  @Argument(help: "The run number steward printed when the run started.")
  var runNumber: Int64

  @Argument(help: "The id of the step that waits.")
  var step: String

  @Option(name: .customLong("as"), help: "Who is deciding (default: STEWARD_USER, then USER).")
  var name: String?

  @Option(help: "Why, for the timeline.")
  var reason: String?

  @Flag(help: "Deny instead: the step fails and the run goes where its on_failure says.")
  var deny = false

  @Option(
    name: .customLong("store"),
    help: "The history store the run is in: an SQLite file or a postgres:// URL (STEWARD_STORE).")
  var storeName: StoreName = .standard
  var store: String { storeName.value }

  func run() throws {
    guard HistoryStores.exists(store) else {
      Console.error(
        "\(HistoryStores.shown(store)): error: no history store here; name one with --store")
      throw ExitCode(Exit.inputError)
    }
    do {
      let said = try Approvals.decide(
        store: store, run: runNumber, step: step, as: name, reason: reason, deny: deny)
      try Output.deliver(said, to: nil)
    } catch let error as any FileLevelError {
      Console.error("error: \(error)")
      throw ExitCode(Exit.inputError)
    } catch let error as HistoryError {
      Console.error(error.description)
      throw ExitCode(Exit.inputError)
    }
  }
}
