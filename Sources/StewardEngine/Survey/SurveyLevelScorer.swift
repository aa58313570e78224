import StewardCore
import StewardLua

/// Decides a group's maturity level by the playbook's method and explains
/// what the group lacks for the next level. Holds the Lua VM of a custom
/// scorer for one scoring run; never shared between threads.
struct SurveyLevelScorer {
  let playbook: SurveyPlaybook
  private var vm: LuaVM?
  private let log = PluginLogger()
  private var scorerName = ""
  private var run: LuaFunction?
  private var setupError: String?
  private(set) var setupProblems: [Diagnostic] = []

  init(playbook: SurveyPlaybook) {
    self.playbook = playbook
    guard case .lua(let pluginName, let scorer, _) = playbook.method else { return }
    scorerName = "\(pluginName).\(scorer)"
    do {
      let vm = try LuaVM(log: log.sink)
      for info in playbook.registry.plugins where info.name == pluginName {
        log.about(info.path)
        let plugin = try vm.loadPlugin(source: info.source, chunkName: info.path)
        run =
          plugin.registrations.first { $0.kind == "scorer" && $0.id == scorer }?.functions["run"]
      }
      self.vm = vm
      if run == nil { setupError = "scorer \(pluginName).\(scorer) is not loaded" }
    } catch {
      let d = Validator.diagnostics(of: error, file: playbook.path)
      setupError = d.first.map { "\($0.mark): \($0.message)" } ?? "\(error)"
      setupProblems = d
    }
  }

  mutating func level(for group: SurveyGroupScore, members: [SurveyResponse])
    -> SurveyLevelResult?
  {
    switch playbook.method {
    case .rules: return playbook.levels.isEmpty ? nil : rules(members, group)
    case .weighted: return playbook.levels.isEmpty ? nil : weighted(group)
    case .lua(_, _, let params): return lua(group, params: params)
    }
  }

  /// Why a question cannot be scored in `group`: nobody answered it, or
  /// too few to show (anonymity per question); nil when it can.
  func unscorable(_ id: String, in group: SurveyGroupScore) -> String? {
    guard let q = group.questions.first(where: { $0.id == id }) else { return nil }
    if q.hidden { return "fewer than \(playbook.minGroupSize) answered \(id)" }
    if q.answered == 0 { return "nobody answered \(id)" }
    return nil
  }

  /// The value of `criterion` over `members`' pooled answers; nil when it
  /// cannot be known (``unscorable(_:in:)``), never a value from what is left.
  func value(of criterion: SurveyCriterion, _ members: [SurveyResponse]) -> Double? {
    var xs: [Double] = []
    var top = 0
    for id in criterion.questions {
      guard let k = playbook.questions.firstIndex(where: { $0.id == id }) else { continue }
      let answers = SurveyGroupStatistics.numbers(members.compactMap { $0.value(k) })
      xs += answers
      let points = Double(playbook.question(id)?.scale.points ?? 5)
      top += answers.filter { $0 >= points - 1 }.count
    }
    switch criterion.measure {
    case .mean: return Statistics.mean(xs)
    case .topTwoBox: return xs.isEmpty ? nil : Double(top) / Double(xs.count)
    case .enps: return Statistics.enps(xs.map { Int($0) })
    }
  }

  func rules(_ members: [SurveyResponse], _ group: SurveyGroupScore) -> SurveyLevelResult {
    var reached: Int?
    var result = SurveyLevelResult(
      level: nil, title: nil, score: nil, next: nil, missing: [], error: nil)
    // Cumulative: climb while every criterion is met. A criterion that
    // cannot be known stops the climb with an unknown level, unless another
    // criterion of the same level is known to fail (then the level is
    // decided without it).
    for (j, level) in playbook.levels.enumerated() {
      var unmet: [String] = []
      var unknown: [String] = []
      for criterion in level.criteria {
        let why = criterion.questions.lazy.compactMap { unscorable($0, in: group) }.first
        if let why {
          unknown.append(why)
          continue
        }
        let v = value(of: criterion, members)
        guard let v, MaturityLadder.reaches(v, criterion.threshold) else {
          let shown = v.map {
            criterion.measure == .topTwoBox ? SurveyFormat.percent($0) : SurveyFormat.number($0)
          }
          unmet.append("\(criterion.label) (is \(shown ?? "not answered"))")
          continue
        }
      }
      if unmet.isEmpty, !unknown.isEmpty {
        result.unknown = unknown.joined(separator: "; ")
        result.atLeast = reached.map { playbook.levels[$0].id }
        return result
      }
      if !unmet.isEmpty {
        result.next = level.id
        result.missing = unmet
        break
      }
      reached = j
    }
    result.level = reached.map { playbook.levels[$0].id }
    result.title = reached.map { playbook.levels[$0].title }
    return result
  }

