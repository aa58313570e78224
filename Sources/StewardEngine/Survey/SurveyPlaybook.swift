import Foundation
public import StewardCore

/// A survey playbook read and validated, ready to score a responses file.
/// Every problem with the playbook is found here, all at once
/// (``PlaybookError``), before a response is read. The format is in
/// docs/survey.md.
public struct SurveyPlaybook: Sendable {
  /// What to do with a response row that does not fit the questions.
  public enum BadResponsePolicy: String, Sendable, CaseIterable {
    /// Every bad row is an error; nothing is scored (the default).
    case error
    /// A bad row is a warning and is left out of the scores.
    case drop
  }

  /// How a group's maturity level is decided.
  public enum Method: Sendable, Equatable {
    /// Cumulative criteria: a level needs its criteria and all below it.
    case rules
    /// The weighted mean of the scale questions against `min_score` cut-offs.
    case weighted
    /// A Lua scorer, `use: PLUGIN.SCORER`, with its parameters.
    case lua(plugin: String, scorer: String, params: Value)
  }

  public var header: PlaybookHeader
  public var path: String
  public var questions: [SurveyQuestion]
  /// Declared dimensions (id, title) in order; derived from the questions
  /// when the playbook declares none.
  public var dimensions: [(id: String, title: String)]
  public var levels: [SurveyLevel]
  public var method: Method
  /// The respondent columns to group by, in order.
  public var groups: [String]
  public var minGroupSize: Int
  public var onBadResponse: BadResponsePolicy
  /// The responses CSV, resolved (relative to the playbook, or as given
  /// with `--input responses=PATH`).
  public var responsesPath: String
  public var responsesMark: SourceMark
  /// The column naming the respondent.
  public var respondentColumn: String
  /// Metadata columns every responses file must have (groups included).
  public var metadataColumns: [String]
  /// A traffic-light card's trend is "stable" unless its score (green 2,
  /// yellow 1, red 0, averaged) moved by more than this.
  public var trendTolerance: Double
  public var registry: PluginRegistry
  /// The metadata column whose dates name the period (``SurveyPeriod``).
  public var dateColumn: String? = nil
  /// Teams and their headcount (``SurveyRoster``); nil without `roster:`.
  public var roster: SurveyRoster? = nil

  /// The questions a level needs answered: every question a criterion
  /// names, and under the weighted method every weighted scale question.
  /// A responses file without a column for one is an error (Q104): each
  /// team would otherwise drop to the lowest level, and history would
  /// show a regression that never happened.
  public var levelQuestions: Set<String> {
    switch method {
    case .rules: Set(levels.flatMap { $0.criteria.flatMap(\.questions) })
    case .weighted: Set(questions.filter { $0.scale.points != nil && $0.weight > 0 }.map(\.id))
    case .lua: []
    }
  }

  public var baseDirectory: String { (path as NSString).deletingLastPathComponent }

  public func question(_ id: String) -> SurveyQuestion? { questions.first { $0.id == id } }

  static let questionFields: [FieldSpec] = [
    FieldSpec("id", .identifier, required: true, doc: "the CSV column of the answers"),
    FieldSpec("text", .string, required: true, doc: "the question as asked"),
    FieldSpec("dimension", .string, required: true, doc: "the dimension it scores into"),
    FieldSpec(
      "type", .oneOf(SurveyQuestion.typeNames), required: true, doc: "the kind of answer"),
    FieldSpec("weight", .number, doc: "its weight in the weighted score (default 1)"),
    FieldSpec("required", .bool, doc: "whether a blank answer is a bad response"),
    FieldSpec("points", .int, doc: "likert: the number of points (default 5)"),
    FieldSpec("labels", .list(.string), doc: "labelled: the scale, lowest first"),
    FieldSpec("options", .list(.string), doc: "single and multiple: the choices"),
    FieldSpec("separator", .string, doc: "multiple: between choices in a cell (default ;)"),
    FieldSpec("min", .number, doc: "number: the smallest answer allowed"),
    FieldSpec("max", .number, doc: "number: the largest answer allowed"),
  ]

