import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// docs/dashboard.md: the `yaml` example runs on the `csv` blocks that
/// follow it (named on their fence line, ```` ```csv finance.csv ````) and
/// prints exactly the `text` block.
@Suite struct DashboardDocsTests {
  static let docs = Scratch.packageRoot.appendingPathComponent("docs/dashboard.md")

  static func blocks() throws -> [(info: String, text: String)] {
    try DocBlocks.read("docs/dashboard.md").map { ($0.info, $0.text) }
  }

  @Test func theExampleRunsAndPrintsWhatTheDocsSay() throws {
    let blocks = try Self.blocks()
    let yaml = try #require(blocks.first { $0.info == "yaml" }?.text)
    var files = ["dashboard.yaml": yaml]
    for block in blocks where block.info.hasPrefix("csv ") {
      files[String(block.info.dropFirst(4))] = block.text
    }
    #expect(files.count == 3)
    let scratch = try Scratch(files)
    let path = scratch.path("dashboard.yaml")
    let playbook = try DashboardPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path)
    let report = try DashboardRunner.run(playbook: playbook, history: nil)
    let expected = try #require(blocks.first { $0.info == "text" }?.text)
    #expect(DashboardTextReporter().render(report) + "\n" == expected)
    #expect(report.metric("win_rate")?.current.fact("wins") == 3)
  }

  @Test func theShippedPlaybookIsDocumented() throws {
    let text = try String(contentsOf: Self.docs, encoding: .utf8)
    for builtin in DashboardBuiltin.allCases {
      #expect(text.contains("| `\(builtin.rawValue)` |"), "\(builtin.rawValue) is not documented")
    }
  }
}
