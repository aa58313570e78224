import StewardCore

extension SurveyPlaybook {
  /// One question, already checked against ``questionFields``.
  static func parseQuestion(_ item: Value, problems: inout [Diagnostic]) -> SurveyQuestion? {
    guard let id = item["id"]?.string, let text = item["text"]?.string,
      let dimension = item["dimension"]?.string, let type = item["type"]?.string
    else { return nil }
    func problem(_ key: String, _ message: String) {
      problems.append(
        Diagnostic(at: item[key]?.mark ?? item.mark, code: "Q002", "question \(id): \(message)"))
    }
    let allowed: [String: [String]] = [
      "likert": ["points"], "labelled": ["labels"], "single": ["options"],
      "multiple": ["options", "separator"], "number": ["min", "max"],
    ]
    for key in ["points", "labels", "options", "separator", "min", "max"]
    where item[key] != nil && !(allowed[type] ?? []).contains(key) {
      problem(key, "\"\(key)\" does not apply to a \(type) question")
    }
    let before = problems.count
    var scale = SurveyQuestion.Scale.text
    switch type {
    case "likert":
      let points = Int(item["points"]?.int ?? 5)
      if points < 2 || points > 11 { problem("points", "a Likert scale has 2 to 11 points") }
      scale = .likert(points: points)
    case "labelled":
      let labels = item["labels"]?.list?.compactMap(\.string) ?? []
      if labels.count < 2 { problem("labels", "a labelled scale needs at least two labels") }
      if Set(labels.map { $0.lowercased() }).count != labels.count {
        problem("labels", "labels must differ")
      }
      scale = .labelled(labels: labels)
    case "single", "multiple":
      let options = item["options"]?.list?.compactMap(\.string) ?? []
      if options.isEmpty { problem("options", "a choice question needs \"options:\"") }
      if Set(options.map { $0.lowercased() }).count != options.count {
        problem("options", "options must differ")
      }
      let separator = item["separator"]?.string ?? ";"
      if separator.isEmpty { problem("separator", "the separator cannot be empty") }
      if type == "multiple", options.contains(where: { $0.contains(separator) }) {
        problem("options", "an option contains the separator \"\(separator)\"")
      }
      scale =
        type == "single"
        ? .single(options: options) : .multiple(options: options, separator: separator)
    case "number":
      let low = item["min"]?.number
      let high = item["max"]?.number
      if let low, let high, low > high { problem("min", "min is above max") }
      scale = .number(min: low, max: high)
    case "enps": scale = .enps
    case "traffic_light": scale = .trafficLight
    default: scale = .text
    }
    let weight = item["weight"]?.number ?? 1
    if weight < 0 { problem("weight", "a weight cannot be negative") }
    guard problems.count == before else { return nil }
    return SurveyQuestion(
      id: id, text: text, dimension: dimension, scale: scale, weight: weight,
      required: item["required"]?.bool ?? false, mark: item.mark)
  }

  /// One level, already checked against ``SurveyLevel/fields``.
  static func parseLevel(
    _ item: Value, questions: [SurveyQuestion], dimensions: [(id: String, title: String)],
    problems: inout [Diagnostic]
  ) -> SurveyLevel? {
    let idValue = item["id"]
    let id: String
    if let s = idValue?.string {
      id = s
    } else if let i = idValue?.int {
      id = String(i)
    } else {
      problems.append(
        Diagnostic(
          at: idValue?.mark ?? item.mark, code: "Q011", "a level id must be a string or an integer")
      )
      return nil
    }
    let before = problems.count
    var criteria: [SurveyCriterion] = []
    for c in item["criteria"]?.list ?? [] {
      let found = SchemaValidator(fields: SurveyCriterion.fields, context: "criterion")
        .problems(in: c)
      problems += found
      guard found.isEmpty else { continue }
      let named = ["question", "questions", "dimension"].filter { c[$0] != nil }
      guard named.count == 1 else {
        problems.append(
          Diagnostic(
            at: c.mark, code: "Q012",
            "a criterion names exactly one of \"question\", \"questions\" or \"dimension\""))
        continue
      }
      let measure = c["measure"]?.string.flatMap(SurveyCriterion.Measure.init(rawValue:)) ?? .mean
      var ids: [String] = []
      var dimension: String?
      if let q = c["question"]?.string { ids = [q] }
      if let qs = c["questions"]?.list?.compactMap(\.string) { ids = qs }
      if let d = c["dimension"]?.string {
        dimension = d
        if !dimensions.contains(where: { $0.id == d }) {
          problems.append(
            Diagnostic(at: c["dimension"]?.mark ?? c.mark, code: "Q013", "no dimension \"\(d)\""))
          continue
        }
        ids = questions.filter { $0.dimension == d && $0.scale.points != nil }.map(\.id)
        if ids.isEmpty {
          problems.append(
            Diagnostic(
              at: c.mark, code: "Q014",
              "dimension \"\(d)\" has no Likert or labelled question to measure"))
          continue
        }
      }
      if ids.isEmpty {
        problems.append(Diagnostic(at: c.mark, code: "Q012", "the criterion names no question"))
        continue
      }
      var fits = true
      for qid in ids {
        guard let q = questions.first(where: { $0.id == qid }) else {
          problems.append(
            Diagnostic(at: c.mark, code: "Q013", "level \(id): no question \"\(qid)\""))
          fits = false
          continue
        }
        let ok: Bool
        switch (measure, q.scale) {
        case (.mean, .likert), (.mean, .labelled), (.mean, .number), (.mean, .enps): ok = true
        case (.topTwoBox, .likert), (.topTwoBox, .labelled): ok = true
        case (.enps, .enps): ok = true
        default: ok = false
        }
        if !ok {
          problems.append(
            Diagnostic(
              at: c.mark, code: "Q014",
              "level \(id): \(measure.rawValue) cannot measure \(q.scale.typeName) question \(qid)")
          )
          fits = false
        }
      }
      guard fits, let threshold = c["min"]?.number else { continue }
      criteria.append(
        SurveyCriterion(
          questions: ids, dimension: dimension, measure: measure, threshold: threshold,
          label: c["label"]?.string
            ?? SurveyCriterion.describe(
              measure: measure, questions: ids, dimension: dimension, threshold: threshold),
          mark: c.mark))
    }
    guard problems.count == before else { return nil }
    return SurveyLevel(
      id: id, title: item["title"]?.string ?? id, criteria: criteria,
      minScore: item["min_score"]?.number, mark: item.mark)
  }

