import Foundation
public import StewardCore

/// Turns the paths a user typed into the files Steward should read.
public enum InputFiles {
  /// The extensions Steward reads as playbooks, plugins or data.
  public static let extensions: Set<String> = ["yaml", "yml", "json", "lua"]

  /// Expands folders (recursively, hidden entries skipped, sorted so output is
  /// stable) and reports paths that do not exist.
  public static func expand(_ paths: [String]) -> (files: [String], missing: [Diagnostic]) {
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
      if let walker = fm.enumerator(atPath: path) {
        for case let relative as String in walker {
          let name = (relative as NSString).lastPathComponent
          if name.hasPrefix(".") {
            walker.skipDescendants()
            continue
          }
          if extensions.contains((name as NSString).pathExtension.lowercased()) {
            found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
          }
        }
      }
      files += found.sorted()
    }
    return (files, missing)
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
