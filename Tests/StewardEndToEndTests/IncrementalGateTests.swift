import Foundation
import GRDB
import StewardEngine
import TestSupport
import Testing

/// `steward run PLAYBOOK --incremental` (decision 0033), through the binary:
/// over rounds of random edits to a folder of cards, the incremental run's
/// report is the full run's, and it reuses exactly the files left alone.
@Suite(.serialized) struct IncrementalGateTests {
  /// A deterministic generator, so that a failing round can be replayed.
  struct Random {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
  }

  static let gate = StewardBinary.packageRoot.appendingPathComponent(
    "Playbooks/deployment-gate.yaml"
  ).path

  /// Forty cards: the five StreamRec cards, eight times, each with its own id.
  static func cards() throws -> URL {
    let dir = try StewardBinary.scratch([:])
    let models = dir.appendingPathComponent("models")
    try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
    let examples = StewardBinary.packageRoot.appendingPathComponent("Examples/streamrec/models")
    let names = try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted()
    for copy in 0..<8 {
      for name in names {
        let text = try String(
          contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
        let id = name.replacingOccurrences(of: ".yaml", with: "")
        try text.replacingOccurrences(of: "\nid: \(id)\n", with: "\nid: \(id)-\(copy)\n")
          .write(
            to: models.appendingPathComponent("\(id)-\(copy).yaml"), atomically: true,
            encoding: .utf8)
      }
    }
    return dir
  }

  /// The JSON report without the run's clock.
  static func report(_ dir: URL, _ name: String) throws -> String {
    try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
      .replacingOccurrences(
        of: #""(started_at|duration_ms)":\s*("[^"]*"|\d+)"#, with: "", options: .regularExpression)
  }

  func run(_ dir: URL, _ extra: [String], output: String) throws -> StewardBinary.Result {
    try StewardBinary.run(
      ["run", Self.gate, "--input", "models=models", "--format", "json", "--output", output]
        + extra, in: dir)
  }

  /// One random edit of one card; returns the files it touched.
  static func edit(_ models: URL, _ random: inout Random) throws -> Set<String> {
    let files = try FileManager.default.contentsOfDirectory(atPath: models.path).sorted()
    let name = files[random.next(files.count)]
    let file = models.appendingPathComponent(name)
    let before = try String(contentsOf: file, encoding: .utf8)
    var text = before
    switch random.next(6) {
    case 0:
      let stages = ["production", "staging", "development", "canary"]
      text = text.replacingOccurrences(
        of: #"\nstage: \w+"#, with: "\nstage: \(stages[random.next(stages.count)])",
        options: .regularExpression)
    case 1:
      text = text.replacingOccurrences(
        of: #"value: 0\.\d+"#, with: "value: 0.\(10 + random.next(89))",
        options: .regularExpression)
    case 2:
      text = text.replacingOccurrences(
        of: #"\nowner: [\w-]+"#, with: "\nowner: team-\(random.next(5))",
        options: .regularExpression)
    case 3:
      // The same bytes written again: nothing changed.
      try text.write(to: file, atomically: true, encoding: .utf8)
      return []
    case 4:
      try FileManager.default.removeItem(at: file)
      return [name]
    default:
      let copy = "added-\(random.next(1_000_000)).yaml"
      try text.replacingOccurrences(
        of: #"\nid: [\w-]+"#, with: "\nid: \(copy.dropLast(5))", options: .regularExpression
      ).write(to: models.appendingPathComponent(copy), atomically: true, encoding: .utf8)
      return [copy]
    }
    try text.write(to: file, atomically: true, encoding: .utf8)
    // A replacement may have written what was there.
    return text == before ? [] : [name]
  }

  @Test func anIncrementalReportIsTheFullRunsOverRandomEdits() throws {
    let dir = try Self.cards()
    let models = dir.appendingPathComponent("models")
    let first = try run(dir, ["--store", "h.sqlite", "--incremental"], output: "first.json")
    #expect(first.status == 1, "\(first.stderr)")
    #expect(first.stderr.contains("--incremental: no run of deployment-gate with reusable results"))
    var random = Random(state: 21)
    for round in 0..<6 {
      var touched: Set<String> = []
      for _ in 0..<(1 + random.next(4)) { touched.formUnion(try Self.edit(models, &random)) }
      let files = try FileManager.default.contentsOfDirectory(atPath: models.path)
      let incremental = try run(
        dir, ["--store", "h.sqlite", "--incremental"], output: "incremental.json")
      // The full run recorded in a store of its own: the rows the
      // incremental run recorded (its reused ones copied inside the store)
      // must be the very rows a full run records.
      let fullStore = "full-\(round).sqlite"
      let full = try run(dir, ["--store", fullStore], output: "full.json")
      #expect(incremental.status == full.status, "round \(round): \(incremental.stderr)")
      let mine = try SQLiteHistoryStore(path: dir.appendingPathComponent("h.sqlite").path)
      let theirs = try SQLiteHistoryStore(path: dir.appendingPathComponent(fullStore).path)
      let last = try #require(try mine.runs(playbook: nil, limit: 1).first?.id)
      #expect(try mine.results(ofRun: last) == (try theirs.results(ofRun: 1)), "round \(round)")
      #expect(try mine.integrityProblems().isEmpty)
      // The reused results are references (decision 0047): the run's own
      // rows are only those of the files checked again.
      let own = try DatabaseQueue(path: dir.appendingPathComponent("h.sqlite").path).read {
        try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM result WHERE run_id = ?", arguments: [last])
      }
      let checked = files.count - files.filter { !touched.contains($0) }.count
      #expect(own == checked * 14, "round \(round): \(checked) files checked again")
      #expect(
        try Self.report(dir, "incremental.json") == Self.report(dir, "full.json"),
        "round \(round)")
      let unchanged = files.filter { !touched.contains($0) }.count
      #expect(
        incremental.stderr.contains("reused the results of \(unchanged) of \(files.count) files"),
        "round \(round), touched \(touched): \(incremental.stderr)")
    }
  }

