import Foundation
import Testing

/// `signoff:` and `steward signoff`, across processes with two identities:
/// the gate waits (exit 3) until a person of the role approves the results
/// the run found, fails on a rejection, and refuses what it cannot vouch for.
@Suite struct SignOffCommandTests {
  static let files: [String: String] = [
    "roles.yaml": "responsible-ai: [priya, tomas]\ndata-scientist: [ana]\n",
    "fairness-gate.yaml": """
    steward: 1
    kind: audit
    name: fairness-gate
    subjects: models
    checks:
      - id: has_owner
        builtin: required
        params: { path: owner }
      - id: fairness_slices
        builtin: required
        params: { path: fairness.slices }
        tags: [fairness]
    signoff: { role: responsible-ai, roster: roles.yaml, for: { tags: [fairness] } }

    """,
    "models/recommender.yaml":
      "id: recommender\nowner: recsys\nfairness: { slices: [age, region] }\n",
  ]

  /// The CI actor variables steward reads (docs/audit.md), cleared so that
  /// the tests' CI account does not become every run's trigger.
  static let ciActors = [
    "GITHUB_ACTOR", "GITHUB_TRIGGERING_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR",
    "BUILDKITE_BUILD_CREATOR", "CIRCLE_USERNAME", "BITBUCKET_STEP_TRIGGERER_UUID",
    "BUILD_USER_ID",
    // And the CI markers, under which --as is refused: the tests' own CI
    // sets some of them.
    "CI", "GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD", "BUILDKITE", "CIRCLECI",
  ]

  /// Runs steward in `dir` as `user` (STEWARD_USER), with the scratch store;
  /// `ci` sets CI actor variables.
  func steward(
    _ arguments: [String], in dir: URL, as user: String, ci: [String: String] = [:]
  ) throws -> StewardBinary.Result {
    var environment = Dictionary(uniqueKeysWithValues: Self.ciActors.map { ($0, "") })
    environment["STEWARD_USER"] = user
    environment.merge(ci) { $1 }
    return try StewardBinary.run(
      arguments + ["--store", dir.path + "/h.sqlite"], in: dir, environment: environment)
  }

  func gate(_ dir: URL, as user: String = "sam") throws -> StewardBinary.Result {
    try steward(["run", "fairness-gate.yaml"], in: dir, as: user)
  }

  func signoff(_ run: Int, _ extra: [String], in dir: URL, as user: String) throws
    -> StewardBinary.Result
  {
    try steward(
      ["signoff", String(run), "--role", "responsible-ai", "--note", "slices reviewed"] + extra,
      in: dir, as: user)
  }

