import Foundation
import Testing

/// Waivers that cannot be abused (issue 18, point 8): `waivable: false`,
/// `waivers_from:`, `scope: all-checks`, the expiry notice in every format
/// and `steward waivers`, each through the binary on real files.
@Suite struct WaiverPolicyTests {
  /// `YYYY-MM-DD`, `days` from today (UTC), as the binary counts.
  static func day(_ days: Int) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(byAdding: .day, value: days, to: Date())!
    let c = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
  }

  static let cards = [
    "cards/a.yaml": "id: ad-targeting\nowner: \"\"\nstage: production\n",
    "cards/b.yaml": "id: recommender\nstage: production\n",
  ]

  /// The cards and `files` in a fresh folder.
  static func folder(_ files: [String: String]) throws -> URL {
    try StewardBinary.scratch(cards.merging(files) { $1 })
  }

  /// `steward run gate.yaml --no-record ARGUMENTS` over the cards, the
  /// gate holding `waiver` as its one inline waiver.
  static func runGate(waiver: String, _ arguments: [String] = []) throws -> StewardBinary.Result {
    let dir = try folder(["gate.yaml": gate(waivers: "waivers:\n  - " + waiver)])
    return try StewardBinary.run(["run", "gate.yaml", "--no-record"] + arguments, in: dir)
  }

  /// Two checks that fail on both cards; `stage` is not waivable.
  static func gate(waivers: String, extra: String = "") -> String {
    """
    steward: 1
    kind: audit
    name: g
    subjects: cards/*.yaml
    \(waivers)
    \(extra)
    checks:
      - { id: has-owner, expr: 'type(subject.owner) == "string" and subject.owner ~= ""' }
      - { id: stage, builtin: one_of, params: { path: stage, values: [staging] }, waivable: false }

    """
  }

  @Test func aWaiverNamingAnUnwaivableCheckIsRefused() throws {
    let r = try Self.runGate(
      waiver: "{ check: stage, subject: \"*\", reason: r, owner: o, expires: 2099-01-01 }")
    #expect(r.status == 2)
    #expect(r.stderr.contains("gate.yaml:6:5: error: check \"stage\" is waivable: false"))
    #expect(r.stderr.contains("[W012]"))
  }

  @Test func anAllChecksWaiverPassesAnUnwaivableCheckByAndIsAlwaysReported() throws {
    let r = try Self.runGate(
      waiver:
        "{ check: \"*\", subject: recommender, scope: all-checks, reason: legacy, owner: bob, expires: 2099-01-01 }",
      ["--format", "json"])
    #expect(r.status == 1)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let results = try #require(json["results"] as? [[String: Any]])
    let status = { (check: String, subject: String) in
      results.first { $0["check"] as? String == check && $0["subject"] as? String == subject }?[
        "status"] as? String
    }
    #expect(status("has-owner", "recommender") == "waived")
    #expect(status("stage", "recommender") == "fail")  // waivable: false
    let warnings = try #require(json["warnings"] as? [[String: Any]])
    #expect(warnings.contains { $0["code"] as? String == "W015" })
    #expect(r.stderr.contains("waiver for every check (scope: all-checks) on recommender"))
  }

  @Test func aStarWaiverWithoutScopeIsAnInputError() throws {
    let r = try Self.runGate(
      waiver: "{ check: \"*\", subject: recommender, reason: r, owner: o, expires: 2099-01-01 }")
    #expect(r.status == 2)
    #expect(r.stderr.contains("gate.yaml:6:14: error: check: * waives every check"))
  }

  @Test func waiversFromOtherFilesAreRefusedAndReported() throws {
    let waiver = { (owner: String, subject: String) in
      "waivers:\n  - { check: has-owner, subject: \(subject), reason: r, owner: \(owner), expires: 2099-01-01 }\n"
    }
    let dir = try Self.folder([
      "waivers/gate.yaml": waiver("maria", "ad-*"),
      "elsewhere/extra.yaml": waiver("mallory", "recommender"),
      // Its waivers come from a file waivers_from does not name.
      "gate.yaml": Self.gate(
        waivers: "waivers: elsewhere/extra.yaml", extra: "waivers_from: [waivers/gate.yaml]"),
      "ok.yaml": Self.gate(
        waivers: "waivers: waivers/gate.yaml", extra: "waivers_from: waivers/gate.yaml"),
      "typo.yaml": Self.gate(waivers: "", extra: "waivers_from: [waivers/gaet.yaml]"),
    ])
    let refused = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(refused.status == 1)
    #expect(!refused.stdout.contains("waived by mallory"))
    #expect(
      refused.stdout.contains(
        "elsewhere/extra.yaml:2:5: waiver for has-owner on recommender refused"))
    // The file it does take, as the user knows it: relative, not absolute.
    #expect(
      refused.stdout.contains(
        "this playbook takes waivers only from waivers/gate.yaml; it waives nothing"),
      "\(refused.stdout)")
    #expect(refused.stdout.contains("0 waived"))
    let listed = try StewardBinary.run(["waivers", "gate.yaml"], in: dir)
    #expect(listed.stdout.contains("refused"))

    let accepted = try StewardBinary.run(["run", "ok.yaml", "--no-record"], in: dir)
    #expect(accepted.stdout.contains("waived by maria"))

    let typo = try StewardBinary.run(["run", "typo.yaml", "--no-record"], in: dir)
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("waivers_from names \"waivers/gaet.yaml\", which is not a file"))
  }

  /// A waiver close to its expiry is said in every format.
  @Test func anExpiringWaiverIsWarnedAboutInEveryFormat() throws {
    let soon = Self.day(5)
    let dir = try Self.folder([
      "gate.yaml": Self.gate(
        waivers:
          "waivers:\n  - { check: has-owner, subject: ad-*, reason: r, owner: maria, expires: \(soon) }\n  - { check: has-owner, subject: recommender, reason: r, owner: eve, expires: \(Self.day(30)) }"
      )
    ])
    let expected = "waiver for has-owner on ad-* expires in 5 days (\(soon), owner maria)"
    for format in ["text", "json", "markdown", "sarif", "junit", "github"] {
      let r = try StewardBinary.run(
        ["run", "gate.yaml", "--no-record", "--format", format], in: dir)
      #expect(r.status == 1, "\(format): \(r.stderr)")
      // Markdown shows `ad-*` as written, its `*` escaped.
      let shown =
        format == "markdown" ? expected.replacingOccurrences(of: "*", with: "\\*") : expected
      #expect(r.stdout.contains(shown), "\(format)")
      // Thirty days out is past the default notice of 14.
      #expect(!r.stdout.contains("on recommender expires"), "\(format)")
    }
    // The notice period is the playbook's to set.
    try Data(
      Self.gate(
        waivers:
          "waivers:\n  - { check: has-owner, subject: ad-*, reason: r, owner: maria, expires: \(soon) }",
        extra: "waiver_notice_days: 3"
      ).utf8
    ).write(to: dir.appendingPathComponent("gate.yaml"))
    let quiet = try StewardBinary.run(["run", "gate.yaml", "--no-record"], in: dir)
    #expect(!quiet.stdout.contains("expires in 5 days"))
  }

  @Test func stewardWaiversListsOwnersAndDaysLeft() throws {
    let dir = try Self.folder([
      "Playbooks/gate.yaml": Self.gate(
        waivers:
          "waivers:\n  - { check: has-owner, subject: ad-*, reason: r, owner: maria, expires: \(Self.day(5)) }\n  - { check: has-owner, subject: recommender, reason: r, owner: eve, expires: \(Self.day(-3)) }"
      ).replacingOccurrences(of: "cards/*.yaml", with: "../cards/*.yaml"),
      "Playbooks/notes.yaml": "just: data\n",
    ])
    let r = try StewardBinary.run(["waivers"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.contains {
        $0.contains("expiring") && $0.contains("maria") && $0.contains("5 days left")
      })
    #expect(
      lines.contains {
        $0.contains("expired") && $0.contains("eve") && $0.contains("expired 3 days ago")
      })
    #expect(r.stdout.contains("2 waivers: 0 live, 1 expiring soon, 1 expired, 0 refused"))
    let json = try StewardBinary.run(
      ["waivers", "Playbooks/gate.yaml", "--format", "json"], in: dir)
    let list = try #require(
      (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["waivers"]
        as? [[String: Any]])
    #expect(list.map { $0["days_left"] as? Int } == [5, -3])
    #expect(list.map { $0["owner"] as? String } == ["maria", "eve"])
    // STEWARD_TODAY moves the clock here as for a run: ten days on, maria's
    // waiver has expired too.
    let later = try StewardBinary.run(
      ["waivers", "Playbooks/gate.yaml"], in: dir, environment: ["STEWARD_TODAY": Self.day(10)])
    #expect(later.status == 0, "\(later.stderr)")
    #expect(
      later.stdout.contains("2 waivers: 0 live, 0 expiring soon, 2 expired"), "\(later.stdout)")
    // A file named that is not an audit is refused.
    let notAudit = try StewardBinary.run(["waivers", "Playbooks/notes.yaml"], in: dir)
    #expect(notAudit.status == 2)
  }
}
