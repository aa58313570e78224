import Foundation
public import StewardCore

/// A streaming RFC 4180 reader over bytes, for large CSV files (survey
/// responses): no `Value` tree, no `String` per field unless asked for one,
/// and every field keeps the line and column it starts at, so errors still
/// point at their cell (decision 0013).
///
/// ```swift
/// let scanner = try CSVScanner(bytes: data, file: "r.csv")
/// try scanner.forEachRow { row in
///   let id = scanner.string(row.fields[0])            // "r1"
///   let answer = scanner.digit(row.fields[3])         // 4, without a String
///   let mark = scanner.mark(row.fields[3])            // r.csv:2:10
/// }
/// ```
///
/// Same rules as ``CSVLoader``: a UTF-8 BOM is skipped; LF, CRLF and a lone
/// CR end a line (inside quotes too, for counting); quoted fields hold
/// commas, doubled quotes and line breaks; blank lines are skipped. A quote
/// left open is an error at the opening quote (Y022), and so is text after a
/// closing quote; rows longer than the header are the caller's to judge.
public struct CSVScanner: Sendable {
  /// One field: its bytes (without the surrounding quotes) and where it starts.
  public struct Field: Sendable {
    public var start: Int
    public var end: Int
    /// Written in quotes; `escapes` doubled quotes inside.
    public var quoted: Bool
    public var escapes: Int
    public var line: Int
    /// Byte offset where its line starts, for the column.
    public var lineStart: Int
    /// Byte offset of its first byte in the file (the opening quote, if any).
    public var offset: Int
  }

  /// One record: the line it starts on and its fields.
  public struct Row: Sendable {
    public var line: Int
    public var fields: [Field]
  }

  public let bytes: [UInt8]
  public let file: String
  private let begin: Int

  /// Checks the encoding (Y002 at the first bad byte) and skips a BOM.
  public init(bytes: [UInt8], file: String) throws(YAMLError) {
    self.bytes = bytes
    self.file = file
    let bad = bytes.withUnsafeBufferPointer { UTF8Check.firstInvalidByte($0) }
    if let bad {
      let (line, column) = bytes.withUnsafeBufferPointer {
        SourceText(bytes: $0).lineAndColumn(ofByte: bad)
      }
      throw YAMLError(
        .encoding, at: SourceMark(file: file, line: line, column: column),
        "input is not valid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)))")
    }
    begin = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
  }

  /// True when the file holds nothing but a BOM and white space.
  public var isBlank: Bool {
    var i = begin
    while i < bytes.count {
      switch bytes[i] {
      case 0x20, 0x09, 0x0A, 0x0D: i += 1
      default: return false
      }
    }
    return true
  }

  /// Calls `body` with each non-blank row, the header first.
  public func forEachRow(_ body: (borrowing Row) throws -> Void) throws {
    try bytes.withUnsafeBufferPointer { b in
      let n = b.count
      var pos = begin
      var line = 1
      var lineStart = begin
      var row = Row(line: 1, fields: [])
      row.fields.reserveCapacity(64)
      while pos < n {
        row.fields.removeAll(keepingCapacity: true)
        row.line = line
        while true {
          let fieldLine = line
          let fieldLineStart = lineStart
          let offset = pos
          if pos < n && b[pos] == 0x22 {
            pos += 1
            let start = pos
            var escapes = 0
            var end = -1
            while pos < n {
              let c = b[pos]
              if c == 0x22 {
                if pos + 1 < n && b[pos + 1] == 0x22 {
                  escapes += 1
                  pos += 2
                  continue
                }
                end = pos
                pos += 1
                break
              }
              if c == 0x0A || (c == 0x0D && (pos + 1 == n || b[pos + 1] != 0x0A)) {
                line += 1
                lineStart = pos + 1
              }
              pos += 1
            }
            let field = Field(
              start: start, end: end, quoted: true, escapes: escapes, line: fieldLine,
              lineStart: fieldLineStart, offset: offset)
            if end < 0 {
              throw YAMLError(
                .csvQuote, at: mark(field),
                "this quoted field is never closed: a quote is missing, so the rest of the file"
                  + " would be read as one field")
            }
            if pos < n && b[pos] != 0x2C && b[pos] != 0x0A && b[pos] != 0x0D {
              throw YAMLError(
                .csvQuote, at: mark(field),
                "text after the closing quote of this field; double a quote inside quotes (\"\")")
            }
            row.fields.append(field)
          } else {
            let start = pos
            while pos < n {
              let c = b[pos]
              if c == 0x2C || c == 0x0A || c == 0x0D { break }
              pos += 1
            }
            row.fields.append(
              Field(
                start: start, end: pos, quoted: false, escapes: 0, line: fieldLine,
                lineStart: fieldLineStart, offset: offset))
          }
          if pos < n && b[pos] == 0x2C {
            pos += 1
            continue
          }
          if pos < n {
            if b[pos] == 0x0D && pos + 1 < n && b[pos + 1] == 0x0A { pos += 1 }
            pos += 1
            line += 1
            lineStart = pos
          }
          break
        }
        if row.fields.count == 1, row.fields[0].start == row.fields[0].end {
          continue  // a blank line (or a lone "", which CSVLoader also skips)
        }
        try body(row)
      }
    }
  }

