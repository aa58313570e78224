import Foundation
public import StewardCore

/// What one call of a plugin check judges: a subject (the default), or every
/// subject of the run at once (`scope = "all"`), for rules across subjects
/// such as "no two models share an owner".
public enum CheckScope: String, Sendable, Equatable {
  case subject, all
}

/// One entry of an audit playbook's `checks:` list, validated.
///
/// ```yaml
/// checks:
///   - use: ml-governance.fairness_audit     # a check from a Lua plugin
///     params: { min_ratio: 0.8 }
///     severity: critical                    # overrides the plugin's default
///     when: subject.stage == "production"   # a Lua expression
///   - id: has-owner
///     builtin: required                     # a check built into steward
///     params: { path: owner }
///   - id: not-on-training-data
///     expr: steward.get(subject, "evaluation.validation.split") ~= "train"
///     at: evaluation.validation.split
/// ```
public struct CheckSpec: Sendable {
  /// Where the check's logic lives.
  public enum Source: Sendable, Equatable {
    /// `use: plugin.check`: a check registered by a Lua plugin.
    case plugin(plugin: String, check: String)
    /// `builtin: name`: one of ``BuiltinChecks``.
    case builtin(String)
    /// `expr: …`: an inline Lua expression over `subject` and `params`.
    case expression(String)
  }

  public var id: String
  public var title: String
  public var source: Source
  public var params: OrderedMap
  public var severity: Severity
  public var remediation: String?
  /// A Lua expression; the check applies only where it is true.
  public var when: String?
  public var tags: [String]
  /// For expression checks: the path whose mark a result points at.
  public var at: String?
  public var mark: SourceMark
  /// Marks of the `expr` and `when` values, so Lua errors in them point at
  /// the playbook line.
  public var expressionMark: SourceMark
  public var whenMark: SourceMark
  /// Whether the check judges one subject per call, or all at once.
  public var scope: CheckScope = .subject
  /// `waivable: false`: no waiver covers this check's failures; a waiver
  /// that names it is refused, and a `*` waiver passes it by.
  public var waivable: Bool = true

  /// The Lua chunk an inline `expr` or `when` compiles to: a plugin with
  /// one check that returns the expression's value. The syntax check before
  /// the run and each worker's compile use this one chunk, so that what
  /// validates is what runs. Blank lines put the expression on its playbook
  /// line, so that Lua's errors name that line. The value goes through a
  /// local rather than `return (…)`: Lua emits a pending index when the
  /// `)` closes it, and the line break kept before it (for a trailing
  /// `-- comment`) made errors name the line after the expression.
  static func inlineChunk(_ expression: String, at mark: SourceMark) -> String {
    String(repeating: "\n", count: max(0, firstLine(of: expression, at: mark) - 1))
      + "local p = steward.plugin{ name = 'inline', version = '0' } "
      + "p:check{ id = 'expr', run = function(subject, params, ctx) local value = \(expression)\n"
      + "return value end } "
      + "return p"
  }

  /// The playbook line an expression's text starts on. A block scalar
  /// (`expr: |`) is marked at its `|` or `>`, and its text begins on the
  /// line below: without this, Lua's errors in it named the line above the
  /// one at fault. Only a text with a line break can be a block scalar worth
  /// the look at the file.
  static func firstLine(of expression: String, at mark: SourceMark) -> Int {
    guard expression.contains("\n"), mark.line > 0, mark.column > 0,
      let text = try? String(contentsOfFile: mark.file, encoding: .utf8)
    else { return mark.line }
    let lines = text.split(separator: "\n", maxSplits: mark.line, omittingEmptySubsequences: false)
    guard mark.line <= lines.count else { return mark.line }
    let line = Array(lines[mark.line - 1].unicodeScalars)
    guard mark.column <= line.count else { return mark.line }
    return line[mark.column - 1] == "|" || line[mark.column - 1] == ">" ? mark.line + 1 : mark.line
  }

  /// Each inline Lua expression of the check (`expr`, then `when`), with
  /// the mark of its value.
  var inlineExpressions: [(key: String, source: String, mark: SourceMark)] {
    var found: [(key: String, source: String, mark: SourceMark)] = []
    if case .expression(let expression) = source {
      found.append(("expr", expression, expressionMark))
    }
    if let when { found.append(("when", when, whenMark)) }
    return found
  }

  static let fields: [FieldSpec] = [
    FieldSpec(
      "id", .identifier, doc: "the check's id in results; defaults to the plugin check's id"),
    FieldSpec("title", .string, doc: "a human title"),
    FieldSpec("use", .string, doc: "PLUGIN.CHECK, a check from a Lua plugin"),
    FieldSpec("builtin", .oneOf(BuiltinChecks.names), doc: "a check built into steward"),
    FieldSpec("expr", .string, doc: "a Lua expression over subject and params"),
    FieldSpec("params", .map, doc: "parameters for the check"),
    FieldSpec(
      "severity", .oneOf(Severity.allCases.map(\.rawValue)),
      doc: "info, low, medium, high or critical"),
    FieldSpec("remediation", .string, doc: "what to do about a failure"),
    FieldSpec("when", .string, doc: "a Lua expression: the check applies only where it is true"),
    FieldSpec("tags", .list(.string), doc: "labels for --only and --skip"),
    FieldSpec("at", .string, doc: "for expr checks: the dotted path a result points at"),
    FieldSpec("waivable", .bool, doc: "false: no waiver can cover a failure of this check"),
  ]
}
