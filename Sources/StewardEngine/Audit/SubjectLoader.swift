import Foundation
public import StewardCore
import StewardYAML

#if canImport(Glibc)
  import Glibc
#endif

/// One thing an audit checks: a document, with an id for reports.
public struct Subject: Sendable {
  public var id: String
  public var value: Value
  public var file: String
}

/// Loads audit subjects from files, folders and globs of YAML/JSON: one
/// subject per document, identified by its `id` key or else its file name.
public enum SubjectLoader {
  public static let extensions: Set<String> = ["yaml", "yml", "json"]

  public static func load(_ patterns: [(pattern: String, mark: SourceMark)]) throws -> [Subject] {
    var files: [String] = []
    var problems: [Diagnostic] = []
    for (pattern, mark) in patterns {
      let matched = expand(pattern)
      if matched.isEmpty {
        problems.append(
          Diagnostic(at: mark, code: "A010", "no subject files match \"\(pattern)\""))
      }
      files += matched
    }
    if !problems.isEmpty { throw PlaybookError(problems) }

    var subjects: [Subject] = []
    var seen: [String: SourceMark] = [:]
    for file in files {
      let documents = try DocumentLoader.load(path: file)
      let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
      for (i, document) in documents.enumerated() {
        let id = document["id"]?.string ?? (documents.count == 1 ? stem : "\(stem)#\(i + 1)")
        if let first = seen[id] {
          problems.append(
            Diagnostic(
              at: document.mark, code: "A009",
              "subject id \"\(id)\" is used twice (first at \(first))"))
          continue
        }
        seen[id] = document.mark
        subjects.append(Subject(id: id, value: document, file: file))
      }
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return subjects
  }

  /// A file, every subject file under a folder (sorted), or the files a glob
  /// matches (sorted).
  static func expand(_ pattern: String) -> [String] {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: pattern, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { return [pattern] }
      return InputFiles.expand([pattern]).files.filter { isSubjectFile($0) }
    }
    guard pattern.contains(where: { "*?[".contains($0) }) else { return [] }
    var result = glob_t()
    defer { globfree(&result) }
    guard glob(pattern, 0, nil, &result) == 0 else { return [] }
    var matches: [String] = []
    for i in 0..<Int(result.gl_pathc) {
      if let cString = result.gl_pathv[i] {
        let path = String(cString: cString)
        var dir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &dir) {
          matches +=
            dir.boolValue ? InputFiles.expand([path]).files.filter { isSubjectFile($0) } : [path]
        }
      }
    }
    return matches.sorted()
  }

  static func isSubjectFile(_ path: String) -> Bool {
    extensions.contains((path as NSString).pathExtension.lowercased())
  }
}
