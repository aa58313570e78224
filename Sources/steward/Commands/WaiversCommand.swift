import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

/// `steward waivers`: who accepted what, and for how much longer.
struct WaiversCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "waivers",
    abstract: "List every waiver of the audit playbooks, with its owner and the days it has left.",
    discussion: """
      Reads each audit playbook as `steward run` would (its waivers file,
      waivers_from, scope: all-checks) and lists its waivers: live,
      expiring (within the playbook's waiver_notice_days, 14 by default),
      expired, or refused (from a file waivers_from does not name).

        steward waivers                                # every audit under Playbooks/
        steward waivers Playbooks/deployment-gate.yaml --format json

      Exits 2 if a playbook named cannot be read.
      """)

  @Argument(help: "Audit playbooks or folders holding them (default: Playbooks).")
  var paths: [String] = ["Playbooks"]

  @Option(help: "text or json.")
  var format: String = "text"

  @Option(name: .customLong("plugin-path"), help: "A folder to look for plugins in (repeatable).")
  var pluginPath: [String] = []

  func run() throws {
    guard ["text", "json"].contains(format) else {
      Console.error("error: --format takes text or json, found \"\(format)\"")
      throw ExitCode(Exit.inputError)
    }
    let entries: [WaiverList.Entry]
    do {
      entries = try WaiverList.collect(
        paths: paths, pluginPath: pluginPath, today: AuditRunner.isoDay(StewardClock.now()))
    } catch {
      Diagnostics.print(error, file: paths.first ?? "")
      throw ExitCode(Exit.inputError)
    }
    Console.out(format == "json" ? WaiverList.json(entries) : WaiverList.text(entries))
  }
}
