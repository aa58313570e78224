import Foundation
import Testing

/// Data beside subjects (issue 18, point 5), through the binary: `data:`
/// files as read-only `ctx.data`, replaced with `--input`, refused when
/// wrong; checks with `scope = "all"` and the strict reading of their list.
@Suite("Data beside subjects")
struct AuditDataTests {
  static let plugins = StewardBinary.packageRoot.appendingPathComponent("Plugins").path

  /// Status and message of each result, by "check/subject".
  static func results(_ json: String) throws -> [String: (status: String, message: String)] {
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    var out: [String: (String, String)] = [:]
    for row in object?["results"] as? [[String: Any]] ?? [] {
      let key = "\(row["check"] as? String ?? "")/\(row["subject"] as? String ?? "")"
      out[key] = (row["status"] as? String ?? "", row["message"] as? String ?? "")
    }
    return out
  }

  /// The block of docs/audit.md whose fence says `info`.
  static func documented(_ info: String) throws -> String {
    let doc = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent("docs/audit.md"),
      encoding: .utf8)
    let start = try #require(doc.range(of: "```" + info + "\n"))
    let end = try #require(doc[start.upperBound...].range(of: "\n```\n"))
    return String(doc[start.upperBound..<end.lowerBound]) + "\n"
  }

  @Test func theDocumentedInventoryRuns() throws {
    let models = StewardBinary.packageRoot.appendingPathComponent("Examples/streamrec/models").path
    let playbook = try Self.documented("yaml inventory.yaml").replacingOccurrences(
      of: "../Examples/streamrec/models", with: models)
    let teams = try Self.documented("csv teams.csv")
    let dir = try StewardBinary.scratch([
      "inventory.yaml": playbook, "teams.csv": teams,
      "all-teams.csv": teams + "search,search-ml@streamrec.example\n",
    ])
    let run = try StewardBinary.run(
      ["run", "inventory.yaml", "--plugin-path", Self.plugins, "--format", "json", "--no-record"],
      in: dir)
    #expect(run.status == 1, "\(run.stderr)")
    let results = try Self.results(run.stdout)
    let failed = results.filter { $0.value.status != "pass" }.keys.sorted()
    #expect(failed == ["owner_registered/search-ranking"], "\(results)")
    #expect(results.keys.filter { $0.hasPrefix("unique/") }.count == 5)
    let replaced = try StewardBinary.run(
      [
        "run", "inventory.yaml", "--plugin-path", Self.plugins, "--input", "teams=all-teams.csv",
        "--no-record",
      ], in: dir)
    #expect(replaced.status == 0, "\(replaced.stdout)\(replaced.stderr)")
  }

  static let probe = """
    local p = steward.plugin{ name = "probe", version = "1" }
    p:check{ id = "count", run = function(s, params, ctx)
      return { status = "pass", message = #ctx.data.teams .. " " .. ctx.data.licences[1] } end }
    p:check{ id = "write", run = function(s, params, ctx)
      ctx.data.teams[1].team = "x"
      return { status = "pass" } end }
    return p
    """

  static func playbook(checks: [String], data: String, extra: String = "") -> String {
    """
    steward: 1
    kind: audit
    name: d
    plugins: [probe.lua]
    subjects: cards
    data:
    \(data)
    checks:
    \(checks.map { "  - use: \($0)\n\(extra)" }.joined())
    """
  }

  static let data = "  teams: teams.csv\n  licences: licences.json"

  @Test func dataIsReadOnlyAndReadOnce() throws {
    let dir = try StewardBinary.scratch([
      "probe.lua": Self.probe, "teams.csv": "team\nads\nrecs\n",
      "licences.json": "[\"Apache-2.0\", \"MIT\"]",
      "d.yaml": Self.playbook(checks: ["probe.count", "probe.write"], data: Self.data),
      "cards/a.yaml": "owner: ads\n", "cards/b.yaml": "owner: recs\n",
    ])
    let run = try StewardBinary.run(
      ["run", "d.yaml", "--format", "json", "--no-record", "--jobs", "1"], in: dir)
    let results = try Self.results(run.stdout)
    #expect(results["count/a"]?.message == "2 Apache-2.0", "\(results)")
    #expect(results["count/b"]?.message == "2 Apache-2.0", "\(results)")
    #expect(results["write/a"]?.status == "error")
    #expect(results["write/a"]?.message.contains("read-only") == true, "\(results)")
    // Refused for every subject, not only the first.
    #expect(results["write/b"]?.message.contains("read-only") == true, "\(results)")
  }

  @Test func wrongDataIsAnInputError() throws {
    let files = [
      "probe.lua": Self.probe, "teams.csv": "team\nads\n", "licences.json": "[\"MIT\"]",
      "bad.yaml": "a: [1, 2\n", "two.yaml": "a: 1\n---\nb: 2\n", "cards/a.yaml": "owner: ads\n",
      "open.csv": "team,contact\nsearch,\"unterminated\nads,a@x\nrecsys,r@x\n",
      "nan.yaml": "limits: {max: .nan}\n", "inf.json": "{\"max\": 1e400}",
    ]
    let cases: [(data: String, arguments: [String], expected: String)] = [
      ("  teams: missing.csv\n  licences: licences.json", [], "A040"),
      ("  teams: two.yaml\n  licences: licences.json", [], "the file holds 2 documents"),
      ("  teams: bad.yaml\n  licences: licences.json", [], "bad.yaml:2:1"),
      ("  teams: [a.csv, b.csv]\n  licences: licences.json", [], "must be one file"),
      (Self.data, ["--input", "team=teams.csv"], "did you mean \"teams\"?"),
      (Self.data, ["--input", "teams=nowhere.csv"], "no such file nowhere.csv"),
      // An open quote would read every later row into one field.
      (
        Self.data, ["--input", "teams=open.csv"],
        "open.csv:2:8: error: this quoted field is never closed"
      ),
      // A NaN threshold makes every comparison with it false: as in subjects,
      // a number that is not finite is an input error.
      ("  teams: nan.yaml\n  licences: licences.json", [], "nan.yaml:1:15"),
      ("  teams: inf.json\n  licences: licences.json", [], "inf.json:1:9"),
      // A FIFO is no file to read, and is not "no such file".
      ("  teams: pipe.yaml\n  licences: licences.json", [], "pipe.yaml is not a regular file"),
    ]
    for c in cases {
      var all = files
      all["d.yaml"] = Self.playbook(checks: ["probe.count"], data: c.data)
      let dir = try StewardBinary.scratch(all)
      #expect(mkfifo(dir.appendingPathComponent("pipe.yaml").path, 0o644) == 0)
      let run = try StewardBinary.run(
        ["run", "d.yaml", "--no-record"] + c.arguments, in: dir, killAfter: 20)
      #expect(run.status == 2, "\(c.data): \(run.stdout)")
      #expect(run.stderr.contains(c.expected), "\(c.data): \(run.stderr)")
    }
  }

  /// Each way a whole-run check's list can be wrong, and the results it gives.
  @Test func wholeRunResultsAreReadStrictly() throws {
    let returns: [(id: String, lua: String)] = [
      ("good", "{ r('a', 'fail'), r('b', 'pass'), r('c', 'pass') }"),
      ("missing", "{ r('a', 'pass'), r('c', 'pass') }"),
      ("twice", "{ r('a', 'pass'), r('a', 'fail'), r('b', 'pass'), r('c', 'pass') }"),
      ("unknown", "{ r('a', 'pass'), r('b', 'pass'), r('c', 'pass'), r('zz', 'pass') }"),
      ("unknownfail", "{ r('a', 'fail'), r('b', 'pass'), r('c', 'pass'), r('zz', 'pass') }"),
      ("unknownFAIL", "{ r('a', 'FAIL'), r('b', 'pass'), r('c', 'pass'), r('zz', 'pass') }"),
      (
        "unreadableFAIL",
        "{ r('a', 'failed'), { subject = 'b', status = 'pass', evidence = { f = function() end } }, r('c', 'pass') }"
      ),
      (
        "unreadable",
        "{ r('a', 'fail'), { subject = 'b', status = 'pass', evidence = { f = function() end } }, r('c', 'pass') }"
      ),
      ("nolist", "r('a', 'pass')"),
      ("nosubject", "{ { status = 'pass' } }"),
      ("badstatus", "{ r('a', 'maybe'), r('b', 'pass'), r('c', 'pass') }"),
    ]
    var plugin = """
      local p = steward.plugin{ name = "w", version = "1" }
      local function r(id, status) return { subject = id, status = status, at = "owner" } end

      """
    for r in returns {
      plugin +=
        "p:check{ id = \"\(r.id)\", scope = \"all\", run = function() return \(r.lua) end }\n"
    }
    plugin += "return p\n"
    let dir = try StewardBinary.scratch([
      "w.lua": plugin,
      "d.yaml": SandboxFailClosedTests.playbook(
        plugins: ["w.lua"], checks: returns.map { "w.\($0.id)" }),
      "cards/a.yaml": "owner: x\n", "cards/b.yaml": "owner: y\n", "cards/c.yaml": "owner: z\n",
    ])
    let run = try StewardBinary.run(["run", "d.yaml", "--format", "json", "--no-record"], in: dir)
    #expect(run.status == 1, "\(run.stderr)")
    let results = try Self.results(run.stdout)
    func status(_ check: String) -> String {
      ["a", "b", "c"].map { results["\(check)/\($0)"]?.status ?? "none" }.joined(separator: " ")
    }
    #expect(status("good") == "fail pass pass")
    #expect(status("missing") == "pass error pass")
    #expect(results["missing/b"]?.message.contains("no result for this subject") == true)
    // A subject an entry failed stays failed when the list is refused or
    // names it twice: as errors, `gate.errors: ignore` let them through.
    #expect(status("twice") == "fail pass pass")
    #expect(status("unknownfail") == "fail error error")
    // A list that cannot be read at all (a function in it) too.
    #expect(status("unreadable") == "fail error error")
    // The same rule as a single result's: a status that plainly means one.
    #expect(status("unknownFAIL") == "fail error error")
    #expect(status("unreadableFAIL") == "fail error error")
    #expect(
      results["unreadable/b"]?.message.contains("function") == true,
      "\(results["unreadable/b"]?.message ?? "")")
    #expect(status("unknown") == "error error error")
    #expect(results["unknown/a"]?.message.contains("\"zz\", which is not in this run") == true)
    #expect(status("nolist") == "error error error")
    #expect(status("nosubject") == "error error error")
    #expect(status("badstatus") == "error pass pass")
    // A result's `at` points into its own subject's file.
    let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    let rows = report?["results"] as? [[String: Any]] ?? []
    let good = rows.first { $0["check"] as? String == "good" && $0["subject"] as? String == "a" }
    #expect(
      (good?["location"] as? [String: Any])?["file"] as? String == "cards/a.yaml", "\(good ?? [:])")
  }

  @Test func aWholeRunCheckTakesNoWhen() throws {
    let dir = try StewardBinary.scratch([
      "d.yaml": Self.playbook(
        checks: ["inventory.unique"], data: "  teams: t.csv", extra: "    when: subject.x\n"
      ).replacingOccurrences(of: "probe.lua", with: "inventory"),
      "t.csv": "team\nads\n", "cards/a.yaml": "owner: ads\n",
    ])
    let run = try StewardBinary.run(
      ["run", "d.yaml", "--plugin-path", Self.plugins, "--no-record"], in: dir)
    #expect(run.status == 2)
    #expect(run.stderr.contains("A041"), "\(run.stderr)")
    #expect(run.stderr.contains("d.yaml:10:"), "\(run.stderr)")
  }
}
