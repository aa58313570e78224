internal import CSV
public import StewardCore

/// Loads a CSV file (RFC 4180, read by yaslab/CSV.swift) as a list of maps:
/// the header row gives the keys, each later row one map.
///
/// ```swift
/// let rows = try CSVLoader.load(text: "team,score\nads,4\n", file: "survey.csv")
/// rows[0]?["score"]  // "4" (a string), marked survey.csv:2:5
/// ```
///
/// - Values stay strings: typing them is the playbook's job, which knows the
///   columns (a zip code `"01234"` must not become `1234`).
/// - Each row is marked with its line (newlines inside quoted fields are
///   counted, so later rows keep the right line), each field with its line and
///   column; a field after one that cannot be located gets column 0.
/// - A row with more fields than the header is an error (`Y020`); a row with
///   fewer gets `null` for the missing columns; blank lines are skipped.
/// - The header must name every column once (`Y021`); a UTF-8 BOM is skipped.
public enum CSVLoader {
  /// The CSV file at `path` as a list of maps; marks name `path`.
  public static func load(path: String, limits: YAMLLimits = .default) throws(YAMLError)
    -> Value
  {
    let buffer = try FileInput.read(path: path, maxBytes: limits.maxFileBytes)
    defer { buffer.deallocate() }
    return try load(bytes: UnsafeBufferPointer(buffer), file: path, limits: limits)
  }

  /// `text` as a list of maps; marks name `file`.
  public static func load(
    text: String, file: String = "<string>", limits: YAMLLimits = .default
  ) throws(YAMLError) -> Value {
    var text = text
    let result = text.withUTF8 { bytes in
      Result { () throws(YAMLError) -> Value in
        try load(bytes: bytes, file: file, limits: limits)
      }
    }
    return try result.get()
  }

  static func load(bytes all: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits)
    throws(YAMLError) -> Value
  {
    guard all.count <= limits.maxFileBytes else {
      throw FileInput.tooLarge(
        all.count, limits.maxFileBytes, at: SourceMark(file: file, line: 0, column: 0))
    }
    if let bad = UTF8Check.firstInvalidByte(all) {
      let (line, column) = SourceText(bytes: all).lineAndColumn(ofByte: bad)
      throw YAMLError(
        .encoding, at: SourceMark(file: file, line: line, column: column),
        "input is not valid UTF-8 (byte 0x\(String(all[bad], radix: 16, uppercase: true)))")
    }
    let hasBOM = all.count >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF
    let raw = UnsafeBufferPointer(rebasing: all[(hasBOM ? 3 : 0)...])
    // CSV.swift reads an unclosed quote to the end of the file as one field:
    // every row after it would vanish into a team's contact.
    if let open = unclosedQuote(raw) {
      let (line, column) = SourceText(bytes: all).lineAndColumn(ofByte: open + (hasBOM ? 3 : 0))
      throw YAMLError(
        .csvQuote, at: SourceMark(file: file, line: line, column: column),
        "this quoted field is never closed: a quote is missing, so the rest of the file"
          + " would be read as one field")
    }
    let reader: CSVReader
    do {
      reader = try CSVReader(string: String(decoding: raw, as: UTF8.self))
    } catch {
      throw YAMLError(.syntax, at: SourceMark(file: file, line: 1, column: 1), "\(error)")
    }
    let locator = FieldLocator(raw: raw, file: file)
    guard let header = reader.next() else { return Value(.list([]), mark: locator.mark(1, 1)) }
    let headerMarks = locator.locate(header, line: 1)
    try checkHeader(header, marks: headerMarks)

    var rows: [Value] = []
    var line = 1 + 1 + FieldLocator.lineBreaks(in: header)
    var nodes = 1 + header.count
    while let fields = reader.next() {
      let rowLine = line
      line += 1 + FieldLocator.lineBreaks(in: fields)
      if fields.count == 1 && fields[0].isEmpty { continue }  // a blank line
      let marks = locator.locate(fields, line: rowLine)
      let rowMark = locator.mark(rowLine, 1)
      guard fields.count <= header.count else {
        throw YAMLError(
          .csvRowTooLong, at: marks[header.count],
          "row has \(fields.count) fields but the header has \(header.count) columns")
      }
      nodes += 1 + 2 * header.count
      if nodes > limits.maxNodes {
        throw YAMLError(.tooManyNodes, at: rowMark, "more than \(limits.maxNodes) nodes")
      }
      var entries: [OrderedMap.Entry] = []
      entries.reserveCapacity(header.count)
      for (i, key) in header.enumerated() {
        guard i < fields.count else {
          entries.append(
            OrderedMap.Entry(key: key, keyMark: rowMark, value: Value(.null, mark: rowMark)))
          continue
        }
        if fields[i].utf8.count > limits.maxScalarBytes {
          throw YAMLError(
            .scalarTooLarge, at: marks[i],
            "field of \(fields[i].utf8.count) bytes is larger than the limit of"
              + " \(limits.maxScalarBytes) bytes")
        }
        entries.append(
          OrderedMap.Entry(
            key: key, keyMark: marks[i], value: Value(.string(fields[i]), mark: marks[i])))
      }
      rows.append(Value(.map(OrderedMap(uniqueEntries: entries)), mark: rowMark))
    }
    return Value(.list(rows), mark: locator.mark(1, 1))
  }

