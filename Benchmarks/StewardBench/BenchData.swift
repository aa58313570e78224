import Foundation
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

  /// One card file for the gate benchmark, in the shipped model-card format
  /// (docs/model-card.md, about 90 nodes), varied so that some cards fail:
  /// every 7th is scored on training data, every 11th fails the four-fifths
  /// rule, every 13th has no system-layer monitoring, every 5th is in staging,
  /// and online AUC drifts up to 14 % below offline.
  static func gateCardYAML(_ i: Int) -> String {
    let split = i % 7 == 0 ? "train" : "holdout"
    let hi = i % 11 == 0 ? 0.20 : 0.29
    let stage = i % 5 == 0 ? "staging" : "production"
    let offline = 0.80 + Double(i % 10) / 100
    let online = offline * (1 - Double(i % 15) / 100)
    let systemLayer =
      i % 13 == 0
      ? "" : "\n  system: {owner: ml-platform, metrics: [p99_ms], alerting: {channel: pager}}"
    return """
      id: model-\(i)
      owner: team-\(i % 9)
      stage: \(stage)
      model_details:
        name: Generated model \(i)
        owners: [{name: team-\(i % 9), contact: team-\(i % 9)@streamrec.example}]
        version: {name: "1.\(i % 10).\(i % 4)", date: "2025-0\(1 + i % 9)-1\(i % 10)"}
      considerations:
        use_cases: [{description: rank titles for row \(i % 20)}]
      training:
        data: s3://streamrec/gen/\(i)/train
        reproducibility:
          seed: \(1000 + i)
          environment: registry.streamrec.example/gen@sha256:\(String(i, radix: 16))
          data_snapshot: s3://streamrec/gen/\(i)/train@v1
          pipeline: airflow dag gen_\(i % 12)
      evaluation:
        validation: {split: \(split), data: "s3://streamrec/gen/\(i)/holdout", disjoint_from_training: true}
        offline: {metric: auc, value: \(offline), computed_on: \(split)}
        online: {metric: auc, value: \(String(format: "%.4f", online))}
      fairness:
        audited: true
        attributes:
          language:
            selection_rates: {en: 0.31, es: 0.29, pt: 0.28, hi: \(hi)}
            true_positive_rates: {en: 0.74, es: 0.71, pt: 0.70, hi: 0.72}
          region:
            selection_rates: {na: 0.31, eu: 0.30, latam: 0.28}
            true_positive_rates: {na: 0.74, eu: 0.73, latam: 0.69}
      monitoring:
        business: {owner: growth, metrics: [watch_time], alerting: {channel: "#growth"}}
        model: {owner: team-\(i % 9), metrics: [online_auc], alerting: {channel: "#models"}}
        data: {owner: data-eng, metrics: [psi, null_rate], alerting: {channel: "#dq"}}\(systemLayer)
      code:
        repository: https://git.streamrec.example/gen/\(i % 12)
        commit: "\(String(format: "%08x", 0x1000_0000 + i * 7919))"
        tests: {unit: true, integration: \(i % 3 == 0), ci: https://ci.streamrec.example/gen/\(i % 12)}

      """
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
