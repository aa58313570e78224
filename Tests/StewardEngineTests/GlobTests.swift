import Foundation
import StewardEngine
import Testing

/// The one path matcher every input resolver calls.
@Suite struct GlobTests {
  static func folder() throws -> Scratch {
    let scratch = try Scratch([
      "m/b.yaml": "", "m/a.yaml": "", "m/x/c.yaml": "", "m/x/y/d.json": "",
      "m/.hidden/e.yaml": "", "m/x/.f.yaml": "", "m/x/readme.md": "", "m/[v]/g.yaml": "",
    ])
    try FileManager.default.createSymbolicLink(
      atPath: scratch.path("m/x/up"), withDestinationPath: "..")
    return scratch
  }

  /// The matches of `pattern` in a fresh folder, relative to it.
  static func matches(_ pattern: String) throws -> [String] {
    let scratch = try folder()
    let root = scratch.url.path + "/"
    return try Glob.paths(matching: root + pattern).map { String($0.dropFirst(root.count)) }
  }

  @Test(arguments: [
    ("m/**/*.yaml", ["m/[v]/g.yaml", "m/a.yaml", "m/b.yaml", "m/x/c.yaml"]),
    (
      "m/**/*",
      [
        "m/[v]", "m/[v]/g.yaml", "m/a.yaml", "m/b.yaml", "m/x", "m/x/c.yaml", "m/x/readme.md",
        "m/x/up", "m/x/y", "m/x/y/d.json",
      ]
    ),
    ("m/**/d.json", ["m/x/y/d.json"]),
    ("**/c.yaml", ["m/x/c.yaml"]),
    ("m/**", ["m"]),
    ("m/*/**", ["m/[v]", "m/x"]),
    ("m/?.yaml", ["m/a.yaml", "m/b.yaml"]),
    ("m/[!a].yaml", ["m/b.yaml"]),
    ("m/\\[v\\]/*.yaml", ["m/[v]/g.yaml"]),
    ("m/.*/*.yaml", ["m/.hidden/e.yaml"]),
    ("m/x/.*.yaml", ["m/x/.f.yaml"]),
    ("m/x/up/*.yaml", ["m/x/up/a.yaml", "m/x/up/b.yaml"]),
    ("m/**/*.yml", []),
    ("m/x**/*.yaml", ["m/x/c.yaml"]),
  ])
  func patterns(pattern: String, expected: [String]) throws {
    #expect(try Self.matches(pattern) == expected)
  }

  @Test func filesExpandsFoldersAndKeepsEachFileOnce() throws {
    let scratch = try Self.folder()
    let root = scratch.url.path + "/"
    let yaml = { (path: String) in path.hasSuffix(".yaml") || path.hasSuffix(".json") }
    let files = try Glob.files(root + "m/**", keep: yaml).map { String($0.dropFirst(root.count)) }
    #expect(files == ["m/[v]/g.yaml", "m/a.yaml", "m/b.yaml", "m/x/c.yaml", "m/x/y/d.json"])
    // A name that exists is itself, even with pattern characters in it.
    #expect(try Glob.files(root + "m/[v]", keep: yaml) == [root + "m/[v]/g.yaml"])
    #expect(try Glob.files(root + "m/none/**", keep: yaml) == [])
  }
}
