import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// `steward validate FOLDER` leaves a playbook's data to that playbook, and
/// never at the cost of a problem going unreported.
@Suite struct ValidateFolderTests {
  static let schema = """
    {"type": "object", "required": ["id", "owner"],
     "properties": {"id": {"type": "string"}, "owner": {"type": "string"}}}
    """

  /// An audit of `subjects` requiring `field`, checked against
  /// `card.schema.json` when `schema` is set.
  static func gate(subjects: String = "cards", field: String = "owner", schema: Bool = true)
    -> String
  {
    "steward: 1\nkind: audit\nname: g\nsubjects: \(subjects)\n"
      + (schema ? "schema: card.schema.json\n" : "")
      + "checks:\n  - builtin: required\n    id: \(field)\n    params: { path: \(field) }\n"
  }

  func validate(_ files: [String: String], _ names: [String] = ["."]) throws -> Validator.Report {
    let scratch = try Scratch(files)
    return Validator.validate(paths: names.map { $0 == "." ? scratch.url.path : scratch.path($0) })
  }

  func judged(_ report: Validator.Report) -> [String] {
    report.files.map { ($0.path as NSString).lastPathComponent }.sorted()
  }

  @Test func theCardsAnAuditCheckedAreItsData() throws {
    let report = try validate([
      "gate.yaml": Self.gate(), "card.schema.json": Self.schema,
      "cards/a.yaml": "id: a\nowner: x\n",
    ])
    #expect(report.ok, "\(report.allDiagnostics)")
    #expect(judged(report) == ["gate.yaml"])
  }

  @Test func withoutASchemaNothingReadsTheCardsSoTheyAreJudged() throws {
    let report = try validate([
      "gate.yaml": Self.gate(schema: false),
      "cards/broken.yaml": "owner: [unclosed\n",
    ])
    #expect(!report.ok)
    #expect(judged(report).contains("broken.yaml"))
  }

  @Test func aPlaybookThatAnotherReadsIsStillJudged() throws {
    // The audit's subjects are every YAML file here, itself and a broken
    // survey included: neither may vanish from the report.
    let report = try validate([
      "gate.yaml": Self.gate(subjects: "\"*.yaml\"", field: "name", schema: false),
      "survey.yaml": "steward: 1\nkind: survey\nname: s\ntitle: [\n",
    ])
    #expect(!report.ok)
    #expect(judged(report) == ["gate.yaml", "survey.yaml"])
  }

  @Test func aDataFileOfAPlaybookThatFailedIsJudged() throws {
    let report = try validate([
      "gate.yaml": Self.gate(), "card.schema.json": Self.schema,
      "cards/a.yaml": "id: a\n",
    ])
    #expect(!report.ok)
    #expect(judged(report).contains("a.yaml"))
  }

  /// What `test` and `run` refuse in a plugin's declarations, `validate`
  /// refuses too.
  @Test(arguments: [
    (#"severity = "bogus""#, #"severity "bogus" is not one of"#),
    (#"params = { t = { type = "number", min = 2, max = 1 } }"#, "min is above max"),
    (#"params = { t = { type = "number", default = 0, min = 1 } }"#, "must be at least 1"),
  ])
  func aPluginsDeclarationsAreChecked(declaration: String, problem: String) throws {
    let plugin = """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "c", description = "d", \(declaration), run = function() return true end }
      return p
      """
    let report = try validate(["p.lua": plugin], ["p.lua"])
    #expect(report.allDiagnostics.map(\.code) == ["P002"])
    #expect(
      report.allDiagnostics.first?.message.contains(problem) == true, "\(report.allDiagnostics)")
  }

  @Test func aDataFileNamedOnItsOwnIsJudged() throws {
    let files = [
      "gate.yaml": Self.gate(), "card.schema.json": Self.schema,
      "cards/a.yaml": "id: a\nowner: x\n",
    ]
    let report = try validate(files, ["gate.yaml", "cards/a.yaml"])
    #expect(!report.ok)
    #expect(judged(report) == ["a.yaml", "gate.yaml"])
  }
}
