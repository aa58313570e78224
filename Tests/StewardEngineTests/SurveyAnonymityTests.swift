import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// No group under min_group_size, and no respondent metadata next to free
/// text, in any output format.
@Suite struct SurveyAnonymityTests {
  static let yaml = """
    steward: 1
    kind: survey
    name: health
    responses: { file: r.csv, metadata: [team, role, date] }
    groups: [team, role]
    questions:
      - { id: q, text: q, dimension: d, type: likert }
      - { id: comment, text: c, dimension: d, type: text }
    """

  static func outputs(_ report: SurveyReport) -> [String] {
    [
      SurveyTextReporter().render(report), SurveyMarkdownReporter().render(report),
      SurveyJSONReporter().render(report),
    ]
  }

  static func csv(_ teams: [(String, Int)]) -> String {
    var lines = ["respondent,team,role,date,q,comment"]
    var n = 0
    for (team, count) in teams {
      for _ in 0..<count {
        n += 1
        lines.append(
          "resp-id-\(n),\(team),role-kind-\(n % 2),2025-09-\(10 + n),\(1 + n % 5),comment from \(n)"
        )
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test func smallGroupsFoldIntoOtherAndALargerOneJoinsWhenOtherIsTooSmall() throws {
    // ads 6, tiny-search 3, tiny-infra 2: the two fold into other (3 + 2 = 5 ≥ 5).
    let folded = try SurveyFixture(
      Self.yaml, files: ["r.csv": Self.csv([("ads", 6), ("tiny-search", 3), ("tiny-infra", 2)])]
    ).report()
    #expect(folded.groupings[0].groups.map(\.name) == ["ads", "other"])
    #expect(folded.groupings[0].groups.map(\.respondents) == [6, 5])
    #expect(folded.groupings[0].suppressed == 0)
    // ads 6, tiny-search 3: other would hold 3 < 5, and everyone (9) minus
    // ads (6) would give it away, so ads joins other (9).
    let joined = try SurveyFixture(
      Self.yaml, files: ["r.csv": Self.csv([("ads", 6), ("tiny-search", 3)])]
    ).report()
    #expect(joined.groupings[0].groups.map(\.name) == ["other"])
    #expect(joined.groupings[0].groups.map(\.respondents) == [9])
    #expect(joined.groupings[0].joinedOther == ["ads"])
    #expect(joined.groupings[0].suppressed == 0)
    for report in [folded, joined] {
      for output in Self.outputs(report) {
        #expect(!output.contains("tiny-"))
      }
    }
    #expect(Self.outputs(joined)[0].contains("team: \"ads\" joined \"other\""))
    #expect(Self.outputs(joined)[1].contains("\"ads\" joined \"other\""))
    #expect(Self.outputs(joined)[2].contains("\"joined_other\": [\n        \"ads\"\n      ]"))
  }

  @Test func tooFewRespondentsReportNothing() throws {
    let report = try SurveyFixture(
      Self.yaml, files: ["r.csv": Self.csv([("tiny-ads", 2), ("tiny-ops", 2)])]
    ).report()
    #expect(report.overall == nil)
    for output in Self.outputs(report) {
      #expect(!output.contains("tiny-"))
      #expect(!output.contains("comment from"))
    }
  }

  @Test func freeTextCarriesNoMetadata() throws {
    let report = try SurveyFixture(
      Self.yaml, files: ["r.csv": Self.csv([("ads", 6), ("tiny-search", 3)])]
    ).report()
    // Everyone's comments are listed, sorted, under the overall group.
    #expect(report.overall?.freeText.first?.answers.count == 9)
    // Grouped by role (the second grouping), no comments are listed.
    #expect(report.groupings[1].groups.allSatisfy { $0.freeText.isEmpty })
    for output in Self.outputs(report) {
      #expect(output.contains("comment from 7"))  // a suppressed team's comment, in "everyone"
      #expect(!output.contains("resp-id-"))
      #expect(!output.contains("2025-09-"))
      #expect(!output.contains("tiny-"))
    }
  }
}
