/// Text from outside (a card's field, a plugin's message, a survey answer, a
/// playbook line) made safe to show to a person.
///
/// A control character reaches a terminal as a command: `\r` and ESC `[2K`
/// rub out what a report printed and write a line of their own, such as
/// `pass  high  forged: yes`; a bidi override shows text in another order
/// than it is read. Every human-readable format escapes them through these
/// two functions, so no reporter has its own idea of what is safe.
public enum Printable {
  /// `s` with C0 and C1 controls, DEL and the Unicode bidi embedding,
  /// override and isolate characters written as `\r`, `\x1b`, `\u202e`.
  /// Line feeds and tabs are kept only when `keepingBreaks` (for text the
  /// format shows over several lines); a one-line field escapes them, or a
  /// value could start a line of its own. Backslashes are kept, so text
  /// escaped twice is escaped once.
  public static func escape(_ s: String, keepingBreaks: Bool = false) -> String {
    // Most text has none of these: a scan of the bytes, and the same string back.
    guard s.utf8.contains(where: { Self.mayNeedEscaping($0) }) else { return s }
    var out = ""
    out.unicodeScalars.reserveCapacity(s.unicodeScalars.count + 8)
    for scalar in s.unicodeScalars {
      let v = scalar.value
      if keepingBreaks, v == 0x0A || v == 0x09 {
        out.unicodeScalars.append(scalar)
      } else if v < 0x20 || (0x7F...0x9F).contains(v) {
        switch v {
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        default: out += "\\x" + hex(v, width: 2)
        }
      } else if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
        out += "\\u" + hex(v, width: 4)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// `s` for Markdown: controls escaped as by ``escape(_:keepingBreaks:)``
  /// and HTML's `&`, `<`, `>` as entities, so a team name such as
  /// `<img src=x onerror=…>` is shown, not rendered, wherever the Markdown
  /// goes (GitHub, a wiki, a Slack unfurl). Not for code spans, where an
  /// entity is shown as written.
  public static func markdown(_ s: String, keepingBreaks: Bool = false) -> String {
    let text = escape(s, keepingBreaks: keepingBreaks)
    guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E }) else {
      return text
    }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(character)
      }
    }
    return out
  }

  /// Whether a UTF-8 byte may start something `escape` rewrites: a C0
  /// control or DEL, the lead byte of U+0080–U+009F (0xC2), or of
  /// U+2000–U+2FFF (0xE2), where the bidi characters are.
  private static func mayNeedEscaping(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2
  }

  private static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
