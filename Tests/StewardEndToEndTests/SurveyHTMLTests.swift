import Foundation
import TestSupport
import Testing

/// `steward run SURVEY --format html` (issue 17, point 6): one
/// self-contained page with the heat map, the ladder and the squad health
/// check grid, on the StreamRec surveys (month 0, then month 18 by period).
@Suite struct SurveyHTMLTests {
  /// The month-18 report of `name` as HTML, month 0 recorded first.
  static func page(_ name: String) throws -> (html: String, file: URL) {
    let dir = try StewardBinary.scratch([:])
    let store = dir.appendingPathComponent("h.sqlite").path
    let playbook = "Playbooks/\(name).yaml"
    let month0 = "Examples/streamrec/surveys/\(name)-month-00.csv"
    let first = try StewardBinary.run(
      ["run", playbook, "--store", store, "--input", "responses=\(month0)"])
    #expect(first.status == 0, "\(first.stderr)")
    let file = dir.appendingPathComponent("\(name).html")
    let r = try StewardBinary.run(
      ["run", playbook, "--store", store, "--format", "html", "--output", file.path])
    #expect(r.status == 0, "\(r.stderr)")
    return (try String(contentsOf: file, encoding: .utf8), file)
  }

  static func selfContained(_ html: String) {
    // No script and nothing fetched: no src=, no href= to anything, no url().
    for needle in ["<script", "src=", "href=", "url(", "@import", "http://", "https://", "<link"] {
      #expect(!html.contains(needle), "the page holds \(needle)")
    }
  }

  @Test func theMaturityPageHasTheHeatMapAndTheLadder() throws {
    let (html, _) = try Self.page("mlops-maturity")
    Self.selfContained(html)
    #expect(html.contains("trend: 2026-11 compared with 2025-05"))
    #expect(html.contains("<h2>Levels by team</h2>"))
    // recommendations: 1 → 2, with its arrow, and what it misses for 3.
    #expect(
      html.contains(
        "2 · Automated training <span class=\"up\" title=\"up\">↑</span> <small>was 1</small>"))
    #expect(html.contains("models released through CI/CD (is 3.42)"))
    #expect(html.contains("<h2>The ladder</h2>"))
  }

  @Test func theTeamHealthPageHasTheSquadHealthCheckGrid() throws {
    let (html, _) = try Self.page("team-health")
    Self.selfContained(html)
    #expect(html.contains("<h2>Squad health check</h2>"))
    // The card's text, not its id.
    #expect(html.contains("Easy to release: releasing is simple"))
    #expect(!html.contains(">easy_to_release<"))
    #expect(html.contains("class=\"light green\""))
    #expect(html.contains("<span title=\"improving\">↑</span>"))
  }

  @Test func aSurveyWithoutLevelsOrLightsShowsItsQuestionsAndComments() throws {
    let (html, _) = try Self.page("listening-tour")
    Self.selfContained(html)
    #expect(html.contains("<h2>Questions</h2>"))
    #expect(html.contains("<th scope=\"row\">What do you most need from data science?</th>"))
    #expect(html.contains("<h2>Comments</h2>"))
    #expect(html.contains("<li>Our dashboards disagree with finance.</li>"))
  }

  @Test func textFromTheResponsesIsEscaped() throws {
    let playbook = """
      steward: 1
      kind: survey
      name: escape
      title: R&D <b>pulse</b>
      responses: { file: r.csv, metadata: [team] }
      groups: [team]
      min_group_size: 2
      questions:
        - { id: fun, text: "Fun <i>really</i>", dimension: culture, type: traffic_light }
      """
    let csv = "respondent,team,fun\nr1,<b>x</b>,green\nr2,<b>x</b>,red\n"
    let dir = try StewardBinary.scratch(["e.yaml": playbook, "r.csv": csv])
    let r = try StewardBinary.run(["run", "e.yaml", "--no-record", "--format", "html"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("R&amp;D &lt;b&gt;pulse&lt;/b&gt;"))
    #expect(r.stdout.contains("&lt;b&gt;x&lt;/b&gt;") && !r.stdout.contains("<b>x</b>"))
    #expect(r.stdout.contains("Fun &lt;i&gt;really&lt;/i&gt;"))
  }

  /// Chromium loads the page without fetching anything, and the
  /// screenshots at 1280 and 390 px wide go to .build/screenshots (the
  /// committed ones are in docs/images/).
  @Test(.enabled(if: Chromium.path != nil, "needs Debian's chromium"))
  func loadsInHeadlessChromiumAndIsScreenshotted() throws {
    let folder = StewardBinary.packageRoot.appendingPathComponent(".build/screenshots")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, heights) in [("mlops-maturity", (1900, 3900)), ("team-health", (1400, 2000))] {
      let (_, file) = try Self.page(name)
      let url = file.absoluteString
      let (status, dom, log) = try Chromium.headless([
        "--enable-logging=stderr", "--v=0", "--dump-dom", url,
      ])
      #expect(status == 0)
      #expect(dom.contains("<h2>"))
      let problems = log.split(separator: "\n").filter {
        $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("Failed to load")
      }
      #expect(problems.isEmpty, "\(problems)")
      for (width, height) in [(1280, heights.0), (390, heights.1)] {
        let shot = folder.appendingPathComponent("survey-\(name)-\(width).png").path
        try? FileManager.default.removeItem(atPath: shot)
        let (code, _, _) = try Chromium.headless([
          "--screenshot=\(shot)", "--window-size=\(width),\(height)", url,
        ])
        #expect(code == 0)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
        #expect(bytes > 10_000, "\(shot) is \(bytes) bytes")
      }
    }
  }
}
