import Foundation
import Testing

/// What the quick review of the runbook work found, each through the binary.
@Suite struct RunbookReviewFixTests {
  /// An approval the starter's own refusal makes impossible is said at
  /// once and routed like a failure, not left waiting until it expires.
  @Test func anApprovalThatCanNeverBeMetFailsAtOnce() throws {
    let dir = try StewardBinary.scratch([
      "ap.yaml": """
      steward: 1
      kind: runbook
      name: ap
      steps:
        - id: go
          approve: { by: [dana, lee], needs: 2 }
          run: [echo, approved]
      """
    ])
    let r = try StewardProcess.run(
      ["run", "ap.yaml", "--store", "h.sqlite"], in: dir, environment: ["STEWARD_USER": "dana"])
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect((r.stdout + r.stderr).contains("approval can never be met"), "\(r.stdout)\(r.stderr)")
    #expect(!r.stdout.contains("approved\n"))
    // With one approver short of the starter, the run waits, naming only who may approve.
    let lee = try StewardProcess.run(
      ["run", "ap.yaml", "--store", "h2.sqlite"], in: dir, environment: ["STEWARD_USER": "sam"])
    #expect(lee.status == 3, "\(lee.stdout)\(lee.stderr)")
  }

  /// `defaults.env` reaches every command, so the plan shows it, secrets
  /// masked; a step without `cwd` says where it runs.
  @Test func theDryRunShowsTheDefaultEnvironmentAndFolder() throws {
    let dir = try StewardBinary.scratch([
      "envt.yaml": """
      steward: 1
      kind: runbook
      name: envt
      vars: { tok: s3cr3t-value }
      secrets: [tok]
      defaults:
        env: { T: "{{tok}}", REGION: eu-west-1 }
      steps:
        - id: show
          run: [sh, -c, "echo $REGION"]
          env: { X: "1" }
      """
    ])
    let r = try StewardBinary.run(["run", "envt.yaml", "--dry-run"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("env for every step: T=*** REGION=eu-west-1"), "\(r.stdout)")
    #expect(r.stdout.contains("(the playbook's folder)"))
    #expect(!r.stdout.contains("s3cr3t-value"))
  }

  /// A secret that is an environment variable can be given with --var, as
  /// docs/runbook.md says a resume may take it; it is still never stored.
  @Test func anEnvironmentSecretCanComeFromVar() throws {
    let dir = try StewardBinary.scratch([
      "tok.yaml": """
      steward: 1
      kind: runbook
      name: tok
      secrets: [MYTOK]
      steps:
        - id: use
          run: [sh, -c, "test -n \\"$MYTOK\\" && echo token-is-$MYTOK"]
      """
    ])
    let r = try StewardBinary.run(
      ["run", "tok.yaml", "--store", "h.sqlite", "--var", "MYTOK=zq9-secret"], in: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(!(r.stdout + r.stderr).contains("zq9-secret"))
    let store = try Data(contentsOf: dir.appendingPathComponent("h.sqlite"))
    #expect(!String(decoding: store, as: UTF8.self).contains("zq9-secret"))
  }
}