  /// The byte offset of the opening quote of a quoted field that the file
  /// ends inside (RFC 4180: a field that starts with `"` runs to the next
  /// `"` not doubled; a quote inside an unquoted field is its text).
  static func unclosedQuote(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
    let quote = UInt8(ascii: "\"")
    var i = 0
    var atFieldStart = true
    while i < raw.count {
      let b = raw[i]
      if atFieldStart && b == quote {
        let open = i
        i += 1
        while true {
          guard i < raw.count else { return open }
          if raw[i] == quote {
            if i + 1 < raw.count && raw[i + 1] == quote {
              i += 2
              continue
            }
            i += 1
            break
          }
          i += 1
        }
        atFieldStart = false
        continue
      }
      atFieldStart = b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D
      i += 1
    }
    return nil
  }

  private static func checkHeader(_ header: [String], marks: [SourceMark]) throws(YAMLError) {
    var seen: [String: Int] = [:]
    for (i, name) in header.enumerated() {
      if name.isEmpty {
        throw YAMLError(.csvHeader, at: marks[i], "column \(i + 1) of the header has no name")
      }
      if let first = seen.updateValue(i, forKey: name) {
        throw YAMLError(
          .csvHeader, at: marks[i],
          "duplicate column \"\(name)\" (first defined at \(marks[first].line):\(marks[first].column))"
        )
      }
    }
  }
}

/// Finds the line and column of each field of a row in the raw bytes, given
/// the line the row starts on; CSV.swift gives fields, not positions.
struct FieldLocator {
  let raw: UnsafeBufferPointer<UInt8>
  let file: String
  /// Byte offset where each line starts (index 0 is line 1).
  private var lineStarts: [Int] = [0]

  init(raw: UnsafeBufferPointer<UInt8>, file: String) {
    self.raw = raw
    self.file = file
    var i = 0
    while i < raw.count {
      let b = raw[i]
      if b == 0x0A || (b == 0x0D && (i + 1 == raw.count || raw[i + 1] != 0x0A)) {
        lineStarts.append(i + 1)
      }
      i += 1
    }
  }

  func mark(_ line: Int, _ column: Int) -> SourceMark {
    SourceMark(file: file, line: line, column: column)
  }

  /// Line breaks inside the fields of a row (CRLF counts once).
  static func lineBreaks(in fields: [String]) -> Int {
    var breaks = 0
    for field in fields {
      var previous: UInt8 = 0
      for b in field.utf8 {
        if b == 0x0A || (previous == 0x0D && b != 0x0A) { breaks += 1 }
        previous = b
      }
      if previous == 0x0D { breaks += 1 }
    }
    return breaks
  }

  /// The mark of each field of a row starting at `line`. A field that was
  /// quoted in the file is recognised by its opening quote; its width is its
  /// text plus the two quotes plus one per doubled quote. One pass over the
  /// row's bytes, counting columns on the way: a row of 100,000 fields must
  /// not be rescanned from its line's start for each one.
  func locate(_ fields: [String], line: Int) -> [SourceMark] {
    var marks: [SourceMark] = []
    marks.reserveCapacity(fields.count)
    guard line - 1 < lineStarts.count else {
      return fields.map { _ in mark(line, 0) }
    }
    var p = lineStarts[line - 1]
    var lineNumber = line
    var column = 1
    var located = true
    for field in fields {
      guard located else {
        marks.append(mark(line, 0))
        continue
      }
      marks.append(mark(lineNumber, column))
      let quoted = p < raw.count && raw[p] == UInt8(ascii: "\"")
      var width = field.utf8.count
      if quoted { width += 2 + field.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) } }
      let end = p + width
      guard end <= raw.count else {
        located = false
        continue
      }
      while p < end {
        let b = raw[p]
        if b == 0x0A || (b == 0x0D && (p + 1 == raw.count || raw[p + 1] != 0x0A)) {
          lineNumber += 1
          column = 1
        } else if b & 0xC0 != 0x80 {
          column += 1  // a scalar's first byte
        }
        p += 1
      }
      if p < raw.count && raw[p] == UInt8(ascii: ",") {
        p += 1
        column += 1
      } else if p < raw.count && raw[p] != 0x0A && raw[p] != 0x0D {
        located = false  // not where the field should end: stop guessing
      }
    }
    return marks
  }
}

/// UTF-8 validation that says where the first bad byte is.
enum UTF8Check {
  static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let scalar): offset += scalar.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }
}
