import Foundation
import StewardCore
import StewardYAML

/// Reads a playbook file into its header (and whole document).
public enum PlaybookLoader {
  public static func load(path: String) throws -> PlaybookHeader {
    guard FileManager.default.fileExists(atPath: path) else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 0, column: 0), code: "F001", "no such file or directory")
    }
    if LuaPlaybookLoader.isLua(path) {
      return try PlaybookHeader.parse(try LuaPlaybookLoader.document(path: path))
    }
    let documents = try DocumentLoader.load(path: path)
    guard let document = documents.first else {
      throw Diagnostic(
        at: SourceMark(file: path, line: 1, column: 1), code: "S001",
        "the file is empty; a playbook starts with \"steward: 1\", \"kind:\" and \"name:\"")
    }
    if documents.count > 1 {
      throw Diagnostic(
        at: documents[1].mark, code: "S007",
        "a playbook file holds one document; found \(documents.count)")
    }
    return try PlaybookHeader.parse(document)
  }
}
