import Foundation
import StewardCore
import StewardYAML

@testable import StewardEngine

/// A survey playbook and its responses in a scratch folder.
struct SurveyFixture {
  let scratch: Scratch
  let playbook: SurveyPlaybook

  /// `yaml` is written as survey.yaml, `files` next to it (responses.csv, …).
  init(_ yaml: String, files: [String: String] = [:], inputs: [String: [String]] = [:]) throws {
    scratch = try Scratch(files.merging(["survey.yaml": yaml]) { a, _ in a })
    let path = scratch.path("survey.yaml")
    let header = try PlaybookHeader.parse(try YAMLLoader.load(yaml, file: path)[0])
    playbook = try SurveyPlaybook.load(header: header, path: path, inputs: inputs)
  }

  func responses() throws -> SurveyResponses { try SurveyResponses.load(for: playbook) }

  func report(previous: SurveyReport? = nil) throws -> SurveyReport {
    SurveyScorer.score(playbook, try responses(), previous: previous)
  }

  /// The diagnostics a failing call throws.
  static func problems(_ body: () throws -> Void) -> [Diagnostic] {
    do {
      try body()
      return []
    } catch let error as PlaybookError {
      return error.diagnostics
    } catch {
      return Validator.diagnostics(of: error, file: "")
    }
  }
}

extension SurveyGroupScore {
  func question(_ id: String) -> SurveyQuestionScore? { questions.first { $0.id == id } }
  func dimension(_ id: String) -> SurveyDimensionScore? { dimensions.first { $0.id == id } }
}

extension SurveyReport {
  func group(_ column: String, _ name: String) -> SurveyGroupScore? {
    groupings.first { $0.column == column }?.groups.first { $0.name == name }
  }
}

func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
  guard let a else { return false }
  return abs(a - b) <= tolerance
}
