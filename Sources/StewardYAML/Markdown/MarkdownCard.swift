public import StewardCore

/// Reads a Markdown file with YAML front matter, the shape of a Hugging Face
/// model card (`README.md`), as one `Value`:
///
/// ```yaml
/// format: markdown
/// metadata: {license: mit, datasets: [imdb], model-index: [...]}   # the front matter, {} without one
/// text: "..."          # the prose before the first heading
/// tables: []           # the tables before the first heading
/// sections:            # the headings as a tree; each has the same keys
///   - {title: Uses, level: 2, line: 14, text: "...", tables: [...], sections: [...]}
/// results:             # model-index, one entry per metric (ModelIndex)
///   - {model: m, task: text-classification, dataset: imdb, metric: accuracy, value: 0.93, ...}
/// ```
///
/// Every node carries its mark at the file's own line: the front matter's
/// keys where they are written, a section at its heading.
public enum MarkdownCard {
  /// `.md` and `.markdown` (any case).
  public static func isMarkdown(path: String) -> Bool {
    guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
    let ext = path[path.index(after: dot)...].lowercased()
    return ext == "md" || ext == "markdown"
  }

  /// The card in the file at `path`; `observe` sees the file's bytes.
  public static func load(
    path: String, limits: YAMLLimits = .default,
    observe: ((UnsafeRawBufferPointer) -> Void)? = nil
  ) throws(YAMLError) -> Value {
    let buffer = try FileInput.read(path: path, maxBytes: limits.maxFileBytes)
    defer { buffer.deallocate() }
    observe?(UnsafeRawBufferPointer(buffer))
    return try load(bytes: UnsafeBufferPointer(buffer), file: path, limits: limits)
  }

  /// The card in `text`; marks name `file`.
  public static func load(text: String, file: String, limits: YAMLLimits = .default)
    throws(YAMLError) -> Value
  {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { (bytes) throws(YAMLError) -> Value in
      try load(bytes: bytes, file: file, limits: limits)
    }
  }

  static func load(bytes: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits)
    throws(YAMLError) -> Value
  {
    guard bytes.count <= limits.maxFileBytes else {
      throw FileInput.tooLarge(
        bytes.count, limits.maxFileBytes, at: SourceMark(file: file, line: 0, column: 0))
    }
    if let bad = firstInvalidUTF8Line(bytes) {
      throw YAMLError(
        .encoding, at: SourceMark(file: file, line: bad, column: 1),
        "this Markdown file is not valid UTF-8")
    }
    let split = try FrontMatter.split(bytes, file: file)
    let start = SourceMark(file: file, line: 1, column: 1)
    var metadata = Value(.map(OrderedMap()), mark: start)
    if let front = split.frontMatter {
      metadata = try FrontMatter.parse(front, file: file, limits: limits)
    }
    let bodyBytes = UnsafeBufferPointer(rebasing: bytes[split.bodyStart...])
    if let (line, depth) = deepestQuote(bodyBytes, firstLine: split.bodyLine),
      depth > limits.maxDepth
    {
      // cmark's inline pass grows with the nesting times the line after it:
      // 50,000 `> ` then a line of `[` took 31 s for a 250 KB card.
      throw YAMLError(
        .tooDeep, at: SourceMark(file: file, line: line, column: 1),
        "blockquotes nested \(depth) deep; Steward reads Markdown nested at most \(limits.maxDepth) deep"
      )
    }
    let body = Sections.tree(
      CommonMark.blocks(bodyBytes, firstLine: split.bodyLine), file: file,
      startLine: split.bodyLine)
    var root = OrderedMap()
    root["format"] = Value(.string("markdown"), mark: start)
    root["metadata"] = metadata
    // The root section's own keys, without the title and level it lacks.
    for key in ["text", "tables", "sections"] { root[key] = body[key] }
    root["results"] = try ModelIndex.results(of: metadata, file: file)
    return Value(.map(root), mark: start)
  }

  /// The deepest blockquote nesting (`>` markers at a line's start, spaces
  /// between them) and its line, or nil for a body without one.
  static func deepestQuote(_ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int) -> (Int, Int)? {
    var deepest: (Int, Int)?
    var line = firstLine
    var depth = 0
    var atStart = true
    for byte in bytes {
      if byte == UInt8(ascii: "\n") {
        if depth > (deepest?.1 ?? 0) { deepest = (line, depth) }
        line += 1
        depth = 0
        atStart = true
      } else if atStart {
        if byte == UInt8(ascii: ">") {
          depth += 1
        } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
          atStart = false
        }
      }
    }
    if depth > (deepest?.1 ?? 0) { deepest = (line, depth) }
    return deepest
  }

  /// The line of the first byte that is not valid UTF-8, or nil.
  private static func firstInvalidUTF8Line(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    if String(validating: bytes, as: UTF8.self) != nil { return nil }
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var line = 1
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
      case .emptyInput: return nil
      case .error: return line
      }
    }
  }
}

/// The YAML between a `---` first line and the next `---` line.
enum FrontMatter {
  struct Split {
    /// The front matter's lines with every line before them blank, so that
    /// libyaml's marks are the file's lines; nil when the file has none.
    var frontMatter: [UInt8]?
    var bodyStart: Int
    /// The file's line at `bodyStart`.
    var bodyLine: Int
  }

