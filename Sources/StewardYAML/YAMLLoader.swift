public import StewardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Loads YAML streams (and JSON, which goes through the same parser) into
/// `Value` trees whose every node carries its file, line and column.
///
/// ```swift
/// let docs = try YAMLLoader.load(file: "models/inventory.yaml")
/// for card in docs { print(card["owner"]?.mark ?? .unknown) }  // models/inventory.yaml:4:8
/// ```
///
/// - A stream of N documents gives N values; an empty file gives `[]`.
/// - Scalars are typed by the YAML 1.2 core schema (`yes`/`no`/`on`/`off`
///   stay strings); see ``YAMLLimits`` for the limits, ``YAMLError`` for the
///   errors, each with its mark.
/// - Built on libyaml's event API with an explicit stack: no recursion.
public enum YAMLLoader {
  /// All documents of the YAML stream in the file at `path`; marks name `path`.
  public static func load(file path: String, limits: YAMLLimits = .default) throws(YAMLError)
    -> [Value]
  {
    try load(file: path, limits: limits, json: false)
  }

  /// All documents of the YAML stream in `text`; marks name `file`.
  public static func load(
    _ text: String, file: String = "<string>", limits: YAMLLimits = .default
  ) throws(YAMLError) -> [Value] {
    var text = text
    // `withUTF8` rethrows untyped errors: carry the typed one out in a Result.
    let result = text.withUTF8 { bytes in
      Result { () throws(YAMLError) -> [Value] in
        try load(bytes: bytes, file: file, limits: limits, json: false)
      }
    }
    return try result.get()
  }

  /// All documents of the YAML stream in `bytes` (UTF-8); marks name `file`.
  public static func load(
    bytes: [UInt8], file: String = "<bytes>", limits: YAMLLimits = .default
  ) throws(YAMLError) -> [Value] {
    try bytes.withUnsafeBufferPointer { (bytes) throws(YAMLError) -> [Value] in
      try load(bytes: bytes, file: file, limits: limits, json: false)
    }
  }

  // MARK: Shared with DocumentLoader

  /// libyaml reads a scalar whole before its size can be checked, which takes
  /// about a second for 50 MB; no scalar on one line can exceed the scalar
  /// limit unless the line does, so such a line is refused before parsing, in
  /// milliseconds. Only inputs larger than the limit are scanned.
  static func refuseOverlongLines(
    _ bytes: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits
  ) throws(YAMLError) {
    guard bytes.count > limits.maxScalarBytes, let base = bytes.baseAddress else { return }
    var start = 0
    var line = 1
    while start < bytes.count {
      let remaining = bytes.count - start
      let end: Int
      if let newline = memchr(base + start, 0x0A, remaining) {
        end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
      } else {
        end = bytes.count
      }
      if end - start > limits.maxScalarBytes {
        throw YAMLError(
          .scalarTooLarge, at: SourceMark(file: file, line: line, column: 1),
          "line of \(end - start) bytes is longer than the limit of \(limits.maxScalarBytes) bytes for a scalar"
        )
      }
      start = end + 1
      line += 1
    }
  }

  static func load(file path: String, limits: YAMLLimits, json: Bool) throws(YAMLError)
    -> [Value]
  {
    try load(
      owning: try FileInput.read(path: path, maxBytes: limits.maxFileBytes), file: path,
      limits: limits, json: json)
  }

  /// The documents in `buffer`, which this takes over and deallocates.
  static func load(
    owning buffer: UnsafeMutableBufferPointer<UInt8>, file: String, limits: YAMLLimits, json: Bool
  ) throws(YAMLError) -> [Value] {
    do {
      try refuseOverlongLines(UnsafeBufferPointer(buffer), file: file, limits: limits)
    } catch {
      buffer.deallocate()
      throw error
    }
    if json {
      for i in buffer.indices where buffer[i] == 0x09 { buffer[i] = 0x20 }
    }
    let parser = try LibYAMLParser(owning: buffer, file: file)
    var composer = Composer(file: file, limits: limits)
    return try composer.compose(parser)
  }

  static func load(
    bytes: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits, json: Bool
  ) throws(YAMLError) -> [Value] {
    guard bytes.count <= limits.maxFileBytes else {
      throw FileInput.tooLarge(
        bytes.count, limits.maxFileBytes, at: SourceMark(file: file, line: 0, column: 0))
    }
    try refuseOverlongLines(bytes, file: file, limits: limits)
    let parser = try LibYAMLParser(copying: bytes, file: file, tabsToSpaces: json)
    var composer = Composer(file: file, limits: limits)
    return try composer.compose(parser)
  }
}

/// libyaml's event API alone, with nothing built: the floor any loader over
/// libyaml is measured against.
///
/// ```swift
/// let events = try YAMLEventScanner.countEvents(Array("a: [1, 2]".utf8))  // 11
/// ```
public enum YAMLEventScanner {
  /// The number of events in the stream, stream start and end included.
  public static func countEvents(_ bytes: [UInt8]) throws(YAMLError) -> Int {
    try bytes.withUnsafeBufferPointer { (bytes) throws(YAMLError) -> Int in
      let parser = try LibYAMLParser(copying: bytes, file: "<bytes>")
      var count = 0
      while true {
        guard parser.next() else { throw parser.error(file: "<bytes>") }
        count += 1
        if parser.isStreamEnd { return count }
      }
    }
  }
}
