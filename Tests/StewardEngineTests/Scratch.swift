import Foundation
import TestSupport

/// A temporary folder of files for one test.
struct Scratch {
  let url: URL

  init(_ files: [String: String]) throws {
    url = try TestFolders.make("scratch")
    for (name, content) in files {
      let file = url.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(content.utf8).write(to: file)
    }
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// The package's own folder, for tests that read shipped files.
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
}
