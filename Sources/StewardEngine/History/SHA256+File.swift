import Foundation
public import StewardCore

extension SHA256 {
  /// The digest of a file's bytes as hex, read in 1 MiB chunks.
  public static func hex(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw HistoryError(path: path, "cannot read the file to hash it")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      chunk.withUnsafeBytes { hasher.update($0) }
    }
    return hasher.hexDigest()
  }
}
