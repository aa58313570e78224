import Foundation
import StewardCore
import StewardYAML

/// An audit's `data:`: named files beside the subjects (a team registry, an
/// approved-licence list) that every check reads as `ctx.data.NAME`.
///
/// ```yaml
/// data:
///   teams: ../Examples/streamrec/teams.csv     # YAML, JSON or CSV
///   licences: licences                         # or the name of an entry under inputs:
/// ```
///
/// Each is one file, read once before any check runs: a YAML or JSON file
/// holds one document (a map or a list), a CSV file is a list of rows (maps
/// from the header's names to strings). `--input NAME=PATH` replaces one.
/// Every problem (a missing file, a bad document, two documents) refuses the
/// playbook at its place, before the run.
enum AuditData {
  static func load(_ declared: Value?, inputs: ResolvedInputs) -> (OrderedMap, [Diagnostic]) {
    guard let declared else { return (OrderedMap(), []) }
    guard let entries = declared.map?.entries else {
      return (
        OrderedMap(),
        [
          Diagnostic(
            at: declared.mark, code: "A040",
            "data takes a map of names to files, e.g. { teams: teams.csv }")
        ]
      )
    }
    var data = OrderedMap()
    var problems: [Diagnostic] = []
    for entry in entries {
      guard entry.value.string != nil else {
        problems.append(
          Diagnostic(
            at: entry.value.mark, code: "A040",
            "data \"\(entry.key)\" must be one file (a path or an input name), found \(entry.value.typeWithArticle)"
          ))
        continue
      }
      guard let path = inputs.file(entry.key, declared: entry.value, problems: &problems) else {
        continue
      }
      do {
        // `.inf` and `.nan` are refused as in subjects: a threshold of NaN
        // makes every comparison with it false, and a check passes.
        let documents = try DocumentLoader.load(path: path, limits: .finite)
        guard documents.count == 1, let document = documents.first else {
          problems.append(
            Diagnostic(
              at: SourceMark(file: path, line: 1, column: 1), code: "A040",
              "data \"\(entry.key)\": the file holds \(documents.count) documents; data is one document"
            ))
          continue
        }
        data[entry.key] = document
      } catch let error where error.code == "Y016" {
        problems.append(
          Diagnostic(
            at: inputs.overrides[entry.key] == nil ? entry.value.mark : inputs.commandLine,
            code: "A040",
            "data \"\(entry.key)\": "
              + (FileManager.default.fileExists(atPath: path)
                ? "\(path) is not a regular file (a FIFO, a device or a folder)"
                : "no such file \(path)")))
      } catch {
        problems += Validator.diagnostics(of: error, file: path)
      }
    }
    return (data, problems)
  }
}
