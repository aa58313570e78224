import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

extension RunCommand {
  /// `steward run HACKATHON`: cross-team projects, participation, ranking,
  /// the funnel (this hackathon and every one in the history) and the
  /// follow-up of backlog items.
  func runHackathon(_ header: PlaybookHeader, overrides: [String: [String]]) throws {
    try checkKindOptions("hackathon")
    let started = Date()
    let playbook: HackathonPlaybook
    let context: RunContext
    let report: HackathonReport
    do {
      playbook = try HackathonPlaybook.load(
        header: header, path: self.playbook, inputs: overrides, vars: try variables(),
        today: .today())
      context = RunContext(history: noRecord ? nil : try HistoryCommand.open(store))
      let earlier = try context.history.map { try HackathonRecorder.history(in: $0) } ?? []
      report = HackathonReport.build(playbook, earlier: earlier)
    } catch {
      throw inputFailure(error)
    }
    let text = HackathonReporter.render(report, format: format)
    try emit(text)
    for warning in report.warnings { Console.error(warning.description) }
    try record {
      try HackathonRecorder.record(
        report, playbook: playbook, startedAt: started,
        duration: Date().timeIntervalSince(started), in: context)
    }
  }

  /// Formats and options that hackathon and ritual runs accept.
  func checkKindOptions(_ kind: String) throws {
    guard ["text", "markdown", "json"].contains(format) else {
      throw ValidationError(
        "a \(kind) report is text, markdown or json; \"\(format)\" is for audits")
    }
    if failOn != nil || !only.isEmpty || !skip.isEmpty || ignoreErrors {
      throw ValidationError("--fail-on, --only, --skip and --ignore-errors apply to audits only")
    }
    if ics != nil, kind != "ritual" {
      throw ValidationError("--ics writes the calendar of a ritual playbook")
    }
  }

  /// `--var KEY=VALUE` as a dictionary.
  func variables() throws -> [String: String] {
    var out: [String: String] = [:]
    for item in vars {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw ValidationError("--var takes KEY=VALUE, found \"\(item)\"")
      }
      out[parts[0]] = parts[1]
    }
    return out
  }
}
