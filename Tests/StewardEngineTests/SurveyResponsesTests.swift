import Foundation
import StewardCore
import StewardYAML
import Testing

@testable import StewardEngine

/// Bad and awkward CSVs: each the right error at its line, or the right answer.
@Suite struct SurveyResponsesTests {
  static func yaml(policy: String = "error") -> String {
    """
    steward: 1
    kind: survey
    name: s
    responses: { file: r.csv, metadata: [team, date] }
    on_bad_response: \(policy)
    min_group_size: 1
    questions:
      - { id: q1, text: a, dimension: d, type: likert }
      - { id: note, text: b, dimension: d, type: text }
    """
  }

  static func load(_ csv: String, policy: String = "error") throws -> SurveyResponses {
    try SurveyFixture(yaml(policy: policy), files: ["r.csv": csv]).responses()
  }

  static func problems(_ csv: String, policy: String = "error") -> [Diagnostic] {
    SurveyFixture.problems { _ = try load(csv, policy: policy) }
  }

  @Test func raggedRows() throws {
    // Too many fields: an error at the row; too few: blank answers.
    let long = Self.problems("respondent,team,date,q1,note\nr1,ads,d,3,x,extra\n")
    #expect(long.map(\.code) == ["Y020"])
    #expect(long.first?.mark.line == 2)
    let short = try Self.load("respondent,team,date,q1,note\nr1,ads,d\nr2,ads,d,4\n")
    #expect(short.responses.count == 2)
    #expect(short.responses[0].answers.isEmpty)
    #expect(short.responses[1].answers["q1"] == .number(4))
  }

  @Test func byteOrderMarkAndCRLF() throws {
    let bom = try Self.load(
      "\u{FEFF}respondent,team,date,q1,note\r\nr1,ads,d,3,\r\nr2,ads,d,5,\r\n")
    #expect(bom.responses.map(\.respondent) == ["r1", "r2"])
    #expect(bom.responses.map(\.line) == [2, 3])
    let bad = Self.problems("respondent,team,date,q1,note\r\nr1,ads,d,3,\r\nr2,ads,d,9,\r\n")
    #expect(bad.map(\.code) == ["Q108"])
    #expect(bad.first?.mark.line == 3)
    #expect(bad.first?.mark.column == 10)
  }

  @Test func quotedCommasAndNewlines() throws {
    let csv = "respondent,team,date,q1,note\nr1,ads,d,3,\"one, two\nthree\"\nr2,ads,d,7,ok\n"
    let bad = Self.problems(csv)
    // r1's note spans lines 2–3, so r2 is on line 4.
    #expect(bad.map(\.code) == ["Q108"])
    #expect(bad.first?.mark.line == 4)
    let good = try Self.load(csv.replacingOccurrences(of: "d,7,ok", with: "d,2,ok"))
    #expect(good.responses[0].answers["note"] == .text("one, two\nthree"))
  }

  @Test func emptyFileAndHeaderOnly() {
    #expect(Self.problems("").map(\.code) == ["Q101"])
    #expect(Self.problems("\n\n").map(\.code) == ["Q101"])
    let header = Self.problems("respondent,team,date,q1,note\n")
    #expect(header.map(\.code) == ["Q101"])
    #expect(header.first?.message.contains("no responses") == true)
  }

  @Test func unknownColumnIsAnErrorAtItsHeaderCell() {
    let problems = Self.problems("respondent,team,date,q1,note,q2\nr1,ads,d,3,\n")
    #expect(problems.map(\.code) == ["Q103"])
    #expect(problems.first?.mark.line == 1)
    #expect(problems.first?.mark.column == 30)
    #expect(problems.first?.message.contains("did you mean \"q1\"") == true)
  }

  @Test func missingMetadataColumn() {
    let problems = Self.problems("respondent,team,q1,note\nr1,ads,3,\n")
    #expect(problems.map(\.code) == ["Q102"])
    #expect(problems.first?.message.contains("\"date\"") == true)
  }

  @Test func outOfRangeValue() {
    let problems = Self.problems(
      "respondent,team,date,q1,note\nr1,ads,d,3,\nr2,ads,d,6,\nr3,ads,d,x,\n")
    #expect(problems.map(\.code) == ["Q108", "Q108"])
    #expect(problems.map(\.mark.line) == [3, 4])
    #expect(problems.first?.message == "\"6\" is not on the 1–5 scale of q1")
  }

  @Test func duplicateRespondent() {
    let problems = Self.problems(
      "respondent,team,date,q1,note\nr1,ads,d,3,\nr2,ads,d,4,\nr1,ads,d,5,\n")
    #expect(problems.map(\.code) == ["Q106"])
    #expect(problems.first?.mark.line == 4)
    #expect(problems.first?.message == "respondent \"r1\" answered twice (first at line 2)")
  }

  @Test func dropPolicyTurnsRowProblemsIntoWarnings() throws {
    let csv =
      "respondent,team,date,q1,note,extra\nr1,ads,d,3,,x\nr2,ads,d,6,,x\nr1,ads,d,5,,x\nr4,ads,d,4,,x\n"
    let loaded = try Self.load(csv, policy: "drop")
    #expect(loaded.responses.map(\.respondent) == ["r1", "r4"])
    #expect(loaded.dropped == 2)
    #expect(loaded.warnings.map(\.code) == ["Q103", "Q108", "Q106"])
    #expect(loaded.warnings.allSatisfy { $0.severity == .warning })
    #expect(loaded.warnings.map(\.mark.line) == [1, 3, 4])
  }

  @Test func inputOverrideReplacesTheFile() throws {
    let fixture = try SurveyFixture(
      Self.yaml(), files: ["r.csv": "", "other.csv": "respondent,team,date,q1,note\nr1,a,d,1,\n"])
    let overridden = try SurveyFixture(
      Self.yaml(), files: ["r.csv": ""], inputs: ["responses": [fixture.scratch.path("other.csv")]])
    #expect(try overridden.responses().responses.count == 1)
  }

  @Test func schemaProblemsAreReportedAtOnce() {
    let yaml = """
      steward: 1
      kind: survey
      name: s
      responses: r.csv
      on_bad_response: ignore
      questions:
        - { id: q1, text: a, dimension: d, type: likert, points: 1 }
        - { id: q1, text: b, dimension: d, type: stars }
        - { id: q3, text: c, dimension: d, type: single }
      levels:
        - { id: one, criteria: [{ question: nope, min: 3 }] }
      """
    let codes = SurveyFixture.problems {
      let header = try PlaybookHeader.parse(try YAMLLoader.load(yaml, file: "s.yaml")[0])
      _ = try SurveyPlaybook.load(header: header, path: "s.yaml")
    }.map(\.code)
    // on_bad_response is caught by the header schema first.
    #expect(codes == ["S004"])
    let fixed = yaml.replacingOccurrences(of: "ignore", with: "drop")
      .replacingOccurrences(of: "stars", with: "likert")
    let body = SurveyFixture.problems { _ = try SurveyFixture(fixed) }.map(\.code)
    #expect(body == ["Q002", "Q003", "Q002", "Q013"])
  }
}
