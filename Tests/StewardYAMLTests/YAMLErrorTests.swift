import StewardCore
import Testing

@testable import StewardYAML

/// Whole rendered error texts: these are what a user reads.
@Suite struct YAMLErrorTests {
  @Test func duplicateKeyReportsBothMarks() {
    let text = "name: ranker\nstage: prod\nowner: ads\nstage: dev\n"
    let error = yamlError(text, file: "models/card.yaml")
    #expect(
      error?.description
        == "models/card.yaml:4:1: error: duplicate key \"stage\" (first defined at 2:1) [Y004]")
    #expect(
      error?.diagnostic.rendered(source: text)
        == """
        models/card.yaml:4:1: error: duplicate key "stage" (first defined at 2:1) [Y004]
        stage: dev
        ^
        """)
  }

  @Test func duplicateKeyInANestedFlowMap() {
    let error = yamlError("a:\n  b: {owner: x, owner: y}\n")
    #expect(error?.kind == .duplicateKey)
    #expect(error?.message == "duplicate key \"owner\" (first defined at 2:7)")
    #expect(error?.mark.lc == "2:17")
  }

  @Test func syntaxErrorCarriesLibyamlsProblemAndContext() {
    #expect(
      yamlError("a: [1, 2\nb: 3\n", file: "x.yaml")?.description
        == "x.yaml:2:2: error: did not find expected ',' or ']'"
        + " (while parsing a flow sequence at 1:4) [Y001]")
    #expect(
      yamlError("a: 1\nb\nc: 2\n", file: "x.yaml")?.description
        == "x.yaml:3:1: error: could not find expected ':'"
        + " (while scanning a simple key at 2:1) [Y001]")
  }

  @Test func tabIndentedBlockGetsAHint() {
    let error = yamlError("model:\n\tname: ranker\n", file: "tab.yaml")
    #expect(
      error?.description
        == """
        tab.yaml:2:1: error: found character that cannot start any token\
         (while scanning for the next token at 2:1) [Y003]
            hint: YAML forbids tabs for indentation; indent with spaces
        """)
  }

  @Test(arguments: ["a:\n  b: 1\n\tc: 2\n", "items:\n\t- x\n", "a:\n  - 1\n \t- 2\n"])
  func tabIndentationVariants(text: String) {
    let error = yamlError(text)
    #expect(error?.kind == .tabIndentation)
    #expect(error?.notes == ["hint: YAML forbids tabs for indentation; indent with spaces"])
  }

  @Test func tabAfterAColonIsFine() throws {
    #expect(try one("a:\t1\n")["a"]?.int == 1)
  }

  @Test func invalidUTF8IsReportedWithItsPlace() {
    let error = yamlError(bytes: Array("name: ok\nowner: ".utf8) + [0xFF, 0x0A], file: "b.yaml")
    #expect(
      error?.description
        == "b.yaml:2:8: error: input is not valid UTF-8: invalid leading UTF-8 octet"
        + " (byte 0xFF) [Y002]")
  }

  @Test(arguments: [
    [0xC3, 0x28] as [UInt8],  // bad continuation
    [0xE2, 0x82] as [UInt8],  // truncated at end of input
    [0xFF, 0xFE, 0x61, 0x00] as [UInt8],  // a UTF-16 byte-order mark
    [0xED, 0xA0, 0x80] as [UInt8],  // an encoded surrogate
  ])
  func invalidUTF8Variants(bytes: [UInt8]) {
    #expect(yamlError(bytes: Array("a: ".utf8) + bytes)?.kind == .encoding)
  }

  @Test func controlCharacterIsASyntaxError() {
    let error = yamlError(bytes: Array("a: \u{01}\n".utf8))
    #expect(error?.kind == .syntax)
    #expect(error?.mark.lc == "1:4")
  }

  @Test func unknownAlias() {
    #expect(
      yamlError("a: 1\nb: *owner\n", file: "al.yaml")?.description
        == "al.yaml:2:4: error: unknown alias *owner: no anchor &owner before it [Y005]")
  }

  @Test func diagnosticMatchesTheError() {
    let error = yamlError("a: *x\n")
    #expect(error?.diagnostic.code == "Y005")
    #expect(error?.diagnostic.severity == .error)
  }

  @Test func codesAreUniqueAndStable() {
    let codes = YAMLError.Code.allCases.map(\.rawValue)
    #expect(Set(codes).count == codes.count)
    #expect(YAMLError.Code.syntax.rawValue == "Y001")
    #expect(YAMLError.Code.duplicateKey.rawValue == "Y004")
    #expect(YAMLError.Code.tooManyNodes.rawValue == "Y014")
  }

  @Test func missingFile() {
    #expect(throws: YAMLError.self) { try YAMLLoader.load(file: "/nonexistent/x.yaml") }
    do {
      _ = try YAMLLoader.load(file: "/nonexistent/x.yaml")
    } catch {
      #expect(
        error.description
          == "/nonexistent/x.yaml: error: cannot read /nonexistent/x.yaml:"
          + " No such file or directory [Y016]")
    }
  }
}
