import StewardCore
import Testing

@testable import StewardYAML

/// Inputs built to exhaust memory, time or the stack: each must end in a
/// clear error that points at where the limit was crossed. None of these
/// assert timings; each finishes in milliseconds because the loader stops at
/// the limit rather than after the damage.
@Suite struct HostileInputTests {
  /// Nine levels of ten aliases each: 10^9 nodes once expanded.
  static let billionLaughs = """
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]

    """

  @Test func billionLaughsFailsAtTheNodeLimit() {
    let error = yamlError(Self.billionLaughs, file: "lol.yaml")
    #expect(error?.kind == .tooManyNodes)
    // &a is 11 nodes, &b 111, ... &g 11,111,111: the limit is crossed on g's line.
    #expect(error?.mark.line == 7)
    #expect(
      error?.message
        == "more than 5000000 nodes after alias expansion"
        + " (a \"billion laughs\" document, or a file too large to check)")
  }

  @Test func aliasesWithinTheLimitLoad() throws {
    var limits = YAMLLimits.default
    limits.maxNodes = 1_000
    let text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    #expect(try YAMLLoader.load(text, limits: limits).count == 1)
    // The map 1, key a 1, &a 4, key b 1, its list 1, three aliases 3 * 4: 20.
    limits.maxNodes = 20
    #expect(try YAMLLoader.load(text, limits: limits).count == 1)
    limits.maxNodes = 19
    #expect(yamlError(text, limits: limits)?.kind == .tooManyNodes)
  }

  @Test func deepFlowNestingFailsCleanly() {
    let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    let error = yamlError(text, file: "deep.yaml")
    #expect(
      error?.description
        == "deep.yaml:1:257: error: nesting deeper than 256 levels of lists and maps [Y013]")
  }

  @Test func deepFlowMapNestingFailsCleanly() {
    let text =
      String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
    let error = yamlError(text)
    #expect(error?.kind == .tooDeep)
    #expect(error?.mark.lc == "1:1025")
  }

  @Test func deepBlockSequenceNestingFailsCleanly() {
    let text = String(repeating: "- ", count: 10_000) + "x\n"
    let error = yamlError(text)
    #expect(error?.kind == .tooDeep)
    #expect(error?.mark.lc == "1:513")
  }

  @Test func deepBlockMapNestingFailsCleanly() {
    var text = ""
    for depth in 0..<1_000 { text += String(repeating: " ", count: depth) + "k:\n" }
    let error = yamlError(text)
    #expect(error?.kind == .tooDeep)
    #expect(error?.mark.lc == "257:257")
  }

  @Test func nestingAtTheLimitLoads() throws {
    let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
    #expect(try YAMLLoader.load(text).count == 1)
  }

  @Test func fiftyMegabyteScalarIsRefused() {
    let text = "big: " + String(repeating: "x", count: 50_000_000) + "\n"
    let error = yamlError(text, file: "big.yaml")
    #expect(
      error?.description
        == "big.yaml:1:1: error: line of 50000005 bytes is longer than the limit of"
        + " 8388608 bytes for a scalar [Y012]")
  }

  @Test func aLargeBlockScalarOfShortLinesIsRefusedByTheParser() {
    let text =
      "big: |\n"
      + String(repeating: "  " + String(repeating: "x", count: 70) + "\n", count: 130_000)
    let error = yamlError(text, file: "block.yaml")
    #expect(error?.kind == .scalarTooLarge)
    #expect(error?.description.hasPrefix("block.yaml:1:6: error: scalar of ") == true)
  }

  @Test func largeKeyIsRefusedToo() {
    var limits = YAMLLimits.default
    limits.maxScalarBytes = 10
    #expect(yamlError("abcdefghijkl: 1\n", limits: limits)?.kind == .scalarTooLarge)
  }

  @Test func fileSizeLimit() throws {
    var limits = YAMLLimits.default
    limits.maxFileBytes = 100
    let text = String(repeating: "a: 1\n", count: 50)
    let error = yamlError(text, file: "huge.yaml", limits: limits)
    #expect(
      error?.description
        == "huge.yaml: error: input of 250 bytes is larger than the limit of 100 bytes [Y011]")
    let path = try TempFiles.write(text, name: "huge.yaml")
    #expect(throws: YAMLError.self) { try YAMLLoader.load(file: path, limits: limits) }
  }

  @Test func documentLimit() {
    var limits = YAMLLimits.default
    limits.maxDocuments = 3
    let error = yamlError(String(repeating: "--- 1\n", count: 10), limits: limits)
    #expect(error?.kind == .tooManyDocuments)
    #expect(error?.mark.lc == "4:1")
  }

  @Test func manyEmptyDocumentsHitTheNodeLimit() {
    var limits = YAMLLimits.default
    limits.maxNodes = 1_000
    #expect(
      yamlError(String(repeating: "---\n", count: 2_000), limits: limits)?.kind == .tooManyNodes)
  }

  @Test func eventScannerReportsErrorsToo() {
    #expect(throws: YAMLError.self) { try YAMLEventScanner.countEvents(Array("a: [".utf8)) }
    #expect((try? YAMLEventScanner.countEvents(Array("a: [1, 2]".utf8))) == 11)
  }
}
