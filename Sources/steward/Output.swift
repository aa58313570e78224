import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

/// Writes report files so that a crash or a full disk never leaves half a
/// report behind: write beside the target, then rename over it.
enum Output {
  static func writeAtomically(_ text: String, to path: String) throws {
    do {
      try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      Console.error("\(path): error: cannot write the report: \(error.localizedDescription)")
      throw ExitCode(Exit.inputError)
    }
  }
}

/// Prints any error as `file:line:column: error: …` with the source line.
enum Diagnostics {
  /// Enough to act on; ten thousand broken cards should not scroll for a minute.
  static let limit = 50

  static func print(_ error: any Error, file: String) {
    var renderer = DiagnosticRenderer()
    let all = Validator.diagnostics(of: error, file: file)
    for diagnostic in all.prefix(limit) {
      Console.error(renderer.render(diagnostic))
    }
    if all.count > limit {
      Console.error("… and \(all.count - limit) more problems (\(all.count) in all)")
    }
  }
}
