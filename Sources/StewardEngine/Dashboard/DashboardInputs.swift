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
      let (files, missing) = ResolvedInputs.files(
        paths.map { ($0, SourceMark(file: $0, line: 0, column: 0)) }, keep: Self.isDataFile,
        code: "D016", what: "files of input \"\(name)\"")
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
      if files.count == 1, paths.count == 1, !InputFiles.isDirectory(paths[0]) {
        // One file, named or matched by a glob: its document as it is.
        loaded.values[name] = documents.first ?? .null
      } else if !documents.isEmpty, documents.allSatisfy({ $0.list != nil }) {
        // Several CSV files (a log split by quarter): their rows, in file order.
        loaded.values[name] = Value(.list(documents.flatMap { $0.list ?? [] }))
      } else {
        loaded.values[name] = Value(.list(documents))
      }
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    loaded.files.sort()
    return loaded
  }

  /// YAML, JSON and CSV files: what a dashboard input's folder or glob stands for.
  static func isDataFile(_ path: String) -> Bool { DocumentFormat(path: path) != nil }

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
