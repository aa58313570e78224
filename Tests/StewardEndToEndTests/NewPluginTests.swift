import Foundation
import Testing

/// `steward new plugin` gives an author in their own folder, without this
/// repository, what lua-language-server needs to complete the `steward` API.
@Suite struct NewPluginTests {
  static let meta = StewardBinary.packageRoot.appendingPathComponent("docs/lua/steward.meta.lua")

  @Test func writesTheEditorSetupBesideThePlugin() throws {
    let dir = try StewardBinary.scratch([:])
    let r = try StewardBinary.run(["new", "plugin", "my-checks"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout
        == "wrote ./my-checks.lua\nwrote ./.luarc.json\nwrote ./.steward/lua/steward.meta.lua\nwrote ./.luacheckrc\n"
    )

    let luarc =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: dir.appendingPathComponent(".luarc.json"))) as? [String: Any]
    #expect(luarc?["runtime.version"] as? String == "Lua 5.4")
    let library = try #require(luarc?["workspace.library"] as? [String])
    #expect(library == [".steward/lua"])
    let written = try String(
      contentsOf: dir.appendingPathComponent(library[0]).appendingPathComponent("steward.meta.lua"),
      encoding: .utf8)
    #expect(written == (try String(contentsOf: Self.meta, encoding: .utf8)))

    // The annotations are not a plugin: the folder still validates and tests.
    let validate = try StewardBinary.run(["validate", "."], in: dir)
    #expect(validate.status == 0, "\(validate.stderr)")
    let test = try StewardBinary.run(["test", "."], in: dir)
    #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    #expect(test.stdout.contains("6 of 6 example runs passed"), "\(test.stdout)")
  }

  /// A wrong expectation is said at the example's own line, not at the
  /// `p:check` that holds it.
  @Test func aFailingExampleIsSaidAtItsOwnLine() throws {
    let dir = try StewardBinary.scratch([
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1.0.0" }

      p:check{
        id = "c",
        title = "t",
        severity = "high",
        examples = {
          { subject = { a = 1 }, expect = "pass" },
          { subject = { a = 2 },
            expect = "fail" },
        },
        run = function(subject)
          return { status = "pass", message = "ok" }
        end,
      }

      return p

      """
    ])
    let test = try StewardBinary.run(["test", "p.lua"], in: dir)
    #expect(test.status == 1)
    #expect(
      test.stdout.contains("FAIL p.lua:9:5: c example 2: expected fail, got pass"), "\(test.stdout)"
    )
    #expect(!test.stdout.contains("p.lua:3:"), "\(test.stdout)")
  }

  /// The editor files serve the whole folder: a second plugin, or a folder
  /// with its own .luarc.json, keeps them as they are.
  @Test func keepsAnExistingEditorSetup() throws {
    let own = #"{ "workspace.library": ["lib"] }"#
    let dir = try StewardBinary.scratch([".luarc.json": own])
    let first = try StewardBinary.run(["new", "plugin", "first"], in: dir)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(!first.stdout.contains(".luarc.json"))
    #expect(first.stdout.contains("wrote ./.steward/lua/steward.meta.lua"))
    let kept = try String(contentsOf: dir.appendingPathComponent(".luarc.json"), encoding: .utf8)
    #expect(kept == own)
    let second = try StewardBinary.run(["new", "plugin", "second"], in: dir)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout == "wrote ./second.lua\n")
    #expect(first.stdout.contains("wrote ./.luacheckrc"))
    // The plugin itself is still never overwritten.
    #expect(try StewardBinary.run(["new", "plugin", "second"], in: dir).status == 2)
  }

  @Test func pluginsMetaPrintsTheAnnotations() throws {
    let dir = try StewardBinary.scratch([:])
    let r = try StewardBinary.run(["plugins", "meta"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == (try String(contentsOf: Self.meta, encoding: .utf8)))
    #expect(r.stdout.hasPrefix("---@meta steward\n"))
  }
}
