import Foundation
import Testing

/// Hugging Face model cards (README.md with YAML front matter) through the
/// built binary: the shipped hf-model-card pack over the fixture cards,
/// `steward inspect`, and each way a card's file is refused.
@Suite struct HFModelCardTests {
  static let root = StewardBinary.packageRoot
  static let playbook = root.appendingPathComponent("Playbooks/hf-model-card.yaml").path
  static let fixtures = root.appendingPathComponent("Tests/StewardEndToEndTests/Fixtures")

  /// Runs the pack over `cards` (a glob or a file) as JSON, ungated.
  static func audit(_ cards: String, in dir: URL = root) throws -> (
    StewardBinary.Result, [String: Any]
  ) {
    let r = try StewardBinary.run(
      [
        "run", playbook, "--input", "cards=\(cards)", "--no-record", "--format", "json",
        "--fail-on", "none",
      ], in: dir)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    return (r, json ?? [:])
  }

  static func results(_ json: [String: Any]) -> [[String: Any]] {
    json["results"] as? [[String: Any]] ?? []
  }

  /// Every fixture card gives, check by check, the status
  /// scripts/gen-hf-card-fixtures states for it.
  @Test func theFixtureCardsGetTheirExpectedResults() throws {
    let expected =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: Self.fixtures.appendingPathComponent("hf-cards-expected.json")))
      as? [String: [String: String]] ?? [:]
    #expect(expected.count >= 50)
    let (r, json) = try Self.audit(
      Self.fixtures.appendingPathComponent("hf-cards").path + "/*/README.md")
    #expect(r.status == 0, "\(r.stderr)")
    var got: [String: [String: String]] = [:]
    for result in Self.results(json) {
      got[result["subject"] as! String, default: [:]][result["check"] as! String] =
        result["status"] as? String
    }
    #expect(got.count == expected.count)
    for (card, checks) in expected.sorted(by: { $0.key < $1.key }) {
      for (check, status) in checks.sorted(by: { $0.key < $1.key }) {
        #expect(got[card]?[check] == status, "\(card) \(check)")
      }
    }
  }

  static let card = """
    ---
    license: mit
    language: [en]
    datasets: [imdb]
    model-index:
    - name: m
      results:
      - task: {type: text-classification}
        dataset: {type: imdb, name: IMDB, split: test}
        metrics:
        - {type: accuracy, value: 0.91}
    ---

    # m

    Intro.

    ## Evaluation

    | Split | Accuracy |
    |---|---|
    | test | 0.95 |
    """

  @Test func inspectShowsTheFrontMatterAndTheBodyWithTypesAndPositions() throws {
    let dir = try StewardBinary.scratch(["m/README.md": Self.card])
    let r = try StewardBinary.run(["inspect", "m/README.md"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let doc =
      ((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?[
        "documents"] as? [[String: Any]])?.first?["value"] as? [String: Any] ?? [:]
    let metadata = doc["metadata"] as? [String: Any]
    let license = (metadata?["value"] as? [String: Any])?["license"] as? [String: Any]
    #expect(license?["type"] as? String == "string")
    #expect(license?["at"] as? String == "2:10")
    let sections = (doc["sections"] as? [String: Any])?["value"] as? [[String: Any]]
    let first = sections?.first?["value"] as? [String: Any]
    #expect((first?["title"] as? [String: Any])?["value"] as? String == "m")
    #expect((first?["title"] as? [String: Any])?["at"] as? String == "14:1")
    let results = (doc["results"] as? [String: Any])?["value"] as? [[String: Any]]
    #expect(results?.first?["at"] as? String == "11:7")
    let metric = (results?.first?["value"] as? [String: Any])?["metric"] as? [String: Any]
    #expect(metric?["value"] as? String == "accuracy")
  }

  /// A table that contradicts model-index is a finding at the table's line.
  @Test func aTableThatContradictsModelIndexIsAFindingAtTheTable() throws {
    let dir = try StewardBinary.scratch(["m/README.md": Self.card])
    let (_, json) = try Self.audit("m/README.md", in: dir)
    let claim = Self.results(json).first { $0["check"] as? String == "claims_agree" }
    #expect(claim?["status"] as? String == "fail")
    #expect((claim?["location"] as? [String: Any])?["line"] as? Int == 20)
    #expect((claim?["message"] as? String)?.contains("0.95") == true)
  }

  @Test func aCardWithoutFrontMatterIsASubjectWithEmptyMetadata() throws {
    let dir = try StewardBinary.scratch(["x/README.md": "# x\n\nJust text.\n"])
    let (r, json) = try Self.audit("x/README.md", in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let license = Self.results(json).first { $0["check"] as? String == "license" }
    #expect(license?["subject"] as? String == "x")
    #expect(license?["status"] as? String == "fail")
    #expect(license?["message"] as? String == "the card declares no licence")
  }

  /// Each refusal: exit 2, `file:line:column: error: ... [CODE]` on stderr.
  @Test(arguments: [
    ("---\nlicense: mit\nlanguage: [en\n---\n# x\n", "README.md:4:1: error:", "[Y001]"),
    (
      "---\nlicense: mit\n# never closed\n",
      "README.md:1:1: error: the front matter that starts here is never closed", "[Y024]"
    ),
    ("---\n- a\n- b\n---\n", "README.md:2:1: error: the front matter must be a map", "[Y024]"),
    (
      "---\nlicense: mit\nlicense: apache-2.0\n---\n", "README.md:3:1: error: duplicate key",
      "[Y004]"
    ),
    (
      "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D}\n    metrics:\n    - {type: accuracy}\n---\n",
      "README.md:8:7: error: a metric has no \"value\"", "[Y025]"
    ),
    (
      "---\nmodel-index: {name: m}\n---\n", "README.md:2:14: error: \"model-index\" must be a list",
      "[Y025]"
    ),
  ])
  func aBrokenCardIsRefusedAtItsLine(text: String, message: String, code: String) throws {
    let dir = try StewardBinary.scratch(["README.md": text])
    let r = try StewardBinary.run(
      ["run", Self.playbook, "--input", "cards=README.md", "--no-record"], in: dir)
    #expect(r.status == 2, "\(r.stdout)")
    #expect(r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.contains(code), "\(r.stderr)")
    let inspect = try StewardBinary.run(["inspect", "README.md"], in: dir)
    #expect(inspect.status == 2)
    #expect(inspect.stderr.contains(message), "\(inspect.stderr)")
  }

  @Test func aCardThatIsNotUTF8IsRefusedAtItsLine() throws {
    let dir = try StewardBinary.scratch([:])
    try Data([0x23, 0x20, 0x78, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x0A]).write(
      to: dir.appendingPathComponent("README.md"))
    let r = try StewardBinary.run(
      ["run", Self.playbook, "--input", "cards=README.md", "--no-record"], in: dir)
    #expect(r.status == 2)
    #expect(
      r.stderr.contains("README.md:2:1: error: this Markdown file is not valid UTF-8 [Y002]"),
      "\(r.stderr)")
  }

  @Test func theShippedPlaybookRunsOnTheExampleCards() throws {
    let r = try StewardBinary.run(["run", Self.playbook, "--no-record"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(
      r.stdout.contains("distilbert-sst2  ")
        && r.stdout.contains("Examples/hf-cards/distilbert-sst2/README.md"))
    #expect(
      r.stdout.contains("reviews-es  ")
        && r.stdout.contains("Examples/hf-cards/reviews-es/README.md"))
  }

  /// The held-out rule over a Hugging Face card: a model-index result on a
  /// training dataset with no held-out split blocks the gate, at its metric.
  @Test func theGovernanceGateBlocksACardEvaluatedOnItsTrainingData() throws {
    let card = """
      ---
      datasets: [stanfordnlp/imdb]
      model-index:
      - name: m
        results:
        - task: {type: text-classification}
          dataset: {type: stanfordnlp/sst2, name: SST-2, split: validation}
          metrics: [{type: accuracy, value: 0.88}]
        - task: {type: text-classification}
          dataset: {type: imdb, name: IMDB}
          metrics: [{type: accuracy, value: 0.97}]
      ---
      # m
      """
    let dir = try StewardBinary.scratch(["m/README.md": card])
    let gate = Self.root.appendingPathComponent("Playbooks/hf-governance.yaml").path
    let r = try StewardBinary.run(
      ["run", gate, "--input", "cards=m/README.md", "--no-record"], in: dir)
    #expect(r.status == 1, "\(r.stderr)")
    #expect(
      r.stdout.contains(
        "validation_split: accuracy was computed on imdb, a training dataset, and names no held-out split"
      ),
      "\(r.stdout)")
    #expect(r.stdout.contains("at m/README.md:11:"), "\(r.stdout)")
    let fixed = card.replacingOccurrences(of: "name: IMDB}", with: "name: IMDB, split: test}")
    let again = try StewardBinary.scratch(["m/README.md": fixed])
    let passed = try StewardBinary.run(
      ["run", gate, "--input", "cards=m/README.md", "--no-record"], in: again)
    #expect(passed.status == 0, "\(passed.stdout)")
  }

  /// docs/model-card.md's Hugging Face card gives the output the page shows.
  @Test func theDocsExampleCardGivesTheOutputTheDocsShow() throws {
    let doc = try String(
      contentsOf: Self.root.appendingPathComponent("docs/model-card.md"), encoding: .utf8)
    func block(_ info: String) -> String? {
      guard let start = doc.range(of: "```" + info + "\n") else { return nil }
      let rest = doc[start.upperBound...]
      guard let end = rest.range(of: "\n```\n") else { return nil }
      return String(rest[..<end.lowerBound]) + "\n"
    }
    let card = try #require(block("markdown models/imdb-sentiment/README.md"))
    let shown = try #require(block("text hf-model-card output"))
    let dir = try StewardBinary.scratch(["models/imdb-sentiment/README.md": card])
    let r = try StewardBinary.run(
      [
        "run", Self.playbook, "--input", "cards=models/imdb-sentiment/README.md", "--no-record",
      ], in: dir)
    #expect(r.status == 1, "\(r.stderr)")
    for line in shown.split(separator: "\n") {
      #expect(r.stdout.contains(line), "\(line)")
    }
    // The deployment gate's schema refuses a Hugging Face card, as the page says.
    let gate = Self.root.appendingPathComponent("Playbooks/deployment-gate.yaml").path
    let refused = try StewardBinary.run(
      ["run", gate, "--input", "models=models/imdb-sentiment/README.md", "--no-record"], in: dir)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("[J010]"))
  }
}

/// A card nested past the depth limit is refused at once: cmark's inline
/// pass grew with the nesting times the next line (31 s for 250 KB).
@Suite struct HFModelCardNestingTests {
  @Test func aDeeplyNestedCardIsRefusedQuickly() throws {
    let card =
      "---\nlicense: mit\n---\n# Model\n\n" + String(repeating: "> ", count: 50_000) + "x\n"
      + String(repeating: "[", count: 100_000) + "\n"
    let dir = try StewardBinary.scratch(["cards/m/README.md": card])
    let r = try StewardBinary.run(
      [
        "run",
        StewardBinary.packageRoot.appendingPathComponent("Playbooks/hf-model-card.yaml").path,
        "--no-record", "--input", "cards=cards/m/README.md",
      ], in: dir, killAfter: 20)
    #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
    #expect(r.stderr.contains("README.md:6:1: error: blockquotes nested 50000 deep"), "\(r.stderr)")
  }
}
