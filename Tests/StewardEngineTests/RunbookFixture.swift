import Foundation
import StewardCore

@testable import StewardEngine

/// A runbook written to a scratch folder, loaded as `steward run` loads it.
struct RunbookFixture {
  let scratch: Scratch
  let playbook: RunbookPlaybook

  init(_ yaml: String, files: [String: String] = [:], vars: [(String, String)] = []) throws {
    var all = files
    all["runbook.yaml"] = yaml
    scratch = try Scratch(all)
    let path = scratch.path("runbook.yaml")
    playbook = try RunbookPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path, vars: vars)
  }

  /// Runs it unattended (answers from `answers`, or --yes), output discarded.
  func run(
    store: any TimelineStore = InMemoryTimelineStore(), yes: Bool = true,
    answers: [String: String] = [:], grace: Double = 1
  ) async throws -> RunbookReport {
    let runner = try RunbookRunner(playbook: playbook, store: store)
    runner.prompter.yes = yes
    runner.prompter.answers = answers
    runner.prompter.interactive = false
    runner.grace = grace
    return try await runner.run()
  }

  func text(_ name: String) -> String {
    (try? String(contentsOfFile: scratch.path(name), encoding: .utf8)) ?? ""
  }

  /// The problems loading `yaml` reports, rendered `file:line:col: …`.
  static func problems(_ yaml: String) -> [String] {
    do {
      _ = try RunbookFixture(yaml)
      return []
    } catch let error as PlaybookError {
      return error.diagnostics.map {
        "\($0.mark.line):\($0.mark.column): \($0.message) [\($0.code)]"
      }
    } catch {
      return ["\(error)"]
    }
  }
}

extension RunbookReport {
  func step(_ id: String) -> StepResult? { steps.first { $0.id == id } }
}

/// Whether a process is gone (or a zombie nobody has reaped yet: in a
/// container the init process may never reap it, but it runs no more).
func processIsGone(_ pid: Int32) -> Bool {
  if kill(pid, 0) != 0 { return true }
  let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
  return status.contains("State:\tZ") || status.isEmpty
}