  static let responsesFields: [FieldSpec] = [
    FieldSpec("file", .string, required: true, doc: "the CSV file, relative to the playbook"),
    FieldSpec("id", .string, doc: "the respondent id column (default respondent)"),
    FieldSpec("metadata", .list(.string), doc: "respondent columns besides the answers"),
    FieldSpec(
      "date", .string,
      doc: "the metadata column of answer dates, which name the period (default date)"
    ),
  ]

  static let scoringFields: [FieldSpec] = [
    FieldSpec("method", .oneOf(["rules", "weighted", "lua"]), doc: "how levels are decided"),
    FieldSpec("use", .string, doc: "lua: PLUGIN.SCORER"),
    FieldSpec("params", .map, doc: "lua: parameters passed to the scorer"),
    FieldSpec("trend_tolerance", .number, doc: "traffic lights: smallest move that is a trend"),
  ]

  static let dimensionFields: [FieldSpec] = [
    FieldSpec("id", .string, required: true, doc: "the dimension's id"),
    FieldSpec("title", .string, doc: "its name in reports"),
    FieldSpec("description", .string, doc: "what it measures"),
  ]

  /// Reads the survey body of `header`'s document. `inputs["responses"]`
  /// (from `--input responses=PATH`) replaces the responses file.
  public static func load(
    header: PlaybookHeader, path: String, pluginPath: [String] = [],
    inputs overrides: [String: [String]] = [:]
  ) throws -> SurveyPlaybook {
    try load(
      header: header, path: path, pluginPath: pluginPath,
      inputs: ResolvedInputs(
        header: header, path: path, overrides: overrides, declaration: SurveyKind.inputs))
  }

