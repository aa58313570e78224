public import StewardCore

/// A Hugging Face card's `model-index` as a flat list: one result per
/// metric, each marked where its metric is written.
///
/// ```yaml
/// model-index:
///   - name: my-model
///     results:
///       - task: {type: text-classification}
///         dataset: {type: imdb, name: IMDB, split: test}
///         metrics: [{type: accuracy, value: 0.93}]
///         source: {name: Open LLM Leaderboard, url: https://...}
/// ```
///
/// becomes `{model: my-model, task: text-classification, dataset: imdb,
/// dataset_name: IMDB, split: test, metric: accuracy, metric_name: null,
/// value: 0.93, verified: null, source: https://...}`. The Hub refuses a
/// card whose `model-index` lacks a task type, a dataset type and name, or a
/// metric's type and value; so does Steward, at the place it is missing.
public enum ModelIndex {
  public static func results(of metadata: Value, file: String) throws(YAMLError) -> Value {
    guard let index = metadata["model-index"] else {
      return Value(.list([]), mark: metadata.mark)
    }
    var results: [Value] = []
    for model in try list(index, "model-index") {
      let name = try text(model, "name", optional: true, in: "a model-index entry")
      for result in try list(try field(model, "results", in: "a model-index entry"), "results") {
        let task = try field(result, "task", in: "a result")
        let dataset = try field(result, "dataset", in: "a result")
        let source = result["source"]
        let sourceText = source.flatMap { $0["url"]?.string ?? $0["name"]?.string }
        // Checked once per result, before its metrics: a result with none
        // is no result, and its task and dataset must hold either way.
        let taskType = try text(task, "type", in: "a task")
        let datasetType = try text(dataset, "type", in: "a dataset")
        let datasetName = try text(dataset, "name", in: "a dataset")
        let metrics = try list(try field(result, "metrics", in: "a result"), "metrics")
        if metrics.isEmpty {
          throw problem(at: result.mark, "a result in model-index has no metrics")
        }
        for metric in metrics {
          guard let value = metric["value"], !value.isNull else {
            throw problem(at: metric.mark, "a metric has no \"value\"")
          }
          var entry = OrderedMap()
          entry["model"] = name ?? Value(.null, mark: model.mark)
          entry["task"] = taskType
          entry["task_name"] = optional(task, "name")
          entry["dataset"] = datasetType
          entry["dataset_name"] = datasetName
          entry["config"] = optional(dataset, "config")
          entry["split"] = optional(dataset, "split")
          entry["metric"] = try text(metric, "type", in: "a metric")
          entry["metric_name"] = optional(metric, "name")
          entry["value"] = value
          entry["verified"] = optional(metric, "verified")
          entry["source"] = Value(
            sourceText.map { .string($0) } ?? .null, mark: source?.mark ?? metric.mark)
          results.append(Value(.map(entry), mark: metric.mark))
        }
      }
    }
    return Value(.list(results), mark: index.mark)
  }

  private static func list(_ value: Value, _ name: String) throws(YAMLError) -> [Value] {
    guard let items = value.list else {
      throw problem(at: value.mark, "\"\(name)\" must be a list, found \(value.typeWithArticle)")
    }
    for item in items where item.map == nil {
      throw problem(
        at: item.mark, "each entry of \"\(name)\" must be a map, found \(item.typeWithArticle)")
    }
    return items
  }

  private static func field(_ owner: Value, _ key: String, in what: String) throws(YAMLError)
    -> Value
  {
    guard let value = owner[key], !value.isNull else {
      throw problem(at: owner.mark, "\(what) in model-index has no \"\(key)\"")
    }
    return value
  }

  /// `owner[key]` as a string; nil when absent and `optional`, else refused.
  private static func text(_ owner: Value, _ key: String, optional: Bool = false, in what: String)
    throws(YAMLError) -> Value?
  {
    guard let value = owner[key], !value.isNull else {
      if optional { return nil }
      throw problem(at: owner.mark, "\(what) in model-index has no \"\(key)\"")
    }
    guard value.string != nil else {
      throw problem(
        at: value.mark, "\"\(key)\" of \(what) must be a string, found \(value.typeWithArticle)")
    }
    return value
  }

  private static func optional(_ owner: Value, _ key: String) -> Value {
    owner[key] ?? Value(.null, mark: owner.mark)
  }

  private static func problem(at mark: SourceMark, _ message: String) -> YAMLError {
    YAMLError(
      .modelIndex, at: mark, message,
      notes: ["the Hub's model-index shape: huggingface_hub's ModelCardData / EvalResult"])
  }
}
