import Foundation
import Testing

/// `require` through the binary (issue 18, point 4; decision 0040): a
/// plugin's own modules and `steward.lib`, and every way a module could
/// hang the run or reach outside its folder, each an error at its place.
@Suite("Lua modules")
struct LuaModuleTests {
  static let card = "name: m\nowner: ads-ml\n"

  static func playbook(plugin: String, checks: [String]) -> String {
    SandboxFailClosedTests.playbook(plugins: [plugin], checks: checks)
  }

  static func results(_ json: String) throws -> [String: (status: String, message: String)] {
    try SandboxFailClosedTests.results(json)
  }

  /// The files of the docs' example: the ```` ```lua PATH ```` blocks of
  /// docs/lua-api.md.
  static func documentedFiles() throws -> [String: String] {
    let doc = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent("docs/lua-api.md"),
      encoding: .utf8)
    var files: [String: String] = [:]
    for piece in doc.components(separatedBy: "```lua ").dropFirst() {
      guard let newline = piece.firstIndex(of: "\n"),
        let end = piece.range(of: "\n```\n")
      else { continue }
      files[String(piece[..<newline])] = String(piece[piece.index(after: newline)..<end.lowerBound])
    }
    return files
  }

  @Test func theDocumentedModuleAndPluginWork() throws {
    let files = try Self.documentedFiles()
    #expect(files.keys.sorted() == ["my-checks/lib/owners.lua", "my-checks/ownership.lua"])
    var all = files
    all["gate.yaml"] = Self.playbook(
      plugin: "my-checks/ownership.lua", checks: ["ownership.named_owner"])
    all["cards/a.yaml"] = Self.card
    all["cards/b.yaml"] = "name: b\n"
    let dir = try StewardBinary.scratch(all)
    let test = try StewardBinary.run(["test", "my-checks/ownership.lua"], in: dir)
    #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    #expect(test.stdout.contains("ok   ownership 1.0"), "\(test.stdout)")
    // A folder: the module under lib/ is not taken for a plugin.
    let folder = try StewardBinary.run(["test", "my-checks"], in: dir)
    #expect(folder.status == 0, "\(folder.stdout)\(folder.stderr)")
    let validate = try StewardBinary.run(["validate", "my-checks"], in: dir)
    #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    #expect(!validate.stdout.contains("owners.lua"), "\(validate.stdout)")
    let run = try StewardBinary.run(
      ["run", "gate.yaml", "--format", "json", "--no-record"], in: dir)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stdout.contains("\"owned by ads-ml\""), "\(run.stdout)")
    #expect(run.stdout.contains("\"no owner is named\""), "\(run.stdout)")
  }

  /// Two plugins of one folder get the same module value: it ran once.
  @Test func aModuleRunsOncePerFolder() throws {
    func plugin(_ name: String) -> String {
      """
      local shared = require "shared"
      local p = steward.plugin{ name = "\(name)", version = "1" }
      p:check{ id = "c", run = function()
        return { status = "pass", message = tostring(shared) .. "|" .. tostring(require "shared") }
      end }
      return p
      """
    }
    let dir = try StewardBinary.scratch([
      "p/lib/shared.lua": "return { made = os.clock() }\n",
      "p/a.lua": plugin("a"), "p/b.lua": plugin("b"),
      "g.yaml": """
      steward: 1
      kind: audit
      name: g
      plugins: [p/a.lua, p/b.lua]
      subjects: cards
      checks:
        - use: a.c
        - use: b.c
          id: d
      """,
      "cards/a.yaml": Self.card,
    ])
    let run = try StewardBinary.run(
      ["run", "g.yaml", "--format", "json", "--no-record", "--jobs", "1"], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let results = try Self.results(run.stdout)
    let a = results["c"]?.message ?? "", b = results["d"]?.message ?? ""
    let values = (a + "|" + b).split(separator: "|")
    #expect(values.count == 4 && Set(values).count == 1, "\(a) / \(b)")
    #expect(a.hasPrefix("table: "), "\(a)")
  }

  /// Each hostile module, required inside a check, is that check's error
  /// result with the reason; the run ends, and nothing outside the folder
  /// is read.
  @Test func hostileModulesAreErrorResults() throws {
    let cases: [(id: String, name: String, expected: String)] = [
      ("loop", "loop", "p/lib/loop.lua:1:"),
      ("cycle", "cycle_a", "require cycle: cycle_a → cycle_b → cycle_a"),
      ("itself", "itself", "require cycle: itself → itself"),
      ("parent", "../x", "require \"../x\": not a module name"),
      ("absolute", "/etc/passwd", "require \"/etc/passwd\": not a module name"),
      ("slash", "sub/x", "require \"sub/x\": not a module name"),
      ("cmodule", "socket.core", "no module \"socket.core\" (looked for p/lib/socket/core.lua)"),
      ("huge", "huge", "p/lib/huge.lua is 1048577 bytes; a module may have at most 1048576"),
      ("escape", "escape", "require \"escape\": p/lib/escape.lua leads outside"),
      ("fifo", "fifo", "p/lib/fifo.lua is not a regular file"),
      ("steward", "steward.io", "no module \"steward.io\": the steward names are Steward's"),
      ("boom", "boom", "p/lib/boom.lua:3: the module failed"),
      ("syntax", "syntax", "p/lib/syntax.lua:2: unexpected symbol"),
    ]
    var checks = ""
    for c in cases {
      checks += "p:check{ id = \"\(c.id)\", run = function() require(\"\(c.name)\") "
      checks += "return { status = \"pass\" } end }\n"
    }
    let dir = try StewardBinary.scratch([
      "p/lib/loop.lua": "while true do end\n",
      "p/lib/cycle_a.lua": "return require \"cycle_b\"\n",
      "p/lib/cycle_b.lua": "local a = require \"cycle_a\"\nreturn a\n",
      "p/lib/itself.lua": "local me = require \"itself\"\nreturn me\n",
      "p/lib/socket/core.so": "\u{7f}ELF",
      "p/lib/huge.lua": "--" + String(repeating: "x", count: (1 << 20) - 1),
      "p/lib/boom.lua": "local M = {}\n\nerror(\"the module failed\")\nreturn M\n",
      "p/lib/syntax.lua": "return {\n  x = ,\n}\n",
      "secret.lua": "return { stolen = true }\n",
      "p/hostile.lua": "local p = steward.plugin{ name = \"hostile\", version = \"1\" }\n"
        + checks + "return p\n",
      "g.yaml": Self.playbook(plugin: "p/hostile.lua", checks: cases.map { "hostile.\($0.id)" }),
      "cards/a.yaml": Self.card,
    ])
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("p/lib/escape.lua").path,
      withDestinationPath: dir.appendingPathComponent("secret.lua").path)
    #expect(mkfifo(dir.appendingPathComponent("p/lib/fifo.lua").path, 0o600) == 0)
    let run = try StewardBinary.run(
      ["run", "g.yaml", "--format", "json", "--no-record", "--jobs", "1"], in: dir,
      killAfter: 120)
    #expect(!run.killed)
    #expect(run.status == 1, "\(run.stderr)")
    let results = try Self.results(run.stdout)
    for c in cases {
      #expect(results[c.id]?.status == "error", "\(c.id): \(String(describing: results[c.id]))")
      #expect(
        results[c.id]?.message.contains(c.expected) == true,
        "\(c.id): \(results[c.id]?.message ?? "no result")")
    }
    #expect(!run.stdout.contains("stolen"))
  }

  /// A module required when the plugin loads and failing then makes the
  /// playbook's input wrong (exit 2), at the module's file and line.
  @Test func aModuleThatFailsAtLoadIsAnInputErrorAtItsLine() throws {
    let dir = try StewardBinary.scratch([
      "p/lib/bad.lua": "local M = {}\nM.x = nil + 1\nreturn M\n",
      "p/q.lua":
        "local bad = require \"bad\"\nreturn steward.plugin{ name = \"q\", version = \"1\" }\n",
      "g.yaml": Self.playbook(plugin: "p/q.lua", checks: ["q.c"]),
      "cards/a.yaml": Self.card,
    ])
    let run = try StewardBinary.run(["run", "g.yaml", "--no-record"], in: dir)
    #expect(run.status == 2)
    #expect(run.stderr.contains("p/lib/bad.lua:2:"), "\(run.stderr)")
  }

  /// steward.lib's table is read-only: a plugin cannot change it under
  /// another plugin of the VM.
  @Test func stewardLibIsReadOnly() throws {
    let dir = try StewardBinary.scratch([
      "p/w.lua": """
      local lib = require "steward.lib"
      local p = steward.plugin{ name = "w", version = "1" }
      p:check{ id = "write", run = function() lib.result = function() return { status = "pass" } end
        return { status = "pass" } end }
      return p
      """,
      "g.yaml": Self.playbook(plugin: "p/w.lua", checks: ["w.write"]),
      "cards/a.yaml": Self.card,
    ])
    let run = try StewardBinary.run(["run", "g.yaml", "--format", "json", "--no-record"], in: dir)
    let results = try Self.results(run.stdout)
    #expect(results["write"]?.status == "error")
    #expect(results["write"]?.message.contains("read-only") == true, "\(run.stdout)")
  }

  /// No helper is copied between the shipped plugins: each takes the
  /// shared ones from steward.lib.
  @Test func shippedPluginsShareTheirHelpers() throws {
    let folder = StewardBinary.packageRoot.appendingPathComponent("Plugins")
    var definers: [String: [String]] = [:]
    for file in try FileManager.default.contentsOfDirectory(atPath: folder.path)
    where file.hasSuffix(".lua") {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      for line in text.split(separator: "\n") where line.hasPrefix("local function ") {
        let name = line.dropFirst("local function ".count).prefix { $0 != "(" }
        definers[String(name), default: []].append(file)
      }
    }
    let copied = definers.filter { $0.value.count > 1 }
    #expect(copied.isEmpty, "\(copied)")
    for file in [
      "model-card.lua", "org-design.lua", "experiments.lua", "ml-governance.lua",
    ] {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      #expect(text.contains("require \"steward.lib\""), "\(file)")
    }
  }
}
