public import Foundation

/// Every temporary folder a test process makes sits in one folder of its
/// own, removed when the process exits: the suites made a few hundred
/// folders a run under the system's temporary folder and left them there.
public enum TestFolders {
  /// Made on first use; `atexit` removes it with everything in it.
  public static let root: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("steward-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: TestFolders.root) }
    return url
  }()

  /// A new, empty folder named after `prefix`, inside ``root``.
  public static func make(_ prefix: String) throws -> URL {
    let url = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A path inside ``root`` that nothing uses yet (not created).
  public static func unusedPath(_ prefix: String) -> URL {
    root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
  }
}
