import Foundation
import StewardCore
import StewardLua

/// Computes every metric of a playbook for one month at a time, in the
/// playbook's order, so that `roi` and expressions see the metrics before
/// them. Custom metrics run in one sandboxed Lua VM under its budgets; a
/// Lua error or a spent budget leaves that metric without a value and
/// says why, and the dashboard goes on.
struct Evaluator {
  let playbook: DashboardPlaybook
  let inputs: DashboardInputs
  let history: (any HistoryStore)?
  private var vm: LuaVM?
  private let log = PluginLogger()
  private var dated: [String: [(run: RunRecord, date: Date)]] = [:]
  private var results: [Int64: [ResultRecord]] = [:]
  private(set) var warnings: [String] = []
  private var warned = Set<String>()
  /// Metrics whose Lua spent a budget: not run again for later months, so
  /// that a hostile metric costs one budget, not one per month of the trend.
  private var exhausted: [String: String] = [:]

  init(playbook: DashboardPlaybook, inputs: DashboardInputs, history: (any HistoryStore)?) throws {
    self.playbook = playbook
    self.inputs = inputs
    self.history = history
    let needsLua = playbook.metrics.contains {
      if case .builtin = $0.source { return false }
      return true
    }
    if needsLua { vm = try LuaVM(log: log.sink) }
  }

  mutating func points(_ month: DashboardMonth) throws -> [String: DashboardPoint] {
    var points: [String: DashboardPoint] = [:]
    for spec in playbook.metrics {
      points[spec.id] = try point(spec, month, points)
    }
    return points
  }

  private mutating func point(
    _ spec: DashboardMetricSpec, _ month: DashboardMonth, _ earlier: [String: DashboardPoint]
  ) throws -> DashboardPoint {
    switch spec.source {
    case .builtin(let b): return try builtin(b, spec, month, earlier)
    case .expression, .lua: return custom(spec, month, earlier)
    }
  }

  private mutating func builtin(
    _ b: DashboardBuiltin, _ spec: DashboardMetricSpec, _ month: DashboardMonth,
    _ earlier: [String: DashboardPoint]
  ) throws -> DashboardPoint {
    let p = spec.params
    switch b {
    case .headcount:
      return DashboardMetrics.headcount(
        people: inputs.values[spec.input("people")] ?? .null,
        plan: inputs.values[spec.input("plan")], month: month)
    case .models_in_production:
      return DashboardMetrics.modelsInProduction(
        cards: inputs.rows(spec.input("cards")),
        deployments: inputs.rows(spec.input("deployments")), month: month)
    case .ab_tests:
      return DashboardMetrics.abTests(
        experiments: inputs.rows(spec.input("experiments")), month: month)
    case .win_rate:
      return DashboardMetrics.winRate(
        experiments: inputs.rows(spec.input("experiments")), month: month,
        window: Int(p["window"]?.int ?? 6), warnAbove: p["warn_above"]?.number ?? 0.8)
    case .attributed_revenue, .team_cost:
      let column = p["column"]?.string ?? (b == .team_cost ? "team_cost" : "attributed_revenue")
      return DashboardMetrics.financeSum(
        rows: inputs.rows(spec.input("finance")), column: column,
        low: p["low"]?.string ?? (b == .attributed_revenue ? column + "_low" : nil),
        high: p["high"]?.string ?? (b == .attributed_revenue ? column + "_high" : nil),
        month: month, window: Int(p["window"]?.int ?? 12))
    case .roi:
      let revenue = earlier[p["revenue"]?.string ?? "attributed_revenue"]
      let cost = earlier[p["cost"]?.string ?? "team_cost"]
      return DashboardMetrics.roi(
        revenue: revenue ?? .missing(month, "no revenue"), cost: cost ?? .missing(month, "no cost"),
        finance: p["form"]?.string == "finance", month: month)
    case .team_health:
      let survey = p["survey"]?.string ?? "team-health"
      return DashboardMetrics.teamHealth(
        run: try run(survey, "survey", month), survey: survey, agree: p["agree"]?.string,
        enps: p["enps"]?.string, group: p["group"]?.string ?? "team", month: month,
        question: p["question"]?.string)
    case .maturity:
      let survey = p["survey"]?.string ?? ""
      return DashboardMetrics.maturity(
        run: try run(survey, "survey", month), survey: survey,
        levels: p["levels"]?.list?.compactMap(\.text) ?? [], group: p["group"]?.string ?? "team",
        month: month,
        summary: p["summary"]?.string.flatMap(DashboardMetrics.MaturitySummary.init) ?? .overall)
    case .audit:
      let name = p["playbook"]?.string ?? ""
      return DashboardMetrics.audit(
        run: try run(name, "audit", month), playbook: name, month: month)
    }
  }

