import ArgumentParser
import Foundation
import StewardEngine

struct NewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "new",
    abstract: "Write a commented, valid starting playbook or plugin.",
    discussion: """
        steward new plugin my-checks            # writes my-checks.lua (and, when absent,
                                                # .luarc.json and .steward/lua/steward.meta.lua
                                                # for lua-language-server)
        steward new playbook audit model-gate   # writes model-gate.yaml

      Kinds: \(PlaybookKind.allCases.map(\.rawValue).joined(separator: ", ")).
      Existing files are never overwritten.
      """)

  @Argument(help: "plugin, or playbook followed by a kind.")
  var what: String

  @Argument(help: "For a playbook: KIND NAME. For a plugin: NAME.")
  var rest: [String] = []

  @Option(name: .shortAndLong, help: "The folder to write into.")
  var directory: String = "."

  func run() throws {
    let files: [(file: String, text: String, shared: Bool)]
    switch (what, rest.count) {
    case ("plugin", 1):
      try check(name: rest[0])
      files = StarterFiles.pluginFiles(name: rest[0])
    case ("playbook", 2):
      guard let kind = PlaybookKind(rawValue: rest[0]) else {
        throw ValidationError(
          "unknown kind \"\(rest[0])\"; use one of \(PlaybookKind.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      try check(name: rest[1])
      files = StarterFiles.files(kind: kind, name: rest[1]).map { ($0.file, $0.text, false) }
    default:
      throw ValidationError("use `steward new plugin NAME` or `steward new playbook KIND NAME`")
    }
    let fm = FileManager.default
    let paths = files.map { (directory as NSString).appendingPathComponent($0.file) }
    // All or nothing: a starter missing one of its files would not validate.
    // Files that serve the whole folder are kept as they are.
    if let (existing, _) = zip(paths, files).first(where: {
      !$1.shared && fm.fileExists(atPath: $0)
    }) {
      Console.error("\(existing): error: the file exists; steward new never overwrites")
      throw ExitCode(Exit.inputError)
    }
    for (path, file) in zip(paths, files) where !fm.fileExists(atPath: path) {
      try fm.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Output.writeAtomically(file.text, to: path)
      Console.out("wrote \(path)")
    }
  }

  func check(name: String) throws {
    let ok =
      name.first.map { $0.isLetter && $0.isLowercase } == true
      && name.allSatisfy {
        ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" || $0 == "_"
      }
    guard ok else {
      throw ValidationError(
        "a name is lower-case letters, digits, '-' and '_', starting with a letter")
    }
  }
}
