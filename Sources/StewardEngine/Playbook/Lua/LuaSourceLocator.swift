public import StewardCore

/// Finds where each field of a Lua playbook's table was written, so that a
/// playbook written in Lua gets the same `file:line:col` marks as its YAML
/// form (docs/decisions/0009-rituals-and-lua-playbooks.md).
///
/// Lua keeps no source position on table fields, so the locator reads the
/// source itself: a small Lua lexer, then the table constructors found in
/// it, each with its named fields (`key = …`, `["key"] = …`) and positional
/// items, and the position of every key and value. The value the chunk
/// returned is then matched against the constructor of its `return`
/// (or of the local it returns) by keys and positions. A part computed by
/// code (`rituals = build()`) is marked at the expression that produced it,
/// the nearest place in the source that is true.
public struct LuaSourceLocator {
  /// A table constructor `{ … }` and its fields.
  final class Constructor {
    let mark: SourceMark
    var named: [String: Field] = [:]
    var positional: [Field] = []
    /// The item a loop appends (`list[#list + 1] = { … }` inside `for`):
    /// the place of every item past the ones written one by one.
    var appended: Field?

    init(mark: SourceMark) { self.mark = mark }

    /// The field of the `index`th item (0-based), written or appended.
    func item(_ index: Int) -> Field? {
      index >= 0 && index < positional.count ? positional[index] : appended
    }
  }

  struct Field {
    var keyMark: SourceMark
    var valueMark: SourceMark
    var table: Constructor?
    /// The value is a bare name (`rituals = { paper_group }`), maybe a local table.
    var reference: String?
  }

  struct Token {
    enum Kind: Equatable { case name, string, number, symbol, eof }
    var kind: Kind
    var text: String
    var mark: SourceMark
  }

  let file: String
  var tokens: [Token] = []
  /// Tables assigned to a name at the top level: `local ritual = { … }`.
  var locals: [String: Constructor] = [:]
  var root: Constructor?

  public init(source: String, file: String) {
    self.file = file
    tokens = Self.lex(source, file: file)
    scanTopLevel()
  }

  // MARK: - Applying marks

  /// `value` with the marks of the source; map entries in source order.
  public func mark(_ value: Value) -> Value {
    let fallback = root?.mark ?? SourceMark(file: file, line: 1, column: 1)
    return apply(value, root, fallback: fallback, depth: 0)
  }

  /// The mark of a path in the returned value, as the Lua bridge names it
  /// (`result.rituals[1].rotation`).
  public func mark(ofPath path: String) -> SourceMark? {
    var node = root
    var mark = root?.mark
    for step in Self.steps(path).dropFirst() {
      guard let table = node else { break }
      let field: Field?
      switch step {
      case .key(let k): field = table.named[k]
      case .index(let i):
        field = table.item(i - 1)
      }
      guard let field else { break }
      mark = step.isKey ? field.keyMark : field.valueMark
      node = field.table ?? field.reference.flatMap { locals[$0] }
    }
    return mark
  }

  enum Step {
    case key(String), index(Int)
    var isKey: Bool {
      if case .key = self { return true }
      return false
    }
  }

  static func steps(_ path: String) -> [Step] {
    var out: [Step] = []
    var current = ""
    var chars = Array(path)
    var i = 0
    func flush() {
      if !current.isEmpty { out.append(.key(current)) }
      current = ""
    }
    while i < chars.count {
      let c = chars[i]
      if c == "." {
        flush()
      } else if c == "[" {
        flush()
        var inner = ""
        i += 1
        while i < chars.count, chars[i] != "]" {
          inner.append(chars[i])
          i += 1
        }
        if let n = Int(inner) {
          out.append(.index(n))
        } else {
          out.append(.key(inner.trimmingCharacters(in: "\"")))
        }
      } else {
        current.append(c)
      }
      i += 1
    }
    flush()
    chars.removeAll()
    return out
  }