  /// The latest run of `playbook` as of the month's end. The runs and their
  /// dates are read once per playbook, results once per run.
  private mutating func run(_ playbook: String, _ kind: String, _ month: DashboardMonth) throws
    -> (RunRecord, [ResultRecord])?
  {
    guard let history else { return nil }
    let key = "\(kind) \(playbook)"
    if dated[key] == nil {
      dated[key] = try history.runs(playbook: playbook, limit: nil).filter { $0.kind == kind }
        .map { (run: $0, date: DashboardMetrics.asOf($0)) }
    }
    guard let chosen = DashboardMetrics.pick(dated[key] ?? [], by: month), let id = chosen.id
    else { return nil }
    if let rows = results[id] { return (chosen, rows) }
    let rows = try history.results(ofRun: id)
    results[id] = rows
    return (chosen, rows)
  }

  /// An expression or Lua chunk. Globals: each earlier metric's value by
  /// id (nil when it has none), `metrics` (the same, as a table), `period`
  /// (`month`, `first_day`, `last_day`) and, for a chunk, `inputs`.
  private mutating func custom(
    _ spec: DashboardMetricSpec, _ month: DashboardMonth, _ earlier: [String: DashboardPoint]
  ) -> DashboardPoint {
    guard let vm, let source = spec.luaSource else { return .missing(month, "no Lua VM") }
    if let reason = exhausted[spec.id] {
      return .missing(month, "not run: \(reason) in an earlier month")
    }
    var values: [OrderedMap.Entry] = []
    for other in playbook.metrics {
      guard let point = earlier[other.id], let v = point.value else { continue }
      values.append(OrderedMap.Entry(key: other.id, value: Value(.double(v))))
    }
    var env = values
    env.append(OrderedMap.Entry(key: "metrics", value: Value(.map(OrderedMap(values)))))
    env.append(
      OrderedMap.Entry(
        key: "period",
        value: [
          "month": Value(.string(month.description)),
          "first_day": Value(.string(month.firstDay)),
          "last_day": Value(.string(month.lastDay)),
        ]))
    if case .lua = spec.source {
      let named = inputs.values.keys.sorted().map {
        OrderedMap.Entry(key: $0, value: inputs.values[$0] ?? .null)
      }
      env.append(OrderedMap.Entry(key: "inputs", value: Value(.map(OrderedMap(named)))))
    }
    do {
      log.about("metric \(spec.id) for \(month)")
      let result = try vm.evaluate(
        source, chunkName: spec.chunkName, env: Value(.map(OrderedMap(env))))
      if let n = result.number {
        return DashboardPoint(
          month: month, value: n.isFinite ? n : nil,
          missing: n.isFinite ? nil : "the metric is not a finite number (\(n))")
      }
      if result.isNull { return .missing(month, "the metric returned nil") }
      if result.map != nil {
        return DashboardPoint(
          month: month, value: result["value"]?.number, low: result["low"]?.number,
          high: result["high"]?.number, detail: result["detail"]?.text ?? "",
          missing: result["value"]?.number == nil
            ? "the metric's table has no number \"value\"" : nil)
      }
      return .missing(
        month, "the metric returned \(English.withArticle(result.typeName)), not a number")
    } catch let error as LuaError {
      if case .budget(let budget, _, _) = error { exhausted[spec.id] = budget.description }
      let message = "metric \(spec.id): \(error.description)"
      if warned.insert(message).inserted { warnings.append(message) }
      return .missing(month, error.description)
    } catch {
      return .missing(month, "\(error)")
    }
  }
}
