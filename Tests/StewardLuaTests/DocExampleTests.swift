import Foundation
import StewardCore
import Testing

@testable import StewardLua

/// Every ```lua block of docs/lua-api.md runs without error in a fresh VM.
@Suite("docs/lua-api.md examples")
struct DocExampleTests {
  struct Example: Sendable, CustomTestStringConvertible {
    var line: Int
    var source: String
    var testDescription: String { "lua-api.md:\(line)" }
  }

  static let documentPath: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/StewardLuaTests/DocExampleTests.swift
    return parts.joined(separator: "/") + "/docs/lua-api.md"
  }()

  static func examples() -> [Example] {
    guard let text = try? String(contentsOfFile: documentPath, encoding: .utf8) else { return [] }
    var examples: [Example] = []
    var current: [Substring]?
    var start = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    {
      if current == nil, line == "```lua" {
        current = []
        start = index + 2
      } else if current != nil, line == "```" {
        examples.append(Example(line: start, source: current!.joined(separator: "\n")))
        current = nil
      } else {
        current?.append(line)
      }
    }
    return examples
  }

  @Test func theDocumentHasExamplesForEveryFunction() throws {
    let all = Self.examples().map(\.source).joined(separator: "\n")
    #expect(Self.examples().count >= 10)
    for (table, fields) in Sandbox.stewardAPI {
      for field in fields where !(table == "steward" && ["log", "stats"].contains(field)) {
        let name = "\(table).\(field)"
        #expect(all.contains(name) || all.contains("s.\(field)("), "no example uses \(name)")
      }
    }
    for method in ["p:check", "p:scorer", "p:rotation", "p:step", "p:register"] {
      #expect(all.contains(method), "no example uses \(method)")
    }
  }

  @Test(arguments: examples())
  func exampleRuns(_ example: Example) throws {
    let vm = try LuaVM()
    // Chunk names carry the document line so a failure points into the doc.
    let source = String(repeating: "\n", count: example.line - 1) + example.source
    guard example.source.contains("require") else {
      _ = try vm.evaluate(source, chunkName: "docs/lua-api.md")
      return
    }
    // `require` is a plugin's: the example runs as a plugin's chunk.
    _ = try vm.loadPlugin(
      source: source + "\nreturn steward.plugin{ name = \"doc\", version = \"0\" }",
      chunkName: "docs/lua-api.md")
  }

  /// Every function of steward.lib is in an example.
  @Test func everyLibraryFunctionHasAnExample() throws {
    let all = Self.examples().map(\.source).joined(separator: "\n")
    let library = try String(
      contentsOfFile: Self.documentPath.replacingOccurrences(
        of: "docs/lua-api.md", with: "Sources/StewardLua/Lua/steward/lib.lua"), encoding: .utf8)
    let names = library.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("function lib.") else { return nil }
      return String(line.dropFirst("function ".count).prefix { $0 != "(" })
    }
    #expect(names.count >= 10)
    for name in names { #expect(all.contains(name + "("), "no example uses \(name)") }
  }
}
