import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// The complete examples of docs/hackathon.md and docs/ritual.md: every
/// block named with a file becomes that file, the playbook runs, and its
/// text report must be the `text` block, word for word. The Lua example of
/// docs/ritual.md loads as a playbook.
@Suite struct RitualDocsTests {
  static func blocks(_ doc: String) throws -> [(info: String, text: String)] {
    try DocBlocks.read(doc).map { ($0.info, $0.text) }
  }

  static func example(_ doc: String) throws -> (Scratch, expected: String) {
    let blocks = try blocks(doc)
    var files: [String: String] = [:]
    for b in blocks {
      let parts = b.info.split(separator: " ")
      if parts.count == 2 { files[String(parts[1])] = b.text }
    }
    let expected = try #require(blocks.last { $0.info == "text" }?.text)
    return (try Scratch(files), expected)
  }

  @Test func theHackathonExampleRunsAsDocumented() throws {
    let (scratch, expected) = try Self.example("docs/hackathon.md")
    let path = scratch.path("hackathon.yaml")
    let playbook = try HackathonPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      today: LocalDate(year: 2027, month: 5, day: 31)!)
    #expect(HackathonReporter.text(HackathonReport.build(playbook)) == expected)
  }

  @Test func theRitualExampleRunsAsDocumented() throws {
    let (scratch, expected) = try Self.example("docs/ritual.md")
    let path = scratch.path("rituals.yaml")
    let playbook = try RitualPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      today: LocalDate(year: 2027, month: 3, day: 1)!)
    let report = RitualReport.build(playbook, scheduler: try RitualScheduler(playbook: playbook))
    #expect(RitualReporter.text(report) == expected)
  }

  @Test func theLuaExampleIsAPlaybook() throws {
    let lua = try #require(try Self.blocks("docs/ritual.md").first { $0.info == "lua" }?.text)
    let scratch = try Scratch(["papers.lua": lua])
    let path = scratch.path("papers.lua")
    let playbook = try RitualPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      today: LocalDate(year: 2026, month: 12, day: 1)!)
    let report = RitualReport.build(playbook, scheduler: try RitualScheduler(playbook: playbook))
    #expect(
      report.rituals[0].announcement
        == "December: ranking. January: causal inference. February: MLOps.")
  }
}
