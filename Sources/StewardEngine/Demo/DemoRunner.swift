public import Foundation
import Subprocess
import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// What one demo step did.
public struct DemoOutcome: Sendable {
  public var step: DemoStep
  public var exitStatus: Int32
  public var seconds: Double
  /// What the step said on stderr (warnings, the runbook's live output).
  public var log: String
  /// Report files written, relative to the demo folder.
  public var files: [String]

  public var asExpected: Bool { exitStatus == step.expectedExit }
}

/// Runs the StreamRec story (DemoPlan) as child processes of the `steward`
/// binary, the way a user would type each command, into a folder of reports
/// with an index page, on a history store of its own.
public struct DemoRunner: Sendable {
  /// The `steward` binary to run.
  public var binary: String
  /// The repository root: the folder holding Playbooks/ and Examples/streamrec/.
  public var root: URL
  /// Where the reports go; emptied of an earlier demo's files first.
  public var folder: URL
  public var steps: [DemoStep] = DemoPlan.steps

  public init(binary: String, root: URL, folder: URL) {
    self.binary = binary
    self.root = root
    self.folder = folder
  }

  /// The demo's own history store, so that the user's is left alone.
  public var store: URL { folder.appendingPathComponent("history.sqlite") }

  /// Finds the repository root from `start` upwards: the first folder with
  /// both Playbooks/ and Examples/streamrec/.
  public static func findRoot(from start: URL) -> URL? {
    var dir = start.standardizedFileURL
    while true {
      let fm = FileManager.default
      if fm.fileExists(atPath: dir.appendingPathComponent("Playbooks").path),
        fm.fileExists(atPath: dir.appendingPathComponent("Examples/streamrec").path)
      {
        return dir
      }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path { return nil }
      dir = parent
    }
  }

  /// Runs every step in order; `progress` hears of each as it ends.
  public func run(progress: @Sendable (DemoOutcome) -> Void = { _ in }) async throws
    -> [DemoOutcome]
  {
    try prepareFolder()
    var outcomes: [DemoOutcome] = []
    for step in steps {
      let outcome = try await run(step)
      progress(outcome)
      outcomes.append(outcome)
    }
    let index = DemoIndexPage(
      outcomes: outcomes, folder: folder, store: "history.sqlite", root: root
    ).render()
    try Data(index.utf8).write(to: folder.appendingPathComponent("index.html"), options: .atomic)
    return outcomes
  }

  func prepareFolder() throws {
    let fm = FileManager.default
    try fm.createDirectory(at: folder, withIntermediateDirectories: true)
    // Only what an earlier demo wrote: the folder may be one the user named.
    let ours = Set(
      steps.flatMap { [$0.mainFile] + $0.renderings.map(\.file) + $0.extraFiles.map(\.file) })
    for name in try fm.contentsOfDirectory(atPath: folder.path)
    where ours.contains(name) || name == "index.html" || name.hasPrefix("history.sqlite")
      || name == "runbook-logs"
    {
      try fm.removeItem(at: folder.appendingPathComponent(name))
    }
  }

  func run(_ step: DemoStep) async throws -> DemoOutcome {
    let started = Date()
    let written = step.extraFiles.flatMap {
      [$0.option, folder.appendingPathComponent($0.file).path]
    }
    let main = try await child(
      on: step.day,
      step.arguments + written + [
        "--store", store.path, "--format", "markdown", "--output",
        folder.appendingPathComponent(step.mainFile).path,
      ])
    var files = [step.mainFile] + step.extraFiles.map(\.file)
    for rendering in step.renderings {
      let extra = try await child(
        on: step.day,
        step.arguments + [
          "--store", store.path, "--no-record", "--format", rendering.format, "--output",
          folder.appendingPathComponent(rendering.file).path,
        ])
      if extra.status <= 1 { files.append(rendering.file) }
    }
    return DemoOutcome(
      step: step, exitStatus: main.status, seconds: Date().timeIntervalSince(started),
      log: main.log, files: files)
  }

  /// One `steward` command; stderr kept (bounded), stdout discarded since
  /// every report goes to a file.
  func child(on day: String, _ arguments: [String]) async throws -> (status: Int32, log: String) {
    // Every step runs on the story's day, not the machine's: the dashboard
    // reports month 18, and a gate run stamped with a later day would fall
    // outside it, leaving its card empty whenever the demo is shown.
    let result = try await Subprocess.run(
      .path(FilePath(binary)), arguments: Arguments(arguments),
      environment: .inherit.updating([
        Environment.Key(stringLiteral: StewardClock.variable): day
      ]),
      workingDirectory: FilePath(root.path), output: .discarded,
      error: .string(limit: 1 << 20))
    let status: Int32
    switch result.terminationStatus {
    case .exited(let code): status = code
    case .signaled(let signal): status = 128 + signal
    }
    return (status, result.standardError)
  }
}
