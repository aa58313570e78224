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

    let loaded = loadInParallel(files)
    var subjects: [Subject] = []
    var seen: [String: SourceMark] = [:]
    for (file, outcome) in zip(files, loaded) {
      let documents: [Value]
      switch outcome {
      case .success(let parsed): documents = parsed
      case .failure(let error):
        problems += Validator.diagnostics(of: error, file: file)
        continue
      }
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

  /// Parses `files` on all cores (a folder of 10,000 model cards is most of
  /// an audit's work); results keep the order of `files`.
  static func loadInParallel(_ files: [String]) -> [Result<[Value], YAMLError>] {
    let box = LoadBox(count: files.count)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var index = worker
      while index < files.count {
        let result = Result { () throws(YAMLError) -> [Value] in
          try DocumentLoader.load(path: files[index])
        }
        box.store(index, result)
        index += workers
      }
    }
    return box.results.map { $0 ?? .success([]) }
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

/// Parsed files, stored by index from the loading workers.
private final class LoadBox: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var results: [Result<[Value], YAMLError>?]

  init(count: Int) {
    results = Array(repeating: nil, count: count)
  }

  func store(_ index: Int, _ result: Result<[Value], YAMLError>) {
    lock.lock()
    results[index] = result
    lock.unlock()
  }
}
