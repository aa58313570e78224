import Foundation
import StewardCore
import StewardYAML

/// `steward inspect FILE`: shows how Steward reads a YAML, JSON, CSV or Markdown file,
/// with each node's type and position, for the moment a playbook does not
/// read as its author meant (`no` stayed a string, `1.10` became a number).
public enum Inspector {
  /// The version of the JSON this prints; bump it when the shape changes.
  public static let schemaVersion: Int64 = 1

  /// The JSON description of every document in `path`. With `plain`, each
  /// document is the plain JSON value instead of the typed, marked tree.
  public static func inspect(path: String, plain: Bool) throws -> String {
    // A Markdown card is one document: its front matter and its body.
    let documents =
      MarkdownCard.isMarkdown(path: path)
      ? [try MarkdownCard.load(path: path)] : try DocumentLoader.load(path: path)
    var report = OrderedMap()
    report["schema_version"] = Value(.int(schemaVersion))
    report["file"] = Value(.string(path))
    report["documents"] = Value(.list(documents.map { plain ? $0 : typed($0) }))
    return JSONText.render(Value(.map(report)))
  }

  /// A node as `{type, at, value}`; maps keep their keys as object keys.
  static func typed(_ node: Value) -> Value {
    var out = OrderedMap()
    out["type"] = Value(.string(node.typeName))
    out["at"] = Value(.string("\(node.mark.line):\(node.mark.column)"))
    switch node.kind {
    case .list(let items): out["value"] = Value(.list(items.map(typed)))
    case .map(let map):
      out["value"] = Value(
        .map(
          OrderedMap(uniqueEntries: map.entries.map { .init(key: $0.key, value: typed($0.value)) }))
      )
    default: out["value"] = node
    }
    return Value(.map(out))
  }
}
