import StewardCore

/// Deterministic synthetic model cards, the shape the audits read: about 15
/// top-level keys, nested evaluation and fairness blocks, about 75 nodes.
enum BenchData {
  /// One model card as YAML text (a document of an inventory stream).
  static func modelCardYAML(_ i: Int) -> String {
    """
    ---
    id: model-\(i)
    name: "Recommender variant \(i)"
    owner: team-\(i % 7)
    stage: \(["production", "staging", "retired"][i % 3])
    version: 1.\(i % 10).\(i % 4)
    created: 2025-0\(1 + i % 9)-1\(i % 10)
    tags: [recsys, ranking, "v\(i % 5)"]
    framework: {name: pytorch, version: "2.\(i % 4)"}
    training:
      dataset: s3://streamrec/training/\(i)
      rows: \(100_000 + i * 37)
      features: [watch_time, genre, device, hour_of_day, country]
      split: {train: 0.8, validation: 0.1, test: 0.1}
    evaluation:
      validation:
        split: holdout
        auc: 0.\(700 + i % 250)
        logloss: 0.\(300 + i % 200)
      online:
        ab_test: exp-\(i)
        lift: \(Double(i % 50) / 10.0)
    fairness:
      audited: \(i % 4 != 0)
      groups: [language, region]
      disparate_impact: 0.\(78 + i % 20)
    monitoring:
      enabled: \(i % 5 != 0)
      dashboards: [latency, drift]
      alerts: {drift: 0.2, latency_p99_ms: 250}
    serving: {replicas: \(1 + i % 8), region: eu-west-1, skew_check: null}
    notes: >
      Generated card number \(i) for the benchmark; folded text so that
      block scalars are part of the measured work.

    """
  }

  /// One card file for the gate benchmark, in the shipped model-card format.
  static func gateCardYAML(_ i: Int) -> String {
    modelCardYAML(i)
  }

  /// `count` cards as one multi-document YAML stream.
  static func inventoryYAML(count: Int) -> String {
    var text = ""
    text.reserveCapacity(count * 900)
    for i in 0..<count { text += modelCardYAML(i) }
    return text
  }

  /// A typical card as a `Value`, built in code so the Lua benchmark does not
  /// depend on the YAML loader.
  static func modelCardValue(_ i: Int = 1) -> Value {
    [
      "id": .init(.string("model-\(i)")), "name": "Recommender variant", "owner": "team-1",
      "stage": "production", "version": "1.2.3", "created": "2025-03-14",
      "tags": ["recsys", "ranking", "v1"],
      "framework": ["name": "pytorch", "version": "2.1"],
      "training": [
        "dataset": "s3://streamrec/training/1", "rows": 100_037,
        "features": ["watch_time", "genre", "device", "hour_of_day", "country"],
        "split": ["train": 0.8, "validation": 0.1, "test": 0.1],
      ],
      "evaluation": [
        "validation": ["split": "holdout", "auc": 0.71, "logloss": 0.31],
        "online": ["ab_test": "exp-1", "lift": 0.1],
      ],
      "fairness": ["audited": true, "groups": ["language", "region"], "disparate_impact": 0.79],
      "monitoring": [
        "enabled": true, "dashboards": ["latency", "drift"],
        "alerts": ["drift": 0.2, "latency_p99_ms": 250],
      ],
      "serving": ["replicas": 2, "region": "eu-west-1", "skew_check": nil],
      "notes": "Generated card for the benchmark.",
    ]
  }
}
