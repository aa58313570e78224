import Foundation
import StewardCore
import StewardYAML
import Testing

@testable import StewardEngine

/// Every `yaml` example in docs/playbooks.md must read as a valid playbook, so
/// the documentation cannot drift from the schema.
@Suite struct PlaybookDocsTests {
  static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("docs/playbooks.md")

  static func yamlBlocks(in file: URL = docs) throws -> [String] {
    let text = try String(contentsOf: file, encoding: .utf8)
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```yaml" {
        current = []
      } else if current != nil, line == "```" {
        blocks.append((current ?? []).joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    return blocks
  }

  @Test func documentationHasExamples() throws {
    #expect(try Self.yamlBlocks().count >= 2)
  }

  /// Validated as `steward validate` would a file in docs/, body and all:
  /// reading the header alone let an audit without subjects through.
  @Test func everyExampleValidates() throws {
    let path = Scratch.packageRoot.appendingPathComponent("docs/example.yaml").path
    for (i, block) in try Self.yamlBlocks().enumerated() {
      let docs = try YAMLLoader.load(block, file: "docs/playbooks.md#example-\(i + 1)")
      let header = try PlaybookHeader.parse(docs[0])
      let result = try Validator.validatePlaybook(header, path: path)
      #expect(result.diagnostics.isEmpty, "example \(i + 1): \(result.diagnostics)")
    }
  }
}
