import Foundation
public import StewardCore

/// The inputs a kind reads, declared once in its ``RunnableKind/inputs``.
///
/// ```yaml
/// inputs:
///   models: ../Examples/streamrec/models     # a path, a folder or a glob
///   experiments: [exp/a.yaml, exp/b.yaml]   # or a list of them
/// subjects: models                            # an audit reads an input by name
/// ```
public struct InputDeclaration: Sendable {
  /// The inputs the kind reads by name (a hackathon's `projects`, `scores`
  /// and `org`), each of which `--input NAME=PATH` may replace.
  public var names: [String]
  /// Whether a playbook may declare inputs of its own under `inputs:`,
  /// which `--input` may then replace too (audits and dashboards).
  public var open: Bool

  public init(names: [String], open: Bool = false) {
    self.names = names
    self.open = open
  }

  public static let none = InputDeclaration(names: [])
}

/// A playbook's inputs with the command line's `--input NAME=PATH` applied:
/// the one place where paths are made relative to the playbook, where
/// `inputs:` is read, and where an `--input` name the playbook does not read
/// is refused (with the closest name).
///
/// Paths a playbook gives are relative to the playbook's folder; those
/// `--input` gives are relative to where steward runs. They are resolved to
/// files by ``Glob/files(_:keep:)``, the one matcher every kind shares (`**`
/// is zero or more folders).
public struct ResolvedInputs: Sendable {
  /// The playbook's folder.
  public var base: String
  /// The entries under `inputs:`, with their paths made relative to `base`.
  public var declared: [String: [(path: String, mark: SourceMark)]]
  /// `--input NAME=PATH` by name.
  public var overrides: [String: [String]]
  /// Problems found while resolving: an unknown name, a malformed entry.
  public var problems: [Diagnostic]
  /// Where problems with `--input` are reported: the playbook, line 0.
  public var commandLine: SourceMark

  /// Resolves `overrides` against the playbook `header` read from `path`,
  /// for a kind that reads `declaration`.
  public init(
    header: PlaybookHeader, path: String, overrides: [String: [String]] = [:],
    declaration: InputDeclaration
  ) {
    base = (path as NSString).deletingLastPathComponent
    self.overrides = overrides
    commandLine = SourceMark(file: path, line: 0, column: 0)
    declared = [:]
    problems = []
    for entry in header.document["inputs"]?.map?.entries ?? [] {
      var paths: [(String, SourceMark)] = []
      for item in entry.value.list ?? [entry.value] {
        guard let path = item.string else {
          problems.append(
            Diagnostic(
              at: item.mark, code: "S009",
              "input \"\(entry.key)\" must be a path or a list of paths, found \(item.typeWithArticle)"
            ))
          continue
        }
        paths.append((InputFiles.join(base, path), item.mark))
      }
      declared[entry.key] = paths
    }
    var known = declaration.names
    if declaration.open { known += declared.keys.sorted().filter { !known.contains($0) } }
    let kind = English.withArticle(header.kind.rawValue)
    for name in overrides.keys.sorted() where !known.contains(name) {
      var message = "--input \(name)=…: \(kind) playbook reads no input \"\(name)\""
      if let guess = SchemaValidator.suggestion(for: name, among: known) {
        message += "; did you mean \"\(guess)\"?"
      } else if known.isEmpty {
        message += declaration.open ? "; declare it under \"inputs:\"" : ""
      } else {
        message += " (it reads \(known.joined(separator: ", ")))"
      }
      problems.append(Diagnostic(at: commandLine, code: "I001", message))
    }
  }

  /// A path the playbook gives, made relative to the playbook's folder.
  public func join(_ path: String) -> String { InputFiles.join(base, path) }

  /// The paths of input `name`: those `--input` gives, else those declared
  /// under `inputs:`, else `value` (a path or a list of paths in the
  /// playbook, or the name of an entry under `inputs:`); nil when there is
  /// none of these.
  public func paths(_ name: String, declared value: Value? = nil) -> [(
    path: String, mark: SourceMark
  )]? {
    if let given = overrides[name] {
      return given.map { ($0, SourceMark(file: $0, line: 0, column: 0)) }
    }
    if let value {
      var out: [(String, SourceMark)] = []
      for item in value.list ?? [value] {
        guard let s = item.string else { continue }
        if let given = overrides[s] {
          // The name of an entry under `inputs:`, which --input replaces.
          out += given.map { ($0, SourceMark(file: $0, line: 0, column: 0)) }
        } else if let entry = declared[s] {
          out += entry
        } else {
          out.append((join(s), item.mark))
        }
      }
      return out
    }
    return declared[name]
  }

  /// The one file of input `name` (see ``paths(_:declared:)``); a problem
  /// when `--input` gives it more than once.
  public func file(_ name: String, declared value: Value?, problems: inout [Diagnostic]) -> String?
  {
    if let given = overrides[name], given.count != 1 {
      problems.append(
        Diagnostic(at: commandLine, code: "I002", "--input \(name)=PATH takes one file"))
    }
    return paths(name, declared: value)?.first?.path
  }

  /// The files that `patterns` (files, folders or globs) name, each pattern's
  /// matches sorted, in the patterns' order: the one place a kind's paths
  /// become files. A pattern that matches no file `keep` accepts is a
  /// problem at its mark (`code`, saying "no WHAT match").
  public static func files(
    _ patterns: [(path: String, mark: SourceMark)], keep: (String) -> Bool, code: String,
    what: String
  ) -> (files: [String], problems: [Diagnostic]) {
    var files: [String] = []
    var problems: [Diagnostic] = []
    for (pattern, mark) in patterns {
      let matched: [String]
      do { matched = try Glob.files(pattern, keep: keep) } catch {
        problems.append(error)
        continue
      }
      if matched.isEmpty {
        problems.append(Diagnostic(at: mark, code: code, "no \(what) match \"\(pattern)\""))
      }
      files += matched
    }
    return (files, problems)
  }
}
