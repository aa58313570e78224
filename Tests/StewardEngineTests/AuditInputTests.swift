import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// Input an audit refuses before any check runs (exit 2 on the command line).
extension AuditTests {
  @Test func anOnlyOrSkipThatNamesNothingIsRefusedWithASuggestion() throws {
    let body = "checks:\n  - use: gov.owner\n    tags: [people]\n  - use: gov.ratio\n"
    let refused = #expect(throws: PlaybookError.self) {
      _ = try run(body) {
        $0.only = ["peple"]
        $0.skip = ["ratio", "nothing-like-it"]
      }
    }
    let found = refused?.diagnostics ?? []
    #expect(found.map(\.code) == ["A012", "A012"])
    #expect(
      found.first?.message
        == #"--only peple: no check has the id or tag "peple"; did you mean "people"?"#)
    #expect(
      found.last?.message
        == #"--skip nothing-like-it: no check has the id or tag "nothing-like-it""#)
    #expect(found.allSatisfy { $0.mark.file.hasSuffix("gate.yaml") })
  }

  @Test func anOnlyAndSkipThatLeaveNothingAreRefused() throws {
    let body = "checks:\n  - use: gov.owner\n    tags: [people]\n  - use: gov.ratio\n"
    let refused = #expect(throws: PlaybookError.self) {
      _ = try run(body) {
        $0.only = ["people"]
        $0.skip = ["owner"]
      }
    }
    #expect(refused?.diagnostics.map(\.message) == ["--only and --skip leave no check to run"])
    #expect(try run(body) { $0.skip = ["people"] }.results.allSatisfy { $0.checkID == "ratio" })
  }
}

extension AuditTests {
  /// Compiled the way a worker compiles them, before anything runs: the
  /// problem is at the expression's value, not an error result per subject.
  @Test func expressionsThatDoNotCompileAreRefusedAtTheirValue() throws {
    let body = """
      checks:
        - use: gov.owner
          when: stage ==== "production"
        - id: staged
          expr: subject.stage ==
        - id: fine
          expr: subject.stage == "production"
          when: |
            subject.owner ~= nil
      """
    let found = try loadProblems(body)
    #expect(found.map(\.code) == ["L001", "L001"])
    #expect(
      found.map { "\($0.mark.line):\($0.mark.column) \($0.message)" } == [
        #"8:11 "when" does not compile: unexpected symbol near '=='"#,
        #"10:11 "expr" does not compile: the expression ends too early (an operand or a closing bracket is missing)"#,
      ])
    let (_, path) = try playbook(body)
    #expect(!Validator.validate(file: path).ok)
  }
}

extension AuditTests {
  @Test(arguments: [
    ("id: 42\n", "an int"), ("id: [x]\n", "a list"), ("id: \"\"\n", "an empty string"),
    ("id: \"  \"\n", "a blank string"), ("id:\n", "null"), ("id: true\n", "a bool"),
  ])
  func aSubjectIdThatIsNotANonEmptyStringIsRefusedAtItsValue(card: String, found: String)
    throws
  {
    let refused = #expect(throws: PlaybookError.self) {
      _ = try run(
        "checks:\n  - use: gov.owner\n", extra: ["models/d.yaml": "stage: dev\n" + card])
    }
    let problem = try #require(refused?.diagnostics.first)
    #expect(refused?.diagnostics.count == 1)
    #expect(problem.code == "A013")
    #expect(problem.message == "a subject's \"id\" must be a non-empty string, found \(found)")
    #expect(problem.mark.file.hasSuffix("models/d.yaml"))
    // An empty value's mark is where libyaml places the missing scalar.
    #expect(problem.mark.line == 2 && (found == "null" || problem.mark.column == 5))
  }

  /// Without an `id`, a subject is still named after its file.
  @Test func aSubjectWithoutAnIdIsNamedAfterItsFile() throws {
    let report = try run(
      "checks:\n  - use: gov.owner\n",
      extra: ["models/d.yaml": "stage: dev\n", "models/e.yaml": "a: 1\n---\nb: 2\n"])
    #expect(report.subjects.map(\.id) == ["a", "b", "c", "d", "e#1", "e#2"])
  }
}
