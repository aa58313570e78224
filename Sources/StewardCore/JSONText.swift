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
  public private(set) var text = ""
  public var pretty: Bool
  private var depth = 0

  public init(pretty: Bool = true) {
    self.pretty = pretty
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
    case .null: text += "null"
    case .bool(let b): text += b ? "true" : "false"
    case .int(let i): text += String(i)
    case .double(let d): writeDouble(d)
    case .string(let s): writeString(s)
    case .list(let items):
      writeContainer(open: "[", close: "]", count: items.count) { out, i in out.write(items[i]) }
    case .map(let map):
      let entries = map.entries
      writeContainer(open: "{", close: "}", count: entries.count) { out, i in
        out.writeString(entries[i].key)
        out.text += out.pretty ? ": " : ":"
        out.write(entries[i].value)
      }
    }
  }

  private mutating func writeContainer(
    open: String, close: String, count: Int, element: (inout JSONText, Int) -> Void
  ) {
    text += open
    guard count > 0 else {
      text += close
      return
    }
    depth += 1
    for i in 0..<count {
      if i > 0 { text += "," }
      newline()
      element(&self, i)
    }
    depth -= 1
    newline()
    text += close
  }

  private mutating func newline() {
    guard pretty else { return }
    text += "\n"
    text += String(repeating: "  ", count: depth)
  }

  private mutating func writeDouble(_ d: Double) {
    if d.isNaN {
      writeString(".nan")
    } else if d.isInfinite {
      writeString(d < 0 ? "-.inf" : ".inf")
    } else if d == d.rounded(), abs(d) < 1e15 {
      // Keep a visible fraction so a reader can tell 1.0 (double) from 1 (int).
      text += String(Int64(d)) + ".0"
    } else {
      text += "\(d)"
    }
  }

  /// Appends `s` as a JSON string literal.
  public mutating func writeString(_ s: String) {
    text += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case let c where c.value < 0x20 || c.value == 0x7F || c == "\u{2028}" || c == "\u{2029}":
        let hex = String(c.value, radix: 16)
        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: text.unicodeScalars.append(scalar)
      }
    }
    text += "\""
  }
}
