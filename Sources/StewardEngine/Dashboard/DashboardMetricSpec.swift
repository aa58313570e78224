import Foundation
public import StewardCore
import StewardLua

/// The metrics a dashboard can compute without code. Each reads named
/// inputs or the history store; `params` say which (docs/dashboard.md).
public enum DashboardBuiltin: String, Sendable, CaseIterable {
  case headcount
  case models_in_production
  case ab_tests
  case win_rate
  case attributed_revenue
  case team_cost
  case roi
  case team_health
  case maturity
  case audit

  var title: String {
    switch self {
    case .headcount: "Data-science headcount"
    case .models_in_production: "Models in production"
    case .ab_tests: "A/B tests launched this month"
    case .win_rate: "Experiment win rate"
    case .attributed_revenue: "Attributed revenue (estimate)"
    case .team_cost: "Team cost"
    case .roi: "ROI"
    case .team_health: "Team health"
    case .maturity: "Maturity level"
    case .audit: "Audit pass rate"
    }
  }

  var format: DashboardValueFormat {
    switch self {
    case .headcount, .models_in_production, .ab_tests: .count
    case .win_rate, .team_health, .audit: .percent
    case .attributed_revenue, .team_cost: .currency
    case .roi: .multiple
    case .maturity: .level
    }
  }

  /// Which way is good news unless the playbook says otherwise. Headcount
  /// is neither; the win rate is judged by its band, not its direction
  /// (above 80 % the team is not testing enough); cost is better lower.
  var better: DashboardBetter {
    switch self {
    case .headcount, .win_rate: .none
    case .team_cost: .down
    case .models_in_production, .ab_tests, .attributed_revenue, .roi, .team_health, .maturity,
      .audit:
      .up
    }
  }

  /// Parameters that name an input, with the input each defaults to.
  var inputParams: [(param: String, input: String)] {
    switch self {
    case .headcount: [("people", "people"), ("plan", "plan")]
    case .models_in_production: [("cards", "models"), ("deployments", "deployments")]
    case .ab_tests, .win_rate: [("experiments", "experiments")]
    case .attributed_revenue, .team_cost: [("finance", "finance")]
    case .roi, .team_health, .maturity, .audit: []
    }
  }

  /// Inputs a metric can do without (the hiring plan, the deployment log).
  var optionalInputs: Set<String> {
    switch self {
    case .headcount: ["plan"]
    case .models_in_production: ["deployments"]
    default: []
    }
  }

  var params: [FieldSpec] {
    let inputs = inputParams.map { FieldSpec($0.param, .string, doc: "the input to read") }
    switch self {
    case .headcount, .models_in_production, .ab_tests: return inputs
    case .win_rate:
      return inputs + [
        FieldSpec("window", .int, doc: "months of concluded experiments counted (default 6)"),
        FieldSpec("warn_above", .number, doc: "warn when the win rate is above this (default 0.8)"),
      ]
    case .attributed_revenue, .team_cost:
      return inputs + [
        FieldSpec("column", .string, doc: "the finance column summed"),
        FieldSpec("low", .string, doc: "the column of the estimate's low end"),
        FieldSpec("high", .string, doc: "the column of the estimate's high end"),
        FieldSpec("window", .int, doc: "months summed, ending with the period (default 12)"),
      ]
    case .roi:
      return [
        FieldSpec(
          "form", .oneOf(["multiple", "finance"]), doc: "revenue ÷ cost, or (revenue − cost) ÷ cost"
        ),
        FieldSpec("revenue", .string, doc: "the revenue metric's id (default attributed_revenue)"),
        FieldSpec("cost", .string, doc: "the cost metric's id (default team_cost)"),
      ]
    case .team_health:
      return [
        FieldSpec("survey", .string, doc: "the survey playbook's name in the history"),
        FieldSpec(
          "question", .string, doc: "the question whose share agreeing and eNPS are reported"),
        FieldSpec("agree", .string, doc: "the dimension whose top-two-box share is reported"),
        FieldSpec("enps", .string, doc: "the result row holding eNPS (default: one named enps)"),
        FieldSpec("group", .string, doc: "the grouping column shown per team (default team)"),
      ]
    case .maturity:
      return [
        FieldSpec(
          "survey", .string, required: true, doc: "the survey playbook's name in the history"),
        FieldSpec("levels", .list(.any), doc: "level ids, lowest first, when they are not numbers"),
        FieldSpec(
          "summary", .oneOf(DashboardMetrics.MaturitySummary.allCases.map(\.rawValue)),
          doc: "the organisation's level: overall (default), lowest, highest or started"),
        FieldSpec("group", .string, doc: "the grouping column shown per team (default team)"),
      ]
    case .audit:
      return [FieldSpec("playbook", .string, required: true, doc: "the audit playbook's name")]
    }
  }
}

