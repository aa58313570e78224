import Foundation
import StewardCore
import StewardYAML
import Testing

@testable import StewardEngine

/// The examples in docs/audit.md load and run against the shipped example.
@Suite struct AuditDocsTests {
  @Test func everyExampleRuns() throws {
    let root = Scratch.packageRoot
    let blocks = try PlaybookDocsTests.yamlBlocks(in: root.appendingPathComponent("docs/audit.md"))
    #expect(!blocks.isEmpty)
    for block in blocks {
      let document = try #require(try YAMLLoader.load(block, file: "docs/audit.md").first)
      let header = try PlaybookHeader.parse(document)
      // As if the block were a file in docs/, so its relative paths resolve.
      let path = root.appendingPathComponent("docs/example.yaml").path
      var runner = AuditRunner(playbook: try AuditPlaybook.load(header: header, path: path))
      runner.today = "2026-11-23"
      let report = try runner.run()
      #expect(report.subjects.map(\.id).contains("ad-targeting"))
      #expect(
        !report.results.contains { $0.status == .error },
        "\(report.results.filter { $0.status == .error })")
      let waived = report.results.filter { $0.status == .waived }
      #expect(waived.map(\.subjectID) == ["ad-targeting"])
      #expect(report.gateFailed)
    }
  }
}
