import Foundation
public import StewardCore

/// Prints diagnostics the way a compiler does: the message, then the source
/// line and a caret, when the file can be read.
public struct DiagnosticRenderer {
  private var sources: [String: String?] = [:]
  /// Lines longer than this are not echoed (a minified JSON file would flood
  /// the terminal).
  public var maxEchoedLine = 240

  public init() {}

  public mutating func render(_ diagnostic: Diagnostic) -> String {
    let file = diagnostic.mark.file
    guard diagnostic.mark.line > 0, !file.isEmpty else { return diagnostic.description }
    if sources[file] == nil {
      sources[file] = Self.readSmallText(file)
    }
    guard let source = sources[file] ?? nil else { return diagnostic.description }
    let rendered = diagnostic.rendered(source: source, maxLine: maxEchoedLine)
    let echoed = rendered.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
    if echoed.count > 1, echoed[1].count > maxEchoedLine { return diagnostic.description }
    return rendered
  }

  static func readSmallText(_ path: String) -> String? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let size = attributes[.size] as? NSNumber, size.intValue < 4 << 20,
      let data = FileManager.default.contents(atPath: path)
    else { return nil }
    return String(data: data, encoding: .utf8)
  }
}
