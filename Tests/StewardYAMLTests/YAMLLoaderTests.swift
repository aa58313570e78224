import StewardCore
import Testing

@testable import StewardYAML

@Suite struct YAMLLoaderTests {
  @Test func emptyInputHasNoDocuments() throws {
    #expect(try YAMLLoader.load("", file: "e.yaml").isEmpty)
    #expect(try YAMLLoader.load("# only a comment\n", file: "e.yaml").isEmpty)
    let path = try TempFiles.write("", name: "empty.yaml")
    #expect(try YAMLLoader.load(file: path).isEmpty)
  }

  @Test func explicitEmptyDocumentIsNull() throws {
    let docs = try YAMLLoader.load("---\n", file: "e.yaml")
    #expect(docs.count == 1)
    #expect(docs[0].isNull)
  }

  @Test func multiDocumentStream() throws {
    let docs = try YAMLLoader.load(
      "---\nid: a\n---\nid: b\n...\n---\n- 1\n- 2\n", file: "inv.yaml")
    #expect(docs.count == 3)
    #expect(docs[0]["id"]?.string == "a")
    #expect(docs[1]["id"]?.string == "b")
    #expect(docs[2] == [1, 2])
    #expect(docs[1].mark.lc == "4:1")
  }

  @Test func loadsFromFileWithMarksNamingThePath() throws {
    let path = try TempFiles.write("owner: ads\nstage: prod\n", name: "card.yaml")
    let docs = try YAMLLoader.load(file: path)
    #expect(docs[0]["stage"]?.mark == SourceMark(file: path, line: 2, column: 8))
  }

  @Test func bytesAndStringAgree() throws {
    let text = "a: [1, x, {b: null}]\n"
    #expect(try YAMLLoader.load(bytes: Array(text.utf8)) == YAMLLoader.load(text))
  }

  @Test func marksOnNestedNodes() throws {
    let text = """
      card:
        name: ranker
        tags: [a, "b"]
        eval:
          - auc: 0.7
            split: holdout
      """
    let doc = try one(text, file: "m.yaml")
    #expect(doc.mark.lc == "1:1")
    #expect(doc["card"]?.mark.lc == "2:3")
    let card = try #require(doc["card"]?.map)
    #expect(card.entry("tags")?.keyMark.lc == "3:3")
    #expect(doc["card"]?["tags"]?.mark.lc == "3:9")
    #expect(doc["card"]?["tags"]?[1]?.mark.lc == "3:13")
    #expect(doc["card"]?["eval"]?.mark.lc == "5:5")
    #expect(doc["card"]?["eval"]?[0]?.mark.lc == "5:7")
    #expect(doc["card"]?["eval"]?[0]?["split"]?.mark.lc == "6:14")
    #expect(doc["card"]?["eval"]?[0]?["split"]?.mark.file == "m.yaml")
  }

  @Test func columnsCountCharactersNotBytes() throws {
    let doc = try one("é: [ü, x]\n")
    #expect(doc["é"]?[1]?.mark.lc == "1:8")
  }

  @Test func keyOrderIsKept() throws {
    let doc = try one("z: 1\na: 2\nm: 3\n")
    #expect(doc.map?.keys == ["z", "a", "m"])
  }

  @Test func largeMapsStillCatchDuplicates() throws {
    var text = ""
    for i in 0..<100 { text += "k\(i): \(i)\n" }
    let doc = try one(text)
    #expect(doc.map?.count == 100)
    #expect(doc["k99"]?.int == 99)
    let error = yamlError(text + "k42: again\n")
    #expect(error?.kind == .duplicateKey)
    #expect(error?.message == "duplicate key \"k42\" (first defined at 43:1)")
    #expect(error?.mark.lc == "101:1")
  }

  // MARK: Anchors and aliases

  @Test func aliasesCopyTheAnchoredNode() throws {
    let doc = try one(
      """
      base: &b {owner: ads, tier: 2}
      list: &l [1, 2]
      scalar: &s hello
      uses: [*b, *l, *s]
      """)
    #expect(doc["uses"]?[0] == ["owner": "ads", "tier": 2])
    #expect(doc["uses"]?[1] == [1, 2])
    #expect(doc["uses"]?[2] == "hello")
  }

