import Foundation
import Testing

/// `steward test PLAYBOOK` (issue 18, point 3): fixtures beside an audit
/// playbook, run through its checks of every source, and example keys read
/// strictly, each problem at the example's own line and column.
@Suite struct PlaybookTestsCommandTests {
  static let plugin = """
    local p = steward.plugin{ name = "p", version = "1" }
    p:check{
      id = "min_auc",
      params = { min = { type = "number", default = 0.7 } },
      run = function(s, params)
        if (s.auc or 0) >= params.min then return { status = "pass" } end
        return { status = "fail", message = "auc below " .. params.min }
      end,
      examples = {
        { subject = { auc = 0.9 }, expect = "pass" },
        { subject = { auc = 0.5 }, expect = "fail" },
      },
    }
    return p

    """

  static let playbook = """
    steward: 1
    kind: audit
    name: g
    plugins: [p.lua]
    subjects: cards/
    checks:
      - use: p.min_auc
      - { id: owned, builtin: required, params: { path: owner } }
      - { id: staged, expr: 'subject.stage == "production"', when: 'subject.kind ~= "batch"' }
    waivers:
      - { check: owned, subject: legacy, reason: r, owner: o, expires: 2099-01-01 }

    """

  static let fixtures = """
    tests:
      - name: a good model
        subject: { id: good, auc: 0.9, owner: ml, stage: production }
        expect: { min_auc: pass, owned: pass, staged: pass }
      - name: a weak model
        subject: { id: weak, auc: 0.5, owner: ml, stage: staging }
        expect: { min_auc: fail, owned: pass, staged: fail }
      - name: the legacy model is waived
        subject: { id: legacy, auc: 0.8, stage: production }
        expect: { owned: waived }
      - name: a batch job is not staged
        file: batch.yaml
        expect: { staged: skip }

    """

  static func folder(fixtures: String = fixtures, plugin: String = plugin) throws -> URL {
    try StewardBinary.scratch([
      "p.lua": plugin, "g.yaml": playbook, "g.tests.yaml": fixtures,
      "batch.yaml": "id: nightly\nkind: batch\nauc: 0.8\nowner: ml\n",
      "cards/a.yaml": "id: a\nauc: 0.9\nowner: x\nstage: production\n",
    ])
  }

  @Test func fixturesRunThroughEveryKindOfCheckAndWaivers() throws {
    let dir = try Self.folder()
    let r = try StewardBinary.run(["test", "g.yaml"], in: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(
      r.stdout.contains("ok   g.yaml: 8/8 expectations of 4 fixtures met; 3 of 3 checks covered"))
    // A wrong expectation fails (exit 1) at its own line.
    let wrong = try Self.folder(
      fixtures: Self.fixtures.replacingOccurrences(
        of: "expect: { min_auc: fail, owned: pass, staged: fail }",
        with: "expect: { min_auc: pass, owned: pass, staged: fail }"))
    let failed = try StewardBinary.run(["test", "g.yaml"], in: wrong)
    #expect(failed.status == 1)
    #expect(
      failed.stdout.contains(
        "FAIL g.tests.yaml:7:15: a weak model: min_auc expected pass, got fail (auc below 0.7)"))
  }

  @Test func fixtureKeysAreCheckedStrictly() throws {
    let dir = try Self.folder(
      fixtures: """
        tests:
          - name: typo
            subjetc: { id: x }
            expct: { min_auc: pass }
          - name: no expectation
            subject: { id: y }
          - name: unknown check and status
            subject: { id: z }
            expect: { min_uac: pass, owned: passed }

        """)
    let r = try StewardBinary.run(["test", "g.yaml"], in: dir)
    #expect(r.status == 2)
    for expected in [
      "g.tests.yaml:3:5: error: unknown key \"subjetc\"",
      "g.tests.yaml:4:5: error: unknown key \"expct\"",
      "g.tests.yaml:5:5: error:",
      "g.tests.yaml:9:15: error: the playbook has no check \"min_uac\"; did you mean \"min_auc\"?",
      "g.tests.yaml:9:37: error: expect owned: takes pass",
    ] {
      #expect(r.stderr.contains(expected), "\(expected)\n\(r.stderr)")
    }
    let missing = try StewardBinary.scratch(["g.yaml": Self.playbook, "p.lua": Self.plugin])
    let none = try StewardBinary.run(["test", "g.yaml"], in: missing)
    #expect(none.status == 2)
    #expect(
      none.stderr.contains("g.yaml: error: no fixtures: g.tests.yaml does not exist"),
      "\(none.stderr)")
  }

  /// `expct`, `subjetc`, `parms`, a missing `expect`, an unknown parameter
  /// and a wrong parameter type in a plugin's examples: each an error at
  /// the example's line and column, from `test` and from `validate`.
  @Test func pluginExampleKeysAreCheckedStrictly() throws {
    let examples = """
          { subject = { auc = 0.9 }, expct = "pass" },
          { subjetc = { auc = 0.9 }, expect = "pass" },
          { subject = { auc = 0.9 }, expect = "pass", parms = { min = 0.5 } },
          { subject = { auc = 0.9 } },
          { subject = { auc = 0.9 }, expect = "pass", params = { mni = 0.5 } },
          { subject = { auc = 0.9 }, expect = "pass", params = { min = "high" } },
      """
    let plugin = Self.plugin.replacingOccurrences(
      of: """
            { subject = { auc = 0.9 }, expect = "pass" },
            { subject = { auc = 0.5 }, expect = "fail" },

        """, with: examples + "\n")
    let dir = try Self.folder(plugin: plugin)
    for arguments in [["test", "p.lua"], ["validate", "p.lua"]] {
      let r = try StewardBinary.run(arguments, in: dir)
      #expect(r.status == 2, "\(arguments)")
      for expected in [
        "p.lua:10:32: error: example 1 of check \"min_auc\" has an unknown key \"expct\"; did you mean \"expect\"?",
        "p.lua:10:5: error: example 1 of check \"min_auc\" has no expect",
        "p.lua:11:7: error: example 2 of check \"min_auc\" has an unknown key \"subjetc\"; did you mean \"subject\"?",
        "p.lua:12:49: error: example 3 of check \"min_auc\" has an unknown key \"parms\"; did you mean \"params\"?",
        "p.lua:13:5: error: example 4 of check \"min_auc\" has no expect",
        "p.lua:14:49: error: example 5 of check \"min_auc\": check \"min_auc\" has no parameter \"mni\"; did you mean \"min\"?",
        "p.lua:15:49: error: example 6 of check \"min_auc\": parameter \"min\" must be a number, found a string",
      ] {
        #expect(r.stderr.contains(expected), "\(arguments): \(expected)\n\(r.stderr)")
      }
    }
  }

  /// The shipped gate's fixtures: one for each finding of the StreamRec
  /// story, and every check of the gate covered.
  @Test func theDeploymentGateFixturesCoverEveryCheck() throws {
    let r = try StewardBinary.run(["test", "Playbooks/deployment-gate.yaml", "--verbose"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("14 of 14 checks covered"))
    #expect(!r.stdout.contains("not covered"))
    for finding in [
      "validation_split expected fail, got fail",
      "ad-targeting has no fairness audit: fairness_audit expected fail",
      "monitoring expected fail, got fail", "training_serving_skew expected fail, got fail",
      "content-moderation fails the four-fifths rule for es, hi and pt: fairness_audit expected fail, got fail",
    ] {
      #expect(r.stdout.contains(finding), "\(finding)")
    }
  }
}
