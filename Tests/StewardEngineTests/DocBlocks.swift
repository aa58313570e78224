import Foundation

/// The fenced code blocks of a Markdown file under docs/, with the text after
/// the opening fence (```` ```csv finance.csv ```` gives "csv finance.csv"),
/// so that docs tests can run the examples the docs show.
enum DocBlocks {
  static func read(_ doc: String) throws -> [(info: String, text: String)] {
    let text = try String(
      contentsOf: Scratch.packageRoot.appendingPathComponent(doc), encoding: .utf8)
    var blocks: [(info: String, text: String)] = []
    var current: (String, [Substring])?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line.hasPrefix("```") {
        current = (String(line.dropFirst(3)), [])
      } else if let open = current, line == "```" {
        blocks.append((open.0, open.1.joined(separator: "\n") + "\n"))
        current = nil
      } else if current != nil {
        current?.1.append(line)
      }
    }
    return blocks
  }
}