  /// The scoring method, explicit or inferred from the levels, checked
  /// against them; loads the plugins a Lua scorer needs.
  static func resolveMethod(
    scoring: Value?, levels: [SurveyLevel], registry: inout PluginRegistry,
    header: PlaybookHeader, base: String, problems: inout [Diagnostic]
  ) -> Method {
    let mark = scoring?.mark ?? header.document.mark
    let written = scoring?["method"]?.string
    let name =
      written
      ?? (scoring?["use"] != nil
        ? "lua" : levels.contains(where: { $0.minScore != nil }) ? "weighted" : "rules")
    switch name {
    case "weighted":
      var previous: Double?
      for level in levels {
        guard let cut = level.minScore else {
          problems.append(
            Diagnostic(
              at: level.mark, code: "Q015",
              "level \(level.id) needs \"min_score\" under the weighted method"))
          continue
        }
        if !level.criteria.isEmpty {
          problems.append(
            Diagnostic(
              at: level.mark, code: "Q015",
              "level \(level.id): criteria are for the rules method; this survey scores by weighted thresholds"
            ))
        }
        if let previous, cut <= previous {
          problems.append(
            Diagnostic(
              at: level.mark, code: "Q016",
              "level \(level.id): min_score \(SurveyFormat.number(cut)) must be above the level below (\(SurveyFormat.number(previous)))"
            ))
        }
        previous = cut
      }
      return .weighted
    case "lua":
      guard let use = scoring?["use"], let reference = use.string else {
        problems.append(
          Diagnostic(at: mark, code: "Q017", "the lua method needs \"use: PLUGIN.SCORER\""))
        return .rules
      }
      problems += registry.loadListed(in: header, base: base)
      let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
      guard parts.count == 2, let plugin = registry.plugin(named: parts[0]) else {
        if parts.count == 2, registry.listingFailed { return .rules }
        problems.append(
          Diagnostic(
            at: use.mark, code: "Q017",
            "\"use\" takes PLUGIN.SCORER of a plugin listed under \"plugins:\", found \"\(reference)\""
          ))
        return .rules
      }
      guard (plugin.others["scorer"] ?? []).contains(parts[1]) else {
        let known = plugin.others["scorer"] ?? []
        problems.append(
          Diagnostic(
            at: use.mark, code: "Q017",
            "plugin \"\(parts[0])\" has no scorer \"\(parts[1])\""
              + (known.isEmpty ? "" : " (its scorers: \(known.joined(separator: ", ")))")))
        return .rules
      }
      return .lua(
        plugin: parts[0], scorer: parts[1],
        params: scoring?["params"] ?? Value(.map(OrderedMap()), mark: mark))
    default:
      for level in levels where level.minScore != nil {
        problems.append(
          Diagnostic(
            at: level.mark, code: "Q015",
            "level \(level.id): min_score is for the weighted method (scoring: { method: weighted })"
          ))
      }
      return .rules
    }
  }
}
