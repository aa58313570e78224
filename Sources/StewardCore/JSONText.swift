import Foundation

/// Writes JSON text with a stable key order, the one the map was built in.
///
/// Foundation's `JSONSerialization` sorts or scrambles keys and turns `1` into
/// `1.0` on some paths; Steward's JSON outputs promise a documented, stable
/// order (DESIGN.md), so they go through this small writer instead.
///
/// ```swift
/// var out = JSONText(pretty: false)
/// out.write(["name": "ad-targeting", "replicas": 2])
/// out.text  // {"name":"ad-targeting","replicas":2}
/// ```
public struct JSONText: Sendable {
  /// UTF-8 bytes, appended in bulk: a 10,000-card audit report is tens of
  /// megabytes, and appending to a `String` scalar by scalar was most of
  /// `steward run --format json`'s time.
  private var bytes = ByteBuffer()
  public var pretty: Bool
  private var depth = 0
  /// Where the bytes go as they pile up, in order; nil keeps them all for
  /// ``finishUTF8()``. A streamed report never exists in memory whole.
  public var sink: (@Sendable ([UInt8]) -> Void)?
  /// Fields written so far in each object opened with ``beginObject()``.
  private var fieldsSoFar: [Int] = []
  public static let flushSize = 1 << 20

  public init(pretty: Bool = true) {
    self.pretty = pretty
  }

