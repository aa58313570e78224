import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// Bad and awkward responses files, committed byte for byte under
/// Fixtures/survey-csv (a BOM, CRLF, a lone CR, quoted commas and line
/// breaks, ragged rows, an empty file, an unknown question, bad bytes) and
/// read through `--input responses=PATH` the way a run reads them: each
/// gives the right error at its CSV line and column, or the right answer.
@Suite struct SurveyCSVFileTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/survey-csv")

  static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  static func load(_ name: String) throws -> SurveyResponses {
    try SurveyFixture(
      SurveyResponsesTests.yaml(), inputs: ["responses": [path(name)]]
    ).responses()
  }

  static func problems(_ name: String) -> [Diagnostic] {
    SurveyFixture.problems { _ = try load(name) }
  }

  static func at(_ d: Diagnostic?) -> String {
    guard let d else { return "none" }
    return
      "\((d.mark.file as NSString).lastPathComponent):\(d.mark.line):\(d.mark.column) \(d.code)"
  }

  @Test func aRowLongerThanTheHeaderIsAnErrorAtItsExtraField() {
    let p = Self.problems("ragged-long.csv")
    #expect(p.count == 1)
    #expect(Self.at(p.first) == "ragged-long.csv:3:15 Y020")
  }

  @Test func shorterRowsHaveBlankAnswers() throws {
    let r = try Self.load("ragged-short.csv")
    #expect(r.responses.map(\.respondent) == ["r1", "r2", "r3"])
    #expect(r.responses.map { $0.answers["q1"] } == [nil, .number(4), nil])
    #expect(r.responses[2].metadata["date"] == "")
  }

  @Test func byteOrderMarkAndCRLFKeepLinesAndColumns() {
    // The BOM is not part of the first column's name; r1's note spans lines
    // 2-3 (CRLF inside quotes), so r3's 6 is on line 5, column 10.
    let p = Self.problems("bom-crlf.csv")
    #expect(p.map(Self.at) == ["bom-crlf.csv:5:10 Q108"])
  }

  @Test func quotedCommasDoubledQuotesAndLineBreaks() throws {
    let p = Self.problems("quoted.csv")
    // r1 spans lines 2-3, r2 lines 4-5: r3's "x" is line 6, column 10.
    #expect(p.map(Self.at) == ["quoted.csv:6:10 Q108"])
    let policy = try SurveyFixture(
      SurveyResponsesTests.yaml(policy: "drop"), inputs: ["responses": [Self.path("quoted.csv")]]
    ).responses()
    #expect(policy.responses.map(\.respondent) == ["r1", "r2"])
    #expect(policy.responses[0].metadata["team"] == "ads, north")
    #expect(policy.responses[0].answers["note"] == .text("one, two\nthree"))
    #expect(policy.responses[1].answers["note"] == .text("say \"hi\", then\nleave"))
    #expect(policy.responses.map(\.line) == [2, 4])
  }

  @Test func emptyFilesAreQ101() {
    for name in ["empty.csv", "bom-only.csv", "header-only.csv"] {
      let p = Self.problems(name)
      #expect(p.map(\.code) == ["Q101"], "\(name)")
      #expect(p.first?.mark.line == 1)
    }
  }

  @Test func anUnknownQuestionColumnIsAnErrorAtItsHeaderCell() {
    let p = Self.problems("unknown-question.csv")
    #expect(p.map(Self.at) == ["unknown-question.csv:1:30 Q103"])
    #expect(p.first?.message.contains("did you mean \"q1\"") == true)
  }

  @Test func bytesThatAreNotUTF8AreAnErrorAtTheByte() {
    let p = Self.problems("not-utf8.csv")
    #expect(p.map(Self.at) == ["not-utf8.csv:2:15 Y002"])
  }

  @Test func aDuplicateColumnIsAnError() {
    let p = Self.problems("duplicate-column.csv")
    #expect(p.map(Self.at) == ["duplicate-column.csv:1:25 Y021"])
  }

  @Test func anUnterminatedQuoteIsAnErrorAtTheOpeningQuote() {
    // Read leniently, r2 would vanish into r1's note: an error instead.
    let p = Self.problems("unterminated-quote.csv")
    #expect(p.map(Self.at) == ["unterminated-quote.csv:2:12 Y022"])
    #expect(p.first?.message.contains("never closed") == true)
  }

  @Test func textAfterAClosingQuoteIsAnError() {
    let p = Self.problems("text-after-quote.csv")
    #expect(p.map(Self.at) == ["text-after-quote.csv:2:12 Y022"])
  }

  @Test func loneCarriageReturnsEndLines() {
    let p = Self.problems("cr-only.csv")
    #expect(p.map(Self.at) == ["cr-only.csv:3:10 Q108"])
  }
}
