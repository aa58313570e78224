import Foundation
import StewardEngine
import Testing

/// `steward run` on a survey: the report in every format and the recorded
/// rows keep the anonymity rule.
@Suite struct SurveyCommandTests {
  static let playbook = """
    steward: 1
    kind: survey
    name: health
    responses: { file: r.csv, metadata: [team] }
    groups: [team]
    min_group_size: 3
    questions:
      - { id: fun, text: Fun, dimension: culture, type: likert }
      - { id: note, text: Anything else?, dimension: culture, type: text }
    """

  static let responses = """
    respondent,team,fun,note
    r1,recsys,5,great pairing
    r2,recsys,4,
    r3,recsys,4,
    r4,search,3,
    r5,search,2,
    r6,search,4,
    r7,tiny-team,1,only I know this
    """

  @Test(arguments: ["text", "markdown", "json"])
  func smallTeamsNeverAppear(format: String) throws {
    let dir = try StewardBinary.scratch(["health.yaml": Self.playbook, "r.csv": Self.responses])
    let r = try StewardBinary.run(
      ["run", "health.yaml", "--format", format, "--store", "h.sqlite"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("recsys") && r.stdout.contains("search"))
    #expect(!r.stdout.contains("tiny-team"))
    // Free text is never shown with respondent metadata.
    for line in r.stdout.split(separator: "\n") where line.contains("only I know this") {
      #expect(!line.contains("r7") && !line.contains("tiny-team"))
    }

    let store = try SQLiteHistoryStore(path: dir.appendingPathComponent("h.sqlite").path)
    let run = try #require(try store.runs(playbook: "health", limit: nil).first)
    #expect(run.kind == "survey")
    let rows = try store.results(ofRun: try #require(run.id))
    #expect(rows.contains { $0.subject == "team=recsys" })
    #expect(
      !rows.contains { $0.subject.contains("tiny-team") || $0.message.contains("only I know") })
    // Differencing: tiny-team (1) alone in "other" could be found as
    // everyone (7) minus recsys and search, so search (3, the last of the
    // two smallest by name) joins other (4); search is never reported alone.
    #expect(r.stdout.contains("joined"))
    #expect(!rows.contains { $0.subject == "team=search" })
    #expect(rows.contains { $0.subject == "team=other" })
    #expect(!run.metrics.contains { $0.name.hasPrefix("team=search") })
    #expect(run.metric("team=other/respondents") == 4)
    #expect(run.metric("suppressed") == 0)
  }

  @Test func validateReadsTheSurveyBodyAndItsResponses() throws {
    let broken = Self.playbook.replacingOccurrences(
      of: "text: Fun,", with: "text: Fun, really,")
    let dir = try StewardBinary.scratch([
      "health.yaml": Self.playbook, "broken.yaml": broken, "r.csv": Self.responses,
    ])
    let ok = try StewardBinary.run(["validate", "health.yaml"], in: dir)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.contains("7 responses fit its questions"))
    let bad = try StewardBinary.run(["validate", "broken.yaml"], in: dir)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("broken.yaml:8:"), "\(bad.stderr)")
  }

  @Test func belowQuorumIsExitOne() throws {
    let few = "respondent,team,fun,note\nr1,a,5,\nr2,a,4,\n"
    let dir = try StewardBinary.scratch(["health.yaml": Self.playbook, "r.csv": few])
    let r = try StewardBinary.run(["run", "health.yaml", "--no-record"], in: dir)
    #expect(r.status == 1)
  }

  @Test func badResponseIsExitTwoAtItsLine() throws {
    let bad = Self.responses + "\nr8,recsys,9,\n"
    let dir = try StewardBinary.scratch(["health.yaml": Self.playbook, "r.csv": bad])
    let r = try StewardBinary.run(["run", "health.yaml", "--no-record"], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("r.csv:9:"), "\(r.stderr)")
  }

  @Test func auditOnlyFormatsAreUsageErrors() throws {
    let dir = try StewardBinary.scratch(["health.yaml": Self.playbook, "r.csv": Self.responses])
    let r = try StewardBinary.run(["run", "health.yaml", "--format", "sarif"], in: dir)
    #expect(r.status == 2)
  }
}
