public import StewardCore

/// The kinds of data file Steward reads, chosen by file extension.
public enum DocumentFormat: String, Sendable, CaseIterable {
  case yaml, json, csv

  /// `.yaml`/`.yml`, `.json` or `.csv` (any case); nil for anything else.
  public init?(path: String) {
    // Read as bytes: `lastIndex(of:)` and `lowercased()` walk Characters,
    // and a folder of 10,000 cards asked this of every file before the
    // first was read, on one core.
    let utf8 = path.utf8
    guard let dot = utf8.lastIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") }),
      utf8[dot] == UInt8(ascii: "."), utf8.distance(from: dot, to: utf8.endIndex) <= 5
    else { return nil }
    var ext: [UInt8] = []
    for byte in utf8[utf8.index(after: dot)...] {
      // ASCII letters only: an extension with any other byte is none of ours.
      guard byte < 0x80 else { return nil }
      ext.append(byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0))
    }
    switch ext {
    case Array("yaml".utf8), Array("yml".utf8): self = .yaml
    case Array("json".utf8): self = .json
    case Array("csv".utf8): self = .csv
    default: return nil
    }
  }
}

/// Loads a data file by its extension: YAML streams, JSON through the same
/// loader, CSV as one list of maps.
///
/// ```swift
/// let subjects = try DocumentLoader.load(path: "examples/models.json")
/// ```
public enum DocumentLoader {
  /// The documents of the file at `path`: every document of a YAML stream,
  /// the one value of a JSON file (none when it is empty), or one list of
  /// maps for a CSV file.
  ///
  /// `observe` sees the file's bytes before they are parsed: the audit hashes
  /// each subject file for the history while it holds the bytes, instead of
  /// reading all of them a second time.
  public static func load(
    path: String, limits: YAMLLimits = .default,
    observe: ((UnsafeRawBufferPointer) -> Void)? = nil
  ) throws(YAMLError) -> [Value] {
    guard let format = DocumentFormat(path: path) else {
      throw YAMLError(
        .unsupportedFormat, at: SourceMark(file: path, line: 0, column: 0),
        "cannot read \(path): expected a .yaml, .yml, .json or .csv file")
    }
    let buffer = try FileInput.read(path: path, maxBytes: limits.maxFileBytes)
    observe?(UnsafeRawBufferPointer(buffer))
    switch format {
    case .yaml, .json:
      return try YAMLLoader.load(owning: buffer, file: path, limits: limits, json: format == .json)
    case .csv:
      defer { buffer.deallocate() }
      return [try CSVLoader.load(bytes: UnsafeBufferPointer(buffer), file: path, limits: limits)]
    }
  }

  /// The documents of `text` read as `format`; marks name `file`.
  ///
  /// JSON is parsed as YAML (JSON is a subset of YAML 1.2) after each tab
  /// byte becomes a space: in valid JSON a raw tab can only be whitespace,
  /// and libyaml may refuse tabs as indentation. Columns do not move.
  public static func load(
    text: String, format: DocumentFormat, file: String, limits: YAMLLimits = .default
  ) throws(YAMLError) -> [Value] {
    switch format {
    case .yaml, .json:
      var text = text
      let result = text.withUTF8 { bytes in
        Result { () throws(YAMLError) -> [Value] in
          try YAMLLoader.load(bytes: bytes, file: file, limits: limits, json: format == .json)
        }
      }
      return try result.get()
    case .csv:
      return [try CSVLoader.load(text: text, file: file, limits: limits)]
    }
  }
}
