// Stable error codes of the StewardYAML layer. Tests and documentation refer to
// the code; the wording of a message may change, the code does not.
//
// | code | case              | meaning                                                        |
// |------|-------------------|----------------------------------------------------------------|
// | Y001 | syntax            | not well-formed YAML/JSON (libyaml's problem and context)      |
// | Y002 | encoding          | the input is not valid UTF-8                                   |
// | Y003 | tabIndentation    | a tab used for indentation (YAML forbids it)                   |
// | Y004 | duplicateKey      | a key written twice in one map (both marks reported)           |
// | Y005 | unknownAlias      | `*name` with no `&name` before it in the document              |
// | Y006 | recursiveAlias    | `*name` inside the very node that `&name` anchors              |
// | Y007 | complexKey        | a list or map used as a map key                                |
// | Y008 | invalidMerge      | `<<` whose value is not a map or a list of maps                |
// | Y009 | tagMismatch       | `!!int`, `!!float`, `!!bool` or `!!null` on a scalar not of it |
// | Y010 | integerOverflow   | an integer outside the 64-bit signed range                     |
// | Y011 | fileTooLarge      | input larger than `YAMLLimits.maxFileBytes`                    |
// | Y012 | scalarTooLarge    | a scalar larger than `YAMLLimits.maxScalarBytes`               |
// | Y013 | tooDeep           | nesting deeper than `YAMLLimits.maxDepth`                      |
// | Y014 | tooManyNodes      | more nodes than `YAMLLimits.maxNodes` after alias expansion    |
// | Y015 | tooManyDocuments  | more documents than `YAMLLimits.maxDocuments`                  |
// | Y016 | unreadable        | the file cannot be opened or read                              |
// | Y017 | unsupportedFormat | not a .yaml, .yml, .json or .csv file                          |
// | Y018 | internal          | libyaml ran out of memory or could not start                   |
// | Y019 | floatOverflow     | a float beyond the 64-bit range (`1e400`), which would be ±inf |
// | Y020 | csvRowTooLong     | a CSV row with more fields than the header                     |
// | Y021 | csvHeader         | a CSV header with an empty or repeated column name             |
// | Y022 | csvQuote          | a CSV quoted field never closed, or text after its close quote |
// | Y023 | nonFinite         | `.inf` or `.nan` where the limits refuse them (audit subjects) |
// | Y024 | frontMatter       | Markdown front matter never closed, or not one map             |
// | Y025 | modelIndex        | a Hugging Face `model-index` not in the Hub's shape            |

public import StewardCore

/// An error reading a YAML, JSON or CSV document, with the place it points at.
///
/// ```swift
/// do { _ = try YAMLLoader.load("a: 1\na: 2\n", file: "card.yaml") }
/// catch { print(error) }
/// // card.yaml:2:1: error: duplicate key "a" (first defined at 1:1) [Y004]
/// ```
public struct YAMLError: Error, Sendable, Equatable, DiagnosticConvertible,
  CustomStringConvertible
{
  /// The kinds of error, each with its stable code (the table at the top of
  /// `YAMLError.swift`).
  public enum Code: String, Sendable, CaseIterable {
    case syntax = "Y001"
    case encoding = "Y002"
    case tabIndentation = "Y003"
    case duplicateKey = "Y004"
    case unknownAlias = "Y005"
    case recursiveAlias = "Y006"
    case complexKey = "Y007"
    case invalidMerge = "Y008"
    case tagMismatch = "Y009"
    case integerOverflow = "Y010"
    case fileTooLarge = "Y011"
    case scalarTooLarge = "Y012"
    case tooDeep = "Y013"
    case tooManyNodes = "Y014"
    case tooManyDocuments = "Y015"
    case unreadable = "Y016"
    case unsupportedFormat = "Y017"
    case `internal` = "Y018"
    case floatOverflow = "Y019"
    case csvRowTooLong = "Y020"
    case csvHeader = "Y021"
    case csvQuote = "Y022"
    case nonFinite = "Y023"
    case frontMatter = "Y024"
    case modelIndex = "Y025"
  }

  /// The stable code, `Y001`...
  public var code: String
  /// Where the problem is; line and column are 1-based, 0 when not known
  /// (a file that cannot be read or is too large points at the file only).
  public var mark: SourceMark
  /// One line, without the location or the code.
  public var message: String
  /// Extra lines: hints, the context libyaml was in.
  public var notes: [String]

  public init(_ code: Code, at mark: SourceMark, _ message: String, notes: [String] = []) {
    self.code = code.rawValue
    self.mark = mark
    self.message = message
    self.notes = notes
  }

  /// The kind of error, when the code is one of ``Code``.
  public var kind: Code? { Code(rawValue: code) }

  public var diagnostic: Diagnostic {
    Diagnostic(.error, at: mark, code: code, message, notes: notes)
  }

  /// `file:line:column: error: message [Yxxx]`, then the notes indented.
  public var description: String { diagnostic.description }
}
