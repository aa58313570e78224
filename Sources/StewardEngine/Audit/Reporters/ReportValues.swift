import Foundation
import StewardCore

/// Small builders shared by the structured formats (JSON, SARIF), so every
/// format spells a location, a waiver and a timestamp the same way.
enum ReportValues {
  static func string(_ s: String) -> Value { Value(.string(s)) }
  static func int(_ i: Int) -> Value { Value(.int(Int64(i))) }
  static func optional(_ s: String?) -> Value { s.map(string) ?? .null }

  static func map(_ pairs: [(String, Value)]) -> Value {
    Value(.map(OrderedMap(uniqueEntries: pairs.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
  }

  static func location(_ mark: SourceMark) -> Value {
    guard mark.isKnown else { return .null }
    return map([
      ("file", string(mark.file)), ("line", int(mark.line)), ("column", int(mark.column)),
    ])
  }

  static func waiver(_ w: Waiver?) -> Value {
    guard let w else { return .null }
    return map([
      ("check", string(w.check)), ("subject", string(w.subject)), ("reason", string(w.reason)),
      ("owner", string(w.owner)), ("expires", string(w.expires)), ("location", location(w.mark)),
    ])
  }

  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  /// SARIF and GitHub levels for a severity.
  static func level(_ severity: Severity) -> String {
    switch severity {
    case .critical, .high: "error"
    case .medium: "warning"
    case .low, .info: "note"
    }
  }
}

/// Replaces single ASCII bytes with text, in one pass over the UTF-8 bytes;
/// most strings need no change and come back as they are. Foundation's
/// `replacingOccurrences` goes through NSString on Linux, and a report of
/// 140,000 results spent a quarter of its rendering time there.
struct ByteEscaper: Sendable {
  private var table: [String?] = Array(repeating: nil, count: 128)

  init(_ replacements: [(Character, String)]) {
    for (character, text) in replacements {
      guard let ascii = character.asciiValue else {
        preconditionFailure("ByteEscaper replaces ASCII characters only")
      }
      table[Int(ascii)] = text
    }
  }

  func callAsFunction(_ s: String) -> String {
    let original = s
    var s = s
    return s.withUTF8 { bytes in
      guard let first = bytes.firstIndex(where: { $0 < 128 && table[Int($0)] != nil }) else {
        return original
      }
      var out: [UInt8] = []
      out.reserveCapacity(bytes.count + 16)
      out.append(contentsOf: bytes[..<first])
      for byte in bytes[first...] {
        if byte < 128, let text = table[Int(byte)] {
          out.append(contentsOf: text.utf8)
        } else {
          out.append(byte)
        }
      }
      return String(decoding: out, as: UTF8.self)
    }
  }
}
