import StewardCore
import StewardLua
import Testing

@testable import StewardEngine

/// A check's result table is read field by field in a run; whatever a check
/// returns, that must give what converting the whole result gives, errors
/// included.
@Suite("Check results read as records agree with the general conversion")
struct CheckOutcomeTests {
  static let returns = [
    "true", "false", "nil", "'pass'", "'skip'", "'maybe'", "42", "{}", "steward.map{}",
    "{ status = 'pass' }",
    "{ status = 'fail', message = 'no owner', at = 'owner' }",
    "{ status = 'pass', evidence = { ratio = 0.91, groups = { 'en', 'es' } } }",
    "{ status = 'fail', evidence = { steward.null, 2 } }",
    "{ status = 'error', message = 'x', at = 'a.b[0]', evidence = 'text' }",
    "{ status = 3 }", "{ message = 'no status' }", "{ status = 'pass', message = 7 }",
    "{ status = 'pass', extra = 1 }", "{ status = 'pass', [1] = 'x' }",
    "{ status = 'pass', evidence = { f = print } }", "{ status = print }",
    "{ status = 'pass', message = '\\255' }", "{ status = 'pass', evidence = 0/0 }",
    "{ status = 'pass', at = steward.null }", "'pass', 2", "'pass', print",
  ]

  @Test func resultTablesAreReadAsRecords() throws {
    let (vm, run) = try check("{ status = 'fail', at = 'owner', evidence = { n = 1 } }")
    guard case .record(let fields) = try vm.call(run, arguments: [], record: CheckOutcome.fields)
    else {
      Issue.record("not read as a record")
      return
    }
    #expect(fields[0] == "fail" && fields[1] == nil && fields[2] == "owner")
    #expect(fields[3] == ["n": 1])
    let (vm2, other) = try check("{ status = 'pass', extra = 1 }")
    guard case .value = try vm2.call(other, arguments: [], record: CheckOutcome.fields) else {
      Issue.record("an unknown key must fall back to the general conversion")
      return
    }
  }

  @Test func aReturnedValueOfTheWrongTypeIsNamedWithItsArticle() throws {
    let (vm, run) = try check("42")
    let parsed = CheckOutcome.parse(try vm.call(run, []).first)
    #expect(parsed.status == .error)
    #expect(parsed.message.hasPrefix("the check returned an int; "), "\(parsed.message)")
  }

  func check(_ expression: String) throws -> (LuaVM, LuaFunction) {
    let vm = try LuaVM(limits: .default)
    let plugin = try vm.loadPlugin(
      source: """
        local p = steward.plugin{ name = "r", version = "1" }
        p:check{ id = "c", run = function() return \(expression) end }
        return p
        """, chunkName: "r.lua")
    return (vm, try #require(plugin.registrations.first?.functions["run"]))
  }

  @Test(arguments: returns) func sameOutcome(_ expression: String) throws {
    let (vm, run) = try check(expression)
    let general = Result { CheckOutcome.parse(try vm.call(run, []).first) }
    let record = Result {
      CheckOutcome.parse(try vm.call(run, arguments: [], record: CheckOutcome.fields))
    }
    switch (general, record) {
    case (.success(let a), .success(let b)):
      #expect(a.status == b.status)
      #expect(a.message == b.message)
      #expect(a.at == b.at)
      #expect(a.evidence == b.evidence)
    case (.failure(let a), .failure(let b)):
      #expect("\(a)" == "\(b)")
    default:
      Issue.record("\(expression): general \(general), record \(record)")
    }
  }
}
