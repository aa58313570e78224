import Foundation
import StewardCore
import StewardLua
import Testing

@testable import StewardEngine

@Suite struct AuditTests {
  static let plugin = """
    local p = steward.plugin{ name = "gov", version = "1.0" }
    p:check{
      id = "owner", description = "has an owner", severity = "high",
      run = function(s) if steward.get(s, "owner") then return true end
        return { status = "fail", message = "no owner", at = "owner" } end,
      examples = { { subject = { owner = "x" }, expect = "pass" } },
    }
    p:check{
      id = "ratio", description = "ratio above min", severity = "medium",
      params = { min = { type = "number", default = 0.8, min = 0, max = 1 } },
      run = function(s, params)
        local r = steward.get(s, "fairness.ratio")
        if r == nil then return { status = "skip", message = "no ratio" } end
        return { status = r >= params.min and "pass" or "fail", at = "fairness.ratio",
                 evidence = { ratio = r } }
      end,
      examples = { { subject = { fairness = { ratio = 0.5 } }, expect = "fail", at = "fairness.ratio" } },
    }
    p:check{
      id = "boom", description = "always errors", severity = "low",
      run = function(s) error("kaboom") end,
      examples = { { subject = {}, expect = "error" } },
    }
    p:check{
      id = "spin", description = "never ends", severity = "low",
      run = function(s) while true do end end,
      examples = { { subject = {}, expect = "error" } },
    }
    p:check{
      id = "bomb", description = "allocates without end", severity = "low",
      run = function(s) local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 64) .. i end end,
      examples = { { subject = {}, expect = "error" } },
    }
    return p
    """

  static let models = [
    "models/a.yaml": "id: a\nowner: recsys\nstage: production\nfairness:\n  ratio: 0.91\n",
    "models/b.yaml": "id: b\nstage: staging\nfairness:\n  ratio: 0.62\n",
    "models/c.json": "{\"id\": \"c\", \"owner\": \"ads\"}",
  ]

  func playbook(_ body: String, extra: [String: String] = [:]) throws -> (Scratch, String) {
    var files = Self.models
    files["gov.lua"] = Self.plugin
    files["gate.yaml"] =
      "steward: 1\nkind: audit\nname: gate\nplugins: [gov.lua]\nsubjects: models\n" + body
    for (k, v) in extra { files[k] = v }
    let scratch = try Scratch(files)
    return (scratch, scratch.path("gate.yaml"))
  }

  func run(
    _ body: String, extra: [String: String] = [:], configure: (inout AuditRunner) -> Void = { _ in }
  )
    throws -> AuditReport
  {
    let (_, path) = try playbook(body, extra: extra)
    let header = try PlaybookLoader.load(path: path)
    var runner = AuditRunner(playbook: try AuditPlaybook.load(header: header, path: path))
    runner.limits.wallClock = .milliseconds(300)
    runner.limits.memoryBytes = 16 << 20
    runner.today = "2026-11-23"
    configure(&runner)
    return try runner.run()
  }

  func loadProblems(_ body: String, extra: [String: String] = [:]) throws -> [Diagnostic] {
    let (_, path) = try playbook(body, extra: extra)
    do {
      _ = try AuditPlaybook.load(header: try PlaybookLoader.load(path: path), path: path)
      return []
    } catch let error as PlaybookError {
      return error.diagnostics
    }
  }

  /// A subject without an `id` is named after its file, the way NSString's
  /// path methods name it, and only YAML and JSON files are subjects.
  @Test(arguments: [
    "models/ad-targeting.yaml", "ad.YAML", "/abs/dir.v2/card.json", "a.b.yml", ".hidden",
    "dir/.hidden.yaml", "noext", "dir.d/noext", "trailing/", "x.", "models//ad.yaml",
  ])
  func subjectsWithoutAnIdAreNamedAfterTheirFile(path: String) {
    let ns = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    #expect(SubjectLoader.stem(of: path) == ns)
    let ext = (path as NSString).pathExtension.lowercased()
    #expect(SubjectLoader.isSubjectFile(path) == ["yaml", "yml", "json"].contains(ext))
  }

