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
}
