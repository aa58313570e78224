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
/// subject per document, identified by its `id` key or else its file name;
/// and Markdown cards (``MarkdownCard``): one subject per file.
public enum SubjectLoader {
  public static func load(_ patterns: [(pattern: String, mark: SourceMark)]) throws -> [Subject] {
    let files = try self.files(patterns)
    let loaded = loadInParallel(files)
    var subjects: [Subject] = []
    var problems: [Diagnostic] = []
    for outcome in loaded {
      switch outcome {
      case .success(let found): subjects += found
      case .failure(let error): problems += error.diagnostics
      }
    }
    problems += duplicates(subjects.lazy.map { ($0.id, $0.value.mark) })
    if !problems.isEmpty { throw PlaybookError(problems) }
    return subjects
  }

  /// The files the patterns name, in order; a pattern that matches nothing
  /// is an error at its mark.
  public static func files(_ patterns: [(pattern: String, mark: SourceMark)]) throws -> [String] {
    let (files, problems) = ResolvedInputs.files(
      patterns.map { ($0.pattern, $0.mark) }, keep: isSubjectFile, code: "A010",
      what: "subject files")
    if !problems.isEmpty { throw PlaybookError(problems) }
    return files
  }

  /// The subjects of one file: one per document, identified by its `id`
  /// key, or else by the file name (with `#N` when the file holds several).
  /// `observe` sees the file's bytes (``DocumentLoader/load(path:limits:observe:)``).
  public static func subjects(
    in file: String, observe: ((UnsafeRawBufferPointer) -> Void)? = nil
  ) -> Result<[Subject], PlaybookError> {
    let documents: [Value]
    do {
      // `.inf` and `.nan` are refused: a check comparing one with a
      // threshold can pass a value nobody measured.
      if MarkdownCard.isMarkdown(path: file) {
        // A Hugging Face card: one subject, even without front matter.
        let card = try MarkdownCard.load(path: file, limits: .finite, observe: observe)
        return .success([Subject(id: markdownID(of: file), value: card, file: file)])
      }
      documents = try DocumentLoader.load(path: file, limits: .finite, observe: observe)
    } catch {
      return .failure(PlaybookError(Validator.diagnostics(of: error, file: file)))
    }
    if documents.isEmpty {
      return .failure(
        PlaybookError([
          Diagnostic(
            at: SourceMark(file: file, line: 1, column: 1), code: "A015",
            "this subject file is empty or holds only comments: there is no subject in it"
              + " to check")
        ]))
    }
    let stem = Self.stem(of: file)
    var subjects: [Subject] = []
    var problems: [Diagnostic] = []
    for (i, document) in documents.enumerated() {
      if document.isNull {
        problems.append(
          Diagnostic(
            at: document.mark, code: "A015",
            "document \(i + 1) of this subject file is empty (a \"---\" with nothing after it?)"
          ))
        continue
      }
      guard document.map != nil else {
        // A list, a string or a CSV file's rows has no field a check can
        // read: every check would skip, and the gate would pass it.
        problems.append(
          Diagnostic(
            at: document.mark, code: "A017",
            "a subject is a map of fields (a model card), found \(document.typeWithArticle)"))
        continue
      }
      switch id(of: document) {
      case .success(let id):
        let id = id ?? (documents.count == 1 ? stem : "\(stem)#\(i + 1)")
        subjects.append(Subject(id: id, value: document, file: file))
      case .failure(let problem): problems.append(problem)
      }
    }
    return problems.isEmpty ? .success(subjects) : .failure(PlaybookError(problems))
  }

  /// The document's `id`, or nil when it has none. An `id` that is there
  /// but is not a string with some text is refused: falling back to the
  /// file name would hide the mistake, and an empty one names nothing.
  static func id(of document: Value) -> Result<String?, Diagnostic> {
    guard let value = document["id"] else { return .success(nil) }
    let found: String
    switch value.string {
    case let id? where id.contains(where: { !$0.isWhitespace }): return .success(id)
    case ""?: found = "an empty string"
    case _?: found = "a blank string"
    case nil: found = value.typeWithArticle
    }
    return .failure(
      Diagnostic(
        at: value.mark, code: "A013",
        "a subject's \"id\" must be a non-empty string, found \(found)"))
  }

  /// A problem for every id used a second time, in order.
  public static func duplicates(_ ids: some Sequence<(String, SourceMark)>) -> [Diagnostic] {
    var seen: [String: SourceMark] = [:]
    var problems: [Diagnostic] = []
    for (id, mark) in ids {
      if let first = seen[id] {
        problems.append(
          Diagnostic(
            at: mark, code: "A009", "subject id \"\(id)\" is used twice (first at \(first))"))
      } else {
        seen[id] = mark
      }
    }
    return problems
  }

  /// Reads `files` on all cores; results keep the order of `files`.
  static func loadInParallel(_ files: [String]) -> [Result<[Subject], PlaybookError>] {
    let box = LoadBox(count: files.count)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var index = worker
      while index < files.count {
        box.store(index, subjects(in: files[index]))
        index += workers
      }
    }
    return box.results.map { $0 ?? .success([]) }
  }

  // Both name helpers work on the string itself: NSString's path methods
  // on Linux cost about 50,000 instructions a file, a tenth of a card's
  // YAML parse.

  /// A Markdown card's id: its folder's name for a `README.md` (every
  /// Hugging Face card is one, so the file name tells them apart not at
  /// all), else its file name without the extension.
  static func markdownID(of path: String) -> String {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    if parts.count >= 2, parts[parts.count - 1].lowercased() == "readme.md",
      parts[parts.count - 2] != "."
    {
      return String(parts[parts.count - 2])
    }
    return stem(of: path)
  }

  /// YAML, JSON and Markdown files, by the loaders' own extension rules (a
  /// CSV file is data for surveys and dashboards, not audit subjects).
  static func isSubjectFile(_ path: String) -> Bool {
    switch DocumentFormat(path: path) {
    case .yaml, .json: true
    case .csv: false
    case nil: MarkdownCard.isMarkdown(path: path)
    }
  }

  /// The file's name without its folder and extension (`models/ad.yaml` is
  /// `ad`; a leading dot starts a name, not an extension), as NSString's
  /// `lastPathComponent` and `deletingPathExtension` give it.
  static func stem(of path: String) -> String {
    let name = path.split(separator: "/", omittingEmptySubsequences: true).last ?? Substring(path)
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return String(name) }
    return String(name[..<dot])
  }
}

/// Parsed files, stored by index from the loading workers.
private final class LoadBox: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var results: [Result<[Subject], PlaybookError>?]

  init(count: Int) {
    results = Array(repeating: nil, count: count)
  }

  func store(_ index: Int, _ result: Result<[Subject], PlaybookError>) {
    lock.lock()
    results[index] = result
    lock.unlock()
  }
}
