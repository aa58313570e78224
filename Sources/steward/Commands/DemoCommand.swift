import ArgumentParser
import Foundation
import StewardEngine

struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run the whole StreamRec example into a folder of reports.",
    discussion: """
      Runs every shipped playbook on Examples/streamrec/ the way the story
      goes — the deployment gate, the surveys at month 0 and month 18, the
      hackathon and the rituals, the on-call runbook against the simulated
      service, the value dashboard — on a history store of its own, and
      writes the reports with an index.html into FOLDER.

      Exits 0 when every step ended as the story expects (some are meant to
      block), 1 otherwise.
      """)

  @Option(name: .shortAndLong, help: "The folder for the reports.")
  var output: String = "steward-demo"

  @Option(help: "The repository root (default: found from the current folder up).")
  var root: String?

  func run() async throws {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let rootURL: URL
    if let root {
      rootURL = URL(fileURLWithPath: root, relativeTo: cwd).standardizedFileURL
    } else if let found = DemoRunner.findRoot(from: cwd)
      ?? DemoRunner.findRoot(from: Self.binary.deletingLastPathComponent())
    {
      rootURL = found
    } else {
      Console.error(
        "steward demo: cannot find the StreamRec example (Playbooks/ and Examples/streamrec/); run it from a clone of the repository or pass --root"
      )
      throw ExitCode(Exit.inputError)
    }
    let folder = URL(fileURLWithPath: output, relativeTo: cwd).standardizedFileURL
    let runner = DemoRunner(binary: Self.binary.path, root: rootURL, folder: folder)
    let started = Date()
    Console.error("steward demo: the StreamRec story, into \(folder.path)")
    let outcomes = try await runner.run { outcome in
      let mark = outcome.asExpected ? "ok " : "!! "
      let expected =
        outcome.asExpected ? "" : " (the story expects exit \(outcome.step.expectedExit))"
      Console.error(
        "  \(mark) \(outcome.step.title): exit \(outcome.exitStatus)\(expected), "
          + String(format: "%.2f s", outcome.seconds))
    }
    let index = folder.appendingPathComponent("index.html").path
    Console.error(String(format: "steward demo: done in %.1f s", Date().timeIntervalSince(started)))
    Console.out("Open \(index)")
    if !outcomes.allSatisfy(\.asExpected) { throw ExitCode(Exit.gateFailed) }
  }

  /// This very binary, so that the steps run the same build.
  static var binary: URL {
    let path =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: path)
  }
}
