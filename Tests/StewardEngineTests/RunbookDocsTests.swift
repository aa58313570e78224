import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// The `yaml` example of docs/runbook.md runs, and the shipped runbooks it
/// describes load with the commands it gives.
@Suite struct RunbookDocsTests {
  static let docs = Scratch.packageRoot.appendingPathComponent("docs/runbook.md")

  static func yamlBlocks() throws -> [String] {
    let text = try String(contentsOf: docs, encoding: .utf8)
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```yaml" {
        current = []
      } else if let open = current, line == "```" {
        blocks.append(open.joined(separator: "\n") + "\n")
        current = nil
      } else {
        current?.append(line)
      }
    }
    return blocks.filter { $0.contains("kind: runbook") }
  }

  @Test func theExampleRunsBothWays() async throws {
    let yaml = try #require(try Self.yamlBlocks().first)
    let fine = try await RunbookFixture(yaml).run()
    #expect(fine.status == "ok")
    #expect(fine.step("usage")?.captures["pct"] == "42")
    #expect(fine.step("usage")?.output.text.contains("token ***") == true)
    #expect(fine.step("report")?.output.text == "USAGE IS 42%\n")
    #expect(fine.step("clean")?.status == .skipped)
    #expect(fine.step("note")?.answer == "no")

    // Over the limit: the check fails, the goto cleans, the note is taken.
    let full = try await RunbookFixture(yaml, vars: [("limit", "40")]).run(
      yes: false, answers: ["clean": "yes", "note": "cache at 42%"])
    #expect(full.steps.map(\.id) == ["usage", "clean", "note"])
    #expect(full.step("usage")?.attempts == 3)
    #expect(full.step("clean")?.output.text == "deleted 1200 entries\n")
    #expect(full.step("note")?.answer == "cache at 42%")
    #expect(full.status == "failed")
  }

  @Test func theShippedRunbooksLoad() throws {
    for name in ["recsys-oncall", "monitoring-review"] {
      let path = Scratch.packageRoot.appendingPathComponent("Playbooks/\(name).yaml").path
      let runbook = try RunbookPlaybook.load(
        header: try PlaybookLoader.load(path: path), path: path, vars: [("state", "broken")])
      #expect(runbook.steps.count >= 5)
      #expect(RunbookPlan.render(runbook).contains("--state broken"))
    }
  }
}
