import StewardCore
import Testing

@testable import StewardYAML

/// YAML 1.2 core schema: what each plain scalar becomes.
@Suite struct CoreSchemaTests {
  static let table: [(String, Value)] = [
    // null
    ("", nil), ("~", nil), ("null", nil), ("Null", nil), ("NULL", nil),
    ("nULL", "nULL"), ("~~", "~~"),
    // bool: only the six spellings; YAML 1.1 words stay strings
    ("true", true), ("True", true), ("TRUE", true),
    ("false", false), ("False", false), ("FALSE", false),
    ("tRUE", "tRUE"), ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"),
    ("Yes", "Yes"), ("y", "y"), ("n", "n"),
    // int
    ("0", 0), ("42", 42), ("-17", -17), ("+8", 8), ("007", 7),
    ("0o17", 15), ("0x1F", 31), ("0xff", 255),
    ("9223372036854775807", .init(.int(Int64.max))),
    ("-9223372036854775808", .init(.int(Int64.min))),
    ("0o", "0o"), ("0x", "0x"), ("0o8", "0o8"), ("0xG", "0xG"), ("+0x1F", "+0x1F"),
    ("1_000", "1_000"), ("0b101", "0b101"), ("-a", "-a"), ("+", "+"), ("--", "--"),
    // float
    ("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("1.", 1.0), ("+1.0", 1.0),
    ("1e3", 1000.0), ("1E-2", 0.01), ("-2.5e+2", -250.0),
    (".inf", .init(.double(.infinity))), (".Inf", .init(.double(.infinity))),
    (".INF", .init(.double(.infinity))), ("-.inf", .init(.double(-.infinity))),
    ("+.inf", .init(.double(.infinity))),
    (".nan", .init(.double(.nan))), (".NaN", .init(.double(.nan))),
    (".NAN", .init(.double(.nan))),
    (".", "."), ("1e", "1e"), ("e3", "e3"), (".iNf", ".iNf"), ("-.nan", "-.nan"),
    ("inf", "inf"), ("nan", "nan"), ("1.2.3", "1.2.3"), ("2025-01-10", "2025-01-10"),
    // strings
    ("hello", "hello"), ("s3://bucket/x", "s3://bucket/x"), ("12abc", "12abc"),
  ]

  @Test(arguments: table)
  func plainScalar(text: String, expected: Value) throws {
    let doc = try one("v: \(text)\n")
    let value = try #require(doc["v"])
    #expect(value == expected, "\(text) -> \(value.kind)")
    #expect(value.typeName == expected.typeName)
  }

  @Test(arguments: ["'true'", "\"42\"", "\"null\"", "'~'", "|\n  42\n", ">\n  1.5\n", "''"])
  func quotedAndBlockScalarsStayStrings(text: String) throws {
    let value = try #require(try one("v: \(text)\n")["v"])
    #expect(value.string != nil, "\(text) -> \(value.kind)")
  }

  static let tagged: [(String, Value)] = [
    ("!!str 42", "42"), ("!!str true", "true"), ("!!str", ""), ("!!str ~", "~"),
    ("!!int \"12\"", 12), ("!!int 0x10", 16),
    ("!!float 1", 1.0), ("!!float \"2.5\"", 2.5), ("!!float .inf", .init(.double(.infinity))),
    ("!!float 99999999999999999999", 1e20),
    ("!!bool \"true\"", true), ("!!bool FALSE", false),
    ("!!null ''", nil), ("!!null ~", nil),
    ("! 42", "42"), ("!custom 42", 42),
  ]

  @Test(arguments: tagged)
  func explicitTagsAreHonoured(text: String, expected: Value) throws {
    let value = try #require(try one("v: \(text)\n")["v"])
    #expect(value == expected, "\(text) -> \(value.kind)")
    #expect(value.typeName == expected.typeName)
  }

  @Test(arguments: ["!!int abc", "!!int 1.5", "!!float abc", "!!bool yes", "!!null 0"])
  func aTagThatDoesNotFitIsAnError(text: String) throws {
    let error = yamlError("v: \(text)\n")
    #expect(error?.kind == .tagMismatch)
    #expect(error?.mark.lc == "1:4")
  }

  @Test func tagMismatchMessage() {
    #expect(
      yamlError("v: !!int abc\n")?.description
        == "t.yaml:1:4: error: !!int value \"abc\" is not a valid int [Y009]")
  }

  /// Integers outside Int64 are an error, not a silent double or string.
  @Test(arguments: [
    "9223372036854775808", "-9223372036854775809", "99999999999999999999999",
    "0xFFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFFF", "0o7777777777777777777777",
  ])
  func integerOverflowIsAnError(text: String) throws {
    let error = yamlError("n: \(text)\n")
    #expect(error?.kind == .integerOverflow)
    #expect(error?.mark.lc == "1:4")
  }

  @Test func integerOverflowMessage() {
    #expect(
      yamlError("id: 12345678901234567890\n", file: "ids.yaml")?.description
        == "ids.yaml:1:5: error: integer 12345678901234567890 does not fit in 64 bits;"
        + " quote it to keep it as text, or tag it !!float [Y010]")
  }

  /// A float beyond the double range is an error, not an infinity nobody
  /// wrote; one too small still reads as (nearly) zero.
  @Test(arguments: [
    "1e400", "-1e400", "1.5E+309", "!!float 1e400",
    "!!float 1" + String(repeating: "0", count: 400),
  ])
  func floatOverflowIsAnError(text: String) throws {
    let error = yamlError("n: \(text)\n")
    #expect(error?.kind == .floatOverflow, "\(text): \(String(describing: error))")
    #expect(error?.mark.lc == "1:4")
    #expect(try one("n: 1e-400\n")["n"]?.number == 0)
  }

  @Test func floatOverflowMessage() {
    #expect(
      yamlError("ratio: 1e400\n", file: "card.yaml")?.description
        == "card.yaml:1:8: error: number 1e400 is too large for a 64-bit float (it would"
        + " become infinity); quote it to keep it as text [Y019]")
  }

  /// `.inf` and `.nan` are core-schema numbers, unless the limits refuse
  /// them (as audit subjects do), however they are tagged.
  @Test(arguments: [".inf", "-.inf", ".NaN", "!!float .inf", "[1, .nan]"])
  func finiteLimitsRefuseInfinityAndNaN(text: String) throws {
    let error = yamlError("v: \(text)\n", limits: .finite)
    #expect(error?.kind == .nonFinite, "\(text): \(String(describing: error))")
    #expect(error?.mark.line == 1)
    #expect(yamlError("v: \(text)\n") == nil)
    #expect(yamlError("v: '\(text)'\n", limits: .finite) == nil)
  }

  @Test func quotedHugeIntegerIsAString() throws {
    #expect(try one("n: \"99999999999999999999\"\n")["n"]?.string == "99999999999999999999")
  }
}
