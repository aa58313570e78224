import Foundation
import Testing

/// Runs a docs section as a reader would: every ```` ```yaml PATH ```` block
/// written to a scratch folder, then each `$ ` line of its ```` ```sh ````
/// block run there (leading `KEY=VALUE` words go to the environment), each
/// expected to exit with the status its `# exit N` comment says, else 0.
enum DocSession {
  /// Returns the files written, sorted.
  @discardableResult
  static func run(section: String, in doc: String) throws -> [String] {
    let text = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent(doc), encoding: .utf8)
    let body = try #require(text.components(separatedBy: "\n" + section + "\n").dropFirst().first)
    let part = body.components(separatedBy: "\n## ").first ?? body
    var files: [String: String] = [:]
    var session: [String] = []
    for (i, block) in part.components(separatedBy: "```").enumerated() where i % 2 == 1 {
      let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
      let info = lines.first.map(String.init) ?? ""
      let content = lines.dropFirst().joined(separator: "\n")
      if info.hasPrefix("yaml ") { files[String(info.dropFirst(5))] = content }
      if info.hasPrefix("sh") {
        session += content.split(separator: "\n").filter { $0.hasPrefix("$ ") }.map(String.init)
      }
    }
    #expect(!session.isEmpty)
    let dir = try StewardBinary.scratch(files)
    for line in session {
      var words = Self.words(String(line.dropFirst(2)))
      let expected = line.range(of: "# exit ").map { Int32(line[$0.upperBound...]) ?? -1 } ?? 0
      var environment: [String: String] = [:]
      while let first = words.first, let eq = first.firstIndex(of: "="), first != "steward" {
        environment[String(first[..<eq])] = String(first[first.index(after: eq)...])
        words.removeFirst()
      }
      #expect(words.first == "steward", "\(line)")
      let r = try StewardBinary.run(
        Array(words.dropFirst()) + ["--store", dir.path + "/h.sqlite"], in: dir,
        environment: environment)
      #expect(r.status == expected, "\(line)\n\(r.stdout)\(r.stderr)")
    }
    return files.keys.sorted()
  }

  /// Shell words of a documented command: spaces split, double quotes group,
  /// a `#` starts a comment.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quoted = false
    for c in line {
      if c == "\"" {
        quoted.toggle()
      } else if c == " " && !quoted {
        if !current.isEmpty { words.append(current) }
        current = ""
      } else if c == "#" && !quoted && current.isEmpty {
        break
      } else {
        current.append(c)
      }
    }
    if !current.isEmpty { words.append(current) }
    return words
  }
}
