import Foundation
public import StewardCore

#if canImport(Glibc)
  import Glibc
#endif

/// Turns the paths a user typed into the files Steward should read.
public enum InputFiles {
  /// The extensions Steward reads as playbooks, plugins or data.
  public static let extensions: Set<String> = ["yaml", "yml", "json", "lua"]

  /// Expands folders (recursively, hidden entries skipped, sorted so output is
  /// stable) and reports paths that do not exist. Under a folder, the files
  /// `keep` accepts, or without it those with one of ``extensions``: a
  /// kind's inputs name their own (an audit's subjects include Markdown
  /// cards, which the fixed list left out, and the gate passed without them).
  public static func expand(_ paths: [String], keep: ((String) -> Bool)? = nil) -> (
    files: [String], missing: [Diagnostic]
  ) {
    var files: [String] = []
    var missing: [Diagnostic] = []
    let fm = FileManager.default
    for path in paths {
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
        missing.append(
          Diagnostic(
            at: SourceMark(file: path, line: 0, column: 0), code: "F001",
            "no such file or directory"))
        continue
      }
      guard isDirectory.boolValue else {
        files.append(path)
        continue
      }
      var found: [String] = []
      walk(
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path, keep: keep,
        into: &found)
      files += found.sorted()
    }
    return (files, missing)
  }

  /// Adds the files under `directory` with one of the extensions, skipping
  /// hidden entries and not following links to folders. `readdir` says
  /// which entries are folders without a `stat` each: FileManager's
  /// enumerator took 75 ms over a folder of 10,000 model cards.
  static func walk(
    _ directory: String, keep: ((String) -> Bool)? = nil, into found: inout [String]
  ) {
    guard let dir = opendir(directory) else { return }
    defer { closedir(dir) }
    while let entry = readdir(dir) {
      let (name, type) = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
        pointer.withMemoryRebound(to: CChar.self, capacity: 256) {
          (String(cString: $0), entry.pointee.d_type)
        }
      }
      if name.hasPrefix(".") { continue }
      let path = directory + "/" + name
      var isDirectory = type == UInt8(DT_DIR)
      if type == UInt8(DT_UNKNOWN) {
        // Some file systems do not fill in the type.
        var info = stat()
        isDirectory = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
      }
      if isDirectory {
        walk(path, keep: keep, into: &found)
      } else if let keep {
        if keep(path) { found.append(path) }
      } else if let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")),
        extensions.contains(String(name[name.index(after: dot)...]).lowercased())
      {
        found.append(path)
      }
    }
  }

  /// Reads a text file, refusing what is not UTF-8 with a diagnostic.
  public static func readText(_ path: String) throws(Diagnostic) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 0, column: 0), code: "F002", "cannot read the file")
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 1, column: 1), code: "F003",
        "the file is not valid UTF-8")
    }
    return text
  }
}

extension InputFiles {
  /// Whether `path` names an existing folder.
  /// One spelling of a path, so that `./w.yaml`, `w.yaml` and a path
  /// through a link to its folder are one file.
  static func canonical(_ path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    // A file not there yet: its folder's links are resolved all the same
    // (`outlink/a` and `out/a` are one file once either is written).
    if !FileManager.default.fileExists(atPath: url.path) {
      return url.deletingLastPathComponent().resolvingSymlinksInPath()
        .appendingPathComponent(url.lastPathComponent).path
    }
    return url.resolvingSymlinksInPath().path
  }

  /// A canonical path as a user reads it: relative to the working folder
  /// when it is under it, else whole.
  static func shown(_ canonicalPath: String) -> String {
    let here = canonical(FileManager.default.currentDirectoryPath)
    return canonicalPath.hasPrefix(here + "/")
      ? String(canonicalPath.dropFirst(here.count + 1)) : canonicalPath
  }

  public static func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }
}

extension InputFiles {
  /// `base/relative` with `.` and `..` folded away, so reports say
  /// `Examples/streamrec/models/a.yaml`, not `Playbooks/../Examples/…`.
  /// Absolute `relative` paths are kept as they are.
  public static func join(_ base: String, _ relative: String) -> String {
    let path = relative.hasPrefix("/") || base.isEmpty ? relative : base + "/" + relative
    return normalize(path)
  }

  /// Folds `.` and `..` components without touching the file system.
  public static func normalize(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      switch part {
      case ".": continue
      case "..":
        if let last = parts.last, last != ".." {
          parts.removeLast()
        } else if !absolute {
          parts.append(part)
        }
      default: parts.append(part)
      }
    }
    let joined = parts.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }
}
