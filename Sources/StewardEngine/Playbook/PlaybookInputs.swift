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
///
/// The paths are resolved to files by ``Glob/files(_:keep:)``, the one
/// matcher every kind shares (`**` is zero or more folders).
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

  /// Inputs a playbook names by key (not under `inputs:`), each of which
  /// `--input NAME=PATH` may replace; the hackathon and ritual playbooks
  /// read several such files.
  struct Overrides {
    var overrides: [String: [String]]
    /// The playbook's folder: declared paths are relative to it.
    var base: String
    /// Where command-line problems are reported: the playbook, line 0.
    var cli: SourceMark
    /// The code of a problem with `--input`.
    var code: String

    /// A problem for each `--input` name the playbook does not read.
    func unknownNames(reads names: [String], reader: String) -> [Diagnostic] {
      let quoted = names.map { "\"\($0)\"" }
      let list = quoted.dropLast().joined(separator: ", ") + " and " + (quoted.last ?? "")
      return overrides.keys.sorted().filter { !names.contains($0) }.map {
        Diagnostic(at: cli, code: code, "--input \($0)=…: \(reader) reads \(list)")
      }
    }

    /// The path of input `name`: the one `--input` gives, else the one the
    /// playbook declares, relative to it; nil when there is neither.
    func path(_ name: String, declared: Value?, problems: inout [Diagnostic]) -> String? {
      if let given = overrides[name] {
        if given.count != 1 {
          problems.append(Diagnostic(at: cli, code: code, "--input \(name)=PATH takes one file"))
        }
        return given.first
      }
      guard let s = declared?.string else { return nil }
      return InputFiles.join(base, s)
    }
  }
}
