import StewardCore

/// YAML merge keys: `<<: *defaults` or `<<: [*a, *b]` in a map.
///
/// ```yaml
/// defaults: &defaults {owner: ads, stage: staging, tier: 2}
/// model:
///   name: ranker
///   <<: *defaults
///   stage: production
/// ```
/// gives `model` = `name: ranker, owner: ads, tier: 2, stage: production`.
///
/// - Keys written in the map itself win over merged keys, and keep their own
///   position and mark.
/// - Merged keys not written in the map go where the `<<` is, in the order of
///   the merged map; with a list, an earlier map wins over a later one.
/// - Several `<<` keys in one map are allowed and applied in order.
/// - Only a plain `<<` (or one tagged `!!merge`) merges; `"<<"` is an ordinary key.
enum MergeKeys {
  /// `entries` of one map with the `<<` entries at `merges` (indices into
  /// `entries`) replaced by what they merge.
  static func apply(_ entries: [OrderedMap.Entry], merges: [Int]) throws(YAMLError)
    -> [OrderedMap.Entry]
  {
    let mergeSet = Set(merges)
    var seen = Set<String>()
    for (i, entry) in entries.enumerated() where !mergeSet.contains(i) { seen.insert(entry.key) }
    var result: [OrderedMap.Entry] = []
    result.reserveCapacity(entries.count)
    for (i, entry) in entries.enumerated() {
      guard mergeSet.contains(i) else {
        result.append(entry)
        continue
      }
      for source in try sources(of: entry.value, key: entry.keyMark) {
        for merged in source.entries where seen.insert(merged.key).inserted {
          result.append(merged)
        }
      }
    }
    return result
  }

  /// The maps a `<<` value merges: itself, or the maps of a list.
  private static func sources(of value: Value, key: SourceMark) throws(YAMLError) -> [OrderedMap] {
    switch value.kind {
    case .map(let map):
      return [map]
    case .list(let list):
      var maps: [OrderedMap] = []
      for element in list {
        guard case .map(let map) = element.kind else {
          throw YAMLError(
            .invalidMerge, at: element.mark,
            "merge key \"<<\" expects a map or a list of maps, but the list holds a"
              + " \(element.typeName)")
        }
        maps.append(map)
      }
      return maps
    default:
      throw YAMLError(
        .invalidMerge, at: key,
        "merge key \"<<\" expects a map or a list of maps, found \(English.withArticle(value.typeName))"
      )
    }
  }
}
