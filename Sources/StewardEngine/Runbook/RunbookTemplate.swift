import Foundation
import Mustache

/// Variables in commands, environment, prompts and messages, rendered with
/// Mustache as plain text (no HTML escaping: these are command arguments).
enum RunbookTemplate {
  /// Set once per template: Mustache escapes for HTML unless told otherwise.
  static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

  static func compile(_ text: String) -> MustacheTemplate? {
    try? MustacheTemplate(string: textPragma + text)
  }

  /// Renders `text` with `context` (nested dictionaries of strings).
  static func render(_ text: String, _ context: [String: Any]) -> String {
    guard text.contains("{{") else { return text }
    guard let template = compile(text) else { return text }
    return template.render(context)
  }

  /// The names a template refers to (`{{name}}`, `{{#name}}`, `{{{name}}}`…).
  static func names(in text: String) -> [String] {
    guard text.contains("{{") else { return [] }
    var names: [String] = []
    var rest = text[...]
    while let open = rest.range(of: "{{") {
      rest = rest[open.upperBound...]
      guard let close = rest.range(of: "}}") else { break }
      var inner = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      rest = rest[close.upperBound...]
      if inner.hasPrefix("!") || inner.hasPrefix("%") || inner.hasPrefix("=") { continue }
      inner = inner.trimmingCharacters(in: CharacterSet(charactersIn: "#^/&{}> "))
      if !inner.isEmpty, inner != "." { names.append(inner) }
    }
    return names
  }
}