  /// The forty cards checked twice with `--incremental` into h.sqlite: run
  /// 2 reuses every result of run 1, by reference.
  func twoIncrementalRuns() throws -> URL {
    let dir = try Self.cards()
    for _ in 0..<2 {
      _ = try run(dir, ["--store", "h.sqlite", "--incremental"], output: "r.json")
    }
    return dir
  }

  /// Runs `sql` on the folder's h.sqlite, as someone with the file might.
  static func tamper(_ dir: URL, _ sql: String) throws {
    let store = try DatabaseQueue(path: dir.appendingPathComponent("h.sqlite").path)
    try store.write { try $0.execute(sql: sql) }
    try store.close()
  }

  /// A tampered reference (decision 0047) is an inconsistent store, said
  /// with exit 2 by every command that reads the run, never a crash or
  /// another run's results.
  @Test func aTamperedReferenceIsRefusedByEveryReader() throws {
    let dir = try twoIncrementalRuns()
    try Self.tamper(dir, "UPDATE result_reuse SET count = 9223372036854775807, from_position = 5")
    for arguments in [
      ["--store", "h.sqlite", "--incremental", "--no-record"],
      ["--store", "h.sqlite", "--baseline-run", "2", "--no-record"],
    ] {
      let refused = try run(dir, arguments, output: "again.json")
      #expect(refused.status == 2, "\(arguments): \(refused.stderr)")
      #expect(
        refused.stderr.contains(
          "the history store is inconsistent: run 2 has a reference out of range"),
        "\(arguments): \(refused.stderr)")
    }
    let export = try StewardBinary.run(
      ["history", "export", "--from", "h.sqlite", "--to", "moved.sqlite"], in: dir)
    #expect(export.status == 2, "\(export.stdout)\(export.stderr)")
    #expect(export.stderr.contains("the history store is inconsistent"), "\(export.stderr)")
    // `steward history verify` names what is wrong.
    let verify = try StewardBinary.run(["history", "verify", "h.sqlite"], in: dir)
    #expect(verify.status == 2)
    #expect(
      verify.stderr.contains("h.sqlite: error: run 2 has a reference out of range"),
      "\(verify.stderr)")
  }

  /// `steward history verify` passes a store steward wrote, and finds two
  /// references that overlap, which read back as more results than the
  /// run has.
  @Test func historyVerifySaysOkOrNamesEachProblem() throws {
    let dir = try twoIncrementalRuns()
    let ok = try StewardBinary.run(["history", "verify", "h.sqlite"], in: dir)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout == "h.sqlite: ok (2 runs)\n")
    try Self.tamper(dir, "INSERT INTO result_reuse VALUES (2, 14, 14, 1, 0)")
    let bad = try StewardBinary.run(["history", "verify", "h.sqlite"], in: dir)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("h.sqlite: error: run 2 has references that overlap"))
    #expect(bad.stderr.contains("h.sqlite: error: run 2 records 560 results but has 574 rows"))
    let missing = try StewardBinary.run(["history", "verify", "nothere.sqlite"], in: dir)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nothere.sqlite: error: no history store here"))
  }

  /// What every result depends on beyond its card: a parameter of the
  /// playbook, a plugin's source. Either changed, nothing is reused.
  @Test func aChangedPlaybookOrPluginChecksEveryCardAgain() throws {
    let dir = try Self.cards()
    let playbook = try String(contentsOfFile: Self.gate, encoding: .utf8)
      .replacingOccurrences(of: "../Plugins/", with: "plugins/")
      .replacingOccurrences(of: "../schemas/", with: "\(StewardBinary.packageRoot.path)/schemas/")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("plugins"), withIntermediateDirectories: true)
    let plugin = dir.appendingPathComponent("plugins/ml-governance.lua")
    try FileManager.default.copyItem(
      at: StewardBinary.packageRoot.appendingPathComponent("Plugins/ml-governance.lua"),
      to: plugin)
    try playbook.write(
      to: dir.appendingPathComponent("gate.yaml"), atomically: true, encoding: .utf8)
    func run(_ output: String) throws -> StewardBinary.Result {
      try StewardBinary.run(
        [
          "run", "gate.yaml", "--input", "models=models", "--store", "h.sqlite", "--incremental",
          "--format", "json", "--output", output,
        ], in: dir)
    }
    _ = try run("a.json")
    #expect(try run("b.json").stderr.contains("reused the results of 40 of 40 files"))
    try (String(contentsOf: plugin, encoding: .utf8) + "\n-- a comment\n").write(
      to: plugin, atomically: true, encoding: .utf8)
    #expect(try run("c.json").stderr.contains("reused the results of 0 of 40 files"))
    #expect(try run("d.json").stderr.contains("reused the results of 40 of 40 files"))
    try playbook.replacingOccurrences(of: "0.8", with: "0.75").write(
      to: dir.appendingPathComponent("gate.yaml"), atomically: true, encoding: .utf8)
    let changed = try run("e.json")
    #expect(changed.stderr.contains("reused the results of 0 of 40 files"), "\(changed.stderr)")
    // And says why nothing was: a user whose playbook another checkout
    // also records would otherwise wonder.
    #expect(changed.stderr.contains("no file's key matched run"), "\(changed.stderr)")
    let full = try StewardBinary.run(
      [
        "run", "gate.yaml", "--input", "models=models", "--no-record", "--format", "json",
        "--output", "f.json",
      ], in: dir)
    #expect(full.status == changed.status)
    #expect(try Self.report(dir, "e.json") == Self.report(dir, "f.json"))
  }

  /// What a check reads besides its card and plugin: a `data:` file (or
  /// the one `--input` names instead) and a module the plugin requires,
  /// here only once a check runs. A change to any of them re-checks every
  /// card, and a reused result keeps its plugin's log.
  @Test func aChangedDataFileOrModuleChecksEveryCardAgain() throws {
    let dir = try TestFolders.make("incremental-data")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("plugins/lib"), withIntermediateDirectories: true)
    let files: [String: String] = [
      "gate.yaml": """
      steward: 1
      kind: audit
      name: registry-gate
      plugins: [plugins/reg.lua]
      subjects: models
      data:
        teams: teams.csv
      checks:
        - use: reg.registered
        - use: reg.auc
      """,
      "plugins/reg.lua": """
      local p = steward.plugin{ name = "reg", version = "1" }
      p:check{ id = "registered", description = "the owner is a registered team",
        run = function(s, params, ctx)
          steward.log.info("owner " .. tostring(steward.get(s, "owner")))
          for _, row in ipairs(ctx.data.teams) do
            if row.team == steward.get(s, "owner") then return true end
          end
          return { status = "fail", at = "owner", message = "not a registered team" }
        end }
      p:check{ id = "auc", description = "the AUC meets the bar",
        run = function(s)
          local rules = require "rules"
          return (steward.get(s, "auc") or 0) >= rules.min
        end }
      return p
      """,
      "plugins/lib/rules.lua": "return { min = 0.7 }\n",
      "teams.csv": "team\nrecsys\nads\n",
      "other.csv": "team\nrecsys\n",
      "models/m1.yaml": "id: m1\nowner: recsys\nauc: 0.8\n",
      "models/m2.yaml": "id: m2\nowner: ads\nauc: 0.75\n",
    ]
    for (name, text) in files {
      try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    func run(_ output: String, _ extra: [String] = [], record: Bool = true) throws
      -> StewardBinary.Result
    {
      try StewardBinary.run(
        ["run", "gate.yaml", "--format", "json", "--output", output]
          + (record ? ["--store", "h.sqlite", "--incremental"] : ["--no-record"]) + extra,
        in: dir)
    }
    func same(_ incremental: String, _ full: String) throws -> Bool {
      try Self.report(dir, incremental) == Self.report(dir, full)
    }
    #expect(try run("a.json").status == 0)
    let again = try run("b.json")
    #expect(again.stderr.contains("reused the results of 2 of 2 files"), "\(again.stderr)")
    // Nothing was left to check, and it does not say it checked the rest.
    #expect(!again.stderr.contains("checked the rest"), "\(again.stderr)")
    #expect(try same("b.json", "a.json"), "a reused result keeps its log")
    #expect(
      try String(contentsOf: dir.appendingPathComponent("b.json"), encoding: .utf8)
        .contains("owner ads"))
    // The registry no longer lists ads: m2 fails.
    try "team\nrecsys\n".write(
      to: dir.appendingPathComponent("teams.csv"), atomically: true, encoding: .utf8)
    let data = try run("c.json")
    #expect(data.status == 1, "\(data.stderr)")
    #expect(data.stderr.contains("reused the results of 0 of 2 files"), "\(data.stderr)")
    #expect(data.stderr.contains("checked the rest"), "\(data.stderr)")
    _ = try run("c-full.json", record: false)
    #expect(try same("c.json", "c-full.json"))
    try "team\nrecsys\nads\n".write(
      to: dir.appendingPathComponent("teams.csv"), atomically: true, encoding: .utf8)
    #expect(try run("d.json").status == 0)
    // The same change given on the command line instead.
    let input = try run("e.json", ["--input", "teams=other.csv"])
    #expect(input.status == 1, "\(input.stderr)")
    #expect(input.stderr.contains("reused the results of 0 of 2 files"), "\(input.stderr)")
    #expect(try run("f.json").status == 0)
    // The bar in the module a check requires is raised: both cards fail.
    try "return { min = 0.9 }\n".write(
      to: dir.appendingPathComponent("plugins/lib/rules.lua"), atomically: true, encoding: .utf8)
    let module = try run("g.json")
    #expect(module.status == 1, "\(module.stderr)")
    #expect(module.stderr.contains("reused the results of 0 of 2 files"), "\(module.stderr)")
    _ = try run("g-full.json", record: false)
    #expect(try same("g.json", "g-full.json"))
    // A new module file counts too, even one no check requires yet.
    try "return {}\n".write(
      to: dir.appendingPathComponent("plugins/lib/extra.lua"), atomically: true, encoding: .utf8)
    #expect(try run("h.json").stderr.contains("reused the results of 0 of 2 files"))
    // A subject file past the size limit is refused as a full run refuses
    // it, without being read whole first.
    let huge = dir.appendingPathComponent("models/huge.yaml")
    FileManager.default.createFile(atPath: huge.path, contents: nil)
    let handle = try FileHandle(forWritingTo: huge)
    try handle.truncate(atOffset: 65 << 20)
    try handle.close()
    let refused = try run("i.json")
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("Y011"), "\(refused.stderr)")
  }

  /// The date is in the key when a check runs Lua, which may read
  /// `ctx.today` (decision 0046): the next day checks every file again. A
  /// gate of unguarded built-in checks keeps its results across days.
  @Test func theDateCountsOnlyWhenACheckRunsLua() throws {
    let dir = try TestFolders.make("incremental-date")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
    let builtins = """
      steward: 1
      kind: audit
      name: dated
      subjects: models
      checks:
        - id: has_owner
          builtin: required
          params: { path: owner }

      """
    try builtins.write(
      to: dir.appendingPathComponent("gate.yaml"), atomically: true, encoding: .utf8)
    try "id: m1\nowner: recsys\n".write(
      to: dir.appendingPathComponent("models/m1.yaml"), atomically: true, encoding: .utf8)
    func run(on day: String) throws -> StewardBinary.Result {
      try StewardBinary.run(
        ["run", "gate.yaml", "--store", "h.sqlite", "--incremental"], in: dir,
        environment: ["STEWARD_TODAY": day])
    }
    _ = try run(on: "2026-12-07")
    let nextDay = try run(on: "2026-12-08")
    #expect(nextDay.stderr.contains("reused the results of 1 of 1 file"), "\(nextDay.stderr)")
    try (builtins + "  - id: recent\n    expr: ctx.today >= \"2026-01-01\"\n").write(
      to: dir.appendingPathComponent("gate.yaml"), atomically: true, encoding: .utf8)
    _ = try run(on: "2026-12-08")
    #expect(try run(on: "2026-12-08").stderr.contains("reused the results of 1 of 1 file"))
    let later = try run(on: "2026-12-09")
    #expect(later.stderr.contains("reused the results of 0 of 1 file"), "\(later.stderr)")
  }
}