  @Test func resultsPointAtTheDecidingField() throws {
    let report = try run("checks:\n  - use: gov.owner\n  - use: gov.ratio\n")
    #expect(report.subjects.map(\.id) == ["a", "b", "c"])
    let statuses = report.results.map { "\($0.subjectID).\($0.checkID)=\($0.status.rawValue)" }
    #expect(
      statuses == [
        "a.owner=pass", "a.ratio=pass", "b.owner=fail", "b.ratio=fail", "c.owner=pass",
        "c.ratio=skip",
      ])
    let ratio = try #require(report.results.first { $0.subjectID == "b" && $0.checkID == "ratio" })
    #expect(ratio.mark.file.hasSuffix("models/b.yaml"))
    #expect(ratio.mark.line == 4 && ratio.mark.column == 10)
    #expect(ratio.evidence == ["ratio": 0.62])
    // A missing field points at the nearest parent: here the document itself.
    let owner = try #require(report.results.first { $0.subjectID == "b" && $0.checkID == "owner" })
    #expect(owner.mark.line == 1)
  }

  @Test func paramsOverrideDefaults() throws {
    let report = try run("checks:\n  - use: gov.ratio\n    params: { min: 0.5 }\n")
    #expect(report.results.filter { $0.status == .pass }.count == 2)
  }

  @Test func numberParamsMustBeFiniteAndInTheirRange() throws {
    for (given, why) in [
      (".nan", "must be a finite number, found nan"),
      ("-.inf", "must be a finite number, found -inf"),
      ("-1", "must be at least 0, found -1"),
      ("1.5", "must be at most 1, found 1.5"),
    ] {
      let found = try loadProblems("checks:\n  - use: gov.ratio\n    params: { min: \(given) }\n")
      #expect(
        found.map(\.description).contains {
          $0.hasSuffix(#"parameter "min" of gov.ratio \#(why) [A007]"#)
        }, "\(given): \(found)")
      #expect(found.allSatisfy { $0.mark.line == 8 }, "\(found)")
    }
    #expect(try loadProblems("checks:\n  - use: gov.ratio\n    params: { min: 1 }\n").isEmpty)
  }

  @Test func aBuiltinRangeMustBeARange() throws {
    let crossed = try loadProblems(
      "checks:\n  - builtin: range\n    id: r\n    params: { path: fairness.ratio, min: 1, max: 0 }\n"
    )
    #expect(
      crossed.map(\.description).contains { $0.hasSuffix("range: max (0) is below min (1) [A007]") }
    )
    let infinite = try loadProblems(
      "checks:\n  - builtin: range\n    id: r\n    params: { path: fairness.ratio, min: .nan }\n")
    #expect(infinite.map(\.message) == ["range: min must be a finite number"])
    #expect(
      try loadProblems(
        "checks:\n  - builtin: range\n    id: r\n    params: { path: fairness.ratio, min: 0, max: 1 }\n"
      ).isEmpty)
  }

  @Test func aPluginsRangesAreCheckedWhenItLoads() throws {
    for (declared, why) in [
      (#"{ type = "number", min = 1, max = 0 }"#, "min is above max"),
      (#"{ type = "string", min = 1 }"#, "min must be a finite number, on a number or integer"),
      (#"{ type = "number", max = "x" }"#, "max must be a finite number"),
      (
        #"{ type = "number", default = 2, max = 1 }"#,
        "the default of parameter \"t\" must be at most 1"
      ),
    ] {
      let plugin = """
        local p = steward.plugin{ name = "gov", version = "1" }
        p:check{ id = "c", description = "d", params = { t = \(declared) },
          run = function() return true end }
        return p
        """
      let found = try loadProblems("checks:\n  - use: gov.c\n", extra: ["gov.lua": plugin])
      #expect(found.contains { $0.message.contains(why) }, "\(declared): \(found)")
    }
  }

  @Test func badParamsAndReferencesAreFoundBeforeAnythingRuns() throws {
    let found = try loadProblems(
      """
      checks:
        - use: gov.ratio
          params: { min: "high", mni: 1 }
        - use: gov.ownr
        - use: nope.x
        - builtin: required
          id: r
        - expr: "true"
      """)
    let text = found.map(\.description).joined(separator: "\n")
    #expect(text.contains(#"parameter "min" of gov.ratio must be a number, found a string [A007]"#))
    #expect(text.contains(#"gov.ratio has no parameter "mni"; did you mean "min"? [A006]"#))
    #expect(text.contains(#"plugin "gov" has no check "ownr"; did you mean "owner"? [A002]"#))
    #expect(text.contains(#"no plugin named "nope" is loaded (loaded: gov) [A002]"#))
    #expect(text.contains(#"missing required key "path" in required params"#))
    #expect(text.contains(#"this check needs an "id" [A001]"#))
    #expect(found.allSatisfy { $0.mark.file.hasSuffix("gate.yaml") })
  }

  @Test func errorsAndBudgetsBecomeErrorResultsAndTheRunGoesOn() throws {
    let report = try run(
      "checks:\n  - use: gov.boom\n  - use: gov.spin\n  - use: gov.bomb\n  - use: gov.owner\n")
    let bombs = report.results.filter { $0.checkID == "bomb" }
    #expect(bombs.count == 3 && bombs.allSatisfy { $0.status == .error })
    // Memory or wall clock, whichever a loaded machine hits first.
    #expect(bombs.allSatisfy { $0.message.contains("limit of") }, "\(bombs.map(\.message))")
    let boom = try #require(report.results.first { $0.checkID == "boom" })
    #expect(boom.status == .error)
    #expect(boom.message.contains("gov.lua:") && boom.message.contains("kaboom"))
    let spin = try #require(report.results.first { $0.checkID == "spin" })
    #expect(spin.status == .error)
    #expect(report.results.filter { $0.checkID == "owner" }.count == 3)
  }

  @Test func gateCountsErrorsUnlessToldOtherwise() throws {
    let failing = try run("checks:\n  - use: gov.boom\ngate: { fail_on: low }\n")
    #expect(failing.gateFailed)
    let lenient = try run("checks:\n  - use: gov.boom\ngate: { fail_on: low, errors: ignore }\n")
    #expect(!lenient.gateFailed)
  }

  @Test func gateThresholdIsInclusive() throws {
    let body = "checks:\n  - use: gov.ratio\n"  // b fails at medium
    #expect(try run(body) { $0.failOn = .medium }.gateFailed)
    #expect(try !run(body) { $0.failOn = .high }.gateFailed)
  }

  @Test func waiversWaiveUntilTheyExpire() throws {
    let body = """
      checks:
        - use: gov.owner
      waivers:
        - { check: owner, subject: "b*", reason: contractor model, owner: maria, expires: 2026-12-31 }
        - { check: owner, subject: c, reason: stale, owner: li, expires: 2026-01-31 }
      gate: { fail_on: high }
      """
    let report = try run(body)
    let b = try #require(report.results.first { $0.subjectID == "b" })
    #expect(b.status == .waived)
    #expect(b.waiver?.owner == "maria")
    #expect(!report.gateFailed)
    // The second waiver has expired and has nothing left to waive.
    #expect(report.warnings.map(\.code) == ["W010"])
    #expect(report.warnings[0].message.hasSuffix("it matches nothing now; remove it"))
    let later = try run(body) { $0.today = "2027-01-01" }
    #expect(later.gateFailed)
    #expect(later.warnings.map(\.code) == ["W010", "W010"])
    #expect(later.warnings[0].message.hasSuffix("the result is no longer waived"))
  }

  @Test func anExpiredWaiverSaysWhenAnotherStillHoldsTheFailure() throws {
    let report = try run(
      """
      checks:
        - use: gov.owner
      waivers:
        - { check: owner, subject: b, reason: old, owner: li, expires: 2026-01-31 }
        - { check: owner, subject: b, reason: renewed, owner: li, expires: 2026-12-31 }
      gate: { fail_on: high }
      """)
    #expect(report.results.first { $0.subjectID == "b" }?.status == .waived)
    #expect(!report.gateFailed)
    #expect(report.warnings.map(\.code) == ["W010"])
    #expect(report.warnings[0].message.contains("still waived by the waiver at"))
  }

  @Test func waiversOfChecksLeftOutAreNotJudged() throws {
    let body = """
      checks:
        - use: gov.owner
        - use: gov.boom
      waivers:
        - { check: owner, subject: b, reason: r, owner: o, expires: 2030-01-01 }
      """
    // `--only boom`: the owner check did not run, so its waiver cannot be
    // said to match nothing.
    #expect(try run(body) { $0.only = ["boom"] }.warnings.isEmpty)
    #expect(try run(body) { $0.skip = ["owner"] }.warnings.isEmpty)
    // A waiver of every check cannot be judged while any was left out, and
    // an expired one claims nothing about checks that did not run.
    let star = """
      checks:
        - use: gov.owner
        - use: gov.boom
      waivers:
        - { check: "*", subject: nobody, reason: r, owner: o, expires: 2030-01-01 }
        - { check: owner, subject: b, reason: r, owner: o, expires: 2020-01-01 }
      """
    let partial = try run(star) { $0.only = ["boom"] }
    #expect(partial.warnings.map(\.code) == ["W010"])
    #expect(partial.warnings[0].message.hasSuffix("(owner o)"))
    #expect(try run(star).warnings.map(\.code) == ["W011", "W010"])
  }

  @Test func aWaiverOfACheckThePlaybookLacksIsSaidWhateverRan() throws {
    let body = """
      checks:
        - use: gov.owner
        - use: gov.boom
      waivers:
        - { check: ownr, subject: b, reason: r, owner: o, expires: 2030-01-01 }
      """
    for report in [try run(body), try run(body) { $0.only = ["boom"] }] {
      #expect(report.warnings.map(\.code) == ["W011"])
      #expect(
        report.warnings.first?.message.hasSuffix(
          #"names no check of this playbook; did you mean "owner"?"#) == true)
    }
  }

  @Test func aWaiverCoversACheckThatErrors() throws {
    let report = try run(
      """
      checks:
        - use: gov.boom
      waivers:
        - { check: boom, subject: "*", reason: plugin fix pending, owner: o, expires: 2030-01-01 }
      gate: { fail_on: low }
      """)
    #expect(!report.results.isEmpty)
    #expect(report.results.allSatisfy { $0.status == .waived && $0.message.contains("kaboom") })
    #expect(!report.gateFailed)
    #expect(report.warnings.isEmpty)
  }

  @Test func waiversFromTheirOwnFile() throws {
    let report = try run(
      "checks:\n  - use: gov.owner\nwaivers: waivers.yaml\n",
      extra: [
        "waivers.yaml":
          "waivers:\n  - { check: owner, subject: b, reason: r, owner: o, expires: 2030-01-01 }\n"
      ])
    #expect(report.results.contains { $0.status == .waived })
  }

  @Test func badWaiverDateIsAnError() throws {
    let found = try loadProblems(
      "checks:\n  - use: gov.owner\nwaivers:\n  - { check: x, subject: y, reason: r, owner: o, expires: 2026-02-30 }\n"
    )
    #expect(found.map(\.code) == ["W003"])
  }

  @Test func builtinAndExpressionChecks() throws {
    let report = try run(
      """
      checks:
        - { id: staged, builtin: one_of, params: { path: stage, values: [production, staging] } }
        - id: ratio-range
          builtin: range
          params: { path: fairness.ratio, min: 0.8 }
        - id: prod-owner
          expr: steward.get(subject, "owner") ~= nil
          at: owner
          when: steward.get(subject, "stage") == "production"
      """)
    let s = report.results.map { "\($0.subjectID).\($0.checkID)=\($0.status.rawValue)" }
    #expect(
      s == [
        "a.staged=pass", "a.ratio-range=pass", "a.prod-owner=pass",
        "b.staged=pass", "b.ratio-range=fail", "b.prod-owner=skip",
        "c.staged=fail", "c.ratio-range=fail", "c.prod-owner=skip",
      ])
    let range = try #require(
      report.results.first { $0.subjectID == "b" && $0.checkID == "ratio-range" })
    #expect(range.message == "fairness.ratio is 0.62, below 0.8")
  }

  /// Lua names only the line; the column is the expression's value's.
  @Test(arguments: ["id: broken\n    expr", "use: gov.owner\n    when"])
  func aBrokenExpressionIsReportedAtItsPlaybookLineAndColumn(check: String) throws {
    let report = try run("checks:\n  - \(check): subject.x.y.z\n")
    let r = try #require(report.results.first)
    #expect(r.status == .error)
    #expect(r.message.contains("gate.yaml:8:11: "), "\(r.message)")
    #expect(r.mark.line == 8 && r.mark.column == 11)
  }

  /// Lua emits the last index of an expression when the wrapper closes it;
  /// the error must still name the expression's line, and inside a block
  /// scalar the line of the text at fault, not the `|` above it.
  @Test func anErrorInAnExpressionNamesTheLineAtFault() throws {
    let one = try #require(try run("checks:\n  - id: e\n    expr: nosuch.x\n").results.first)
    #expect(one.message.contains("gate.yaml:8:11: "), "\(one.message)")
    let block = try #require(
      try run(
        "checks:\n  - id: blk\n    expr: |\n      subject.id ~= nil\n        and nosuch.x == 1\n"
      ).results.first)
    #expect(block.message.contains("gate.yaml:10: "), "\(block.message)")
    #expect(block.mark.line == 10)
    let folded = try #require(
      try run("checks:\n  - id: f\n    expr: >\n      nosuch.x\n      == 1\n").results.first)
    // Folded onto one line, so Lua can only name the first.
    #expect(folded.message.contains("gate.yaml:9: "), "\(folded.message)")
    #expect(
      try loadProblems("checks:\n  - id: b\n    expr: |\n      subject.id ==\n").map(\.message)
        == [
          #""expr" does not compile: the expression ends too early (an operand or a closing bracket is missing)"#
        ])
  }

  @Test func onlyAndSkipByIdOrTag() throws {
    let body = "checks:\n  - use: gov.owner\n    tags: [people]\n  - use: gov.ratio\n"
    #expect(Set(try run(body) { $0.only = ["people"] }.results.map(\.checkID)) == ["owner"])
    #expect(Set(try run(body) { $0.skip = ["owner"] }.results.map(\.checkID)) == ["ratio"])
  }

  @Test(arguments: [2, 3, 8])
  func orderIsDeterministicWhateverTheWorkerCount(workers: Int) throws {
    let (_, path) = try playbook(
      "checks:\n  - use: gov.owner\n  - use: gov.ratio\n  - use: gov.boom\n")
    let audit = try AuditPlaybook.load(header: try PlaybookLoader.load(path: path), path: path)
    var one = AuditRunner(playbook: audit)
    one.workers = 1
    var many = AuditRunner(playbook: audit)
    many.workers = workers
    let reference = try one.run().results
    #expect(reference.count == 9)
    for _ in 0..<5 { #expect(try many.run().results == reference) }
  }

  /// Past 8,192 results the report's list is filled by several threads
  /// (FileResults.take): files of one and of many documents, in file order,
  /// each result where a one-worker run puts it.
  @Test func aLargeRunKeepsFileOrderOnEveryCore() throws {
    var extra: [String: String] = [:]
    for f in 0..<700 {
      let documents = f % 7 == 0 ? 9 : 1
      extra["models/m\(String(format: "%04d", f)).yaml"] = (0..<documents).map {
        "id: s\(f)-\($0)\nowner: team-\(f % 3)\nfairness: { ratio: 0.\(f % 10)\(($0 + 1) % 10) }\n"
      }.joined(separator: "---\n")
    }
    let (_, path) = try playbook(
      "checks:\n  - use: gov.owner\n  - use: gov.ratio\n  - id: e1\n    expr: \"true\"\n"
        + "  - id: e2\n    expr: subject.owner ~= nil\n  - id: b1\n    builtin: required\n"
        + "    params: { path: owner }\n  - id: b2\n    builtin: required\n    params: { path: id }\n",
      extra: extra)
    let audit = try AuditPlaybook.load(header: try PlaybookLoader.load(path: path), path: path)
    var one = AuditRunner(playbook: audit)
    one.workers = 1
    var two = AuditRunner(playbook: audit)
    two.workers = 2
    let reference = try one.run()
    #expect(reference.results.count == (600 + 100 * 9 + 3) * 6)
    #expect(reference.results.count > 8192)
    #expect(try two.run().results == reference.results)
    // File order, then document order, then check order, all of it.
    let checks = ["owner", "ratio", "e1", "e2", "b1", "b2"]
    let expected =
      ["a", "b", "c"]
      + (0..<700).flatMap { f in (0..<(f % 7 == 0 ? 9 : 1)).map { "s\(f)-\($0)" } }
    #expect(
      reference.results.map { "\($0.subjectID)/\($0.checkID)" }
        == expected.flatMap { subject in checks.map { "\(subject)/\($0)" } })
    let subjects = reference.results.map(\.subjectID)
    #expect(subjects.first == "a")
    #expect(subjects.contains("s0-8"))
    let firstOfSeven = try #require(subjects.firstIndex(of: "s7-0"))
    #expect(subjects[firstOfSeven..<firstOfSeven + 54].allSatisfy { $0.hasPrefix("s7-") })
    #expect(
      reference.results[firstOfSeven..<firstOfSeven + 6].map(\.checkID) == [
        "owner", "ratio", "e1", "e2", "b1", "b2",
      ])
  }

  /// A check that writes into its parameters must not see its own writes
  /// on the next subject: with one table per worker, what it saw would
  /// depend on how the subjects were shared out between the cores.
  @Test func aCheckThatModifiesItsParametersSeesFreshOnesOnEverySubject() throws {
    let meddler = """
      local p = steward.plugin{ name = "meddler", version = "1.0" }
      p:check{
        id = "count", description = "counts calls in its params", severity = "low",
        params = { seen = { type = "integer", default = 0 } },
        run = function(s, params, ctx)
          params.seen = params.seen + 1
          ctx.note = (ctx.note or 0) + 1
          return { status = "pass", evidence = { seen = params.seen, ctx = ctx.check } }
        end,
      }
      return p
      """
    let (_, path) = try playbook(
      "checks:\n  - use: meddler.count\n", extra: ["meddler.lua": meddler])
    var text = try String(contentsOfFile: path, encoding: .utf8)
    text = text.replacingOccurrences(of: "plugins: [gov.lua]", with: "plugins: [meddler.lua]")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let audit = try AuditPlaybook.load(header: try PlaybookLoader.load(path: path), path: path)
    for workers in [1, 2] {
      var runner = AuditRunner(playbook: audit)
      runner.workers = workers
      let results = try runner.run().results
      #expect(results.count == 3)
      // Params and ctx are read-only (decision 0024): the write is an error
      // on every subject, whatever the core count, and nothing leaks.
      #expect(
        results.allSatisfy {
          $0.status == .error && $0.message.contains("check count may not modify")
            && $0.message.contains("(field 'seen')")
        }, "\(results.map(\.message))")
    }
  }

  @Test func subjectsFromANamedInputAndItsOverride() throws {
    let body = "inputs:\n  cards: models/b.yaml\nchecks:\n  - use: gov.owner\n"
    let (scratch, path) = try playbook(body)
    var text = try String(contentsOfFile: path, encoding: .utf8)
    text = text.replacingOccurrences(of: "subjects: models\n", with: "subjects: cards\n")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let header = try PlaybookLoader.load(path: path)
    let declared = try AuditRunner(playbook: AuditPlaybook.load(header: header, path: path)).run()
    #expect(declared.subjects.map(\.id) == ["b"])
    let overridden = try AuditRunner(
      playbook: AuditPlaybook.load(
        header: header, path: path, inputs: ["cards": [scratch.path("models/a.yaml")]])
    ).run()
    #expect(overridden.subjects.map(\.id) == ["a"])
    #expect(throws: PlaybookError.self) {
      _ = try AuditPlaybook.load(header: header, path: path, inputs: ["nope": ["x"]])
    }
  }

  @Test func subjectsAreCheckedAgainstTheNamedSchemaBeforeAnyCheckRuns() throws {
    let schema =
      #"{"type": "object", "required": ["owner"], "properties": {"owner": {"type": "string"}}}"#
    let (_, path) = try playbook(
      "schema: card.schema.json\nchecks:\n  - use: gov.owner\n", extra: ["card.schema.json": schema]
    )
    let audit = try AuditPlaybook.load(header: try PlaybookLoader.load(path: path), path: path)
    #expect {
      _ = try AuditRunner(playbook: audit).run()
    } throws: { error in
      let found = (error as? PlaybookError)?.diagnostics ?? []
      return found.count == 1 && found[0].mark.file.hasSuffix("models/b.yaml")
        && found[0].message == #"the document: missing required field "owner""#
    }
  }

  @Test func aMissingSchemaFileIsAnErrorAtItsKey() throws {
    let found = try loadProblems("schema: nope.json\nchecks:\n  - use: gov.owner\n")
    #expect(found.map(\.code) == ["J006"])
    #expect(found.first?.mark.line == 6)
  }

  @Test func duplicateSubjectIdsAreAnError() throws {
    #expect(throws: PlaybookError.self) {
      _ = try run("checks:\n  - use: gov.owner\n", extra: ["models/d.yaml": "id: a\n"])
    }
  }
}
