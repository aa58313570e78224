import Foundation
import StewardCore
import StewardYAML
import Testing

@testable import StewardEngine

@Suite struct PlaybookHeaderTests {
  func parse(_ yaml: String) throws -> PlaybookHeader {
    let docs = try YAMLLoader.load(yaml, file: "p.yaml")
    return try PlaybookHeader.parse(docs[0])
  }

  func problems(_ yaml: String) throws -> [Diagnostic] {
    do {
      _ = try parse(yaml)
      return []
    } catch let error as PlaybookError {
      return error.diagnostics
    }
  }

  @Test func readsAValidHeader() throws {
    let header = try parse(
      """
      steward: 1
      kind: audit
      name: deployment-gate
      title: Gate
      plugins: [a.lua, b.lua]
      checks: []
      """)
    #expect(header.kind == .audit)
    #expect(header.name == "deployment-gate")
    #expect(header.plugins == ["a.lua", "b.lua"])
  }

  @Test func unknownKeySuggestsTheNearestAndPointsAtTheKey() throws {
    let found = try problems(
      """
      steward: 1
      kind: audit
      name: gate
      chekcs: []
      """)
    #expect(
      found.map(\.description) == [
        #"p.yaml:4:1: error: unknown key "chekcs" in audit playbook; did you mean "checks"? [S003]"#
      ])
  }

  @Test func everyProblemIsReportedAtOnce() throws {
    let found = try problems(
      """
      steward: 1
      kind: audit
      name: Not An Id
      tags: [a, 3]
      """)
    #expect(found.map(\.code) == ["S004", "S004"])
    #expect(found[0].mark.line == 3)
    #expect(
      found[1].description.hasPrefix(
        "p.yaml:4:11: error: \"tags\" must be a list of strings, found 3"))
  }

  @Test func missingKindAndNameAreNamed() throws {
    let found = try problems("steward: 1\nsteps: []\n")
    #expect(found.map(\.code) == ["S005", "S005"])
    #expect(found[0].message.contains("\"kind\""))
    #expect(found[1].message.contains("\"name\""))
  }

  @Test func unknownKindListsTheKinds() throws {
    let found = try problems("steward: 1\nkind: audt\nname: x\n")
    #expect(found.count == 1)
    #expect(found[0].message.contains(#"one of "audit", "survey""#))
    #expect(found[0].mark.line == 2 && found[0].mark.column == 7)
  }

  @Test func newerFormatIsRefusedWithTheVersions() throws {
    let found = try problems("steward: 2\nkind: audit\nname: x\n")
    #expect(found.map(\.code) == ["S006"])
  }

  @Test func aListIsNotAPlaybook() throws {
    let found = try problems("- a\n- b\n")
    #expect(found.map(\.code) == ["S002"])
  }

  @Test(arguments: PlaybookKind.allCases)
  func everyKindAcceptsItsBodyKeys(kind: PlaybookKind) throws {
    let body = PlaybookSchema.body(of: kind).map { "\($0.name): null" }
    // null fits no typed field, so only the type problems may appear: no
    // unknown-key problems for a kind's own keys.
    let found = try problems(
      (["steward: 1", "kind: \(kind.rawValue)", "name: x"] + body).joined(separator: "\n"))
    #expect(!found.contains { $0.code == "S003" })
  }
}

@Suite struct SchemaValidatorTests {
  @Test func editDistanceSuggestions() {
    #expect(SchemaValidator.suggestion(for: "plugin", among: ["plugins", "name"]) == "plugins")
    #expect(SchemaValidator.suggestion(for: "zzzzzz", among: ["plugins", "name"]) == nil)
    #expect(SchemaValidator.editDistance("kitten", "sitting") == 3)
  }

  @Test func identifiers() {
    #expect(SchemaValidator.isIdentifier("deployment-gate.v2"))
    #expect(!SchemaValidator.isIdentifier("Deployment"))
    #expect(!SchemaValidator.isIdentifier("-x"))
    #expect(!SchemaValidator.isIdentifier(""))
  }
}

@Suite struct PathTests {
  @Test(arguments: [
    ("Playbooks", "../Examples/a.yaml", "Examples/a.yaml"),
    ("", "x.yaml", "x.yaml"),
    ("a/b", "./c/../d", "a/b/d"),
    ("..", "x", "../x"),
    ("/srv/p", "../q", "/srv/q"),
    ("base", "/abs/p", "/abs/p"),
  ])
  func joinFoldsDots(base: String, relative: String, expected: String) {
    #expect(InputFiles.join(base, relative) == expected)
  }
}
