internal import CMark

/// One top-level block of a Markdown body, as cmark-gfm parsed it, in plain
/// Swift: no cmark type leaves this file.
enum MarkdownBlock: Equatable {
  /// `# Title` or a setext heading.
  case heading(level: Int, title: String, line: Int, column: Int)
  /// A GitHub table: the header row's cells and every other row's.
  case table(header: [String], rows: [[String]], line: Int, column: Int)
  /// Any other block (paragraph, list, quote, code) as its plain text; an
  /// HTML comment (the card template's `<!-- guidance -->`) is no text.
  case prose(text: String, line: Int, column: Int)
}

/// cmark-gfm's parser with the table extension.
enum CommonMark {
  /// The extensions register themselves in a global list, once, before any
  /// parse: a `static let` runs this exactly once, whichever thread asks first.
  nonisolated(unsafe) private static let tableExtension: OpaquePointer? = {
    cmark_gfm_core_extensions_ensure_registered()
    return cmark_find_syntax_extension("table")
  }()

  /// The top-level blocks of `bytes`; lines are counted from `firstLine`.
  static func blocks(_ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int) -> [MarkdownBlock] {
    guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return [] }
    defer { cmark_parser_free(parser) }
    if let table = tableExtension { cmark_parser_attach_syntax_extension(parser, table) }
    bytes.withMemoryRebound(to: CChar.self) { chars in
      cmark_parser_feed(parser, chars.baseAddress, chars.count)
    }
    guard let document = cmark_parser_finish(parser) else { return [] }
    defer { cmark_node_free(document) }
    var blocks: [MarkdownBlock] = []
    var node = cmark_node_first_child(document)
    while let block = node {
      let line = Int(cmark_node_get_start_line(block)) + firstLine - 1
      let column = Int(cmark_node_get_start_column(block))
      if cmark_node_get_type(block) == CMARK_NODE_HEADING {
        blocks.append(
          .heading(
            level: Int(cmark_node_get_heading_level(block)), title: plainText(of: block),
            line: line, column: column))
      } else if typeName(block) == "table" {
        var rows: [[String]] = []
        var row = cmark_node_first_child(block)
        while let r = row {
          var cells: [String] = []
          var cell = cmark_node_first_child(r)
          while let c = cell {
            cells.append(plainText(of: c))
            cell = cmark_node_next(c)
          }
          rows.append(cells)
          row = cmark_node_next(r)
        }
        let header = rows.isEmpty ? [] : rows.removeFirst()
        blocks.append(.table(header: header, rows: rows, line: line, column: column))
      } else {
        let text = plainText(of: block)
        if !text.isEmpty { blocks.append(.prose(text: text, line: line, column: column)) }
      }
      node = cmark_node_next(block)
    }
    return blocks
  }

  private static func typeName(_ node: OpaquePointer) -> String {
    guard let name = cmark_node_get_type_string(node) else { return "" }
    return String(cString: name)
  }

  /// The text a reader sees in `root`: literals joined, a line break between
  /// blocks, HTML comments left out. An iterator, not recursion: nesting as
  /// deep as cmark allows cannot exhaust the stack.
  private static func plainText(of root: OpaquePointer) -> String {
    guard let iterator = cmark_iter_new(root) else { return "" }
    defer { cmark_iter_free(iterator) }
    var text = ""
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard let node = cmark_iter_get_node(iterator) else { continue }
      let type = cmark_node_get_type(node)
      if event == CMARK_EVENT_EXIT {
        if type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_ITEM || type == CMARK_NODE_HEADING,
          !text.isEmpty, text.last != "\n"
        {
          text += "\n"
        }
        continue
      }
      switch type {
      case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
        text += literal(of: node)
      case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
        let html = literal(of: node)
        if !html.hasPrefix("<!--") { text += html }
      case CMARK_NODE_SOFTBREAK: text += " "
      case CMARK_NODE_LINEBREAK: text += "\n"
      default: break
      }
    }
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return text
  }

  private static func literal(of node: OpaquePointer) -> String {
    guard let literal = cmark_node_get_literal(node) else { return "" }
    return String(cString: literal)
  }
}
