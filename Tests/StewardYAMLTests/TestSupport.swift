import Foundation
import StewardCore
import TestSupport

@testable import StewardYAML

/// A fresh temporary directory per call, for files the loaders read by path.
enum TempFiles {
  static func write(_ bytes: [UInt8], name: String) throws -> String {
    let directory = try TestFolders.make("yaml")
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  static func write(_ text: String, name: String) throws -> String {
    try write(Array(text.utf8), name: name)
  }
}

/// Loads `text` and returns the error it must raise, or nil when it loaded.
func yamlError(_ text: String, file: String = "t.yaml", limits: YAMLLimits = .default)
  -> YAMLError?
{
  do {
    _ = try YAMLLoader.load(text, file: file, limits: limits)
    return nil
  } catch {
    return error
  }
}

func yamlError(bytes: [UInt8], file: String = "t.yaml", limits: YAMLLimits = .default)
  -> YAMLError?
{
  do {
    _ = try YAMLLoader.load(bytes: bytes, file: file, limits: limits)
    return nil
  } catch {
    return error
  }
}

/// The single document of `text`.
func one(_ text: String, file: String = "t.yaml") throws -> Value {
  let docs = try YAMLLoader.load(text, file: file)
  guard docs.count == 1 else { throw TestFailure("expected 1 document, got \(docs.count)") }
  return docs[0]
}

struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

extension SourceMark {
  /// `line:column`, for compact assertions.
  var lc: String { "\(line):\(column)" }
}

enum FileManagerShim {
  static func makeDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
}
