import ArgumentParser
import Foundation
import StewardEngine

struct SignoffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "signoff",
    abstract: "Sign off (approve or reject) an audit run's results in a role.",
    discussion: """
      An audit whose playbook has `signoff:` exits 3 ("awaiting sign-off")
      until a person of the role approves its results. The decision is kept
      with a SHA-256 of the results it was given on: a run whose results
      differ needs a new sign-off; a run with the same results is covered.

        steward signoff 12 --role responsible-ai --as priya --decision approve \\
          --note "fairness slices reviewed"

      The name comes from --as, else STEWARD_USER, else USER. It is recorded,
      not authenticated. The person who triggered the run cannot sign it off.
      """)

  @Argument(help: "The audit run number.")
  var runNumber: Int64

  @Option(help: "Sign only this check's results.")
  var check: String?

  @Option(help: "Sign only this subject's results.")
  var subject: String?

  @Option(name: .customLong("as"), help: "Who signs (default: STEWARD_USER, then USER).")
  var name: String?

  @Option(help: "The role signed in, from the playbook's roster.")
  var role: String

  @Option(help: "approve or reject.")
  var decision: String

  @Option(help: "What was reviewed, or why it is rejected.")
  var note: String

  @Option(help: "The results hash (12 or more hex digits) reviewed; refused if it differs.")
  var results: String?

  @Option(name: .customLong("store"), help: "The history store the run is in.")
  var storeName: StoreName = .standard
  var store: String { storeName.value }

  func run() throws {
    guard HistoryStores.exists(store) else {
      Console.error(
        "\(HistoryStores.shown(store)): error: no history store here; name one with --store")
      throw ExitCode(Exit.inputError)
    }
    do {
      let said = try SignOffs.sign(
        store: store, run: runNumber, check: check, subject: subject, as: name, role: role,
        decision: decision, note: note, results: results)
      try Output.deliver(said, to: nil)
    } catch let error as any FileLevelError {
      Console.error("error: \(error)")
      throw ExitCode(Exit.inputError)
    } catch let error as HistoryError {
      Console.error(error.description)
      throw ExitCode(Exit.inputError)
    } catch {
      Diagnostics.print(error, file: store)
      throw ExitCode(Exit.inputError)
    }
  }
}