  /// As the Hugging Face Hub reads it: blank lines, then `---`, then YAML up
  /// to a line that is `---`. A `---` that is never closed is refused: the
  /// whole file would otherwise become body text and its metadata vanish.
  static func split(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(YAMLError) -> Split {
    var lines: [Range<Int>] = []
    var start = 0
    // A UTF-8 byte-order mark is no text.
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    let bodyFrom = start
    var opening: Int? = nil
    var index = start
    while index <= bytes.count {
      if index == bytes.count || bytes[index] == 0x0A {
        let line = start..<index
        lines.append(line)
        let content = trimmed(bytes, line)
        if let open = opening {
          if isDelimiter(content) {
            var yaml = [UInt8](repeating: 0x0A, count: open)
            for line in lines[open..<(lines.count - 1)] {
              yaml += bytes[line]
              yaml.append(0x0A)
            }
            let next = min(index + 1, bytes.count)
            return Split(frontMatter: yaml, bodyStart: next, bodyLine: lines.count + 1)
          }
        } else if isDelimiter(content) {
          opening = lines.count
        } else if !content.isEmpty {
          return Split(frontMatter: nil, bodyStart: bodyFrom, bodyLine: 1)
        }
        start = index + 1
      }
      index += 1
    }
    if let opening {
      throw YAMLError(
        .frontMatter, at: SourceMark(file: file, line: opening, column: 1),
        "the front matter that starts here is never closed: no \"---\" line after it",
        notes: ["end the YAML block with a line holding only \"---\""])
    }
    return Split(frontMatter: nil, bodyStart: bodyFrom, bodyLine: 1)
  }

  /// The YAML of the front matter as a map; empty when it holds only comments.
  static func parse(_ yaml: [UInt8], file: String, limits: YAMLLimits) throws(YAMLError) -> Value {
    let documents = try yaml.withUnsafeBufferPointer { (bytes) throws(YAMLError) -> [Value] in
      try YAMLLoader.load(bytes: bytes, file: file, limits: limits, json: false)
    }
    if documents.count > 1 {
      throw YAMLError(
        .frontMatter, at: documents[1].mark,
        "the front matter holds \(documents.count) YAML documents; it must be one map")
    }
    guard let document = documents.first, !document.isNull else {
      return Value(.map(OrderedMap()), mark: SourceMark(file: file, line: 1, column: 1))
    }
    guard document.map != nil else {
      throw YAMLError(
        .frontMatter, at: document.mark,
        "the front matter must be a map of keys (license: ..., tags: ...), found \(document.typeWithArticle)"
      )
    }
    return document
  }

  private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>)
    -> ArraySlice<UInt8>
  {
    var end = line.upperBound
    while end > line.lowerBound, [0x20, 0x09, 0x0D].contains(bytes[end - 1]) { end -= 1 }
    return ArraySlice(bytes[line.lowerBound..<end])
  }

  private static func isDelimiter(_ content: ArraySlice<UInt8>) -> Bool {
    content.elementsEqual("---".utf8)
  }
}

/// The headings of a body as a tree: a section holds the blocks up to the
/// next heading and, as `sections`, the deeper headings under it.
enum Sections {
  private struct Open {
    var level: Int
    var title: Value
    var mark: SourceMark
    var text: [String] = []
    var textMark: SourceMark
    var tables: [Value] = []
    var children: [Value] = []

    func value() -> Value {
      var map = OrderedMap()
      map["title"] = title
      map["level"] = Value(.int(Int64(level)), mark: mark)
      map["line"] = Value(.int(Int64(mark.line)), mark: mark)
      map["text"] = Value(.string(text.joined(separator: "\n\n")), mark: textMark)
      map["tables"] = Value(.list(tables), mark: mark)
      map["sections"] = Value(.list(children), mark: mark)
      return Value(.map(map), mark: mark)
    }
  }

  /// The root (level 0, the text before the first heading) with the tree below it.
  static func tree(_ blocks: [MarkdownBlock], file: String, startLine: Int) -> Value {
    let rootMark = SourceMark(file: file, line: startLine, column: 1)
    var stack = [
      Open(level: 0, title: Value(.string(""), mark: rootMark), mark: rootMark, textMark: rootMark)
    ]
    func close(downTo level: Int) {
      while stack.count > 1, stack[stack.count - 1].level >= level {
        let done = stack.removeLast()
        stack[stack.count - 1].children.append(done.value())
      }
    }
    for block in blocks {
      switch block {
      case .heading(let level, let title, let line, let column):
        close(downTo: level)
        let mark = SourceMark(file: file, line: line, column: column)
        stack.append(
          Open(level: level, title: Value(.string(title), mark: mark), mark: mark, textMark: mark))
      case .table(let header, let rows, let line, let column):
        let mark = SourceMark(file: file, line: line, column: column)
        var table = OrderedMap()
        table["line"] = Value(.int(Int64(line)), mark: mark)
        table["header"] = Value(.list(header.map { Value(.string($0), mark: mark) }), mark: mark)
        table["rows"] = Value(
          .list(rows.map { Value(.list($0.map { Value(.string($0), mark: mark) }), mark: mark) }),
          mark: mark)
        stack[stack.count - 1].tables.append(Value(.map(table), mark: mark))
      case .prose(let text, let line, let column):
        if stack[stack.count - 1].text.isEmpty {
          stack[stack.count - 1].textMark = SourceMark(file: file, line: line, column: column)
        }
        stack[stack.count - 1].text.append(text)
      }
    }
    close(downTo: 1)
    return stack[0].value()
  }
}
