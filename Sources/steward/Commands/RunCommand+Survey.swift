import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

extension RunCommand {
  /// `steward run SURVEY`: score the responses, print the report, record it.
  /// Exits 1 when fewer people answered than the anonymity threshold allows
  /// to report (the survey did not reach its quorum).
  func runSurvey(_ header: PlaybookHeader, overrides: [String: [String]]) throws {
    let formats = ["text", "markdown", "json"]
    guard formats.contains(format) else {
      throw ValidationError(
        "a survey report is text, markdown or json; \"\(format)\" is for audits")
    }
    if failOn != nil || !only.isEmpty || !skip.isEmpty || ignoreErrors {
      throw ValidationError("--fail-on, --only, --skip and --ignore-errors apply to audits only")
    }
    let started = Date()
    let survey: SurveyPlaybook
    let report: SurveyReport
    let context: RunContext
    do {
      survey = try SurveyPlaybook.load(
        header: header, path: playbook, pluginPath: pluginPath, inputs: overrides)
      context = RunContext(history: noRecord ? nil : try HistoryCommand.open(store))
      let responses = try SurveyResponses.load(for: survey)
      // The trend compares with the last recorded run of this playbook.
      let baseline = try context.history.flatMap {
        try SurveyBaseline.latest(playbook: header.name, in: $0)
      }
      report = SurveyScorer.score(survey, responses, baseline: baseline)
    } catch {
      throw inputFailure(error)
    }
    let text: String
    switch format {
    case "markdown": text = SurveyMarkdownReporter().render(report)
    case "json": text = SurveyJSONReporter().render(report)
    default: text = SurveyTextReporter().render(report)
    }
    try emit(text)
    for warning in report.warnings { Console.error(warning.description) }
    try record {
      try SurveyRecorder.record(
        report, playbook: survey, startedAt: started,
        duration: Date().timeIntervalSince(started), in: context)
    }
    if report.overall == nil { throw ExitCode(Exit.gateFailed) }
  }
}
