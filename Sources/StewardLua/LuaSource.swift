import Foundation
public import StewardCore

/// Positions in Lua source text that Lua itself does not keep: the column
/// of the token a syntax error is "near", and where each example of a
/// check's `examples = { … }` table and each of its keys are written.
/// A lexer of Lua's tokens only (comments, strings, long brackets, names
/// and punctuation), enough to count braces and find names; it never
/// decides what the code means.
public struct LuaSource {
  public struct Token: Equatable {
    public var text: String
    public var line: Int
    /// 1-based, in characters.
    public var column: Int
    public var isName: Bool
    /// Where the token ends, in Unicode scalars from the start of the source.
    public var end: Int = 0
  }

  public private(set) var tokens: [Token] = []

  public init(_ source: String) {
    let chars = Array(source.unicodeScalars)
    var i = 0
    var line = 1
    var lineStart = 0
    func peek(_ k: Int) -> Unicode.Scalar? { i + k < chars.count ? chars[i + k] : nil }
    /// The level of a long bracket opening at `at` (`[[` 0, `[==[` 2), or nil.
    func longLevel(at start: Int) -> Int? {
      guard start < chars.count, chars[start] == "[" else { return nil }
      var j = start + 1
      while j < chars.count, chars[j] == "=" { j += 1 }
      return j < chars.count && chars[j] == "[" ? j - start - 1 : nil
    }
    func skipLong(level: Int) {
      // `i` is at the opening bracket.
      i += level + 2
      while i < chars.count {
        if chars[i] == "\n" {
          line += 1
          lineStart = i + 1
        } else if chars[i] == "]" {
          var j = i + 1
          while j < chars.count, chars[j] == "=" { j += 1 }
          if j < chars.count, chars[j] == "]", j - i - 1 == level {
            i = j + 1
            return
          }
        }
        i += 1
      }
    }
    while i < chars.count {
      let c = chars[i]
      if c == "\n" {
        line += 1
        i += 1
        lineStart = i
        continue
      }
      if c == " " || c == "\t" || c == "\r" {
        i += 1
        continue
      }
      let startLine = line
      let column = i - lineStart + 1
      let start = i
      if c == "-", peek(1) == "-" {
        if let level = longLevel(at: i + 2) {
          i += 2
          skipLong(level: level)
        } else {
          while i < chars.count, chars[i] != "\n" { i += 1 }
        }
        continue
      }
      if let level = longLevel(at: i) {
        skipLong(level: level)
      } else if c == "\"" || c == "'" {
        i += 1
        while i < chars.count, chars[i] != c, chars[i] != "\n" {
          if chars[i] == "\\", i + 1 < chars.count {
            if chars[i + 1] == "\n" {
              line += 1
              lineStart = i + 2
            }
            i += 1
          }
          i += 1
        }
        if i < chars.count, chars[i] == c { i += 1 }
      } else if c.properties.isAlphabetic || c == "_" {
        while i < chars.count,
          chars[i].properties.isAlphabetic || chars[i] == "_"
            || ("0"..."9").contains(chars[i])
        {
          i += 1
        }
        tokens.append(
          Token(
            text: String(String.UnicodeScalarView(chars[start..<i])), line: startLine,
            column: column, isName: true, end: i))
        continue
      } else if ("0"..."9").contains(c) {
        while i < chars.count,
          chars[i].properties.isAlphabetic || ("0"..."9").contains(chars[i]) || chars[i] == "."
        {
          i += 1
        }
      } else {
        // `==`, `~=`, `<=`, `>=`, `..`, `::`, `//` are two characters; only
        // `==` matters here (it is not a key's `=`).
        i += (c == "=" || c == "~" || c == "<" || c == ">") && peek(1) == "=" ? 2 : 1
      }
      tokens.append(
        Token(
          text: String(String.UnicodeScalarView(chars[start..<i])), line: startLine,
          column: column, isName: false, end: i))
    }
  }

  /// The tokens on `line` a syntax error could name (`… near 'end'`), in
  /// order: those spelt as the message quotes. `<eof>` names none.
  public func candidates(ofErrorNear message: String, line: Int) -> [Token] {
    guard let range = message.range(of: " near '", options: .backwards) else { return [] }
    var near = String(message[range.upperBound...])
    if near.hasSuffix("'") { near.removeLast() }
    let onLine = tokens.filter { $0.line == line }
    let exact = onLine.filter { $0.text == near }
    return exact.isEmpty ? onLine.filter { $0.text.hasPrefix(near) } : exact
  }

  /// Just past the last token on `line`, for an error at the end of the text.
  /// On a line after the last token (the text ends with a line break),
  /// the first column.
  public func columnAfterLastToken(line: Int) -> Int? {
    guard let last = tokens.last else { return 1 }
    return last.line == line ? last.column + last.text.count : last.line < line ? 1 : nil
  }

  /// Where one example of a check is written: its opening brace, and each
  /// `key =` inside it, by key.
  public struct Example: Sendable {
    public var mark: SourceMark
    public var keys: [String: SourceMark]
  }

  /// The examples of the table constructor that starts at the first `{` on
  /// or after `line` (a `p:check{ … }` call): each element of its
  /// `examples = { … }` that is itself a table constructor, in order. An
  /// element written another way (a variable) is nil.
  public func examples(fromLine line: Int, file: String) -> [Example?] {
    guard var k = tokens.firstIndex(where: { $0.line >= line && $0.text == "{" }) else {
      return []
    }
    var depth = 0
    var inExamples = false
    var found: [Example?] = []
    while k < tokens.count {
      let t = tokens[k]
      let mark = SourceMark(file: file, line: t.line, column: t.column)
      let isKey = t.isName && k + 1 < tokens.count && tokens[k + 1].text == "="
      switch t.text {
      case "{":
        depth += 1
        if inExamples, depth == 3 { found.append(Example(mark: mark, keys: [:])) }
      case "}":
        depth -= 1
        if inExamples, depth == 1 { return found }
        if depth == 0 { return found }
      default:
        if depth == 1, isKey, t.text == "examples", k + 2 < tokens.count,
          tokens[k + 2].text == "{"
        {
          inExamples = true
        } else if inExamples, depth == 2, t.text != "," && t.text != ";" {
          // An element that is not a constructor: count it, place unknown.
          if k == 0 || tokens[k - 1].text == "{" || tokens[k - 1].text == ","
            || tokens[k - 1].text == ";"
          {
            found.append(nil)
          }
        } else if inExamples, depth == 3, isKey, var last = found.last ?? nil {
          if last.keys[t.text] == nil { last.keys[t.text] = mark }
          found[found.count - 1] = last
        }
      }
      k += 1
    }
    return found
  }
}
