internal import CYAML
import StewardCore

/// One `yaml_event_t` on the heap, reused for every event of a parse.
///
/// libyaml allocates the strings of an event (scalar value, anchor, tag);
/// ``clear()`` gives them back, and `deinit` does it for an event still held
/// when a parse is abandoned halfway (an error thrown by a limit).
final class LibYAMLEvent {
  let pointer: UnsafeMutablePointer<yaml_event_t>
  fileprivate var live = false

  init() {
    pointer = .allocate(capacity: 1)
    pointer.initialize(to: yaml_event_t())
  }

  /// Frees what libyaml allocated for the current event, if any.
  func clear() {
    if live {
      yaml_event_delete(pointer)
      live = false
    }
  }

  deinit {
    clear()
    pointer.deinitialize(count: 1)
    pointer.deallocate()
  }
}

/// One `yaml_parser_t` on the heap and the input it reads, owned together so
/// the bytes outlive the parse: libyaml keeps a pointer into them until the
/// parser is deleted.
final class LibYAMLParser {
  private let parser: UnsafeMutablePointer<yaml_parser_t>
  /// The input, owned by this object and freed after the parser.
  let input: UnsafeMutableBufferPointer<UInt8>
  let event = LibYAMLEvent()

  /// Takes ownership of `input` (allocated with `UnsafeMutableBufferPointer.allocate`).
  init(owning input: UnsafeMutableBufferPointer<UInt8>, file: String) throws(YAMLError) {
    self.input = input
    parser = .allocate(capacity: 1)
    parser.initialize(to: yaml_parser_t())
    guard yaml_parser_initialize(parser) == 1 else {
      parser.deinitialize(count: 1)
      parser.deallocate()
      input.deallocate()
      throw YAMLError(
        .internal, at: SourceMark(file: file, line: 0, column: 0),
        "libyaml could not allocate a parser")
    }
    yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(parser, input.baseAddress, input.count)
  }

  /// A parser over a copy of `bytes`; with `tabsToSpaces`, each tab byte is
  /// copied as a space (JSON input: a raw tab can only be whitespace there).
  convenience init(
    copying bytes: UnsafeBufferPointer<UInt8>, file: String, tabsToSpaces: Bool = false
  ) throws(YAMLError) {
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
    let copied = UnsafeMutableBufferPointer(rebasing: buffer[..<bytes.count])
    if let source = bytes.baseAddress, let target = copied.baseAddress {
      target.initialize(from: source, count: bytes.count)  // a memcpy, even unoptimised
    }
    if tabsToSpaces {
      for i in copied.indices where copied[i] == 0x09 { copied[i] = 0x20 }
    }
    try self.init(owning: copied, file: file)
    _ = buffer  // `copied` shares its base address; ownership passes to `self`.
  }

  deinit {
    event.clear()
    yaml_parser_delete(parser)
    parser.deinitialize(count: 1)
    parser.deallocate()
    input.deallocate()
  }

  /// Parses the next event into ``event``; false when libyaml reports an
  /// error (read it with ``error(file:)``).
  @inline(__always)
  func next() -> Bool {
    event.clear()
    guard yaml_parser_parse(parser, event.pointer) == 1 else { return false }
    event.live = true
    return true
  }

  /// libyaml's error state as a ``YAMLError`` with a readable message.
  func error(file: String) -> YAMLError {
    let p = parser.pointee
    let source = SourceText(bytes: UnsafeBufferPointer(input))
    let problem = p.problem.map { String(cString: $0) } ?? "unknown problem"
    switch p.error {
    case YAML_READER_ERROR:
      // Reader errors carry a byte offset, not a mark.
      let (line, column) = source.lineAndColumn(ofByte: Int(p.problem_offset))
      let mark = SourceMark(file: file, line: line, column: column)
      // Every reader problem but control characters is about the encoding.
      if !problem.contains("control characters") {
        let byte = p.problem_value >= 0 ? " (byte 0x\(hex(p.problem_value)))" : ""
        return YAMLError(.encoding, at: mark, "input is not valid UTF-8: \(problem)\(byte)")
      }
      let char = p.problem_value >= 0 ? " (U+\(hex(p.problem_value, width: 4)))" : ""
      return YAMLError(.syntax, at: mark, "\(problem)\(char)")
    case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
      let line = Int(p.problem_mark.line) + 1
      let mark = SourceMark(file: file, line: line, column: Int(p.problem_mark.column) + 1)
      var message = problem
      if let context = p.context {
        message +=
          " (\(String(cString: context)) at "
          + "\(p.context_mark.line + 1):\(p.context_mark.column + 1))"
      }
      let firstLine = p.context == nil ? line : min(line, Int(p.context_mark.line) + 1)
      if let tabLine = source.lineIndentedWithTab(from: firstLine, through: line) {
        let at = tabLine == line ? mark : SourceMark(file: file, line: tabLine, column: 1)
        return YAMLError(
          .tabIndentation, at: at, message,
          notes: ["hint: YAML forbids tabs for indentation; indent with spaces"])
      }
      return YAMLError(.syntax, at: mark, message)
    case YAML_MEMORY_ERROR:
      return YAMLError(
        .internal, at: SourceMark(file: file, line: 0, column: 0), "libyaml ran out of memory")
    default:
      return YAMLError(
        .internal, at: SourceMark(file: file, line: 0, column: 0), "libyaml failed: \(problem)")
    }
  }
}

private func hex(_ value: Int32, width: Int = 2) -> String {
  let digits = String(UInt32(bitPattern: value), radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// Read-only views of the input for error messages: only ever used once a
/// parse has failed, so none of this is on the fast path.
struct SourceText {
  let bytes: UnsafeBufferPointer<UInt8>

  /// The 1-based line and column (in Unicode scalars, as libyaml counts) of
  /// the byte at `offset`.
  func lineAndColumn(ofByte offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    for i in 0..<min(offset, bytes.count) {
      let b = bytes[i]
      if b == 0x0A {
        line += 1
        column = 1
      } else if b & 0xC0 != 0x80 {
        column += 1
      }
    }
    return (line, column)
  }

  /// The bytes of 1-based line `number`, without its line break.
  func line(_ number: Int) -> UnsafeBufferPointer<UInt8>? {
    var current = 1
    var start = 0
    var i = 0
    while i <= bytes.count {
      if i == bytes.count || bytes[i] == 0x0A {
        if current == number {
          var end = i
          if end > start, bytes[end - 1] == 0x0D { end -= 1 }
          return UnsafeBufferPointer(rebasing: bytes[start..<end])
        }
        current += 1
        start = i + 1
      }
      i += 1
    }
    return nil
  }

  /// The last line in `first...last` whose indentation contains a tab.
  func lineIndentedWithTab(from first: Int, through last: Int) -> Int? {
    guard first >= 1, last >= first else { return nil }
    for number in stride(from: last, through: first, by: -1) {
      guard let text = line(number) else { continue }
      for b in text {
        if b == 0x09 { return number }
        if b != 0x20 { break }
      }
    }
    return nil
  }
}

extension LibYAMLParser {
  /// Whether the current event ends the stream.
  var isStreamEnd: Bool { event.pointer.pointee.type == YAML_STREAM_END_EVENT }
}
