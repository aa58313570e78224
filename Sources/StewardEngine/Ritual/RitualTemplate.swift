import Mustache
public import StewardCore

/// Announcements and agendas: Mustache templates (swift-mustache), rendered
/// as plain text (no HTML escaping).
///
/// ```mustache
/// {{title}} on {{date}} at {{time}} ({{timezone}}). {{#presenter}}{{name}} presents.{{/presenter}}
/// ```
public enum RitualTemplate {
  /// Turns HTML escaping off; it is the first tag, on the template's first line.
  static let pragma = "{{% CONTENT_TYPE: TEXT}}"

  /// A problem with `text` as a template, at its place in the playbook.
  public static func check(_ text: String, mark: SourceMark) -> Diagnostic? {
    do {
      _ = try MustacheTemplate(string: pragma + text)
      return nil
    } catch let error as MustacheTemplate.ParserError {
      // Lines of a block scalar start on the line after its key; the mark
      // of a one-line string is the string itself.
      let line = error.context.lineNumber
      var at = mark
      if mark.line > 0 {
        at.line = mark.line + line - (text.contains("\n") && mark.line > 0 ? 0 : 1)
        at.column =
          line == 1
          ? mark.column + max(0, error.context.columnNumber - pragma.count)
          : max(1, error.context.columnNumber)
      }
      return Diagnostic(at: at, code: "T040", "the template does not parse: \(error.error)")
    } catch {
      return Diagnostic(at: mark, code: "T040", "the template does not parse: \(error)")
    }
  }

  /// Renders `text` with `context`; templates are checked when the playbook
  /// loads, so a failure here renders nothing.
  public static func render(_ text: String, _ context: Value) -> String {
    guard let template = try? MustacheTemplate(string: pragma + text) else { return "" }
    var text = template.render(plain(context))
    // A block scalar ends with a newline; the report adds its own.
    while text.last?.isWhitespace ?? false { text.removeLast() }
    return text
  }

  /// A document value as the dictionaries and arrays Mustache reads.
  static func plain(_ value: Value) -> Any {
    switch value.kind {
    case .null: return ""
    case .bool(let b): return b
    case .int(let i): return Int(i)
    case .double(let d): return d
    case .string(let s): return s
    case .list(let items): return items.map(plain)
    case .map(let m):
      var out: [String: Any] = [:]
      for e in m.entries { out[e.key] = plain(e.value) }
      return out
    }
  }
}
