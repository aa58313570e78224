import StewardCore

/// The hash of what a survey asks and how it scores: every question (id,
/// text, dimension, type, scale, weight), the dimensions, the levels with
/// their criteria or cut-offs, and the scoring method. Titles, the
/// responses file, groups and `min_group_size` are left out: they change
/// who is compared, not what a score means. Two runs compare when their
/// hashes match; otherwise the trend says the questions changed.
public enum SurveyRubric {
  public static func hash(_ playbook: SurveyPlaybook) -> String {
    var lines: [String] = ["steward survey rubric 1"]
    for q in playbook.questions {
      let scale: String
      switch q.scale {
      case .likert(let points): scale = "likert \(points)"
      case .labelled(let labels): scale = "labelled " + labels.joined(separator: "\u{1F}")
      case .single(let options): scale = "single " + options.joined(separator: "\u{1F}")
      case .multiple(let options, let separator):
        scale = "multiple \(separator) " + options.joined(separator: "\u{1F}")
      case .number(let low, let high):
        scale = "number \(low.map { "\($0)" } ?? "-") \(high.map { "\($0)" } ?? "-")"
      case .enps: scale = "enps"
      case .trafficLight: scale = "traffic_light"
      case .text: scale = "text"
      }
      lines.append(
        ["question", q.id, q.text, q.dimension, scale, "\(q.weight)", "\(q.required)"]
          .joined(separator: "\u{1E}"))
    }
    for d in playbook.dimensions { lines.append("dimension\u{1E}\(d.id)") }
    for level in playbook.levels {
      var parts = ["level", level.id, level.minScore.map { "\($0)" } ?? "-"]
      for c in level.criteria {
        parts.append(
          c.questions.joined(separator: ",") + " \(c.measure.rawValue) \(c.threshold)")
      }
      lines.append(parts.joined(separator: "\u{1E}"))
    }
    switch playbook.method {
    case .rules: lines.append("method rules")
    case .weighted: lines.append("method weighted")
    case .lua(let plugin, let scorer, let params):
      // The plugin's source is part of how levels are decided.
      let source = playbook.registry.plugins.first { $0.name == plugin }?.source ?? ""
      lines.append(
        "method lua \(plugin).\(scorer) \(JSONText.render(params, pretty: false)) \(SHA256.hex(Array(source.utf8)))"
      )
    }
    return SHA256.hex(Array(lines.joined(separator: "\n").utf8))
  }
}
