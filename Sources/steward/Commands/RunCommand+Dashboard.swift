import StewardCore
import StewardEngine

extension RunCommand {
  /// `steward run` on a dashboard playbook.
  func runDashboard(_ header: PlaybookHeader, overrides: [String: [String]]) throws {
    throw Diagnostic(
      at: header.document["kind"]?.mark ?? header.document.mark, code: "R001",
      "running dashboard playbooks is not supported by steward \(StewardVersion.current) yet")
  }
}
