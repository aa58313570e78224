import StewardCore
import Testing

@testable import StewardEngine

/// The one-line parameters and example that `steward plugins list` prints
/// under each check.
@Suite struct CheckSummaryTests {
  func check(params: [ParamSpec] = [], examples: [Value]) -> CheckInfo {
    CheckInfo(
      id: "c", description: "d", severity: .high, params: params, examples: examples,
      remediation: nil, tags: [], mark: SourceMark(file: "p.lua", line: 1, column: 1))
  }

  @Test func paramsShowNameTypeAndDefault() {
    let params = [
      ParamSpec(
        name: "min_ratio", type: .number, defaultValue: 0.8, description: "", required: false),
      ParamSpec(
        name: "layers", type: .list, defaultValue: ["model", "data"], description: "",
        required: false),
      ParamSpec(name: "field", type: .string, defaultValue: nil, description: "", required: true),
      ParamSpec(name: "note", type: .any, defaultValue: nil, description: "", required: false),
    ]
    #expect(
      check(params: params, examples: []).paramsSummary
        == "min_ratio (number, default 0.8), layers (list, default [\"model\",\"data\"]), "
        + "field (string, required), note (any)")
    #expect(check(examples: []).paramsSummary == "none")
  }

  @Test func aNumbersRangeIsShownWithItsType() {
    var ratio = ParamSpec(
      name: "min_ratio", type: .number, defaultValue: 0.8, description: "", required: false)
    ratio.minimum = 0
    ratio.maximum = 1
    var gap = ParamSpec(
      name: "max_gap", type: .number, defaultValue: 0.1, description: "", required: false)
    gap.minimum = 0
    var top = ParamSpec(
      name: "top", type: .integer, defaultValue: nil, description: "", required: true)
    top.maximum = 7
    #expect(
      check(params: [ratio, gap, top], examples: []).paramsSummary
        == "min_ratio (number 0…1, default 0.8), max_gap (number ≥ 0, default 0.1), "
        + "top (integer ≤ 7, required)")
  }

  @Test func theShortestPassingOrFailingExampleOnOneLine() {
    let c = check(examples: [
      ["subject": ["owner": "recsys", "stage": "production"], "expect": "pass"],
      ["subject": ["stage": "x"], "expect": "skip", "at": "stage"],
      ["subject": ["id": "m2"], "expect": "fail", "at": "owner"],
    ])
    #expect(c.exampleSummary() == #"{"id":"m2"} → fail at owner"#)
    let tuned = check(examples: [
      ["subject": ["a": 1], "params": ["max_gap": 0.25], "expect": "pass"]
    ])
    #expect(tuned.exampleSummary() == #"{"a":1} → pass with {"max_gap":0.25}"#)
    #expect(check(examples: []).exampleSummary() == nil)
  }

  @Test func aLongSubjectIsCutToTheWidth() throws {
    let long = String(repeating: "x", count: 300)
    let c = check(examples: [["subject": ["note": .init(.string(long))], "expect": "pass"]])
    let line = try #require(c.exampleSummary(width: 60))
    #expect(line.count == 60, "\(line)")
    #expect(line.hasSuffix("x… → pass"), "\(line)")
    #expect(!line.contains("\n"))
  }
}
