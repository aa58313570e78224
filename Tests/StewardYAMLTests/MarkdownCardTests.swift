import StewardCore
import Testing

@testable import StewardYAML

/// Markdown cards with front matter (`MarkdownCard`): the front matter at
/// the file's lines, the body as a heading tree, model-index as results.
@Suite struct MarkdownCardTests {
  @Test func frontMatterMarksAreTheFilesLines() throws {
    let card = try MarkdownCard.load(
      text: "\n---\nlicense: mit\ntags: [a]\n---\n# T\n\nHello *world*.\n", file: "c.md")
    #expect(card["metadata"]?["license"]?.mark == SourceMark(file: "c.md", line: 3, column: 10))
    #expect(card["metadata"]?["tags"]?[0]?.mark.line == 4)
    let section = try #require(card["sections"]?[0])
    #expect(section["title"] == "T")
    #expect(section["level"] == 1)
    #expect(section["line"] == 6)
    #expect(section["text"] == "Hello world.")
    #expect(section["text"]?.mark.line == 8)
  }

  @Test func crlfAndAByteOrderMarkReadAsLF() throws {
    let text = "\u{FEFF}---\r\nlicense: mit\r\n---\r\n\r\n## Uses\r\n\r\nText.\r\n"
    let card = try MarkdownCard.load(text: text, file: "c.md")
    #expect(card["metadata"]?["license"] == "mit")
    #expect(card["metadata"]?["license"]?.mark.line == 2)
    #expect(card["sections"]?[0]?["title"] == "Uses")
    #expect(card["sections"]?[0]?["line"] == 5)
  }

  @Test func headingsNestByLevelAndCodeIsNotAHeading() throws {
    let text = """
      Before any heading.

      # A
      ## B
      ```
      ## not a heading
      ```
      ### C
      ## D
      Setext
      ------
      """
    let card = try MarkdownCard.load(text: text, file: "c.md")
    #expect(card["metadata"] == Value(.map(OrderedMap())))
    #expect(card["text"] == "Before any heading.")
    let a = try #require(card["sections"]?[0])
    #expect(a["sections"]?.list?.map { $0["title"] } == ["B", "D", "Setext"])
    #expect(a["sections"]?[0]?["sections"]?[0]?["title"] == "C")
    #expect(a["sections"]?[0]?["text"] == "## not a heading")
  }

  @Test func tablesKeepTheirHeaderAndRows() throws {
    let text = "## Eval\n\n| Split | F1 |\n|---|---:|\n| test | **0.9** |\n| dev | 0.8 |\n"
    let table = try #require(
      try MarkdownCard.load(text: text, file: "c.md")["sections"]?[0]?["tables"]?[0])
    #expect(table["header"] == ["Split", "F1"])
    #expect(table["rows"] == [["test", "0.9"], ["dev", "0.8"]])
    #expect(table["line"] == 3)
  }

  @Test func htmlCommentsAreNoText() throws {
    let text = "## Uses\n\n<!-- Address how the model is used. -->\n\n[More Information Needed]\n"
    let card = try MarkdownCard.load(text: text, file: "c.md")
    #expect(card["sections"]?[0]?["text"] == "[More Information Needed]")
  }

  @Test func modelIndexBecomesOneResultPerMetric() throws {
    let text = """
      ---
      model-index:
      - name: m
        results:
        - task: {type: text-classification, name: TC}
          dataset: {type: imdb, name: IMDB, split: test}
          metrics:
          - {type: accuracy, value: 0.9}
          - {type: f1, value: 0.8, verified: true}
          source: {name: Leaderboard, url: "https://x"}
      ---
      """
    let results = try #require(try MarkdownCard.load(text: text, file: "c.md")["results"]?.list)
    #expect(results.count == 2)
    #expect(results[0]["metric"] == "accuracy")
    #expect(results[0]["dataset"] == "imdb")
    #expect(results[0]["split"] == "test")
    #expect(results[0]["source"] == "https://x")
    #expect(results[1]["verified"] == true)
    #expect(results[1].mark.line == 9)
  }

  @Test(arguments: [
    ("---\na: 1\n", "Y024", 1),
    ("---\n[1, 2]\n---\n", "Y024", 2),
    ("---\nmodel-index:\n- name: m\n---\n", "Y025", 3),
    (
      "---\nmodel-index:\n- results: [{task: {type: t}, dataset: {type: d}, metrics: []}]\n---\n",
      "Y025", 3
    ),
    (
      "---\nmodel-index:\n- results:\n  - {task: {type: t}, dataset: {type: d, name: D}, metrics: []}\n---\n",
      "Y025", 4
    ),
  ])
  func refusals(text: String, code: String, line: Int) throws {
    let error = #expect(throws: YAMLError.self) { try MarkdownCard.load(text: text, file: "c.md") }
    #expect(error?.code == code)
    #expect(error?.mark.line == line)
  }
}
