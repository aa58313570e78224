import StewardCore
import StewardEngine

extension RunCommand {
  /// `steward run` on a hackathon playbook.
  func runHackathon(_ header: PlaybookHeader, overrides: [String: [String]]) throws {
    throw Diagnostic(
      at: header.document["kind"]?.mark ?? header.document.mark, code: "R001",
      "running hackathon playbooks is not supported by steward \(StewardVersion.current) yet")
  }
}
