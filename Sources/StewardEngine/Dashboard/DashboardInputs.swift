import Foundation
import StewardCore
import StewardYAML

/// The named inputs of a dashboard, read once per run.
///
/// An input that is one file reads as that file's document (a CSV file as
/// its list of rows); a folder, or several paths, as the list of their
/// documents (one model card per file).
struct DashboardInputs {
  var values: [String: Value] = [:]
  /// Every file read, sorted, for the history's input hashes.
  var files: [String] = []

  static func load(_ playbook: DashboardPlaybook) throws -> DashboardInputs {
    var loaded = DashboardInputs()
    var problems: [Diagnostic] = []
    var used = Set<String>()
    for spec in playbook.metrics {
      switch spec.source {
      case .builtin(let b):
        for (param, _) in b.inputParams { used.insert(spec.input(param)) }
      case .lua:
        used.formUnion(playbook.inputs.keys)
      case .expression: break
      }
    }
    for name in used.sorted() {
      guard let paths = playbook.inputs[name] else { continue }
      let single = paths.count == 1 && !InputFiles.isDirectory(paths[0])
      let (files, missing) = InputFiles.expand(paths)
      problems += missing
      var documents: [Value] = []
      for file in files {
        do {
          documents += try DocumentLoader.load(path: file).prefix(1)
          loaded.files.append(file)
        } catch {
          problems.append(error.diagnostic)
        }
      }
      if single {
        loaded.values[name] = documents.first ?? .null
      } else {
        loaded.values[name] = Value(.list(documents))
      }
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    loaded.files.sort()
    return loaded
  }

  /// The input as a list of maps: CSV rows, a YAML list, or a folder's documents.
  func rows(_ name: String) -> [Value] {
    values[name]?.list ?? []
  }
}

extension Value {
  /// A scalar as text: strings as they are, numbers written out; nil otherwise.
  var text: String? {
    switch kind {
    case .string(let s): s
    case .int(let i): String(i)
    case .double(let d): String(d)
    case .bool(let b): String(b)
    default: nil
    }
  }

  /// A number, or a string that reads as one (CSV cells are strings).
  var numeric: Double? {
    if let n = number { return n }
    if let s = string { return Double(s.trimmingCharacters(in: .whitespaces)) }
    return nil
  }
}