  func apply(_ value: Value, _ table: Constructor?, fallback: SourceMark, depth: Int) -> Value {
    var out = value
    out.mark = table?.mark ?? fallback
    guard depth < 200 else { return out }
    switch value.kind {
    case .map(let map):
      var entries: [(OrderedMap.Entry, SourceMark?)] = []
      for entry in map.entries {
        let field = table?.named[entry.key]
        let child = apply(
          entry.value, field.flatMap { $0.table ?? $0.reference.flatMap { locals[$0] } },
          fallback: field?.valueMark ?? out.mark, depth: depth + 1)
        entries.append(
          (
            OrderedMap.Entry(key: entry.key, keyMark: field?.keyMark ?? out.mark, value: child),
            field?.keyMark
          ))
      }
      // Source order, like YAML; keys not written in the constructor keep
      // their (sorted) order after the others.
      let ordered = entries.enumerated().sorted { a, b in
        switch (a.element.1, b.element.1) {
        case (let x?, let y?): return (x.line, x.column, a.offset) < (y.line, y.column, b.offset)
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.offset < b.offset
        }
      }.map(\.element.0)
      out.kind = .map(OrderedMap(uniqueEntries: ordered))
    case .list(let items):
      var marked: [Value] = []
      for (i, item) in items.enumerated() {
        let field = table?.item(i)
        marked.append(
          apply(
            item, field.flatMap { $0.table ?? $0.reference.flatMap { locals[$0] } },
            fallback: field?.valueMark ?? out.mark, depth: depth + 1))
      }
      out.kind = .list(marked)
    default:
      break
    }
    return out
  }

  // MARK: - Constructors

  mutating func scanTopLevel() {
    var i = 0
    var depth = 0
    var pendingDo = 0
    while i < tokens.count, tokens[i].kind != .eof {
      let t = tokens[i]
      if t.kind == .symbol, t.text == "{" {
        i = constructor(at: i).end
        continue
      }
      if let (list, open) = appending(at: i), let table = locals[list] {
        // `rituals[#rituals + 1] = { … }`, the idiom docs/ritual.md uses: the
        // item's fields are marked where it is written, not at the list.
        let (item, end) = constructor(at: open)
        let field = Field(keyMark: item.mark, valueMark: item.mark, table: item, reference: nil)
        if depth == 0 {
          table.positional.append(field)
        } else if table.appended == nil {
          table.appended = field
        }
        i = end
        continue
      }
      if depth == 0, t.kind == .name {
        // `local NAME = {` or `NAME = {`
        var j = i
        if t.text == "local" { j += 1 }
        if j + 2 < tokens.count, tokens[j].kind == .name, !Self.keywords.contains(tokens[j].text),
          tokens[j + 1].text == "=", tokens[j + 1].kind == .symbol, tokens[j + 2].text == "{",
          tokens[j + 2].kind == .symbol
        {
          let (table, end) = constructor(at: j + 2)
          locals[tokens[j].text] = table
          i = end
          continue
        }
        if t.text == "return", i + 1 < tokens.count {
          let next = tokens[i + 1]
          if next.kind == .symbol, next.text == "{" {
            let (table, end) = constructor(at: i + 1)
            root = table
            i = end
            continue
          }
          if next.kind == .name, let table = locals[next.text] { root = table }
        }
      }
      block(t, depth: &depth, pendingDo: &pendingDo)
      i += 1
    }
    if root == nil, locals.count == 1 { root = locals.values.first }
  }

  /// `NAME[#NAME + 1] = {` or `table.insert(NAME, {` at `i`: the list's
  /// name and the index of the item's `{`.
  func appending(at i: Int) -> (String, Int)? {
    func text(_ k: Int) -> String? { k < tokens.count ? tokens[k].text : nil }
    guard tokens[i].kind == .name else { return nil }
    let name = tokens[i].text
    if text(i + 1) == "[", text(i + 2) == "#", text(i + 3) == name, text(i + 4) == "+",
      i + 5 < tokens.count, tokens[i + 5].kind == .number, text(i + 6) == "]", text(i + 7) == "=",
      text(i + 8) == "{"
    {
      return (name, i + 8)
    }
    if name == "table", text(i + 1) == ".", text(i + 2) == "insert", text(i + 3) == "(",
      i + 4 < tokens.count, tokens[i + 4].kind == .name, text(i + 5) == ",", text(i + 6) == "{"
    {
      return (tokens[i + 4].text, i + 6)
    }
    return nil
  }