  @Test func anApprovalOpensTheGateForTheSameResults() throws {
    let dir = try StewardBinary.scratch(Self.files)
    let waiting = try gate(dir)
    #expect(waiting.status == 3, "\(waiting.stderr)")
    #expect(waiting.stdout.contains("awaiting sign-off by responsible-ai (priya, tomas)"))
    // The gate line says what the exit status says: not "passed".
    #expect(
      waiting.stdout.contains(
        "gate: awaiting sign-off by responsible-ai (exit 3); nothing unwaived"))
    #expect(!waiting.stdout.contains("gate: passed"))
    #expect(waiting.stderr.contains("run 1 awaits sign-off by responsible-ai: steward signoff 1"))
    let signed = try signoff(1, ["--decision", "approve"], in: dir, as: "priya")
    #expect(signed.status == 0, "\(signed.stderr)")
    #expect(signed.stdout.contains("run 1: approved by priya (STEWARD_USER) as responsible-ai"))
    let open = try gate(dir)
    #expect(open.status == 0, "\(open.stdout)\(open.stderr)")
    #expect(open.stdout.contains("signed off by priya (responsible-ai)"))
    #expect(
      open.stdout.contains("gate: passed (nothing unwaived); signed off by priya (responsible-ai)"))
    #expect(!open.stdout.contains("gate: awaiting"))
    // Leaving the checks that need the sign-off out does not open the gate.
    let skipped = try steward(
      ["run", "fairness-gate.yaml", "--skip", "fairness"], in: dir, as: "sam")
    #expect(skipped.status == 3, "\(skipped.stdout)")
    #expect(skipped.stdout.contains("this run has no result that needs it"))
    let runs = try steward(["history"], in: dir, as: "sam")
    #expect(runs.stdout.contains("awaiting sign-off"))
    let history = try steward(
      ["history", "--playbook", "fairness-gate", "--signoffs"], in: dir, as: "sam")
    #expect(history.status == 0, "\(history.stderr)")
    #expect(history.stdout.contains("run 1  approve  priya (STEWARD_USER) as responsible-ai"))
    #expect(history.stdout.contains("slices reviewed"))
    #expect(history.stdout.contains("triggered by sam"))
  }

  @Test func aRejectionFailsTheGate() throws {
    let dir = try StewardBinary.scratch(Self.files)
    #expect(try gate(dir).status == 3)
    let rejected = try steward(
      [
        "signoff", "1", "--role", "responsible-ai", "--decision", "reject", "--note",
        "no slice for language",
      ], in: dir, as: "tomas")
    #expect(rejected.status == 0, "\(rejected.stderr)")
    let closed = try gate(dir)
    #expect(closed.status == 1, "\(closed.stdout)\(closed.stderr)")
    #expect(closed.stdout.contains("sign-off rejected by tomas (responsible-ai) on run 1"))
    #expect(
      closed.stdout.contains("gate: FAILED: sign-off rejected by tomas (responsible-ai) (exit 1)"))
  }

  /// Every report format says where the sign-off stands, as the exit
  /// status does: JSON keys (role, state, who), the Markdown verdict, the
  /// SARIF run's properties, a JUnit test case and the GitHub summary line.
  @Test func everyFormatNamesTheSignOffState() throws {
    let dir = try StewardBinary.scratch(Self.files)
    func report(_ format: String, as user: String = "sam") throws -> (Int32, String) {
      let r = try steward(["run", "fairness-gate.yaml", "--format", format], in: dir, as: user)
      return (r.status, r.stdout)
    }
    func signoff(_ json: String) throws -> [String: Any] {
      let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
      return try #require(object?["signoff"] as? [String: Any])
    }
    let (status, awaiting) = try report("json")
    #expect(status == 3)
    let waiting = try signoff(awaiting)
    #expect(waiting["state"] as? String == "awaiting")
    #expect(waiting["triggered_by"] as? String == "sam")
    let role = try #require((waiting["roles"] as? [[String: Any]])?.first)
    #expect(role["role"] as? String == "responsible-ai")
    #expect(role["state"] as? String == "awaiting")
    #expect(role["who"] as? [String] == [])
    #expect(role["eligible"] as? [String] == ["priya", "tomas"])
    try Data(awaiting.utf8).write(to: dir.appendingPathComponent("r.json"))
    let valid = try ErrorReportFilesTests.validates(
      dir.appendingPathComponent("r.json"), against: "docs/schemas/audit-report.schema.json")
    #expect(valid.contains("valid"), "\(valid)")

    #expect(
      try report("markdown").1.contains(
        "**Gate awaiting sign-off** (exit 3): awaiting sign-off by responsible-ai; nothing unwaived at or above `info`."
      ))
    let sarif = try report("sarif").1
    #expect(sarif.contains(#""signoff": "awaiting""#), "\(sarif)")
    #expect(sarif.contains("awaiting sign-off by responsible-ai (exit 3)"))
    let junit = try report("junit").1
    #expect(
      junit.contains(
        #"<testcase classname="steward governance" name="sign-off by responsible-ai">"#))
    #expect(junit.contains(#"<skipped message="awaiting sign-off by responsible-ai (exit 3)"/>"#))
    #expect(try report("github").1.contains("awaiting sign-off by responsible-ai (exit 3)"))

    #expect(try self.signoff(1, ["--decision", "approve"], in: dir, as: "priya").status == 0)
    let (approvedStatus, approvedJSON) = try report("json")
    #expect(approvedStatus == 0)
    let approved = try signoff(approvedJSON)
    #expect(approved["state"] as? String == "approved")
    #expect((approved["roles"] as? [[String: Any]])?.first?["who"] as? [String] == ["priya"])
    #expect(
      try report("markdown").1.contains(
        "**Gate passed**: nothing unwaived at or above `info`; signed off by priya (responsible-ai)."
      ))
    #expect(
      try report("junit").1.contains(
        #"<testcase classname="steward governance" name="sign-off by responsible-ai"/>"#))

    #expect(
      try steward(
        [
          "signoff", "1", "--role", "responsible-ai", "--decision", "reject", "--note",
          "language slice missing",
        ], in: dir, as: "tomas"
      ).status == 0)
    let (rejectedStatus, rejectedJSON) = try report("json")
    #expect(rejectedStatus == 1)
    let rejected = try signoff(rejectedJSON)
    #expect(rejected["state"] as? String == "rejected")
    #expect((rejected["roles"] as? [[String: Any]])?.first?["who"] as? [String] == ["tomas"])
    #expect(
      try report("markdown").1.contains(
        "**Gate failed**: sign-off rejected by tomas (responsible-ai)."))
    #expect(
      try report("junit").1.contains(
        #"<failure message="sign-off rejected by tomas" type="signoff"/>"#))
    #expect(try report("github").1.contains("failed: sign-off rejected by tomas (responsible-ai)"))
  }

  @Test func whoTriggeredARunCannotSignItOff() throws {
    let dir = try StewardBinary.scratch(Self.files)
    #expect(try gate(dir, as: "priya").status == 3)
    let own = try signoff(1, ["--decision", "approve"], in: dir, as: "priya")
    #expect(own.status == 2)
    #expect(
      own.stderr.contains("priya triggered run 1 (as STEWARD_USER) and so cannot sign off on it"))
    // Nor does another person's approval count on a run priya triggers.
    #expect(try signoff(1, ["--decision", "approve"], in: dir, as: "tomas").status == 0)
    #expect(try gate(dir, as: "priya").status == 0)
    #expect(try gate(dir, as: "tomas").status == 3)
  }

  /// A fairness check from a plugin, whose message is the same whatever
  /// the ratio: only the evidence says what was reviewed.
  static let fairPlugin = """
    local p = steward.plugin{ name = "fair", version = "1" }
    p:check{ id = "ratio", severity = "high",
      params = { min_ratio = { type = "number", default = 0.8 } },
      run = function(card, params)
        local ratio = card.fairness.ratio
        return { status = ratio >= params.min_ratio and "pass" or "fail",
                 message = "selection-rate ratio checked", evidence = { ratio = ratio } }
      end }
    return p

    """

  static let fairFiles: [String: String] = [
    "roles.yaml": files["roles.yaml"]!,
    "fair.lua": fairPlugin,
    "gate.yaml": """
    steward: 1
    kind: audit
    name: fairness-gate
    plugins: [fair.lua]
    subjects: models
    checks:
      - use: fair.ratio
        tags: [fairness]
    signoff: { role: responsible-ai, roster: roles.yaml, for: { tags: [fairness] } }

    """,
    "models/recommender.yaml": "id: recommender\nfairness: { ratio: 0.9 }\n",
  ]

  /// An approval covers what the reviewer saw: the evidence, the card's
  /// file, the check's parameters and plugin, the playbook file. A later
  /// run over another card with the same message, a copy of the playbook
  /// under the same name with weaker parameters, or an edited plugin,
  /// waits for a sign-off of its own (the attacks of the review).
  @Test func anApprovalCoversOnlyWhatWasReviewed() throws {
    let dir = try StewardBinary.scratch(Self.fairFiles)
    func run(_ playbook: String = "gate.yaml") throws -> StewardBinary.Result {
      try steward(["run", playbook], in: dir, as: "sam")
    }
    #expect(try run().status == 3)
    #expect(try signoff(1, ["--decision", "approve"], in: dir, as: "priya").status == 0)
    #expect(try run().status == 0)
    let card = dir.appendingPathComponent("models/recommender.yaml")
    // Other evidence, the same message and status.
    try Data("id: recommender\nfairness: { ratio: 0.81 }\n".utf8).write(to: card)
    let other = try run()
    #expect(other.status == 3, "\(other.stdout)")
    #expect(other.stdout.contains("awaiting sign-off by responsible-ai (priya, tomas) on 1 of 1"))
    // The reviewed card again: the approval holds again.
    try Data(Self.fairFiles["models/recommender.yaml"]!.utf8).write(to: card)
    #expect(try run().status == 0)
    // A copy of the playbook, the same name, a weaker parameter.
    try Data(
      Self.fairFiles["gate.yaml"]!.replacingOccurrences(
        of: "    tags: [fairness]\n", with: "    tags: [fairness]\n    params: { min_ratio: 0.1 }\n"
      ).utf8
    ).write(to: dir.appendingPathComponent("gate-weak.yaml"))
    let weak = try run("gate-weak.yaml")
    #expect(weak.status == 3, "\(weak.stdout)")
    #expect(weak.stdout.contains("gate: awaiting sign-off by responsible-ai (exit 3)"))
    // The plugin edited: the same results, another check.
    try Data(
      Self.fairPlugin.replacingOccurrences(of: "default = 0.8", with: "default = 0.5").utf8
    ).write(to: dir.appendingPathComponent("fair.lua"))
    #expect(try run().status == 3)
  }

  /// A rejection stands until the reviewer who gave it approves; another
  /// reviewer's later approval does not overturn it, nor does the rejecter
  /// running the gate themselves.
  @Test func aRejectionStandsUntilItsAuthorApproves() throws {
    let dir = try StewardBinary.scratch(Self.files)
    #expect(try gate(dir).status == 3)
    let reject = ["--decision", "reject"]
    #expect(try signoff(1, reject, in: dir, as: "tomas").status == 0)
    #expect(try signoff(1, ["--decision", "approve"], in: dir, as: "priya").status == 0)
    let standing = try gate(dir)
    #expect(standing.status == 1, "\(standing.stdout)")
    #expect(standing.stdout.contains("sign-off rejected by tomas (responsible-ai) on run 1"))
    #expect(!standing.stdout.contains("signed off by"))
    // Run by tomas, whose approval would not count: his rejection still does.
    #expect(try gate(dir, as: "tomas").status == 1)
    // An approval of one subject does not lift a rejection of the whole run.
    #expect(
      try signoff(1, ["--decision", "approve", "--subject", "recommender"], in: dir, as: "tomas")
        .status == 0)
    #expect(try gate(dir).status == 1)
    #expect(try signoff(1, ["--decision", "approve"], in: dir, as: "tomas").status == 0)
    let open = try gate(dir)
    #expect(open.status == 0, "\(open.stdout)")
    #expect(open.stdout.contains("signed off by priya, tomas (responsible-ai)"))
    // People may change their mind the other way too.
    #expect(try signoff(1, reject, in: dir, as: "priya").status == 0)
    let again = try gate(dir)
    #expect(again.status == 1)
    #expect(again.stdout.contains("sign-off rejected by priya (responsible-ai) on run 1"))
  }

  /// In CI the process runs as the CI account; the person is the CI actor.
  /// It is recorded as the run's trigger (with the local user) and may not
  /// sign the run off, nor count at a gate it runs.
  @Test func theCIActorTriggersTheRunAndCannotSignItOff() throws {
    let dir = try StewardBinary.scratch(Self.files)
    let ci = try steward(
      ["run", "fairness-gate.yaml"], in: dir, as: "runner", ci: ["GITHUB_ACTOR": "priya"])
    #expect(ci.status == 3, "\(ci.stderr)")
    #expect(ci.stdout.contains("awaiting sign-off by responsible-ai (tomas)"), "\(ci.stdout)")
    let own = try signoff(1, ["--decision", "approve"], in: dir, as: "priya")
    #expect(own.status == 2)
    #expect(
      own.stderr.contains("priya triggered run 1 (as GITHUB_ACTOR) and so cannot sign off on it"),
      "\(own.stderr)")
    #expect(try signoff(1, ["--decision", "approve"], in: dir, as: "tomas").status == 0)
    let history = try steward(
      ["history", "--playbook", "fairness-gate", "--signoffs"], in: dir, as: "runner")
    #expect(history.stdout.contains("triggered by priya, runner"), "\(history.stdout)")
    // tomas's approval does not count on a gate tomas triggers in CI.
    let byTomas = try steward(
      ["run", "fairness-gate.yaml"], in: dir, as: "runner", ci: ["GITLAB_USER_LOGIN": "tomas"])
    #expect(byTomas.status == 3, "\(byTomas.stdout)")
    let byPriya = try steward(
      ["run", "fairness-gate.yaml"], in: dir, as: "runner", ci: ["BUILD_REQUESTEDFOR": "priya"])
    #expect(byPriya.status == 0, "\(byPriya.stdout)")
  }

  /// In a CI job the signer is the CI actor: `--as` naming anyone else is
  /// refused, and a sign-off given there is recorded as the actor's.
  @Test func inCIASignOffIsTheActorsAndAsIsRefused() throws {
    let dir = try StewardBinary.scratch(Self.files)
    #expect(try gate(dir).status == 3)
    /// An approval of run 1, in a CI job with `ci` set, `--as` when given.
    func approve(as name: String? = nil, _ ci: [String: String], user: String = "runner") throws
      -> StewardBinary.Result
    {
      try steward(
        ["signoff", "1", "--role", "responsible-ai", "--note", "ok", "--decision", "approve"]
          + (name.map { ["--as", $0] } ?? []), in: dir, as: user, ci: ci)
    }
    let forged = try approve(as: "tomas", ["GITHUB_ACTOR": "mallory"])
    #expect(forged.status == 2, "\(forged.stdout)")
    #expect(
      forged.stderr.contains(
        "in CI a sign-off is given as the person who started the job (GITHUB_ACTOR=mallory); --as tomas is refused"
      ), "\(forged.stderr)")
    // mallory is not in the role, whatever she claims.
    let mallory = try approve(["GITHUB_ACTOR": "mallory"], user: "tomas")
    #expect(mallory.status == 2)
    #expect(mallory.stderr.contains("mallory is not in role responsible-ai"), "\(mallory.stderr)")
    let tomas = try approve(as: "tomas", ["GITLAB_USER_LOGIN": "tomas"])
    #expect(tomas.status == 0, "\(tomas.stderr)")
    #expect(tomas.stdout.contains("approved by tomas (GITLAB_USER_LOGIN)"), "\(tomas.stdout)")
    #expect(try gate(dir).status == 0)
    // In a GitHub re-run the signer is who re-ran it, not who started it.
    let rerun = try approve(["GITHUB_ACTOR": "tomas", "GITHUB_TRIGGERING_ACTOR": "sam"])
    #expect(rerun.status == 2, "\(rerun.stdout)")
    #expect(rerun.stderr.contains("sam is not in role responsible-ai"), "\(rerun.stderr)")
    // A CI job with no actor variable: --as is refused.
    let anonymous = try approve(as: "tomas", ["CI": "true"])
    #expect(anonymous.status == 2, "\(anonymous.stdout)")
    #expect(anonymous.stderr.contains("no CI actor variable names them; --as tomas is refused"))
  }

  @Test func anUnknownRoleOrAPersonOutsideItIsRefused() throws {
    let dir = try StewardBinary.scratch(Self.files)
    #expect(try gate(dir).status == 3)
    let role = try steward(
      ["signoff", "1", "--role", "cfo", "--decision", "approve", "--note", "ok"], in: dir,
      as: "priya")
    #expect(role.status == 2)
    #expect(role.stderr.contains("needs no sign-off by role \"cfo\"; it needs responsible-ai"))
    let stranger = try signoff(1, ["--decision", "approve"], in: dir, as: "mallory")
    #expect(stranger.status == 2)
    #expect(stranger.stderr.contains("mallory is not in role responsible-ai"))
    let decision = try signoff(1, ["--decision", "maybe"], in: dir, as: "priya")
    #expect(decision.status == 2)
    #expect(try gate(dir).status == 3)
  }

  @Test func aRerunWithDifferentResultsNeedsANewSignOff() throws {
    let dir = try StewardBinary.scratch(Self.files)
    #expect(try gate(dir).status == 3)
    let first = try signoff(1, ["--decision", "approve"], in: dir, as: "priya")
    let hash = try #require(first.stdout.split(separator: " ").last { $0.count == 13 }?.dropLast())
    #expect(try gate(dir).status == 0)
    try Data("id: search\nowner: search\nfairness: { slices: [age] }\n".utf8).write(
      to: dir.appendingPathComponent("models/search.yaml"))
    let rerun = try gate(dir)
    #expect(rerun.status == 3, "\(rerun.stdout)")
    #expect(rerun.stdout.contains("on 2 of 2 results"))
    // What priya reviewed was run 1's results; run 3's are not those.
    let pinned = try signoff(
      3, ["--decision", "approve", "--results", String(hash)], in: dir, as: "priya")
    #expect(pinned.status == 2, "\(pinned.stdout)")
    #expect(pinned.stderr.contains("they are not what was reviewed"))
    #expect(try signoff(3, ["--decision", "approve"], in: dir, as: "priya").status == 0)
    #expect(try gate(dir).status == 0)
  }

  @Test func resultsChangedInTheStoreAreNotSigned() throws {
    let dir = try StewardBinary.scratch(Self.files)
    #expect(try gate(dir).status == 3)
    let tamper = Process()
    tamper.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    tamper.arguments = [dir.path + "/h.sqlite", "UPDATE result SET message = 'edited'"]
    try tamper.run()
    tamper.waitUntilExit()
    #expect(tamper.terminationStatus == 0)
    let refused = try signoff(1, ["--decision", "approve"], in: dir, as: "priya")
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("no longer match the hash recorded with it"))
  }

  @Test func aSignOffBlockThatCannotBeMetIsBadInput() throws {
    var files = Self.files
    files["fairness-gate.yaml"] = files["fairness-gate.yaml"]!.replacingOccurrences(
      of: "role: responsible-ai", with: "role: ethics-board")
    let dir = try StewardBinary.scratch(files)
    let r = try gate(dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("fairness-gate.yaml:13:"))
    #expect(r.stderr.contains("has no one in role \"ethics-board\""))
    #expect(!FileManager.default.fileExists(atPath: dir.path + "/h.sqlite"))
  }

  /// The shipped experiment review, through the binary: a plan counts as
  /// signed off only by a data scientist of the org plan, before launch.
  @Test func theExperimentReviewWantsADataScientistsSignOffBeforeLaunch() throws {
    let r = try StewardBinary.run(
      ["run", "Playbooks/experiment-review.yaml", "--no-record", "--format", "json"])
    #expect(r.status == 1, "\(r.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let results = (object?["results"] as? [[String: Any]] ?? []).filter {
      $0["check"] as? String == "analysis_plan_signed_off"
    }
    let failing = results.filter { $0["status"] as? String == "fail" }.map {
      "\($0["subject"] as? String ?? ""): \($0["message"] as? String ?? "")"
    }
    #expect(
      failing == [
        "exp-2026-021-thumbnails: Aiko Tanaka is not a data scientist who may sign off a plan",
        "exp-2026-033-onboarding: Lena Fischer signed off the plan on 2026-06-16, after the launch on 2026-06-08",
      ])
    #expect(results.count > failing.count)
    #expect(
      results.contains {
        ($0["message"] as? String)?.hasPrefix("signed off by Lena Fischer on 2026-02-27") == true
      })
  }

  /// docs/audit.md's sign-off example: its files written as shown, its
  /// session run line by line with the exit status each line notes.
  @Test func theDocsExampleRunsAsShown() throws {
    let files = try DocSession.run(section: "## Sign-off", in: "docs/audit.md")
    #expect(files == ["fairness-gate.yaml", "models/recommender.yaml", "roles.yaml"])
  }
}
