public import StewardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Path patterns for every input a playbook or `--input` names: audit
/// subjects, and any other resolver that takes a glob. One matcher, so that
/// every kind agrees on what a pattern means.
///
/// | written | matches |
/// |---|---|
/// | `*` | any run of characters in one name, `/` excepted |
/// | `?` | one character |
/// | `[abc]`, `[a-z]`, `[!a-z]` | one character of (or not of) the set |
/// | `**` as a whole component | zero or more folders: `models/**/*.yaml` reaches `models/a.yaml` and `models/x/y/b.yaml` |
/// | `\*` | a literal `*` (likewise `\?`, `\[`) |
///
/// - `**` inside a name (`a**b`) is a plain `*`. A trailing `**` matches the
///   folder before it (`models/**` is `models`), which stands for the files
///   under it at any depth.
/// - Hidden names (a leading `.`) match only a component that starts with a
///   `.` itself: `*` and `**` skip them, `.github/*.yaml` reaches them.
/// - `**` does not descend through a symbolic link to a folder, so a link
///   that loops back cannot loop the walk (as bash's `globstar`); a link
///   named by a literal or `*` component is followed like any path.
/// - Matches come back sorted by their bytes, without duplicates, whatever
///   order the file system lists them in.
/// - A folder that exists but cannot be listed is an error (F002), never
///   an empty match: files it holds would be skipped silently.
public enum Glob {
  /// True when `path` holds a pattern character (`*`, `?`, `[`).
  public static func isPattern(_ path: some StringProtocol) -> Bool {
    path.utf8.contains {
      $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[")
    }
  }

  /// The paths `pattern` matches (files, folders and links), sorted; a path
  /// without pattern characters matches itself when it exists.
  public static func paths(matching pattern: String) throws(Diagnostic) -> [String] {
    guard !pattern.isEmpty else { return [] }
    var components = pattern.split(separator: "/", omittingEmptySubsequences: true)
    // `a/**` is the folder `a`: a folder stands for everything under it.
    let foldersOnly = components.last == "**"
    if foldersOnly { components.removeLast() }
    var walk = Walk()
    try walk.match(pattern.hasPrefix("/") ? "/" : "", components[...], foldersOnly: foldersOnly)
    if let unreadable = walk.unreadable {
      throw Diagnostic(
        at: SourceMark(file: unreadable.path, line: 0, column: 0), code: "F002",
        "cannot list this folder while matching \"\(pattern)\": \(unreadable.reason)")
    }
    return sorted(walk.found)
  }

  /// The data files a path names: the file itself; the files under a folder
  /// that `keep` accepts; or for a pattern, the files it matches and the
  /// accepted files under the folders it matches. Sorted, each once; empty
  /// when nothing is there (the caller says so at its own mark). A path
  /// that exists is read as itself even when it holds pattern characters.
  public static func files(
    _ path: String, keep: (String) -> Bool
  ) throws(Diagnostic) -> [String] {
    let matched = exists(path) ? [path] : isPattern(path) ? try paths(matching: path) : []
    var files: Set<String> = []
    for match in matched {
      if isFolder(match) {
        files.formUnion(
          withoutActuallyEscaping(keep) { InputFiles.expand([match], keep: $0).files })
      } else {
        files.insert(match)
      }
    }
    return sorted(files)
  }

  private static func sorted(_ paths: Set<String>) -> [String] {
    // Byte order, compared as C strings (a path holds no NUL): through
    // the generic UTF8View comparison, sorting a gate's 10,000 paths took
    // 35 ms before the first card was read.
    var keyed = paths.map { (bytes: Array($0.utf8CString), path: $0) }
    keyed.sort { a, b in
      a.bytes.withUnsafeBufferPointer { pa in
        b.bytes.withUnsafeBufferPointer { pb in strcmp(pa.baseAddress!, pb.baseAddress!) < 0 }
      }
    }
    return keyed.map(\.path)
  }

  /// Whether `pattern` matches the one name `name` (no `/`), with the
  /// hidden-name rule above.
  public static func matches(_ pattern: String, name: String) -> Bool {
    fnmatch(pattern, name, FNM_PERIOD) == 0
  }

  /// Whether anything is at `path` (a dangling link counts: reading it then
  /// says why it cannot be read, instead of the link being skipped).
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Whether `path` is a folder or a link to one.
  static func isFolder(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }
}

/// One pattern's walk over the file system.
private struct Walk {
  var found: Set<String> = []
  var unreadable: (path: String, reason: String)?

  /// Adds what `components` match below `directory` ("" is the current
  /// folder, "/" the root). With `foldersOnly` (the pattern ended in `**`),
  /// the last component matches folders only.
  mutating func match(
    _ directory: String, _ components: ArraySlice<Substring>, foldersOnly: Bool
  ) throws(Diagnostic) {
    guard let first = components.first else {
      found.insert(directory.isEmpty ? "." : directory)
      return
    }
    let rest = components.dropFirst()
    if first == "**" {
      try match(directory, rest, foldersOnly: foldersOnly)
      for entry in list(directory) where entry.isWalked {
        try match(entry.path, components, foldersOnly: foldersOnly)
      }
      return
    }
    if !Glob.isPattern(first) {
      let path = Self.join(directory, String(first))
      if rest.isEmpty && !foldersOnly {
        if Glob.exists(path) { found.insert(path) }
      } else if Glob.isFolder(path) {
        try match(path, rest, foldersOnly: foldersOnly)
      }
      return
    }
    let pattern = String(first)
    for entry in list(directory) where Glob.matches(pattern, name: entry.name) {
      if rest.isEmpty && !foldersOnly {
        found.insert(entry.path)
      } else if entry.isFolder {
        try match(entry.path, rest, foldersOnly: foldersOnly)
      }
    }
  }

  struct Entry {
    var name: String
    var path: String
    /// A folder, or a link to one.
    var isFolder: Bool
    var isLink: Bool

    /// What `**` descends into: a folder that is neither hidden nor a link.
    var isWalked: Bool { isFolder && !isLink && !name.hasPrefix(".") }
  }

  /// The entries of `directory` but `.` and `..`; a folder that vanished or
  /// is not one lists nothing, one that cannot be opened is remembered.
  private mutating func list(_ directory: String) -> [Entry] {
    guard let dir = opendir(directory.isEmpty ? "." : directory) else {
      if errno != ENOENT && errno != ENOTDIR && unreadable == nil {
        unreadable = (directory.isEmpty ? "." : directory, String(cString: strerror(errno)))
      }
      return []
    }
    defer { closedir(dir) }
    var entries: [Entry] = []
    while let entry = readdir(dir) {
      let (name, type) = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
        pointer.withMemoryRebound(to: CChar.self, capacity: 256) {
          (String(cString: $0), entry.pointee.d_type)
        }
      }
      if name == "." || name == ".." { continue }
      let path = Self.join(directory, name)
      var isLink = type == UInt8(DT_LNK)
      var isFolder = type == UInt8(DT_DIR)
      if type == UInt8(DT_UNKNOWN) {
        // Some file systems do not fill in the type.
        var info = stat()
        isLink = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
        isFolder = !isLink && (info.st_mode & S_IFMT) == S_IFDIR
      }
      if isLink { isFolder = Glob.isFolder(path) }
      entries.append(Entry(name: name, path: path, isFolder: isFolder, isLink: isLink))
    }
    return entries
  }

  private static func join(_ directory: String, _ name: String) -> String {
    switch directory {
    case "": name
    case "/": "/" + name
    default: directory + "/" + name
    }
  }
}
