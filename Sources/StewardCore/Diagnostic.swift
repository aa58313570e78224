/// An error or warning about the user's input, with the place it points at.
///
/// Every layer's error type can turn itself into one (``DiagnosticConvertible``),
/// and the command line prints them all the same way, as compilers do:
///
/// ```
/// models/ad-targeting.yaml:14:5: error: duplicate key "owner" (first at 3:1)
/// ```
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable, Equatable {
    case error, warning, note
  }

  public var severity: Severity
  public var mark: SourceMark
  /// A stable code per kind of problem (`Y001`, `L003`, …) that tests and
  /// documentation can refer to even when the wording changes.
  public var code: String
  public var message: String
  /// Extra lines printed under the message (a Lua traceback, a hint).
  public var notes: [String]

  public init(
    _ severity: Severity = .error, at mark: SourceMark, code: String, _ message: String,
    notes: [String] = []
  ) {
    self.severity = severity
    self.mark = mark
    self.code = code
    self.message = message
    self.notes = notes
  }

  /// The same problem reported as a warning, for input a playbook lets
  /// through (`on_bad_input: warn`, `on_bad_response: drop`).
  public func asWarning(adding suffix: String = "") -> Diagnostic {
    var warning = self
    warning.severity = .warning
    warning.message += suffix
    return warning
  }

  /// `file:line:column: error: message [CODE]`, then the notes indented.
  /// A message quotes the input (a key, a card's value, a plugin's error),
  /// so its control characters are escaped (Printable): it goes to a terminal.
  public var description: String { head + notesText }

  private var head: String {
    "\(Printable.escape(mark.description)): \(severity.rawValue): \(Printable.escape(message)) [\(code)]"
  }

  private var notesText: String {
    notes.map { "\n    " + Printable.escape($0, keepingBreaks: true) }.joined()
  }

  /// The description followed by the offending source line and a caret under
  /// the column, when the caller has the text of the file.
  /// A line longer than `maxLine` characters is not echoed: it is measured
  /// before it is escaped, since escaping never shortens it, and escaping a
  /// 1 MB CSV header for each of fifty diagnostics took seconds.
  public func rendered(source: String?, maxLine: Int = .max) -> String {
    guard let source, mark.line > 0 else { return description }
    // Found as bytes (a newline is one), reading only as far as the line:
    // no character is made of the rest of the file, and no list of its lines.
    let bytes = source.utf8
    var start = bytes.startIndex
    for _ in 1..<mark.line {
      guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
        return description
      }
      start = bytes.index(after: newline)
    }
    let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
    let line = source[start..<end]
    let text = line.hasSuffix("\r") ? line.dropLast() : line
    if text.utf8.count > maxLine, text.prefix(maxLine + 1).count > maxLine { return description }
    let caretColumn = max(1, mark.column)
    // The line is echoed escaped (a `\r` or ESC in it would rewrite the
    // terminal), and the caret counted over the escaped text.
    let before = Printable.escape(
      String(String.UnicodeScalarView(text.unicodeScalars.prefix(caretColumn - 1))),
      keepingBreaks: true)
    let prefix = String(before.unicodeScalars.map { $0 == "\t" ? "\t" : " " })
    let echoed = Printable.escape(String(text), keepingBreaks: true)
    return "\(head)\n\(echoed)\n\(prefix)^" + notesText
  }
}

/// An error that knows how to present itself as a ``Diagnostic``.
public protocol DiagnosticConvertible: Error {
  var diagnostic: Diagnostic { get }
}

extension Diagnostic: DiagnosticConvertible {
  public var diagnostic: Diagnostic { self }
}