/// One metric of a dashboard playbook: a built-in, a Lua expression over
/// the other metrics, or a Lua chunk over the inputs.
public struct DashboardMetricSpec: Sendable {
  public enum Source: Sendable {
    case builtin(DashboardBuiltin)
    /// A Lua expression; every earlier metric's value is a global.
    case expression(String)
    /// A Lua chunk returning a number (or `{value=, low=, high=, detail=}`).
    case lua(String)
  }

  public var id: String
  public var title: String
  public var description: String?
  public var source: Source
  public var params: Value
  public var format: DashboardValueFormat
  public var headline: Bool
  /// Which way is good news: `better:`, or the built-in's, or none.
  public var better: DashboardBetter
  public var mark: SourceMark
  /// The mark of the Lua source, for line numbers in Lua errors.
  public var codeMark: SourceMark

  static let fields: [FieldSpec] = [
    FieldSpec("id", .identifier, doc: "the metric's id (default: the built-in's name)"),
    FieldSpec("title", .string, doc: "its name in reports"),
    FieldSpec("description", .string, doc: "what it means, shown under the number"),
    FieldSpec(
      "builtin", .oneOf(DashboardBuiltin.allCases.map(\.rawValue)), doc: "a built-in metric"),
    FieldSpec("params", .map, doc: "the built-in's parameters"),
    FieldSpec("expression", .string, doc: "a Lua expression over earlier metrics"),
    FieldSpec("lua", .string, doc: "a Lua chunk over inputs, metrics and period"),
    FieldSpec(
      "format", .oneOf(DashboardValueFormat.allCases.map(\.rawValue)), doc: "how the number reads"),
    FieldSpec("headline", .bool, doc: "one of the monthly post's headline numbers"),
    FieldSpec(
      "better", .oneOf(DashboardBetter.allCases.map(\.rawValue)),
      doc: "which way is good news: up, down or none (the colour of the change)"),
  ]