  /// The JSON written so far.
  public var text: String { bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

  /// The JSON written so far as UTF-8, copied once into an array (`text`
  /// also checks the bytes as a `String`). Large outputs set a `sink`
  /// instead and are never held whole.
  public consuming func finishUTF8() -> [UInt8] { bytes.array }

  /// Hands what is left to the sink.
  public mutating func flush() {
    guard let sink, !bytes.isEmpty else { return }
    sink(bytes.array)
    bytes.removeAll(keepingCapacity: true)
  }

  /// Renders `value` on its own.
  public static func render(_ value: Value, pretty: Bool = true) -> String {
    var out = JSONText(pretty: pretty)
    out.write(value)
    return out.text
  }

  /// Appends `value`. Non-finite doubles, which JSON cannot hold, are written
  /// as the strings YAML uses for them (".inf", "-.inf", ".nan").
  public mutating func write(_ value: Value) {
    switch value.kind {
    case .null: raw("null")
    case .bool(let b): raw(b ? "true" : "false")
    case .int(let i): raw(String(i))
    case .double(let d): writeDouble(d)
    case .string(let s): writeString(s)
    case .list(let items):
      writeContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), count: items.count) {
        out, i in out.write(items[i])
      }
    case .map(let map):
      let entries = map.entries
      writeContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), count: entries.count) {
        out, i in
        out.writeString(entries[i].key)
        out.raw(out.pretty ? ": " : ":")
        out.write(entries[i].value)
      }
    }
  }

  /// A field of ``writeObject(_:)``: a value, or a list whose elements are
  /// built one at a time while writing, so a report of 140,000 results never
  /// exists as one `Value` tree next to its text.
  public enum Field {
    case value(Value)
    case list(count: Int, element: @Sendable (Int) -> Value)
    /// A list whose elements write themselves (with ``beginObject()``,
    /// ``key(_:)``, ``literal(_:)`` and the value writers), without a `Value`
    /// in between, each compact on a line of its own in a pretty document: a
    /// long list of small records stays readable line by line (and
    /// greppable) at about half the size of indenting every field.
    case lines(count: Int, element: @Sendable (Int, inout JSONText) -> Void)
  }

  /// Lists at least this long are written in chunks on all cores: the
  /// results list of a large audit is most of its report, and writing it on
  /// one thread left the other cores idle at the end of the run.
  static let parallelThreshold = 4096

  /// Appends an object whose fields are written in the given order.
  public mutating func writeObject(_ fields: [(String, Field)]) {
    writeContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), count: fields.count) {
      out, i in
      out.writeString(fields[i].0)
      out.raw(out.pretty ? ": " : ":")
      switch fields[i].1 {
      case .value(let v): out.write(v)
      case .list(let count, let element):
        out.writeList(count: count) { j, out in out.write(element(j)) }
      case .lines(let count, let element):
        out.writeList(count: count, compactElements: true, element: element)
      }
    }
  }

  /// The same bytes `writeContainer` would write for the list, built as
  /// contiguous chunks on all cores and joined in order, a wave of elements
  /// at a time so that a sink can take each wave before the next is built.
  private mutating func writeList(
    count: Int, compactElements: Bool = false,
    element: @escaping @Sendable (Int, inout JSONText) -> Void
  ) {
    guard count >= Self.parallelThreshold else {
      writeContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), count: count) {
        out, j in
        let pretty = out.pretty
        if compactElements { out.pretty = false }
        element(j, &out)
        out.pretty = pretty
      }
      return
    }
    writeListInParallel(count: count, compactElements: compactElements, element: element)
  }

  private mutating func writeListInParallel(
    count: Int, compactElements: Bool, element: @Sendable (Int, inout JSONText) -> Void
  ) {
    let wave = 16_384
    let (pretty, depth) = (self.pretty, self.depth + 1)
    bytes.append(UInt8(ascii: "["))
    for start in stride(from: 0, to: count, by: wave) {
      let end = min(count, start + wave)
      let chunks = max(
        1, min((end - start) / 512, ProcessInfo.processInfo.activeProcessorCount * 4))
      let parts = ChunkParts(count: chunks)
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        var out = JSONText(pretty: pretty)
        out.depth = depth
        let n = end - start
        for i in (start + n * c / chunks)..<(start + n * (c + 1) / chunks) {
          if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
          out.newline()
          out.pretty = !compactElements && pretty
          element(i, &out)
          out.pretty = pretty
        }
        parts.set(c, out.bytes)
      }
      if sink == nil { bytes.reserveCapacity(bytes.count + parts.totalCount + 64) }
      // Each chunk is freed once copied, so the list is never held twice.
      for c in 0..<chunks {
        bytes.append(parts.take(c))
        if bytes.count >= Self.flushSize { flush() }
      }
    }
    newline()
    bytes.append(UInt8(ascii: "]"))
  }

  // MARK: Writing without a Value

  /// Opens an object; its fields follow as ``key(_:)`` and a value each,
  /// and ``endObject()`` closes it. The bytes are those `write` gives for
  /// a map with the same entries.
  public mutating func beginObject() {
    bytes.append(UInt8(ascii: "{"))
    depth += 1
    fieldsSoFar.append(0)
  }

  /// A field name written as it is: names are literals in Steward's code,
  /// identifiers that need no escape, so they are copied without the scan
  /// `writeString` makes (a large report writes millions of them).
  public mutating func key(_ name: StaticString) {
    if fieldsSoFar[fieldsSoFar.count - 1] > 0 { bytes.append(UInt8(ascii: ",")) }
    fieldsSoFar[fieldsSoFar.count - 1] += 1
    newline()
    bytes.append(UInt8(ascii: "\""))
    name.withUTF8Buffer { name in
      assert(!name.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F })
      bytes.append(name)
    }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
    if pretty { bytes.append(UInt8(ascii: " ")) }
  }

  public mutating func endObject() {
    depth -= 1
    if fieldsSoFar.removeLast() > 0 { newline() }
    bytes.append(UInt8(ascii: "}"))
  }

  /// A field whose value is a string, or null.
  public mutating func field(_ name: StaticString, _ value: String?) {
    key(name)
    writeString(value)
  }

  public mutating func field(_ name: StaticString, int value: Int) {
    key(name)
    writeInt(value)
  }

  public mutating func writeInt(_ i: Int) {
    // Digits straight into the bytes: lines and columns, two per result.
    if i < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = i.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in  // 20 digits at most
      var start = buffer.count
      repeat {
        start -= 1
        buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      bytes.append(UnsafeBufferPointer(rebasing: buffer[start...]))
    }
  }
  public mutating func writeNull() { raw("null") }

  /// A string, or null.
  public mutating func writeString(_ s: String?) {
    if let s { writeString(s) } else { writeNull() }
  }

  /// A list of strings, as `write` gives it.
  public mutating func writeStrings(_ strings: [String]) {
    writeContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), count: strings.count) {
      out, i in out.writeString(strings[i])
    }
  }

  private mutating func raw(_ s: String) {
    bytes.append(s)
  }

  /// Appends JSON text that the caller has written out in full, such as
  /// `,"status":` between two fields of a compact record. The text is
  /// copied as it is and the writer's idea of open objects is unchanged, so
  /// use it only for a whole value or inside a value written the same way.
  public mutating func literal(_ text: StaticString) {
    bytes.append(text)
  }

  private mutating func writeContainer(
    open: UInt8, close: UInt8, count: Int, element: (inout JSONText, Int) -> Void
  ) {
    bytes.append(open)
    guard count > 0 else {
      bytes.append(close)
      return
    }
    depth += 1
    for i in 0..<count {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      newline()
      element(&self, i)
    }
    depth -= 1
    newline()
    bytes.append(close)
  }

  private mutating func newline() {
    guard pretty else { return }
    if depth < indents.count {
      bytes.append(indents[depth])
    } else {
      bytes.append(UInt8(ascii: "\n"))
      bytes.append(repeating: UInt8(ascii: " "), count: 2 * depth)
    }
  }

  /// A newline and the indentation of each of the first levels, copied in
  /// one piece: a pretty report is a fifth indentation. Held by each writer
  /// so that the hot path does not go through a global's lazy initializer.
  private let indents = JSONText.indentTable
  private static let indentTable: [[UInt8]] = (0..<24).map {
    [UInt8(ascii: "\n")] + Array(repeating: UInt8(ascii: " "), count: 2 * $0)
  }

  private mutating func writeDouble(_ d: Double) {
    if d.isNaN {
      writeString(".nan")
    } else if d.isInfinite {
      writeString(d < 0 ? "-.inf" : ".inf")
    } else if d == d.rounded(), abs(d) < 1e15 {
      // Keep a visible fraction so a reader can tell 1.0 (double) from 1 (int).
      raw(String(Int64(d)) + ".0")
    } else {
      raw("\(d)")
    }
  }

  /// Appends `s` as a JSON string literal: runs of plain bytes are copied in
  /// one go; quotes, backslashes, control characters and U+2028/U+2029 (which
  /// break JavaScript embedding) are escaped.
  public mutating func writeString(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { utf8 in
      // Most strings need no escape at all: one pass, then a single copy.
      guard Self.needsEscape(utf8) else {
        bytes.append(utf8)
        return
      }
      var runStart = 0
      var i = 0
      while i < utf8.count {
        let c = utf8[i]
        var escape: String?
        var width = 1
        switch c {
        case UInt8(ascii: "\""): escape = "\\\""
        case UInt8(ascii: "\\"): escape = "\\\\"
        case UInt8(ascii: "\n"): escape = "\\n"
        case UInt8(ascii: "\r"): escape = "\\r"
        case UInt8(ascii: "\t"): escape = "\\t"
        case 0..<0x20, 0x7F: escape = Self.unicodeEscape(UInt32(c))
        case 0xE2
        where i + 2 < utf8.count && utf8[i + 1] == 0x80
          && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
          escape = utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
          width = 3
        default: break
        }
        if let escape {
          bytes.append(UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
          bytes.append(escape)
          i += width
          runStart = i
        } else {
          i += 1
        }
      }
      bytes.append(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Whether some byte is a control character, `"`, `\\`, DEL or not ASCII,
  /// eight bytes at a time: a large report passes tens of megabytes of
  /// strings through here. (`v - 0x01…01 & ~v & 0x80…80` is nonzero exactly
  /// when a byte of `v` is zero, and with `0x20…20`, when one is below 0x20.)
  static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = utf8.baseAddress else { return false }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
    var i = 0
    while i + 8 <= utf8.count {
      let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
      if w & highs != 0 || (w &- 0x20 &* ones) & ~w & highs != 0 || hasZero(w ^ (0x22 &* ones))
        || hasZero(w ^ (0x5C &* ones)) || hasZero(w ^ (0x7F &* ones))
      {
        return true
      }
      i += 8
    }
    while i < utf8.count {
      let c = utf8[i]
      if c < 0x20 || c == 0x22 || c == 0x5C || c >= 0x7F { return true }
      i += 1
    }
    return false
  }

  static func unicodeEscape(_ value: UInt32) -> String {
    let hex = String(value, radix: 16)
    return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
  }
}

/// One slot per chunk, each written by exactly one worker of
/// `concurrentPerform` and read only after it returns.
private final class ChunkParts: @unchecked Sendable {
  private var parts: [ByteBuffer]

  init(count: Int) { parts = Array(repeating: ByteBuffer(), count: count) }

  func set(_ index: Int, _ bytes: ByteBuffer) {
    parts.withUnsafeMutableBufferPointer { $0[index] = bytes }
  }

  func take(_ index: Int) -> ByteBuffer {
    parts.withUnsafeMutableBufferPointer { buffer in
      defer { buffer[index] = ByteBuffer() }
      return buffer[index]
    }
  }
  var totalCount: Int { parts.reduce(0) { $0 + $1.count } }
}
