import Foundation
public import StewardCore

/// The report as a `Value`, keys in a fixed, documented order: the JSON
/// format and the Lua scorer's view of a group.
extension SurveyReport {
  public static let schemaVersion = 1

  public func toValue() -> Value {
    var groupingValues: [Value] = []
    for grouping in groupings {
      groupingValues.append(
        map([
          ("column", .string(grouping.column)),
          ("groups", .list(grouping.groups.map { $0.toValue() })),
          ("suppressed_respondents", .int(Int64(grouping.suppressed))),
          ("joined_other", .list(grouping.joinedOther.map { Value(.string($0)) })),
        ]))
    }
    return map([
      ("schema_version", .int(Int64(Self.schemaVersion))),
      ("kind", .string("survey")),
      ("playbook", .string(playbook)),
      ("title", .string(title)),
      ("respondents", .int(Int64(respondents))),
      ("dropped_rows", .int(Int64(dropped))),
      ("min_group_size", .int(Int64(minGroupSize))),
      ("method", .string(method)),
      ("overall", overall?.toValue().kind ?? .null),
      ("groupings", .list(groupingValues)),
      (
        "warnings",
        .list(
          warnings.map {
            map([
              ("at", .string($0.mark.description)), ("code", .string($0.code)),
              ("message", .string($0.message)),
            ])
          })
      ),
      ("rubric_sha256", .string(rubricHash)),
      ("period", period.map { .string($0) } ?? .null),
      ("previous_run", previousValue()),
    ])
  }

  private func previousValue() -> Value.Kind {
    guard let previous else { return .null }
    return map([
      ("run", previous.run.map { .int($0) } ?? .null),
      ("started_at", previous.startedAt.map { .string(SQLiteHistoryStore.timestamp($0)) } ?? .null),
      ("period", previous.period.map { .string($0) } ?? .null),
      ("rubric_changed", .bool(previous.rubricChanged)),
    ]).kind
  }
}

extension SurveyGroupScore {
  public func toValue() -> Value {
    var fields: [(String, Value.Kind)] = [
      ("name", .string(name)),
      ("respondents", .int(Int64(respondents))),
      ("other", .bool(isOther)),
      ("headcount", headcount.map { .int(Int64($0)) } ?? .null),
      ("response_rate", number(responseRate)),
      ("dimensions", .list(dimensions.map { $0.toValue() })),
      ("questions", .list(questions.map { $0.toValue() })),
    ]
    if let level {
      fields.append(("level", level.toValue().kind))
    }
    if let trend {
      fields.append(("trend", trend.toValue().kind))
    }
    fields.append(
      (
        "free_text",
        .list(
          freeText.map {
            map([
              ("question", .string($0.question)),
              ("answers", .list($0.answers.map { Value(.string($0)) })),
              ("hidden", .bool($0.hidden)),
            ])
          })
      ))
    return map(fields)
  }
}

extension SurveyGroupTrend {
  func toValue() -> Value {
    map([
      ("new", .bool(isNew)),
      ("previous_respondents", previousRespondents.map { .int(Int64($0)) } ?? .null),
      ("previous_level", previousLevel.map { .string($0) } ?? .null),
      ("level_move", levelMove.map { .string($0) } ?? .null),
      (
        "dimensions",
        .list(
          dimensions.map {
            map([
              ("id", .string($0.id)), ("previous_mean", number($0.previousMean)),
              ("mean_change", number($0.meanChange)),
              ("previous_top_two_box", number($0.previousTopTwoBox)),
              ("top_two_box_change", number($0.topTwoBoxChange)),
            ])
          })
      ),
    ])
  }
}

extension SurveyDimensionScore {
  func toValue() -> Value {
    map([
      ("id", .string(id)), ("title", .string(title)), ("answers", .int(Int64(answers))),
      ("mean", number(mean)), ("median", number(median)),
      ("distribution", distributionValue(distribution)), ("top_two_box", number(topTwoBox)),
    ])
  }
}

extension SurveyQuestionScore {
  func toValue() -> Value {
    var fields: [(String, Value.Kind)] = [
      ("id", .string(id)), ("dimension", .string(dimension)), ("type", .string(type)),
      ("answered", hidden ? .null : .int(Int64(answered))), ("hidden", .bool(hidden)),
    ]
    if hidden { return map(fields) }
    if type != "single" && type != "multiple" && type != "traffic_light" {
      fields += [("mean", number(mean)), ("median", number(median))]
    }
    if !distribution.isEmpty { fields.append(("distribution", distributionValue(distribution))) }
    if type == "likert" || type == "labelled" { fields.append(("top_two_box", number(topTwoBox))) }
    if type == "likert" || type == "labelled" || type == "enps" {
      fields.append(("agree", number(agree)))
    }
    if type == "enps" {
      fields += [("enps", number(enps)), ("previous_enps", number(previousENPS))]
    }
    if let lights {
      fields += [
        ("green", .int(Int64(lights.green))), ("yellow", .int(Int64(lights.yellow))),
        ("red", .int(Int64(lights.red))), ("light_score", number(lights.score)),
        ("trend", lights.trend.map { .string($0.rawValue) } ?? .null),
        ("previous_light_score", number(lights.previousScore)),
        (
          "previous_counts",
          lights.previousCounts.map { c in .list(c.map { Value(.int(Int64($0))) }) } ?? .null
        ),
      ]
    }
    return map(fields)
  }
}

extension SurveyLevelResult {
  func toValue() -> Value {
    map([
      ("level", level.map { .string($0) } ?? .null), ("title", title.map { .string($0) } ?? .null),
      ("score", number(score)), ("next", next.map { .string($0) } ?? .null),
      ("missing_for_next", .list(missing.map { Value(.string($0)) })),
      ("error", error.map { .string($0) } ?? .null),
      ("unknown", unknown.map { .string($0) } ?? .null),
      ("at_least", atLeast.map { .string($0) } ?? .null),
    ])
  }
}

private func map(_ fields: [(String, Value.Kind)]) -> Value {
  Value(.map(OrderedMap(uniqueEntries: fields.map { .init(key: $0.0, value: Value($0.1)) })))
}

private func number(_ x: Double?) -> Value.Kind {
  x.map { .double($0) } ?? .null
}

private func distributionValue(_ counts: [SurveyCount]) -> Value.Kind {
  .map(
    OrderedMap(
      uniqueEntries: counts.map { .init(key: $0.label, value: Value(.int(Int64($0.count)))) }))
}