  static let keywords: Set<String> = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
  ]

  /// Keeps count of open blocks (`function … end`, `if … end`, …).
  func block(_ t: Token, depth: inout Int, pendingDo: inout Int) {
    guard t.kind == .name else { return }
    switch t.text {
    case "function", "if", "repeat": depth += 1
    case "while", "for":
      depth += 1
      pendingDo += 1
    case "do":
      if pendingDo > 0 { pendingDo -= 1 } else { depth += 1 }
    case "end", "until": depth = max(0, depth - 1)
    default: break
    }
  }

  /// Reads the constructor whose `{` is at `start`; returns it and the index after its `}`.
  func constructor(at start: Int) -> (Constructor, end: Int) {
    let table = Constructor(mark: tokens[start].mark)
    var i = start + 1
    while i < tokens.count, tokens[i].kind != .eof {
      let t = tokens[i]
      if t.kind == .symbol, t.text == "}" { return (table, i + 1) }
      if t.kind == .symbol, t.text == "," || t.text == ";" {
        i += 1
        continue
      }
      var key: String?
      var keyMark = t.mark
      var valueStart = i
      if t.kind == .name, i + 1 < tokens.count, tokens[i + 1].kind == .symbol,
        tokens[i + 1].text == "="
      {
        key = t.text
        valueStart = i + 2
      } else if t.kind == .symbol, t.text == "[" {
        // `["key"] = value`; another computed key is skipped.
        let close = skip(from: i + 1, until: ["]"])
        if close == i + 2, tokens[i + 1].kind == .string {
          key = tokens[i + 1].text
          keyMark = tokens[i + 1].mark
        }
        valueStart = min(close + 2, tokens.count - 1)
      }
      let end = skip(from: valueStart, until: [",", ";", "}"])
      var field = Field(
        keyMark: keyMark, valueMark: tokens[min(valueStart, tokens.count - 1)].mark, table: nil,
        reference: nil)
      if valueStart < tokens.count, tokens[valueStart].kind == .symbol,
        tokens[valueStart].text == "{"
      {
        let (child, after) = constructor(at: valueStart)
        if after == end { field.table = child }
      } else if end == valueStart + 1, tokens[valueStart].kind == .name {
        field.reference = tokens[valueStart].text
      }
      if let key {
        table.named[key] = field
      } else if t.kind != .symbol || t.text != "[" {
        table.positional.append(field)
      }
      i = end
    }
    return (table, i)
  }

  /// The index of the first of `stops` at nesting depth 0 from `start`.
  func skip(from start: Int, until stops: Set<String>) -> Int {
    var i = start
    var brackets = 0
    var depth = 0
    var pendingDo = 0
    while i < tokens.count, tokens[i].kind != .eof {
      let t = tokens[i]
      if t.kind == .symbol {
        if brackets == 0, depth == 0, stops.contains(t.text) { return i }
        switch t.text {
        case "(", "[", "{": brackets += 1
        case ")", "]", "}": brackets -= 1
        default: break
        }
        if brackets < 0 { return i }
      } else {
        block(t, depth: &depth, pendingDo: &pendingDo)
      }
      i += 1
    }
    return i
  }

  // MARK: - Lexer

  static func lex(_ source: String, file: String) -> [Token] {
    let s = Array(source.unicodeScalars)
    var tokens: [Token] = []
    var i = 0
    var line = 1
    var lineStart = 0
    func mark(_ at: Int) -> SourceMark {
      SourceMark(file: file, line: line, column: at - lineStart + 1)
    }
    func isNameStart(_ c: Unicode.Scalar) -> Bool {
      (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    /// The level of a long bracket `[==[` at `at`, or nil.
    func longLevel(_ at: Int) -> Int? {
      guard at < s.count, s[at] == "[" else { return nil }
      var j = at + 1
      var level = 0
      while j < s.count, s[j] == "=" {
        level += 1
        j += 1
      }
      return j < s.count && s[j] == "[" ? level : nil
    }
    /// Skips a long bracket at `at` of `level`; returns its content and the index after it.
    func skipLong(_ at: Int, _ level: Int) -> (String, Int) {
      var j = at + level + 2
      var content = String.UnicodeScalarView()
      while j < s.count {
        if s[j] == "]" {
          var k = j + 1
          var l = 0
          while k < s.count, s[k] == "=" {
            l += 1
            k += 1
          }
          if l == level, k < s.count, s[k] == "]" { return (String(content), k + 1) }
        }
        if s[j] == "\n" {
          line += 1
          lineStart = j + 1
        }
        content.append(s[j])
        j += 1
      }
      return (String(content), j)
    }
    while i < s.count {
      let c = s[i]
      if c == "\n" {
        line += 1
        lineStart = i + 1
        i += 1
        continue
      }
      if c == " " || c == "\t" || c == "\r" {
        i += 1
        continue
      }
      if c == "-", i + 1 < s.count, s[i + 1] == "-" {
        if let level = longLevel(i + 2) {
          i = skipLong(i + 2, level).1
        } else {
          while i < s.count, s[i] != "\n" { i += 1 }
        }
        continue
      }
      let start = mark(i)
      if isNameStart(c) {
        var j = i
        var text = String.UnicodeScalarView()
        while j < s.count, isNameStart(s[j]) || isDigit(s[j]) {
          text.append(s[j])
          j += 1
        }
        tokens.append(Token(kind: .name, text: String(text), mark: start))
        i = j
        continue
      }
      if isDigit(c) || (c == "." && i + 1 < s.count && isDigit(s[i + 1])) {
        var j = i
        while j < s.count {
          let d = s[j]
          if isNameStart(d) || isDigit(d) || d == "." {
            j += 1
          } else if (d == "+" || d == "-"), j > i, "eEpP".unicodeScalars.contains(s[j - 1]) {
            j += 1
          } else {
            break
          }
        }
        tokens.append(Token(kind: .number, text: "", mark: start))
        i = j
        continue
      }
      if c == "\"" || c == "'" {
        var j = i + 1
        var text = String.UnicodeScalarView()
        while j < s.count, s[j] != c, s[j] != "\n" {
          if s[j] == "\\", j + 1 < s.count {
            if s[j + 1] == "\n" {
              line += 1
              lineStart = j + 2
            }
            text.append(s[j + 1])
            j += 2
            continue
          }
          text.append(s[j])
          j += 1
        }
        tokens.append(Token(kind: .string, text: String(text), mark: start))
        i = j + 1
        continue
      }
      if let level = longLevel(i) {
        let (content, after) = skipLong(i, level)
        tokens.append(Token(kind: .string, text: content, mark: start))
        i = after
        continue
      }
      // Symbols: the longest of the multi-character ones first.
      var text = String(c)
      for candidate in ["...", "..", "==", "~=", "<=", ">=", "::", "//", "<<", ">>"] {
        let scalars = Array(candidate.unicodeScalars)
        if i + scalars.count <= s.count, Array(s[i..<i + scalars.count]) == scalars {
          text = candidate
          break
        }
      }
      tokens.append(Token(kind: .symbol, text: text, mark: start))
      i += text.unicodeScalars.count
    }
    tokens.append(Token(kind: .eof, text: "", mark: mark(i)))
    return tokens
  }
}

extension String {
  fileprivate func trimmingCharacters(in quote: Character) -> String {
    var s = Substring(self)
    while s.first == quote { s = s.dropFirst() }
    while s.last == quote { s = s.dropLast() }
    return String(s)
  }
}