  /// `item` as a metric, or nil with its problems added.
  static func parse(_ item: Value, inputs: [String: [String]], problems: inout [Diagnostic])
    -> DashboardMetricSpec?
  {
    let found = SchemaValidator(fields: fields, context: "metric").problems(in: item)
    problems += found
    guard found.isEmpty else { return nil }
    let kinds = ["builtin", "expression", "lua"].filter { item[$0] != nil }
    guard kinds.count == 1 else {
      problems.append(
        Diagnostic(
          at: item.mark, code: "D012",
          "a metric has exactly one of \"builtin\", \"expression\" or \"lua\""
            + (kinds.isEmpty ? "" : " (found \(kinds.joined(separator: " and ")))")))
      return nil
    }
    let params = item["params"] ?? Value(.map(OrderedMap([])), mark: item.mark)
    var source: Source
    var codeMark = item.mark
    var format = item["format"]?.string.flatMap(DashboardValueFormat.init(rawValue:))
    var defaultTitle: String
    var defaultID: String?
    var better = DashboardBetter.none
    if let name = item["builtin"]?.string, let builtin = DashboardBuiltin(rawValue: name) {
      source = .builtin(builtin)
      defaultTitle = builtin.title
      if builtin == .roi {
        // Two forms differ by one: the title says which, wherever it is shown.
        defaultTitle =
          params["form"]?.string == "finance" ? "ROI (finance form)" : "ROI (return multiple)"
      }
      defaultID = builtin.rawValue
      better = builtin.better
      format = format ?? builtin.format
      let before = problems.count
      problems += SchemaValidator(fields: builtin.params, context: "\(name) params")
        .problems(in: params)
      if problems.count == before {
        for (param, input) in builtin.inputParams {
          let named = params[param]?.string ?? input
          if inputs[named] == nil && !builtin.optionalInputs.contains(param) {
            problems.append(
              Diagnostic(
                at: params[param]?.mark ?? item.mark, code: "D013",
                "\(name) reads the input \"\(named)\", which \"inputs:\" does not declare"
                  + " (declared: \(inputs.keys.sorted().joined(separator: ", ")))"))
          }
        }
      }
    } else if let expression = item["expression"] {
      source = .expression(expression.string ?? "")
      codeMark = expression.mark
      defaultTitle = expression.string ?? ""
    } else {
      let lua = item["lua"]
      source = .lua(lua?.string ?? "")
      codeMark = lua?.mark ?? item.mark
      defaultTitle = "Custom metric"
    }
    if let p = item["params"], !spec_isBuiltin(source) {
      problems.append(
        Diagnostic(at: p.mark, code: "D012", "\"params\" apply to built-in metrics only"))
    }
    guard let id = item["id"]?.string ?? defaultID else {
      problems.append(
        Diagnostic(at: item.mark, code: "D012", "a custom metric needs an \"id:\""))
      return nil
    }
    var spec = DashboardMetricSpec(
      id: id, title: item["title"]?.string ?? defaultTitle,
      description: item["description"]?.string, source: source, params: params,
      format: format ?? .number, headline: item["headline"]?.bool ?? false,
      better: item["better"]?.string.flatMap(DashboardBetter.init(rawValue:)) ?? better,
      mark: item.mark,
      codeMark: codeMark)
    if let code = spec.luaSource {
      var isExpression = false
      if case .expression = spec.source { isExpression = true }
      let checked = isExpression ? "return " + code : code
      if let error = try? LuaVM().checkSyntax(source: checked, chunkName: spec.chunkName) {
        problems.append(
          Diagnostic(
            at: error.mark.isKnown ? error.mark : codeMark, code: "D014",
            "metric \(id): \(error.message)"))
        return nil
      }
    }
    if case .expression(let e) = spec.source, e.trimmingCharacters(in: .whitespaces).isEmpty {
      problems.append(
        Diagnostic(at: codeMark, code: "D014", "metric \(id): the expression is empty"))
      return nil
    }
    spec.params = params
    return spec
  }

  /// The Lua source with blank lines in front, so that Lua's line numbers
  /// are the playbook's.
  var luaSource: String? {
    let code: String
    switch source {
    case .builtin: return nil
    case .expression(let e): code = e
    case .lua(let l): code = l
    }
    let block = code.contains("\n")
    let offset = max(0, codeMark.line - (block ? 0 : 1))
    return String(repeating: "\n", count: offset) + code
  }

  var chunkName: String { codeMark.file.isEmpty ? "metric \(id)" : codeMark.file }

  /// A built-in's parameter, or its default.
  func param(_ name: String) -> Value? { params[name] }

  /// The input a built-in reads for `param`.
  func input(_ param: String) -> String {
    if let named = params[param]?.string { return named }
    if case .builtin(let b) = source, let d = b.inputParams.first(where: { $0.param == param }) {
      return d.input
    }
    return param
  }

  /// `roi` names two metrics; they must exist and come first.
  static func checkReferences(_ metrics: [DashboardMetricSpec], problems: inout [Diagnostic]) {
    for (i, spec) in metrics.enumerated() {
      guard case .builtin(.roi) = spec.source else { continue }
      for (param, fallback) in [("revenue", "attributed_revenue"), ("cost", "team_cost")] {
        let id = spec.params[param]?.string ?? fallback
        if !metrics[..<i].contains(where: { $0.id == id }) {
          problems.append(
            Diagnostic(
              at: spec.params[param]?.mark ?? spec.mark, code: "D015",
              "roi divides by the metric \"\(id)\", which is not listed before it"))
        }
      }
    }
  }
}

private func spec_isBuiltin(_ source: DashboardMetricSpec.Source) -> Bool {
  if case .builtin = source { return true }
  return false
}
