internal import StewardCore

/// The parts of an error string made by the message handler:
/// `chunk:LINE: message`, then `stack traceback:` and its lines.
struct LuaErrorText {
  var message: String
  var mark: SourceMark
  var traceback: [String]

  init(_ text: String, chunkName: String?) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var head = Substring(text)
    traceback = []
    if let at = lines.lastIndex(of: "stack traceback:") {
      head = at == 0 ? "" : text[..<lines[at - 1].endIndex]
      traceback = lines[at...].map { String($0.drop { $0 == "\t" || $0 == " " }) }
    }
    if let (file, line, rest) = Self.splitPlace(head) {
      var name = file
      // Lua shortens long chunk names to "...tail"; give the full name back.
      if let chunkName { name = Self.fullName(file, chunkName: chunkName) }
      message = String(rest)
      mark = SourceMark(file: name, line: line, column: 0)
    } else {
      message = String(head)
      mark = SourceMark(file: chunkName ?? "", line: 0, column: 0)
    }
  }

  /// Lua cuts chunk names longer than 59 bytes (`LUA_IDSIZE`): give the
  /// whole name back when the cut one is a piece of it.
  static func fullName(_ file: String, chunkName: String) -> String {
    if file.hasPrefix("..."), chunkName.hasSuffix(file.dropFirst(3)) { return chunkName }
    if file.utf8.count >= 50, chunkName.hasPrefix(file) { return chunkName }
    return file
  }

  /// Splits `file:LINE: rest` at the first `:digits:`.
  static func splitPlace(_ text: Substring) -> (String, Int, Substring)? {
    var index = text.startIndex
    while let colon = text[index...].firstIndex(of: ":") {
      let digitsStart = text.index(after: colon)
      var cursor = digitsStart
      while cursor < text.endIndex, text[cursor].isASCII, text[cursor].isNumber {
        cursor = text.index(after: cursor)
      }
      if cursor > digitsStart, cursor < text.endIndex, text[cursor] == ":",
        colon > text.startIndex, let line = Int(text[digitsStart..<cursor])
      {
        let file = text[..<colon]
        if file.contains("\n") { return nil }
        var rest = text[text.index(after: cursor)...]
        if rest.first == " " { rest = rest.dropFirst() }
        return (String(file), line, rest)
      }
      index = digitsStart
    }
    return nil
  }
}
