import Foundation
import Testing

/// Fail closed in the plugin sandbox (issue 15, points 7 to 11), each driven
/// through the binary with a playbook, a plugin and a card in a scratch folder.
@Suite("The sandbox fails closed")
struct SandboxFailClosedTests {
  static let card = "name: m\ntags: [a, b]\nscores: [1, 2, 3]\n"

  static func playbook(plugins: [String], checks: [String], subjects: String = "cards") -> String {
    """
    steward: 1
    kind: audit
    name: g
    plugins: [\(plugins.joined(separator: ", "))]
    subjects: \(subjects)
    checks:
    \(checks.map { "  - use: \($0)" }.joined(separator: "\n"))
    """
  }

  /// The results of a JSON report by check id: (status, message).
  static func results(_ json: String) throws -> [String: (status: String, message: String)] {
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    var out: [String: (String, String)] = [:]
    for row in object?["results"] as? [[String: Any]] ?? [] {
      out[row["check"] as? String ?? ""] = (
        row["status"] as? String ?? "", row["message"] as? String ?? ""
      )
    }
    return out
  }

  /// Runs the binary and stops it after `seconds`: nil when it was still
  /// running (a hang must fail the test, not hold the suite).
  static func run(_ arguments: [String], in dir: URL, within seconds: Double) throws -> (
    result: StewardBinary.Result, seconds: Double
  )? {
    let process = Process()
    process.executableURL = StewardBinary.executable
    process.arguments = arguments
    process.currentDirectoryURL = dir
    let outURL = dir.appendingPathComponent(".stdout")
    let errURL = dir.appendingPathComponent(".stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    let start = Date()
    try process.run()
    while process.isRunning, Date().timeIntervalSince(start) < seconds {
      usleep(20_000)
    }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    process.waitUntilExit()
    return (
      StewardBinary.Result(
        status: process.terminationStatus,
        stdout: try String(contentsOf: outURL, encoding: .utf8),
        stderr: try String(contentsOf: errURL, encoding: .utf8)),
      Date().timeIntervalSince(start)
    )
  }

  // MARK: - 7: subjects, ctx and params are read-only

  @Test func aCheckCannotChangeWhatAnotherPluginsChecksSee() throws {
    let dir = try StewardBinary.scratch([
      "sneaky.lua": """
      local p = steward.plugin{ name = "sneaky", version = "1" }
      p:check{ id = "fill_owner", severity = "info", run = function(subject)
        subject.owner = "nobody"
        return true
      end }
      p:check{ id = "deep", severity = "info", run = function(subject)
        table.insert(subject.tags, "owner")
        return true
      end }
      p:check{ id = "ctx_write", severity = "info", run = function(subject, params, ctx)
        ctx.check = "has_owner"
        return true
      end }
      p:check{ id = "params_write", severity = "info",
        params = { min = { type = "integer", default = 1 } },
        run = function(subject, params)
          params.min = 0
          return true
        end }
      return p
      """,
      "owners.lua": """
      local p = steward.plugin{ name = "owners", version = "1" }
      p:check{ id = "has_owner", severity = "high", run = function(subject, params, ctx)
        if subject.owner == nil then return { status = "fail", message = "no owner" } end
        return true
      end }
      p:check{ id = "tags", severity = "high", run = function(subject, params, ctx)
        local n = 0
        for _, tag in ipairs(subject.tags) do n = n + 1 end
        return n == 2 and #subject.tags == 2 and ctx.check == "tags"
      end }
      return p
      """,
      "gate.yaml": Self.playbook(
        plugins: ["sneaky.lua", "owners.lua"],
        checks: [
          "sneaky.fill_owner", "sneaky.deep", "sneaky.ctx_write", "sneaky.params_write",
          "owners.has_owner", "owners.tags",
        ]),
      "cards/m.yaml": Self.card,
    ])
    let r = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--fail-on", "high", "--format", "json"], in: dir)
    #expect(r.status == 1, "\(r.stderr)")
    let results = try Self.results(r.stdout)
    #expect(results["has_owner"]?.status == "fail")
    #expect(results["tags"]?.status == "pass")
    for (id, line, field) in [
      ("fill_owner", 3, "owner"), ("deep", 7, "table.insert"), ("ctx_write", 11, "check"),
      ("params_write", 17, "min"),
    ] {
      let message = results[id]?.message ?? ""
      #expect(results[id]?.status == "error", "\(id)")
      #expect(message.hasPrefix("sneaky.lua:\(line): check \(id) may not modify"), "\(message)")
      if field != "table.insert" { #expect(message.contains("(field '\(field)')"), "\(message)") }
    }
  }

  /// Nested tables get their read-only proxy when they are first read
  /// (decision 0048), so each way Lua code can reach one must hand out the
  /// proxy, the same one every time, never the table behind it.
  @Test func everyWayToANestedTableHandsOutTheSameReadOnlyView() throws {
    let card = "name: m\nmodel: {owner: team, sizes: {a: 1}}\ngroups: [{name: x}, {name: y}]\n"
    let ways: [(id: String, reach: String)] = [
      ("field", "subject.model"),
      ("get", #"steward.get(subject, "model")"#),
      ("get_deep", #"steward.get(subject, "model.sizes")"#),
      ("get_index", #"steward.get(subject, "groups[1]")"#),
      (
        "pairs",
        #"(function() for k, v in pairs(subject) do if k == "model" then return v end end end)()"#
      ),
      ("next", #"select(2, next(subject.groups))"#),
      ("ipairs", #"(function() for _, v in ipairs(subject.groups) do return v end end)()"#),
      ("rawget", #"rawget(subject, "model")"#),
      ("unpack", "table.unpack(subject.groups)"),
      ("index_chain", #"setmetatable({}, { __index = subject }).model"#),
    ]
    var plugin = "local p = steward.plugin{ name = \"sneaky\", version = \"1\" }\n"
    for way in ways {
      plugin += """
        p:check{ id = "\(way.id)", severity = "info", run = function(subject)
          local t = \(way.reach)
          t.owner = "nobody"
          return true
        end }

        """
    }
    plugin += "return p\n"
    let dir = try StewardBinary.scratch([
      "sneaky.lua": plugin,
      "owners.lua": """
      local p = steward.plugin{ name = "owners", version = "1" }
      p:check{ id = "unchanged", severity = "high", run = function(subject)
        local model, groups = subject.model, subject.groups
        local same = model == subject.model and model == steward.get(subject, "model")
          and groups[2] == steward.get(subject, "groups[1]") and model.sizes == model.sizes
        for k, v in pairs(subject) do
          if k == "model" then same = same and v == model end
        end
        if not same then return { status = "fail", message = "a second read gave another table" } end
        if model.owner ~= "team" or groups[1].owner ~= nil or model.sizes.owner ~= nil then
          return { status = "fail", message = "a check changed the card" }
        end
        return true
      end }
      return p
      """,
      "gate.yaml": Self.playbook(
        plugins: ["sneaky.lua", "owners.lua"],
        checks: ways.map { "sneaky.\($0.id)" } + ["owners.unchanged"]),
      "cards/m.yaml": card,
    ])
    let r = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--format", "json"], in: dir)
    let results = try Self.results(r.stdout)
    #expect(results["unchanged"]?.status == "pass", "\(String(describing: results["unchanged"]))")
    for way in ways {
      let message = results[way.id]?.message ?? ""
      #expect(results[way.id]?.status == "error", "\(way.id): \(message)")
      #expect(message.contains("check \(way.id) may not modify"), "\(way.id): \(message)")
    }
    #expect(r.status == 1, "\(r.stderr)")
  }

  /// Each call sees its own check, subject, deferral and data, whatever
  /// order the subjects come in; a `ctx` kept from an earlier subject still
  /// names that subject (one `ctx` reused for every subject, with only its
  /// `subject_id` set again, passed a card with no owner for a plugin that
  /// cached its finding by `ctx`).
  @Test func eachCallSeesItsOwnContextAndAKeptOneStaysAsItWas() throws {
    var files = [
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1" }
      local kept = {}
      local function tell(subject, params, ctx)
        for id, old in pairs(kept) do
          if old.subject_id ~= id then
            return { status = "error", message = "a kept ctx now names " .. old.subject_id }
          end
        end
        kept[ctx.subject_id] = ctx
        return { status = "fail", message = ctx.check .. "|" .. ctx.subject_id .. "|"
          .. tostring(ctx.deferred) .. "|" .. ctx.data.limits.max .. "|" .. ctx.playbook }
      end
      p:check{ id = "one", run = tell }
      p:check{ id = "two", run = tell }
      return p
      """,
      "limits.yaml": "max: 7\n",
      "gate.yaml": Self.playbook(plugins: ["p.lua"], checks: ["p.one", "p.two"])
        + "\ndata:\n  limits: limits.yaml\n",
    ]
    let ids = (0..<6).map { "card-\($0)" }
    for id in ids { files["cards/\(id).yaml"] = "id: \(id)\nname: m\n" }
    let dir = try StewardBinary.scratch(files)
    let r = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--format", "json", "--jobs", "2"], in: dir)
    #expect(r.status == 1, "\(r.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let rows = object?["results"] as? [[String: Any]] ?? []
    #expect(rows.count == 12)
    for row in rows {
      let check = row["check"] as? String ?? "?"
      let subject = row["subject"] as? String ?? "?"
      #expect(row["message"] as? String == "\(check)|\(subject)|false|7|g", "\(row)")
    }
  }

  /// `rawset`, `setmetatable` and `steward.map` on read-only data are
  /// refused writes like any other: the check's result is the refusal even
  /// when the plugin catches it (they raised errors of their own, and a
  /// caught one left the check's result a pass).
  @Test func aRefusedRawsetSetmetatableOrMapIsTheChecksResult() throws {
    let ways = [
      ("rawset", #"pcall(rawset, subject, "owner", "x")"#),
      ("rawset_deep", #"pcall(rawset, subject.model, "owner", "x")"#),
      ("setmetatable", "pcall(setmetatable, subject.model, {})"),
      ("map", "pcall(steward.map, subject.model)"),
    ]
    var plugin = "local p = steward.plugin{ name = \"p\", version = \"1\" }\n"
    for (id, call) in ways {
      plugin += "p:check{ id = \"\(id)\", run = function(subject) \(call) return true end }\n"
    }
    let dir = try StewardBinary.scratch([
      "p.lua": plugin + "return p\n",
      "gate.yaml": Self.playbook(plugins: ["p.lua"], checks: ways.map { "p.\($0.0)" }),
      "cards/m.yaml": "name: m\nmodel: {owner: team}\n",
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir)
    let results = try Self.results(r.stdout)
    for (id, _) in ways {
      let message = results[id]?.message ?? ""
      #expect(results[id]?.status == "error", "\(id): \(message)")
      #expect(
        message.hasPrefix(
          "p.lua:\(ways.firstIndex { $0.0 == id }! + 2): check \(id) may not modify"),
        "\(id): \(message)")
    }
    #expect(r.status == 1, "\(r.stderr)")
  }

  /// Without `data:` in the playbook, `ctx.data` is nil as docs/lua-api.md
  /// says, in a check, a `when:` guard and a check over all subjects; it was
  /// `steward.null`, so `if ctx.data == nil` fell through to an error.
  @Test func ctxDataIsNilWhenThePlaybookHasNoData() throws {
    let dir = try StewardBinary.scratch([
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "one", run = function(subject, params, ctx)
        return ctx.data == nil and type(ctx.data) == "nil"
      end }
      p:check{ id = "all", scope = "all", run = function(subjects, params, ctx)
        local out = {}
        for i, s in ipairs(subjects) do out[i] = { subject = s.id, status = ctx.data == nil and "pass" or "fail" } end
        return out
      end }
      return p
      """,
      "gate.yaml": Self.playbook(plugins: ["p.lua"], checks: ["p.one", "p.all"])
        + "\n  - id: guarded\n    expr: \"true\"\n    when: ctx.data == nil\n",
      "cards/m.yaml": Self.card,
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir)
    let results = try Self.results(r.stdout)
    for id in ["one", "all", "guarded"] {
      #expect(results[id]?.status == "pass", "\(id): \(String(describing: results[id]))")
    }
    #expect(r.status == 0, "\(r.stderr)")
  }

  // MARK: - 8: a spent budget is an error whatever the plugin does with it

  @Test func aSpentBudgetIsAnErrorEvenWhenThePluginCatchesIt() throws {
    let dir = try StewardBinary.scratch([
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "pcalled", run = function()
        return pcall(function() while true do end end)
      end }
      p:check{ id = "resumed", run = function()
        local co = coroutine.create(function() while true do end end)
        return coroutine.resume(co)
      end }
      p:check{ id = "status", run = function()
        local ok = pcall(function() while true do end end)
        return ok and "pass" or "fail"
      end }
      return p
      """,
      "gate.yaml": Self.playbook(
        plugins: ["p.lua"], checks: ["p.pcalled", "p.resumed", "p.status"]),
      "cards/m.yaml": Self.card,
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir)
    let results = try Self.results(r.stdout)
    // Each names the line the budget ran out on (in the coroutine for
    // `resumed`, after the pcall for `status`).
    for (id, line) in [("pcalled", 3), ("resumed", 6), ("status", 11)] {
      #expect(results[id]?.status == "error", "\(id): \(String(describing: results[id]))")
      // The instruction budget, or the clock on a busy machine.
      let message = results[id]?.message ?? ""
      #expect(message.hasPrefix("p.lua:\(line): "), "\(id): \(message)")
      #expect(
        message.hasSuffix("instruction budget of 100000000 exhausted")
          || message.hasSuffix("wall-clock limit of 2 s exceeded"), "\(id): \(message)")
    }
  }

  // MARK: - 9: results of the wrong shape are errors (or failures, when they fail)

  @Test func resultsOfTheWrongShapeAreErrorsNamingTheKeyAndLine() throws {
    let dir = try StewardBinary.scratch([
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "no_return", run = function(subject) local x = subject.name end }
      p:check{ id = "message_number", run = function() return { status = "fail", message = 42 } end }
      p:check{ id = "at_number", run = function() return { status = "fail", at = 7 } end }
      p:check{ id = "misspelt", run = function() return { status = "pass", mesage = "ok" } end }
      p:check{ id = "returns_nil", run = function() return nil end }
      p:check{ id = "good", run = function() return { status = "pass", message = "fine", at = "name" } end }
      return p
      """,
      "gate.yaml": Self.playbook(
        plugins: ["p.lua"],
        checks: [
          "p.no_return", "p.message_number", "p.at_number", "p.misspelt", "p.returns_nil", "p.good",
        ]) + "\n  - id: inline_nil\n    expr: subject.owner and subject.owner ~= ''\n",
      "cards/m.yaml": Self.card,
    ])
    let r = try StewardBinary.run(["run", "gate.yaml", "--no-record", "--format", "json"], in: dir)
    let results = try Self.results(r.stdout)
    for (id, line, words) in [
      ("no_return", 2, "returned nothing"), ("message_number", 3, "message = an int"),
      ("at_number", 4, "at = an int"), ("misspelt", 5, "unknown key \"mesage\""),
      ("returns_nil", 6, "returned nil"),
    ] {
      // One that said `status = "fail"` beside its mistake stays a failure.
      let failing = id == "message_number" || id == "at_number"
      #expect(results[id]?.status == (failing ? "fail" : "error"), "\(id)")
      let message = results[id]?.message ?? ""
      #expect(message.hasPrefix("p.lua:\(line): "), "\(id): \(message)")
      #expect(message.contains(words), "\(id): \(message)")
    }
    #expect(
      results["misspelt"]?.message.contains("did you mean \"message\"?") == true,
      "\(results["misspelt"]?.message ?? "")")
    #expect(results["good"]?.status == "pass")
    // An inline expression's nil still fails, as docs/audit.md says.
    #expect(results["inline_nil"]?.status == "fail")
  }

  // MARK: - 10: C functions charge their work

  /// The C loops the count hook cannot see, in each place plugin code runs:
  /// before, the first hung for ever, the others ran for minutes.
  @Test(arguments: [
    "string.rep('', math.maxinteger)",
    "utf8.len(s30)",
    "table.insert(t2m, 1, 0) table.remove(t2m, 1)",
  ])
  func cLoopsEndWithinTheLimitEverywhere(_ statement: String) throws {
    let loop = """
      (function()
        local s30 = string.rep('x', 30000000)
        local t2m = {}
        if not s30:find('y', 1, true) then for i = 1, 2000000 do t2m[i] = i end end
        while true do \(statement) end
        return true
      end)()
      """.replacingOccurrences(of: "\n", with: " ")
    let plugin = """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "c", run = function() return \(loop) end,
        examples = { { subject = { name = "m" }, expect = "pass" } } }
      return p
      """
    let loading = """
      local x = \(loop)
      local p = steward.plugin{ name = "q", version = "1" }
      p:check{ id = "c", run = function() return true end }
      return p
      """
    let dir = try StewardBinary.scratch([
      "checks/p.lua": plugin,
      "Plugins/q.lua": loading,
      "run.yaml": Self.playbook(plugins: ["checks/p.lua"], checks: ["p.c"])
        + "\n  - id: inline\n    expr: \"\(loop)\"\n",
      "load.yaml": Self.playbook(plugins: ["Plugins/q.lua"], checks: ["q.c"]),
      "lua.lua":
        "local x = \(loop)\nreturn { steward = 1, kind = 'audit', name = 'l', subjects = 'cards', checks = { { builtin = 'required', id = 'r', params = { path = 'name' } } } }\n",
      "cards/m.yaml": Self.card,
    ])
    // Each command's Lua calls (a run's check and its inline expression; an
    // example in three variants), each under the 2 s limit: none may
    // overshoot it by more than 1 s.
    let commands: [(arguments: [String], status: Int32, calls: Int)] = [
      (["run", "run.yaml", "--no-record", "--fail-on", "info"], 1, 2),
      (["test", "checks/p.lua"], 1, 3),
      (["validate", "load.yaml"], 2, 1),
      (["plugins", "list"], 2, 1),
      (["run", "lua.lua", "--no-record"], 2, 1),
    ]
    for (arguments, status, calls) in commands {
      let outcome = try Self.run(arguments, in: dir, within: Double(3 * calls + 10))
      guard let (result, seconds) = outcome else {
        Issue.record("steward \(arguments.joined(separator: " ")) was still running")
        continue
      }
      #expect(result.status == status, "\(arguments): \(result.stdout) \(result.stderr)")
      #expect(seconds < Double(3 * calls) + 1, "\(arguments) took \(seconds) s")
      let text = result.stdout + result.stderr
      #expect(text.contains("budget") || text.contains("limit"), "\(arguments): \(text)")
    }
  }

  /// Work inside one VM instruction or one C call that charged only its
  /// element count: comparing two 12 MB strings of NUL bytes (strcoll once
  /// a byte, 0.1 s a comparison, and 250 comparisons between two runs of the
  /// count hook), and the stock sort's comparisons of 3,000 strings of 16 KB
  /// (about 5 s for one sort, charged by the element count alone). Neither
  /// may overshoot the 2 s limit by more than half of it.
  @Test(arguments: [
    "local z = string.rep('\\0', 12000000) local a, b = z .. 'a', z .. 'b' z = nil while true do local _ = a < b end",
    "local z = string.rep('\\0', 16000) local l = {} for i = 1, 3000 do l[i] = z .. ((i * 7919) % 3000) end z = nil while true do table.sort(l) end",
    "local z = string.rep('\\0', 16000) local l = {} for i = 1, 3000 do l[i] = z .. ((i * 7919) % 3000) end z = nil while true do pcall(table.sort, l) end",
  ])
  func operatorsAndSortsOnLongStringsEndWithinTheLimit(_ statement: String) throws {
    let dir = try StewardBinary.scratch([
      "p.lua": """
      local p = steward.plugin{ name = "p", version = "1" }
      p:check{ id = "c", run = function() \(statement) return true end }
      p:check{ id = "after", run = function(subject) return subject.name == "m" end }
      return p
      """,
      "run.yaml": Self.playbook(plugins: ["p.lua"], checks: ["p.c", "p.after"]),
      "cards/m.yaml": Self.card,
    ])
    let outcome = try Self.run(
      ["run", "run.yaml", "--no-record", "--format", "json"], in: dir, within: 30)
    let (result, seconds) = try #require(outcome, "steward run was still running after 30 s")
    #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
    #expect(seconds < 3.5, "took \(seconds) s")
    let rows = try Self.results(result.stdout)
    #expect(rows["c"]?.status == "error", "\(rows["c"].map { "\($0)" } ?? "none")")
    // The wall clock, or the instruction budget the charged comparisons
    // spend: either ends the call.
    let message = rows["c"]?.message ?? ""
    #expect(message.contains("limit") || message.contains("budget"), "\(message)")
    #expect(rows["after"]?.status == "pass", "the next check keeps its result")
  }

  // MARK: - 11: one plugin's path cache cannot starve another of memory

  @Test func aPluginThatFillsThePathCacheLeavesTheOthersTheirMemory() throws {
    let dir = try StewardBinary.scratch([
      "filler.lua": """
      local p = steward.plugin{ name = "filler", version = "1" }
      p:check{ id = "fill", severity = "info", run = function(subject)
        -- Paths of 1,000 segments: with one cache for the VM, 1,500 of them
        -- held about 50 MB of its 64 MiB.
        local path = string.rep("a.", 1000)
        for i = 1, 1500 do steward.get(subject, path .. i) end
        return true
      end }
      return p
      """,
      "other.lua": """
      local p = steward.plugin{ name = "other", version = "1" }
      p:check{ id = "needs_memory", severity = "high", run = function(subject)
        local s = string.rep("x", 24 * 1024 * 1024)
        return #s > 0 and steward.get(subject, "name") == "m"
      end }
      return p
      """,
      "gate.yaml": Self.playbook(
        plugins: ["filler.lua", "other.lua"], checks: ["filler.fill", "other.needs_memory"]),
      "cards/m.yaml": Self.card,
    ])
    let r = try StewardBinary.run(
      ["run", "gate.yaml", "--no-record", "--fail-on", "high", "--format", "json"], in: dir)
    let results = try Self.results(r.stdout)
    #expect(results["fill"]?.status == "pass", "\(String(describing: results["fill"]))")
    #expect(
      results["needs_memory"]?.status == "pass", "\(String(describing: results["needs_memory"]))")
    #expect(r.status == 0, "\(r.stderr)")
  }
}
