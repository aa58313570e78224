internal import CMark

#if canImport(Glibc)
  import Glibc
#endif

/// Markdown reports as HTML, for a page a person reads (the demo's index).
///
/// cmark-gfm renders it, with GitHub tables, in its safe mode: raw HTML in
/// the text is left out, never passed through, so a report quoting a
/// model card cannot put markup on the page. The one piece of HTML steward's
/// own Markdown reports write, a `<details><summary>…</summary>` line and
/// its `</details>`, is turned into the same elements here, its summary
/// escaped.
public enum MarkdownHTML {
  public static func render(_ markdown: String) -> String {
    var html = ""
    var chunk = ""
    var open = 0
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = String(
        line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
      if let summary = summary(of: trimmed) {
        html += CommonMark.html(chunk)
        chunk = ""
        html += "<details><summary>\(escape(summary))</summary>\n"
        open += 1
      } else if trimmed == "</details>", open > 0 {
        html += CommonMark.html(chunk)
        chunk = ""
        html += "</details>\n"
        open -= 1
      } else {
        chunk += line + "\n"
      }
    }
    html += CommonMark.html(chunk)
    return html + String(repeating: "</details>\n", count: open)
  }

  /// The summary of a `<details><summary>TEXT</summary>` line, or nil.
  static func summary(of line: String) -> String? {
    let opening = "<details><summary>"
    let closing = "</summary>"
    guard line.hasPrefix(opening), line.hasSuffix(closing),
      line.count >= opening.count + closing.count
    else { return nil }
    return String(line.dropFirst(opening.count).dropLast(closing.count))
  }

  /// Text as HTML element content or an attribute's value (either quote).
  public static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}

extension CommonMark {
  /// `markdown` rendered by cmark-gfm, raw HTML omitted (its default, safe).
  static func html(_ markdown: String) -> String {
    guard !markdown.allSatisfy(\.isWhitespace),
      let parser = cmark_parser_new(CMARK_OPT_DEFAULT)
    else { return "" }
    defer { cmark_parser_free(parser) }
    if let table = tableExtension { cmark_parser_attach_syntax_extension(parser, table) }
    var bytes = Array(markdown.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        cmark_parser_feed(parser, chars.baseAddress, chars.count)
      }
    }
    guard let document = cmark_parser_finish(parser) else { return "" }
    defer { cmark_node_free(document) }
    guard
      let rendered = cmark_render_html(
        document, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser))
    else { return "" }
    defer { free(rendered) }
    return String(cString: rendered)
  }
}
