import Foundation
import Testing

/// The starters agree with the docs (issue 18, point 10): the audit starter
/// reads the card format of docs/model-card.md, so it passes the cards the
/// shipped gate passes; and `new plugin` writes a `.luacheckrc` that knows
/// `steward`, so a plain `luacheck .` in the author's folder is clean.
@Suite struct StarterAgreesWithDocsTests {
  static let models = StewardBinary.packageRoot.appendingPathComponent(
    "Examples/streamrec/models"
  ).path

  /// Status of each result of `check`, by subject.
  static func statuses(_ json: String, check: String) throws -> [String: String] {
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    var out: [String: String] = [:]
    for row in object?["results"] as? [[String: Any]] ?? [] where row["check"] as? String == check {
      out[row["subject"] as? String ?? ""] = row["status"] as? String
    }
    return out
  }

  @Test func theAuditStarterJudgesMonitoringAsTheShippedGateDoes() throws {
    let dir = try StewardBinary.scratch([:])
    let made = try StewardBinary.run(["new", "playbook", "audit", "gate"], in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let starter = try StewardBinary.run(
      [
        "run", "gate.yaml", "--input", "subjects=\(Self.models)", "--no-record", "--format",
        "json", "--fail-on", "none",
      ], in: dir)
    #expect(starter.status == 0, "\(starter.stderr)")
    let gate = try StewardBinary.run([
      "run", "Playbooks/deployment-gate.yaml", "--input", "subjects=\(Self.models)", "--no-record",
      "--format", "json", "--fail-on", "none",
    ])
    #expect(gate.status == 0, "\(gate.stderr)")
    let ours = try Self.statuses(starter.stdout, check: "production-is-monitored")
    let shipped = try Self.statuses(gate.stdout, check: "monitoring")
    // Every card in production: the starter fails exactly those the gate fails.
    let production = ours.filter { $0.value != "skip" }.keys.sorted()
    #expect(production == ["ad-targeting", "churn", "recommender"], "\(ours)")
    for subject in production {
      #expect(ours[subject] == shipped[subject], "\(subject): \(ours) \(shipped)")
    }
    #expect(ours["ad-targeting"] == "fail")
    #expect(ours["recommender"] == "pass")
  }

  @Test(.enabled(if: LuacheckTests.installed, "luacheck is not installed"))
  func aNewPluginFolderLintsWithItsOwnConfig() throws {
    let dir = try StewardBinary.scratch([:])
    let r = try StewardBinary.run(["new", "plugin", "my-checks"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let config = try String(
      contentsOf: dir.appendingPathComponent(".luacheckrc"), encoding: .utf8)
    #expect(config.contains("read_globals = { \"steward\" }"))
    // luacheck finds .luacheckrc in the folder it runs in: no flags.
    let (status, output) = try LuacheckTests().luacheck(["."], in: dir)
    #expect(status == 0, "\(output)")
    #expect(output.contains("0 warnings / 0 errors"), "\(output)")
    // Without the config, `steward` is an unknown global: the file matters.
    try FileManager.default.removeItem(at: dir.appendingPathComponent(".luacheckrc"))
    let (bare, _) = try LuacheckTests().luacheck(["."], in: dir)
    #expect(bare != 0)
  }
}
