import Foundation
import Testing

/// Plugin debugging (issue 18, point 6): what a check logs reaches stderr
/// with `--verbose` or `STEWARD_LOG`, and each result in the JSON report; a
/// syntax error names its column and raises nothing after it.
@Suite struct PluginDebuggingTests {
  static let plugin = """
    local p = steward.plugin{ name = "p", version = "1" }
    p:check{ id = "c", run = function(s)
      steward.log.info("looking at", s.id)
      steward.log.debug("owner is", s.owner)
      return { status = "pass" }
    end }
    return p

    """

  static func folder(plugin: String = plugin) throws -> URL {
    try StewardBinary.scratch([
      "cards/a.yaml": "id: a\nowner: x\n",
      "p.lua": plugin,
      "g.yaml":
        "steward: 1\nkind: audit\nname: g\nplugins: [p.lua]\nsubjects: cards/\nchecks:\n  - use: p.c\n",
    ])
  }

  @Test func logLinesGoToStderrOnlyWhenAskedFor() throws {
    let dir = try Self.folder()
    let plain = try StewardBinary.run(["run", "g.yaml", "--no-record"], in: dir)
    #expect(plain.status == 0)
    #expect(!plain.stderr.contains("looking at"))
    let verbose = try StewardBinary.run(["run", "g.yaml", "--no-record", "--verbose"], in: dir)
    #expect(verbose.stderr.contains("log: info: c on a: looking at a"))
    #expect(verbose.stderr.contains("log: debug: c on a: owner is x"))
    let env = try StewardBinary.run(
      ["run", "g.yaml", "--no-record"], in: dir, environment: ["STEWARD_LOG": "info"])
    #expect(env.stderr.contains("log: info: c on a: looking at a"))
    #expect(!env.stderr.contains("owner is"))  // below info
    let debug = try StewardBinary.run(
      ["run", "g.yaml", "--no-record"], in: dir, environment: ["STEWARD_LOG": "debug"])
    #expect(debug.stderr.contains("log: debug: c on a: owner is x"))
    let wrong = try StewardBinary.run(
      ["run", "g.yaml", "--no-record"], in: dir, environment: ["STEWARD_LOG": "loud"])
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("STEWARD_LOG takes debug, info, warning, error"))
  }

  /// Each result carries its log lines in the JSON report, which still
  /// satisfies docs/schemas/audit-report.schema.json.
  @Test func theJSONReportHoldsEachResultsLog() throws {
    let dir = try Self.folder()
    let r = try StewardBinary.run(
      ["run", "g.yaml", "--no-record", "--format", "json", "--output", "r.json"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.contains("looking at"))
    let report = dir.appendingPathComponent("r.json")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
    let result = try #require((json["results"] as? [[String: Any]])?.first)
    let log = try #require(result["log"] as? [[String: String]])
    #expect(
      log == [
        ["level": "info", "message": "looking at a"], ["level": "debug", "message": "owner is x"],
      ])
    let schema = StewardBinary.packageRoot.appendingPathComponent(
      "docs/schemas/audit-report.schema.json")
    let check = try StewardBinary.python(
      "import json, sys, jsonschema\njsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))\nprint('valid')",
      [schema.path, report.path])
    #expect(check.contains("valid"), "\(check)")
  }

  /// A whole-run check (`scope = "all"`) logs as the check on every
  /// subject, not as whichever check ran before it, and its lines are kept
  /// once, with its first result.
  @Test func aWholeRunCheckLogsOnceForEverySubject() throws {
    let dir = try StewardBinary.scratch([
      "cards/a.yaml": "id: a\nowner: x\n",
      "cards/b.yaml": "id: b\nowner: y\n",
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "c", run = function(s)
        steward.log.info("one", s.id)
        return { status = "pass" }
      end }
      p:check{ id = "all", scope = "all", run = function(subjects)
        steward.log.info("judging", #subjects)
        local out = {}
        for _, s in ipairs(subjects) do out[#out + 1] = { subject = s.id, status = "pass" } end
        return out
      end }
      return p

      """,
      "g.yaml":
        "steward: 1\nkind: audit\nname: g\nplugins: [p.lua]\nsubjects: cards/\nchecks:\n  - use: p.c\n  - use: p.all\n",
    ])
    let r = try StewardBinary.run(
      ["run", "g.yaml", "--no-record", "--verbose", "--format", "json", "--jobs", "1"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("log: info: all on every subject: judging 2"), "\(r.stderr)")
    #expect(!r.stderr.contains("on b: judging"))
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let rows = try #require(json["results"] as? [[String: Any]])
    let logs = rows.filter { $0["check"] as? String == "all" }.map {
      ($0["log"] as? [[String: String]])?.map { $0["message"] ?? "" } ?? []
    }
    #expect(logs == [["judging 2"], []], "\(rows)")
  }

  /// The third `end` on the line is the one Lua stops at; the plugin not
  /// loading is said once, not again as "no plugin named p" (A002).
  @Test func aSyntaxErrorNamesItsColumnAndNothingFollowsIt() throws {
    let dir = try Self.folder(
      plugin: """
        local p = steward.plugin{ name = "p", version = "1" }
        p:check{ id = "c", run = function(s)
          if s.x then return { status = "pass" } end end end,
        }
        return p

        """)
    for arguments in [
      ["run", "g.yaml", "--no-record"], ["validate", "g.yaml"], ["validate", "p.lua"],
    ] {
      let r = try StewardBinary.run(arguments, in: dir)
      #expect(r.status == 2, "\(arguments)")
      #expect(r.stderr.contains("p.lua:3:50: error: '}' expected"), "\(arguments): \(r.stderr)")
      #expect(!r.stderr.contains("A002"), "\(arguments)")
    }
    // At the end of the text: the line after the last token, since the
    // text ends with a line break.
    let eof = try Self.folder(
      plugin: "local p = steward.plugin{ name = \"p\", version = \"1\" }\nlocal x = (\n")
    let r = try StewardBinary.run(["validate", "p.lua"], in: eof)
    #expect(r.stderr.contains("p.lua:3:1: error: unexpected symbol near <eof>"), "\(r.stderr)")
  }
}
