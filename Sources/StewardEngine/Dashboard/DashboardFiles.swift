import Foundation

/// Writes a dashboard's reports into a folder: `dashboard.html`,
/// `dashboard.md`, `dashboard.json` and `dashboard-slack.json` (or
/// `NAME.html`… with another `baseName`). Each file is written to a
/// temporary name beside it and renamed, so a failure leaves no half file.
///
/// ```swift
/// let report = try DashboardRunner.run(playbook: playbook, history: store)
/// let files = try DashboardFiles.write(report, to: "demo-out")   // paths written
/// ```
public enum DashboardFiles {
  @discardableResult
  public static func write(
    _ report: DashboardReport, to folder: String, baseName: String = "dashboard"
  ) throws -> [String] {
    try FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true)
    let outputs: [(String, String)] = [
      ("\(baseName).html", DashboardHTMLReporter().render(report)),
      ("\(baseName).md", DashboardMarkdownReporter().render(report)),
      ("\(baseName).json", DashboardJSONReporter().render(report)),
      ("\(baseName)-slack.json", DashboardSlackReporter().render(report)),
    ]
    var written: [String] = []
    for (name, text) in outputs {
      let path = (folder as NSString).appendingPathComponent(name)
      try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
      written.append(path)
    }
    return written
  }
}