  func weighted(_ group: SurveyGroupScore) -> SurveyLevelResult {
    var result = SurveyLevelResult(
      level: nil, title: nil, score: nil, next: nil, missing: [], error: nil)
    // Every scale question carries weight: leaving out one nobody (or too
    // few) answered would score the group on another rubric.
    let unknown = playbook.questions.filter { $0.scale.points != nil && $0.weight > 0 }
      .compactMap { unscorable($0.id, in: group) }
    if !unknown.isEmpty {
      result.unknown = unknown.joined(separator: "; ")
      return result
    }
    let pairs = playbook.questions.compactMap { q -> (value: Double, weight: Double)? in
      guard q.scale.points != nil, let m = group.questions.first(where: { $0.id == q.id })?.mean
      else { return nil }
      return (m, q.weight)
    }
    let score = MaturityLadder.weightedMean(pairs)
    let cutoffs = playbook.levels.map { $0.minScore ?? 0 }
    let reached = score.flatMap { MaturityLadder.cutoff(score: $0, cutoffs: cutoffs) }
    let nextIndex = reached.map { $0 + 1 } ?? 0
    result.level = reached.map { playbook.levels[$0].id }
    result.title = reached.map { playbook.levels[$0].title }
    result.score = score
    if nextIndex < playbook.levels.count {
      let next = playbook.levels[nextIndex]
      result.next = next.id
      result.missing = [
        "weighted score ≥ \(SurveyFormat.number(cutoffs[nextIndex])) (is \(score.map(SurveyFormat.number) ?? "not answered"))"
      ]
    }
    return result
  }

  /// Calls `run(group, params)`; it returns a level id, or a table
  /// `{ level = "…", score = n, missing = { "…" } }`.
  mutating func lua(_ group: SurveyGroupScore, params: Value) -> SurveyLevelResult {
    var result = SurveyLevelResult(
      level: nil, title: nil, score: nil, next: nil, missing: [], error: nil)
    guard let vm, let run else {
      result.error = setupError ?? "the scorer is not loaded"
      return result
    }
    do {
      log.about("scorer \(scorerName) on \(group.name)")
      let returned = try vm.call(run, [group.toValue(), params]).first ?? .null
      let levelValue = returned.map == nil ? returned : returned["level"] ?? .null
      // Spelled out with a switch: `levelValue.int.map { … }` here crashes the
      // Swift 6.3 optimizer ("Found ownership error") in release builds.
      let id: String?
      switch levelValue.kind {
      case .string(let s): id = s
      case .int(let i): id = String(i)
      default: id = nil
      }
      if !levelValue.isNull, id == nil {
        result.error = "the scorer returned \(levelValue.typeName) as a level; expected a level id"
        return result
      }
      result.score = returned["score"]?.number
      result.missing = returned["missing"]?.list?.compactMap(\.string) ?? []
      if let id {
        if playbook.levels.isEmpty {
          result.level = id
          result.title = id
        } else if let i = playbook.levels.firstIndex(where: { $0.id == id }) {
          result.level = id
          result.title = playbook.levels[i].title
          if i + 1 < playbook.levels.count { result.next = playbook.levels[i + 1].id }
        } else {
          result.error =
            "the scorer returned level \"\(id)\", which the playbook does not declare"
            + " (levels: \(playbook.levels.map(\.id).joined(separator: ", ")))"
        }
      } else if let first = playbook.levels.first {
        result.next = first.id
      }
    } catch {
      let d = Validator.diagnostics(of: error, file: playbook.path).first
      result.error = d.map { "\($0.mark): \($0.message)" } ?? "\(error)"
    }
    return result
  }
}
