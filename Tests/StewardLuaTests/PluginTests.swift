import StewardCore
import Testing

@testable import StewardLua

let governancePlugin = """
  local p = steward.plugin{ name = "ml-governance", version = "1.0", description = "Checks for model cards" }

  p:check{
    id = "has_owner",
    description = "Every model names an owning team",
    severity = "high",
    params = { min = { type = "number", default = 1 } },
    run = function(subject, params, ctx)
      if steward.get(subject, "owner") == nil then
        return { status = "fail", message = "no owner", at = "owner", evidence = { keys = 0 } }
      end
      return { status = "pass" }
    end,
    examples = {
      { subject = { name = "m" }, expect = "fail", at = "owner" },
      { subject = { name = "m", owner = "ads" }, expect = "pass" },
    },
  }

  p:scorer{ id = "maturity", run = function(answers) return steward.stats.mean(answers) end }
  p:rotation{ id = "round_robin", run = function(people, n) return people[(n % #people) + 1] end }
  p:step{ id = "noop", run = function() return { ok = true } end, timeout = 5 }
  p:register("check", { id = "second", run = function() return { status = "pass" } end })

  return p
  """

@Suite("Plugins: steward.plugin and registrations")
struct PluginTests {
  @Test func loadsAPluginWithItsRegistrations() throws {
    let vm = try makeVM()
    let plugin = try vm.loadPlugin(source: governancePlugin, chunkName: "ml-governance.lua")
    #expect(plugin.name == "ml-governance")
    #expect(plugin.version == "1.0")
    #expect(plugin.spec["description"] == "Checks for model cards")
    #expect(plugin.mark.description == "ml-governance.lua:1")
    #expect(plugin.registrations.map(\.kind) == ["check", "scorer", "rotation", "step", "check"])
    #expect(
      plugin.registrations.map(\.id) == ["has_owner", "maturity", "round_robin", "noop", "second"])
    let check = plugin.registrations[0]
    #expect(check.mark.description == "ml-governance.lua:3")
    #expect(check.spec.map?.keys == ["description", "examples", "id", "params", "severity"])
    #expect(check.spec["params"]?["min"]?["default"] == 1)
    #expect(check.spec["examples"]?[0]?["at"] == "owner")
    #expect(Array(check.functions.keys) == ["run"])
    #expect(plugin.registrations(kind: "check").count == 2)
    #expect(plugin.registrations[3].spec["timeout"] == 5)

    let run = try #require(check.functions["run"])
    #expect(run.mark.description == "ml-governance.lua:8")
    let fail = try vm.call(run, [["name": "m"], [:], [:]])
    #expect(
      fail == [["at": "owner", "evidence": ["keys": 0], "message": "no owner", "status": "fail"]])
    #expect(try vm.call(run, [["owner": "ads"], [:], [:]]) == [["status": "pass"]])

    let scorer = try #require(plugin.registrations[1].functions["run"])
    #expect(try vm.call(scorer, [[1, 2, 3, 4]]) == [2.5])
    let rotation = try #require(plugin.registrations[2].functions["run"])
    #expect(try vm.call(rotation, [["ana", "bo", "cy"], 4]) == ["bo"])
  }

  @Test(arguments: [
    ("return 42", "the chunk must return a plugin built with steward.plugin{...}, got number"),
    ("return {}", "got a table"),
    ("return steward.plugin{ version = '1' }", "name must be a non-empty string"),
    ("return steward.plugin{ name = 'x' }", "version must be a string"),
    (
      "local p = steward.plugin{ name = 'x', version = '1' } p:check{ run = function() end } return p",
      "id must be a non-empty string"
    ),
    (
      "local p = steward.plugin{ name = 'x', version = '1' } p:check{ id = 'a' } return p",
      "check 'a': run must be a function"
    ),
    (
      "local p = steward.plugin{ name = 'x', version = '1' } p.check{ id = 'a', run = print } return p",
      "must be called on a plugin with ':'"
    ),
    (
      "local p = steward.plugin{ name = 'x', version = '1' } p:register('widget', { id = 'a' }) return p",
      "the kind must be one of check, scorer, rotation, step"
    ),
    (
      "local p = steward.plugin{ name = 'x', version = '1' }\np:check{ id = 'a', run = function() end }\np:check{ id = 'a', run = function() end } return p",
      "duplicate check id 'a' (first registered at dup.lua:2)"
    ),
    (
      "local p = steward.plugin{ name = 'x', version = '1' } p:check{ id = 'a', run = function() end, params = { f = function() end } } return p",
      "check 'a'.params.f: a function cannot be converted"
    ),
  ])
  func invalidPluginsAreRefused(_ source: String, _ message: String) throws {
    let vm = try makeVM()
    do {
      _ = try vm.loadPlugin(source: source, chunkName: "dup.lua")
      Issue.record("loaded an invalid plugin")
    } catch let error as LuaError {
      #expect(error.message.contains(message), "\(error)")
      #expect(["L002", "L007"].contains(error.code))
      #expect(error.mark.file == "dup.lua")
    }
    try expectHealthy(vm)
  }

  @Test func registrationErrorsPointAtTheirLine() throws {
    let vm = try makeVM()
    do {
      _ = try vm.loadPlugin(
        source:
          "local p = steward.plugin{ name = 'x', version = '1' }\n\np:check{ id = '' }\nreturn p",
        chunkName: "plugin.lua")
    } catch let error as LuaError {
      #expect(error.description == "plugin.lua:3: p:check: id must be a non-empty string")
    }
  }

  @Test func registeringAfterLoadingIsRefused() throws {
    let vm = try makeVM()
    let plugin = try vm.loadPlugin(
      source: """
        local p = steward.plugin{ name = "late", version = "1.0" }
        p:check{ id = "a", run = function() p:check{ id = "b", run = function() end } end }
        return p
        """, chunkName: "late.lua")
    let run = try #require(plugin.registrations[0].functions["run"])
    expectLuaError(.runtime("a plugin can register only while its chunk loads")) {
      _ = try vm.call(run, [])
    }
  }

  @Test func functionsAreReleasedAndTiedToTheirVM() throws {
    let vm = try makeVM()
    let other = try makeVM()
    let plugin = try vm.loadPlugin(source: minimalPlugin, chunkName: "minimal.lua")
    let run = try #require(plugin.registrations[0].functions["run"])
    do {
      _ = try other.call(run, [])
    } catch let error as LuaError {
      #expect(error.code == "L008")
    }
    #expect(run.isAlive)
    run.release()
    #expect(!run.isAlive)
    do {
      _ = try vm.call(run, [])
      Issue.record("called a released function")
    } catch let error as LuaError {
      #expect(error.code == "L008")
    }
  }

  @Test func logReachesTheHost() throws {
    let lines = LogSink()
    let vm = try LuaVM(limits: testLimits) { level, message in lines.append("\(level): \(message)")
    }
    _ = try vm.evaluate(
      "steward.log.info('rows', 3, 2.5, true, nil, steward.null, {}) steward.log.warn('careful') steward.log.error('bad') steward.log.debug('x')",
      chunkName: "log.lua")
    #expect(
      lines.all == [
        "info: rows 3 2.5 true nil null table", "warning: careful", "error: bad", "debug: x",
      ])
  }
}

/// Collects log lines from the VM's `@Sendable` closure.
final class LogSink: @unchecked Sendable {
  private var lines: [String] = []
  func append(_ line: String) { lines.append(line) }
  var all: [String] { lines }
}
