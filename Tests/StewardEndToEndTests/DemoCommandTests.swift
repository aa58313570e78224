import Foundation
import GRDB
import StewardEngine
import Testing

/// `steward demo` is the README's first command: it must run the whole story
/// from the repository, each step ending as the story says, and leave a
/// folder a person can open.
@Suite struct DemoCommandTests {
  @Test func theWholeStoryRunsIntoAFolderOfReports() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("steward-demo-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try StewardBinary.run(["demo", "--output", folder.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains(folder.appendingPathComponent("index.html").path))

    let index = try String(
      contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("Every step ended as the story expects"))
    for step in DemoPlan.steps {
      #expect(index.contains("id=\"\(step.id)\""), "index misses \(step.id)")
      for file in [step.mainFile] + step.renderings.map(\.file) + step.extraFiles.map(\.file) {
        let path = folder.appendingPathComponent(file).path
        #expect(FileManager.default.fileExists(atPath: path), "missing \(file)")
        #expect(index.contains("href=\"\(file)\""), "index does not link \(file)")
      }
    }
    // Self-contained: no asset is fetched from anywhere (the reports quoted
    // in the page may mention web addresses as text).
    for asset in ["<script", "<link", "src=", "@import", "url("] {
      #expect(!index.contains(asset), "index.html loads an asset: \(asset)")
    }

    // Each step's recorded run is in the demo's own store, once.
    let store = try DatabaseQueue(path: folder.appendingPathComponent("history.sqlite").path)
    let runs = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run") }
    #expect(runs == DemoPlan.steps.count)
  }

  @Test func aStepThatDoesNotEndAsTheStoryExpectsFailsTheDemo() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent(
      "steward-demo-root-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: root) }
    try fm.createDirectory(at: root, withIntermediateDirectories: true)
    for folder in ["Playbooks", "Plugins", "Examples", "schemas"] {
      try fm.copyItem(
        at: StewardBinary.packageRoot.appendingPathComponent(folder),
        to: root.appendingPathComponent(folder))
    }
    // The org-design step expects exit 0; a broken playbook makes it exit 2.
    try Data("steward: 1\nkind: audit\nname: org-design\nchecks: 3\n".utf8).write(
      to: root.appendingPathComponent("Playbooks/org-design.yaml"))
    let out = root.appendingPathComponent("out")
    let result = try StewardBinary.run(["demo", "--root", root.path, "--output", out.path])
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("!!  Org design"), "\(result.stderr)")
    let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("expected 0"))
    #expect(index.contains("Some steps did not end as the story expects"))
  }
}