  @Test func anAnchoredNodeIsMarkedAtItsAnchorAndAliasesKeepThatMark() throws {
    let doc = try one("a: &x [1]\nb: *x\n")
    #expect(doc["a"]?.mark.lc == "1:4")
    #expect(doc["a"]?[0]?.mark.lc == "1:8")
    #expect(doc["b"]?.mark.lc == "1:4")
  }

  @Test func anchorsArePerDocument() throws {
    let error = yamlError("---\na: &x 1\n---\nb: *x\n")
    #expect(error?.kind == .unknownAlias)
    #expect(error?.mark.lc == "4:4")
  }

  @Test func aLaterAnchorReplacesAnEarlierOne() throws {
    let doc = try one("a: &x 1\nb: &x 2\nc: *x\n")
    #expect(doc["c"]?.int == 2)
  }

  @Test func recursiveAliasIsAnError() throws {
    let error = yamlError("a: &x [1, *x]\n")
    #expect(error?.kind == .recursiveAlias)
    #expect(error?.mark.lc == "1:11")
  }

  // MARK: Keys

  @Test func scalarKeysAreTheirTextAsWritten() throws {
    let doc = try one("1: one\ntrue: yes\n~: tilde\n0x10: hex\n\"q\": quoted\n1.50: f\n")
    #expect(doc.map?.keys == ["1", "true", "~", "0x10", "q", "1.50"])
  }

  @Test func anAliasToAScalarCanBeAKey() throws {
    let doc = try one("a: &k 7\n*k : seven\n")
    #expect(doc["7"]?.string == "seven")
  }

  @Test(arguments: [
    ("[a, b]: 1\n", "1:1"),
    ("? {a: 1}\n: 2\n", "1:3"),
    ("x: &l [1]\n*l : 2\n", "2:1"),
  ])
  func complexKeysAreRefused(text: String, at: String) throws {
    let error = yamlError(text)
    #expect(error?.kind == .complexKey)
    #expect(error?.mark.lc == at)
  }

  // MARK: Merge keys

  @Test func mergeKeyExplicitKeysWinAndKeepTheirPlace() throws {
    let doc = try one(
      """
      defaults: &d {owner: ads, stage: staging, tier: 2}
      model:
        name: ranker
        <<: *d
        stage: production
      """)
    let model = try #require(doc["model"]?.map)
    #expect(model.keys == ["name", "owner", "tier", "stage"])
    #expect(model["stage"]?.string == "production")
    #expect(model.entry("stage")?.keyMark.lc == "5:3")
    #expect(model.entry("owner")?.keyMark.lc == "1:15")
  }

  @Test func mergeOfAListEarlierMapsWin() throws {
    let doc = try one(
      """
      a: &a {x: 1, y: 1}
      b: &b {y: 2, z: 2}
      c:
        <<: [*a, *b]
        w: 0
      """)
    #expect(doc["c"] == ["x": 1, "y": 1, "z": 2, "w": 0])
  }

  @Test func mergeOfAnInlineMap() throws {
    #expect(try one("m: {<<: {a: 1}, b: 2}\n")["m"] == ["a": 1, "b": 2])
  }

  @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
    let doc = try one("m:\n  \"<<\": {a: 1}\n")
    #expect(doc["m"]?.map?.keys == ["<<"])
  }

  @Test func mergeOfAScalarIsAnError() throws {
    let error = yamlError("a: &s text\nm:\n  <<: *s\n")
    #expect(error?.kind == .invalidMerge)
    #expect(error?.mark.lc == "3:3")
    #expect(
      error?.message == "merge key \"<<\" expects a map or a list of maps, found a string")
  }

  @Test func mergeOfAListHoldingAScalarIsAnError() throws {
    let error = yamlError("a: &a {x: 1}\nm:\n  <<: [*a, 3]\n")
    #expect(error?.kind == .invalidMerge)
    #expect(error?.mark.lc == "3:12")
  }
}
