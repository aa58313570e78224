import Foundation

/// The executables a runbook's `capabilities.run` grants, held as the
/// absolute paths they named when the grant was read. Compared by basename,
/// `run: [printf]` let `steward.run{"evil/printf"}` start any script called
/// printf; a command is now resolved the same way and compared path to path,
/// and the resolved path is what runs.
struct RunGrant: Sendable {
  /// `run: true`: any command.
  var any: Bool
  /// Each grant as written, with the file it resolved to (nil: none found).
  var grants: [(name: String, path: String?)]
  /// The folders a bare name is looked up in: `PATH` as it was when the
  /// grant was read, so the grant and the command resolve alike.
  var searchPath: [String]
  /// Where a relative path (`./scripts/check.sh`) is resolved: the folder
  /// commands run in.
  var base: String

  init(names: [String], base: String, path: String?) {
    any = names.contains("*")
    self.base = base
    searchPath = (path ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
    grants = []
    grants = names.filter { $0 != "*" }.map { ($0, locate($0)) }
  }

  /// The file `command` runs, when the grant allows it; nil when not.
  func allowed(_ command: String) -> String? {
    if any { return command }
    guard let file = locate(command), grants.contains(where: { $0.path == file }) else {
      return nil
    }
    return file
  }

  /// What the playbook grants, for a refusal: each name with its file.
  var description: String {
    grants.map { "\($0.name) (\($0.path ?? "not found on PATH"))" }.joined(separator: ", ")
  }

  /// The executable file `command` names, symlinks resolved: a path taken
  /// as it is (relative to `base`), a bare name looked up on `searchPath`.
  func locate(_ command: String) -> String? {
    let candidates =
      command.contains("/")
      ? [command.hasPrefix("/") ? command : (base as NSString).appendingPathComponent(command)]
      : searchPath.map { ($0 as NSString).appendingPathComponent(command) }
    for candidate in candidates {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
        !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: candidate)
      else { continue }
      return URL(fileURLWithPath: candidate).standardizedFileURL.resolvingSymlinksInPath().path
    }
    return nil
  }
}
