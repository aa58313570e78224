import Foundation
import StewardCore
import Testing

@testable import StewardEngine

@Suite struct LuaPlaybookTests {
  static let yaml = """
    steward: 1
    kind: ritual
    name: papers
    timezone: Europe/Berlin
    rituals:
      - id: papers
        cadence: weekly on thursday
        start: "2026-06-04"
        time: "16:00"
        data: {topics: [ranking, uplift, bandits]}
    """

  static let lua = """
    -- The same playbook, built with a loop.
    local topics = {}
    for _, t in ipairs({ "ranking", "uplift", "bandits" }) do topics[#topics + 1] = t end
    local papers = {
      id = "papers",
      cadence = "weekly on thursday",
      start = "2026-06-04",
      time = "16:00",
      data = { topics = topics },
    }
    return {
      steward = 1, kind = "ritual", name = "papers",
      timezone = "Europe/Berlin",
      rituals = { papers },
    }
    """

  @Test func aLuaPlaybookReadsLikeItsYAMLForm() throws {
    let scratch = try Scratch(["p.yaml": Self.yaml, "p.lua": Self.lua])
    let fromYAML = try PlaybookLoader.load(path: scratch.path("p.yaml"))
    let fromLua = try PlaybookLoader.load(path: scratch.path("p.lua"))
    #expect(fromLua.document == fromYAML.document)
    // Keys come back in source order, as YAML keeps them.
    #expect(fromLua.document.map?.keys == ["steward", "kind", "name", "timezone", "rituals"])
    #expect(
      fromLua.document["rituals"]?[0]?.map?.keys == ["id", "cadence", "start", "time", "data"])
    let ritual = try RitualPlaybook.load(
      header: fromLua, path: scratch.path("p.lua"),
      today: LocalDate(year: 2026, month: 11, day: 30)!)
    #expect(ritual.rituals.map(\.id) == ["papers"])
  }

  @Test func marksPointIntoTheLuaSource() throws {
    let scratch = try Scratch(["p.lua": Self.lua])
    let document = try PlaybookLoader.load(path: scratch.path("p.lua")).document
    let papers = try #require(document["rituals"]?[0])
    // Through the local `papers`: its constructor on line 4, `cadence` on line 6.
    #expect(papers.mark.line == 4 && papers.mark.column == 16)
    let cadence = try #require(papers.map?.entry("cadence"))
    #expect(cadence.keyMark.line == 6 && cadence.keyMark.column == 3)
    #expect(cadence.value.mark.line == 6 && cadence.value.mark.column == 13)
    // A table filled by code is marked at the constructor of the local it
    // came from, its items too.
    #expect(papers["data"]?["topics"]?.mark.line == 2)
    #expect(papers["data"]?["topics"]?[1]?.mark.line == 2)
    #expect(papers["data"]?.mark.line == 9)
    #expect(document["kind"]?.mark.line == 12 && document["kind"]?.mark.column == 23)
  }

  @Test func schemaErrorsInALuaPlaybookHaveLineAndColumn() throws {
    let bad = Self.lua.replacingOccurrences(of: "time = ", with: "tmie = ")
      .replacingOccurrences(of: "weekly on thursday", with: "monthly on the fifth tuesday")
    let scratch = try Scratch(["p.lua": bad])
    let path = scratch.path("p.lua")
    var problems: [Diagnostic] = []
    do {
      _ = try RitualPlaybook.load(
        header: try PlaybookLoader.load(path: path), path: path,
        today: LocalDate(year: 2026, month: 11, day: 30)!)
    } catch {
      problems = Validator.diagnostics(of: error, file: path)
    }
    let shown = problems.map { "\($0.mark.line):\($0.mark.column) \($0.code)" }
    #expect(shown == ["8:3 S003", "4:16 S005"], "\(problems)")
    let header = Self.lua.replacingOccurrences(of: "kind = \"ritual\"", with: "kind = \"ritaul\"")
    let s2 = try Scratch(["p.lua": header])
    #expect(throws: PlaybookError.self) { try PlaybookLoader.load(path: s2.path("p.lua")) }
    do {
      _ = try PlaybookLoader.load(path: s2.path("p.lua"))
    } catch let error as PlaybookError {
      #expect(error.diagnostics.first?.mark.line == 12)
      #expect(error.diagnostics.first?.mark.column == 23)
    }
  }

  @Test func aFunctionOrANonTableIsAnErrorAtItsPlace() throws {
    let scratch = try Scratch([
      "f.lua":
        "return {\n  steward = 1, kind = \"ritual\", name = \"x\",\n  rituals = { { id = \"a\", run = function() end } },\n}\n",
      "n.lua": "return 42\n",
      "e.lua": "local t = {}\nreturn t.missing.field\n",
    ])
    for (file, code, line) in [("f.lua", "U002", 3), ("n.lua", "U001", 1), ("e.lua", "L002", 2)] {
      do {
        _ = try PlaybookLoader.load(path: scratch.path(file))
        Issue.record("\(file) loaded")
      } catch {
        let d = Validator.diagnostics(of: error, file: scratch.path(file)).first
        #expect(d?.code == code, "\(file): \(String(describing: d))")
        #expect(d?.mark.line == line, "\(file): \(String(describing: d))")
      }
    }
  }

  @Test func aHostileLuaPlaybookStopsAtTheBudget() throws {
    let scratch = try Scratch(["loop.lua": "while true do end\n"])
    do {
      _ = try PlaybookLoader.load(path: scratch.path("loop.lua"))
      Issue.record("an endless loop loaded")
    } catch {
      let d = Validator.diagnostics(of: error, file: scratch.path("loop.lua")).first
      #expect(["L003", "L005"].contains(d?.code ?? ""), "\(String(describing: d))")
      #expect(d?.mark.file.hasSuffix("loop.lua") ?? false)
    }
  }

  @Test func theShippedPaperGroupMixesTeams() throws {
    let path = Scratch.packageRoot.appendingPathComponent("Playbooks/paper-group.lua").path
    let playbook = try RitualPlaybook.load(
      header: try PlaybookLoader.load(path: path), path: path,
      today: LocalDate(year: 2026, month: 11, day: 30)!)
    let scheduler = try RitualScheduler(playbook: playbook)
    let ritual = playbook.rituals[0]
    let dates = ritual.cadence.dates(start: ritual.start, limit: 60)
    let presenters = scheduler.rotate(ritual, dates: dates).map(\.0)
    #expect(presenters.allSatisfy { $0 != nil })
    let teams = presenters.map { playbook.roster.person($0 ?? "")?.team }
    for (a, b) in zip(teams, teams.dropFirst()) { #expect(a != b) }
    #expect(scheduler.warnings.isEmpty)
  }

  /// Any kind can be written in Lua: an audit whose checks are generated
  /// by a loop, run like its YAML form.
  @Test func anAuditPlaybookInLuaRuns() throws {
    let lua = """
      local checks = {}
      for _, field in ipairs({ "owner", "stage" }) do
        checks[#checks + 1] = {
          id = "has-" .. field, builtin = "required", params = { path = field }, severity = "high",
        }
      end
      return {
        steward = 1, kind = "audit", name = "cards",
        subjects = "cards/",
        checks = checks,
      }
      """
    let scratch = try Scratch([
      "audit.lua": lua, "cards/a.yaml": "id: a\nowner: recs\nstage: prod\n",
      "cards/b.yaml": "id: b\nstage: prod\n",
    ])
    let path = scratch.path("audit.lua")
    let audit = try AuditPlaybook.load(header: try PlaybookLoader.load(path: path), path: path)
    let report = try AuditRunner(playbook: audit).run()
    let failed = report.results.filter { $0.status == .fail }.map {
      "\($0.subjectID) \($0.checkID)"
    }
    #expect(failed == ["b has-owner"])
    #expect(report.results.count == 4)
  }

  @Test func validateReadsALuaPlaybookAsAPlaybook() throws {
    let path = Scratch.packageRoot.appendingPathComponent("Playbooks/paper-group.lua").path
    let result = Validator.validate(file: path)
    #expect(result.ok)
    #expect(result.summary == "ritual playbook paper-group (1 ritual)")
  }
}