  /// Reads the survey body with its inputs already resolved.
  public static func load(
    header: PlaybookHeader, path: String, pluginPath: [String] = [], inputs: ResolvedInputs
  ) throws -> SurveyPlaybook {
    let document = header.document
    let base = inputs.base
    var problems: [Diagnostic] = inputs.problems

    // Questions.
    var questions: [SurveyQuestion] = []
    var seenQuestions: [String: SourceMark] = [:]
    let questionItems = document["questions"]?.list ?? []
    if questionItems.isEmpty {
      problems.append(
        Diagnostic(
          at: document["questions"]?.mark ?? document.mark, code: "Q001",
          "a survey needs at least one question under \"questions:\""))
    }
    for item in questionItems {
      let found = SchemaValidator(fields: questionFields, context: "question").problems(in: item)
      problems += found
      if let id = item["id"]?.string {
        if let first = seenQuestions[id] {
          problems.append(
            Diagnostic(
              at: item["id"]?.mark ?? item.mark, code: "Q003",
              "question id \"\(id)\" is used twice (first at \(first))"))
          continue
        }
        seenQuestions[id] = item.mark
      }
      guard found.isEmpty, let q = parseQuestion(item, problems: &problems) else { continue }
      questions.append(q)
    }

    // Dimensions.
    var dimensions: [(id: String, title: String)] = []
    if let declared = document["dimensions"]?.list {
      for item in declared {
        var id: String?
        var title: String?
        if let s = item.string {
          id = s
        } else {
          let found = SchemaValidator(fields: dimensionFields, context: "dimension")
            .problems(in: item)
          problems += found
          if found.isEmpty {
            id = item["id"]?.string
            title = item["title"]?.string
          }
        }
        guard let id else { continue }
        if dimensions.contains(where: { $0.id == id }) {
          problems.append(
            Diagnostic(at: item.mark, code: "Q004", "dimension \"\(id)\" is declared twice"))
          continue
        }
        dimensions.append((id, title ?? id))
      }
      for q in questions where !dimensions.contains(where: { $0.id == q.dimension }) {
        problems.append(
          Diagnostic(
            at: q.mark, code: "Q005",
            "question \(q.id) scores into dimension \"\(q.dimension)\", which \"dimensions:\" does not declare"
              + " (declared: \(dimensions.map(\.id).joined(separator: ", ")))"))
      }
    } else {
      for q in questions where !dimensions.contains(where: { $0.id == q.dimension }) {
        dimensions.append((q.dimension, q.dimension))
      }
    }

    // Responses.
    var responsesPath = ""
    var responsesMark = document.mark
    var respondentColumn = "respondent"
    var metadata: [String] = []
    var responsesValue: Value?
    var dateColumn: String?
    if let responses = document["responses"] {
      responsesMark = responses.mark
      if responses.string != nil {
        responsesValue = responses
      } else {
        let found = SchemaValidator(fields: responsesFields, context: "responses")
          .problems(in: responses)
        problems += found
        responsesValue = responses["file"]
        respondentColumn = responses["id"]?.string ?? respondentColumn
        metadata = responses["metadata"]?.list?.compactMap(\.string) ?? []
        if let date = responses["date"] {
          dateColumn = date.string
          if let column = dateColumn, !metadata.contains(column) {
            problems.append(
              Diagnostic(
                at: date.mark, code: "Q024",
                "the date column \"\(column)\" is not one of responses.metadata"))
          }
        }
      }
    }
    let given = inputs.overrides["responses"]
    if let given, given.count != 1 {
      problems.append(
        Diagnostic(
          at: inputs.commandLine, code: "I002",
          "--input responses=PATH takes one CSV file, got \(given.count)"))
    }
    if let found = inputs.paths("responses", declared: responsesValue)?.first {
      (responsesPath, responsesMark) = found
    }
    if responsesPath.isEmpty {
      problems.append(
        Diagnostic(
          at: document.mark, code: "Q021",
          "a survey needs \"responses:\" (a CSV file) or --input responses=PATH"))
    }

    // Groups and anonymity.
    let groups = document["groups"]?.list?.compactMap(\.string) ?? []
    for (i, column) in groups.enumerated() {
      if groups[..<i].contains(column), let item = document["groups"]?[i] {
        problems.append(
          Diagnostic(at: item.mark, code: "Q022", "group column \"\(column)\" is listed twice"))
      }
      if seenQuestions[column] != nil, let item = document["groups"]?[i] {
        problems.append(
          Diagnostic(
            at: item.mark, code: "Q022",
            "\"\(column)\" is a question; groups are respondent columns (team, role, …)"))
      }
    }
    for column in groups where !metadata.contains(column) { metadata.append(column) }
    var minGroupSize = 5
    if let value = document["min_group_size"], let n = value.int {
      if n < 1 {
        problems.append(
          Diagnostic(at: value.mark, code: "Q023", "min_group_size must be at least 1, found \(n)"))
      }
      minGroupSize = Int(max(1, n))
    }
    var roster: SurveyRoster?
    if let value = document["roster"] {
      roster = SurveyRoster.parse(value, base: base, groups: groups, problems: &problems)
    }
    var policy = BadResponsePolicy.error
    if let value = document["on_bad_response"], let s = value.string {
      policy = BadResponsePolicy(rawValue: s) ?? .error
    }

    // Levels and scoring.
    let scoring = document["scoring"]
    if let scoring {
      problems += SchemaValidator(fields: scoringFields, context: "scoring").problems(in: scoring)
    }
    var levels: [SurveyLevel] = []
    for item in document["levels"]?.list ?? [] {
      let found = SchemaValidator(fields: SurveyLevel.fields, context: "level").problems(in: item)
      problems += found
      guard found.isEmpty,
        let level = parseLevel(
          item, questions: questions, dimensions: dimensions, problems: &problems)
      else { continue }
      if levels.contains(where: { $0.id == level.id }) {
        problems.append(
          Diagnostic(at: item.mark, code: "Q010", "level \"\(level.id)\" is declared twice"))
        continue
      }
      levels.append(level)
    }
    var registry = PluginRegistry(searchPath: pluginPath)
    let method = resolveMethod(
      scoring: scoring, levels: levels, registry: &registry, header: header, base: base,
      problems: &problems)
    let tolerance = scoring?["trend_tolerance"]?.number ?? 0.1

    if !problems.isEmpty { throw PlaybookError(problems) }
    var playbook = SurveyPlaybook(
      header: header, path: path, questions: questions, dimensions: dimensions, levels: levels,
      method: method, groups: groups, minGroupSize: minGroupSize, onBadResponse: policy,
      responsesPath: responsesPath, responsesMark: responsesMark,
      respondentColumn: respondentColumn, metadataColumns: metadata, trendTolerance: tolerance,
      registry: registry)
    playbook.roster = roster
    playbook.dateColumn = dateColumn ?? (metadata.contains("date") ? "date" : nil)
    return playbook
  }
}
