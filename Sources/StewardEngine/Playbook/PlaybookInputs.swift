import StewardCore

/// The named inputs a playbook declares, with their default paths:
///
/// ```yaml
/// inputs:
///   models: ../Examples/streamrec/models     # a path, a folder or a glob
///   experiments: [exp/a.yaml, exp/b.yaml]   # or a list of them
/// subjects: models                            # an audit reads an input by name
/// ```
///
/// `steward run --input models=other/models` replaces an input's paths for
/// one run; those paths are relative to where steward runs, not to the
/// playbook.
enum PlaybookInputs {
  static func declared(in header: PlaybookHeader, base: String) -> (
    inputs: [String: [(String, SourceMark)]], problems: [Diagnostic]
  ) {
    var inputs: [String: [(String, SourceMark)]] = [:]
    var problems: [Diagnostic] = []
    for entry in header.document["inputs"]?.map?.entries ?? [] {
      let items = entry.value.list ?? [entry.value]
      var paths: [(String, SourceMark)] = []
      for item in items {
        guard let path = item.string else {
          problems.append(
            Diagnostic(
              at: item.mark, code: "S009",
              "input \"\(entry.key)\" must be a path or a list of paths, found \(item.typeName)"))
          continue
        }
        paths.append((InputFiles.join(base, path), item.mark))
      }
      inputs[entry.key] = paths
    }
    return (inputs, problems)
  }
}