  /// The field's text, quotes undone.
  public func string(_ f: Field) -> String {
    if f.escapes == 0 { return String(decoding: bytes[f.start..<f.end], as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(f.end - f.start - f.escapes)
    var i = f.start
    while i < f.end {
      out.append(bytes[i])
      i += bytes[i] == 0x22 ? 2 : 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The field's value when it is one decimal digit, with optional spaces
  /// around it: the common Likert and eNPS cell, read without a String.
  public func digit(_ f: Field) -> Int? {
    var i = f.start
    var end = f.end
    while i < end && bytes[i] == 0x20 { i += 1 }
    while end > i && bytes[end - 1] == 0x20 { end -= 1 }
    guard end - i == 1, bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
    return Int(bytes[i] &- 0x30)
  }

  /// The field's text without white space around it. ASCII spaces, tabs
  /// and line breaks are trimmed on the bytes; a field that starts or ends
  /// with a non-ASCII byte is trimmed by Foundation (other Unicode spaces).
  public func trimmed(_ f: Field) -> String {
    var i = f.start
    var end = f.end
    func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    while i < end && space(bytes[i]) { i += 1 }
    while end > i && space(bytes[end - 1]) { end -= 1 }
    if i < end && (bytes[i] >= 0x80 || bytes[end - 1] >= 0x80) {
      return string(f).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    if f.escapes == 0 { return String(decoding: bytes[i..<end], as: UTF8.self) }
    var g = f
    g.start = i
    g.end = end
    return string(g)
  }

  /// True when the field holds only white space.
  public func isEmpty(_ f: Field) -> Bool {
    var i = f.start
    while i < f.end {
      switch bytes[i] {
      case 0x20, 0x09, 0x0A, 0x0D: i += 1
      default: return false
      }
    }
    return true
  }

  /// The marks of a row's fields, in one pass over the row: ``mark(_:)``
  /// for each of 100,000 fields would count each line from its start.
  public func marks(_ fields: [Field]) -> [SourceMark] {
    var marks: [SourceMark] = []
    marks.reserveCapacity(fields.count)
    var lineStart = -1
    var i = 0
    var column = 1
    for f in fields {
      if f.lineStart != lineStart || f.offset < i {
        lineStart = f.lineStart
        i = f.lineStart
        column = 1
      }
      while i < f.offset {
        if bytes[i] & 0xC0 != 0x80 { column += 1 }
        i += 1
      }
      marks.append(SourceMark(file: file, line: f.line, column: column))
    }
    return marks
  }

  /// Where the field starts: its line, and its column in Unicode scalars.
  public func mark(_ f: Field) -> SourceMark {
    var column = 1
    var i = f.lineStart
    while i < f.offset {
      if bytes[i] & 0xC0 != 0x80 { column += 1 }
      i += 1
    }
    return SourceMark(file: file, line: f.line, column: column)
  }
}
