import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

extension RunCommand {
  /// `steward run RITUALS`: the next occurrences with presenters and
  /// announcements, attendance and who is drifting away; `--ics FILE` also
  /// writes the occurrences as an iCalendar file.
  func runRitual(_ header: PlaybookHeader, overrides: [String: [String]]) throws {
    try checkKindOptions("ritual")
    let started = Date()
    let playbook: RitualPlaybook
    let context: RunContext
    let report: RitualReport
    do {
      playbook = try RitualPlaybook.load(
        header: header, path: self.playbook, pluginPath: pluginPath, inputs: overrides,
        vars: try variables(), today: .today())
      context = RunContext(history: noRecord ? nil : try HistoryCommand.open(store))
      let earlier =
        try context.history.map { try RitualRecorder.isolationHistory(header.name, in: $0) } ?? []
      let scheduler = try RitualScheduler(playbook: playbook)
      report = RitualReport.build(playbook, scheduler: scheduler, isolationHistory: earlier)
    } catch {
      throw inputFailure(error)
    }
    if let ics {
      try Output.writeAtomically(RitualReporter.calendar(report, stamp: started), to: ics)
    }
    let text = RitualReporter.render(report, format: format)
    try emit(text)
    for warning in report.warnings { Console.error(warning.description) }
    try record {
      try RitualRecorder.record(
        report, playbook: playbook, startedAt: started,
        duration: Date().timeIntervalSince(started), in: context)
    }
  }
}
