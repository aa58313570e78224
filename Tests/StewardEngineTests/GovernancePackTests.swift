import Foundation
import StewardCore
import Testing

@testable import StewardEngine

/// The ML governance pack (Plugins/, Playbooks/, Examples/streamrec/) runs on
/// its example data with the outcomes the docs promise.
@Suite struct GovernancePackTests {
  static let root = Scratch.packageRoot

  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  /// Runs a playbook of the package, or one at an absolute path.
  func run(
    _ playbook: String, inputs: [String: [String]] = [:], failOn: Severity? = nil
  ) throws -> AuditReport {
    let path = playbook.hasPrefix("/") ? playbook : Self.path(playbook)
    let header = try PlaybookLoader.load(path: path)
    let audit = try AuditPlaybook.load(header: header, path: path, inputs: inputs)
    var runner = AuditRunner(playbook: audit)
    runner.today = "2026-11-23"
    if let failOn { runner.failOn = failOn }
    let report = try runner.run()
    #expect(
      !report.results.contains { $0.status == .error },
      "\(report.results.filter { $0.status == .error }.map(\.message))")
    return report
  }

  /// Runs the ml-governance `checks` over `cards` (file name to YAML) in a
  /// scratch folder.
  func runChecks(_ checks: [String], on cards: [String: String]) throws -> AuditReport {
    var files = cards.reduce(into: [String: String]()) { $0["cards/" + $1.key] = $1.value }
    files["gate.yaml"] =
      "steward: 1\nkind: audit\nname: scratch\nplugins: [\(Self.path("Plugins/ml-governance.lua"))]\n"
      + "subjects: cards\nchecks:\n" + checks.map { "  - use: ml-governance.\($0)\n" }.joined()
    let scratch = try Scratch(files)
    return try run(scratch.path("gate.yaml"))
  }

  func failing(_ report: AuditReport) -> Set<String> {
    Set(report.results.filter { $0.status == .fail }.map { "\($0.subjectID) \($0.checkID)" })
  }

  func result(_ report: AuditReport, _ subject: String, _ check: String) throws -> CheckResult {
    try #require(report.results.first { $0.subjectID == subject && $0.checkID == check })
  }

  /// The text of the line a result points at.
  func line(of result: CheckResult) throws -> String {
    let text = try String(contentsOfFile: result.mark.file, encoding: .utf8)
    let lines = text.components(separatedBy: "\n")
    try #require(result.mark.line >= 1 && result.mark.line <= lines.count)
    return lines[result.mark.line - 1]
  }

  // MARK: deployment gate

  @Test func deploymentGateBlocksExactlyTheStoryFindings() throws {
    let report = try run(
      "Playbooks/deployment-gate.yaml",
      inputs: ["models": [Self.path("Examples/streamrec/models")]], failOn: .high)
    #expect(report.gateFailed)
    #expect(report.checks.count >= 12)
    #expect(
      failing(report) == [
        "ad-targeting validation_split", "ad-targeting fairness_audit", "ad-targeting monitoring",
        "ad-targeting training_serving_skew", "content-moderation fairness_audit",
      ])

    // Each finding points at the field that decided it: file, line, column.
    let expected: [(String, String, Int, Int, String)] = [
      ("ad-targeting", "validation_split", 12, 12, "split: train"),
      ("ad-targeting", "fairness_audit", 22, 12, "audited: false"),
      ("ad-targeting", "monitoring", 23, 13, "monitoring: {}"),
      ("ad-targeting", "training_serving_skew", 19, 12, "value: 0.69"),
      ("content-moderation", "fairness_audit", 69, 59, "selection_rates: {en: 0.92"),
    ]
    for (subject, check, line, column, text) in expected {
      let r = try result(report, subject, check)
      #expect(r.mark.file.hasSuffix("Examples/streamrec/models/\(subject).yaml"), "\(r.mark)")
      #expect(r.mark.line == line && r.mark.column == column, "\(subject) \(check): \(r.mark)")
      let source = try self.line(of: r)
      #expect(source.contains(text), "\(subject) \(check): \(source)")
      #expect(r.severity >= .high)
    }
    // The moderation finding points at the lowest group's rate ("hi: 0.66")
    // and names the attribute and the groups.
    let moderation = try result(report, "content-moderation", "fairness_audit")
    let rates = try line(of: moderation)
    #expect(rates.dropFirst(moderation.mark.column - 1).hasPrefix("0.66"), "\(rates)")
    #expect(moderation.path == "fairness.attributes.language.selection_rates.hi")
    for word in ["language", "hi (0.66)", "en (0.92)", "es, hi, pt", "0.72"] {
      #expect(moderation.message.contains(word), "\(moderation.message)")
    }
    let skew = try result(report, "ad-targeting", "training_serving_skew")
    #expect(skew.message.contains("20 %"))
    // Every finding carries the values it read, even where the field says
    // there is nothing: `audited: false`, `monitoring: {}`.
    let audit = try result(report, "ad-targeting", "fairness_audit")
    #expect(audit.evidence["audited"]?.bool == false, "\(audit.evidence)")
    let monitoring = try result(report, "ad-targeting", "monitoring")
    #expect(
      monitoring.evidence["monitoring"]?.map?.entries.isEmpty == true, "\(monitoring.evidence)")
    #expect(abs((skew.evidence["gap"]?.number ?? 0) - 0.17 / 0.86) < 1e-9)

    // One cause, one finding: the dependent checks skip instead of failing again.
    #expect(try result(report, "ad-targeting", "offline_metrics_held_out").status == .skip)
    #expect(try result(report, "ad-targeting", "equal_opportunity").status == .skip)
    // The staged search model skips only what needs live traffic.
    let search = report.results(for: "search-ranking").filter { $0.status == .skip }.map(\.checkID)
    #expect(search == ["monitoring", "training_serving_skew"])
  }

  @Test func deploymentGatePassesTheRemediatedCards() throws {
    let report = try run(
      "Playbooks/deployment-gate.yaml",
      inputs: ["models": [Self.path("Examples/streamrec/models-remediated")]], failOn: .high)
    #expect(report.subjects.map(\.id) == ["ad-targeting", "content-moderation"])
    #expect(failing(report).isEmpty)
    #expect(!report.gateFailed)
  }

  /// Values exactly on a threshold pass, although their ratio or gap
  /// computes a hair beyond it in binary (0.32 / 0.40 < 0.8).
  @Test func deploymentGateLetsValuesOnTheThresholdPass() throws {
    let report = try run(
      "Playbooks/deployment-gate.yaml",
      inputs: ["models": [Self.path("Tests/StewardEngineTests/Fixtures/boundary-cards")]],
      failOn: .high)
    #expect(report.subjects.map(\.id) == ["boundary-eighty", "boundary-skew"])
    #expect(failing(report).isEmpty)
    let blocked = report.gateFailed
    #expect(!blocked)

    // The cards really sit off the line in floating point: without the
    // tolerance each of these would fail.
    let fairness = try result(report, "boundary-eighty", "fairness_audit")
    let ratio = try #require(fairness.evidence["attributes"]?[0]?["ratio"]?.number)
    #expect(ratio < 0.8 && ratio > 0.8 - 1e-12)
    let opportunity = try result(report, "boundary-eighty", "equal_opportunity")
    let difference = try #require(opportunity.evidence["attributes"]?[0]?["difference"]?.number)
    #expect(difference > 0.1 && difference < 0.1 + 1e-12)
    let skew = try result(report, "boundary-skew", "training_serving_skew")
    let gap = try #require(skew.evidence["gap"]?.number)
    #expect(gap > 0.1 && gap < 0.1 + 1e-12)
    #expect(skew.status == .pass && skew.message.contains("a 10 % gap"))
  }

  /// Like fairness_audit, equal_opportunity names every attribute that
  /// fails, and points at the first one's lowest group.
  @Test func equalOpportunityReportsEveryFailingAttribute() throws {
    let report = try runChecks(
      ["fairness_audit", "equal_opportunity"],
      on: [
        "m.yaml": """
        id: m
        fairness:
          audited: true
          attributes:
            cohort: {true_positive_rates: {new: 0.80, old: 0.78}}
            language: {true_positive_rates: {en: 0.90, es: 0.70}}
            region: {true_positive_rates: {eu: 0.90, na: 0.60}}
        """,
        "null.yaml": """
        id: null-audit
        fairness: {audited: ~}
        """,
      ])
    let r = try result(report, "m", "equal_opportunity")
    #expect(r.status == .fail)
    #expect(r.path == "fairness.attributes.language.true_positive_rates.es")
    #expect(r.message.hasPrefix("equal opportunity fails for language: "), "\(r.message)")
    #expect(r.message.contains("; region: true-positive rate of na (0.60)"), "\(r.message)")
    #expect(!r.message.contains("cohort"), "\(r.message)")
    let attributes = r.evidence["attributes"]?.list?.compactMap { $0["attribute"]?.string }
    #expect(attributes == ["cohort", "language", "region"])
    #expect(r.evidence["max_difference"]?.number == 0.1)
    // A null `audited` is evidence too: the key stays, as null.
    let missing = try result(report, "null-audit", "fairness_audit")
    #expect(
      missing.status == .fail && missing.evidence["audited"]?.isNull == true, "\(missing.evidence)")
  }

  /// Just past a threshold the message prints enough decimals to show the
  /// breach: "0.7999 of en, below 0.80", never "0.80 of en, below 0.80".
  @Test func aValueJustPastItsThresholdIsPrintedPastIt() throws {
    let report = try runChecks(
      ["fairness_audit", "equal_opportunity", "training_serving_skew"],
      on: [
        "m.yaml": """
        id: m
        stage: production
        fairness:
          audited: true
          attributes:
            language:
              selection_rates: {en: 1.0, es: 0.7999}
              true_positive_rates: {en: 0.90, es: 0.7999}
        evaluation:
          offline: {metric: auc, value: 1.0, computed_on: holdout}
          online: {metric: auc, value: 0.8999}
        """
      ])
    let fairness = try result(report, "m", "fairness_audit")
    #expect(
      fairness.status == .fail && fairness.message.contains("is 0.7999 of en"),
      "\(fairness.message)")
    let opportunity = try result(report, "m", "equal_opportunity")
    #expect(
      opportunity.status == .fail && opportunity.message.contains("is 0.1001 below en"),
      "\(opportunity.message)")
    let skew = try result(report, "m", "training_serving_skew")
    #expect(
      skew.status == .fail && skew.message.contains("a 10.01 % gap, above 10 %"), "\(skew.message)")
  }

  @Test func deploymentGateDefaultsToTheExampleModels() throws {
    let report = try run("Playbooks/deployment-gate.yaml")
    #expect(
      report.subjects.map(\.id) == [
        "ad-targeting", "churn", "content-moderation", "recommender", "search-ranking",
      ])
    #expect(report.gateFailed)
  }

  // MARK: the other playbooks

  @Test func modelCardPlaybookSendsBackTheContractorCard() throws {
    let report = try run("Playbooks/model-card.yaml")
    #expect(
      failing(report) == [
        "ad-targeting model_parameters", "ad-targeting headline_metric",
        "ad-targeting sliced_metrics", "ad-targeting considerations",
        "ad-targeting ethical_considerations",
      ])
    #expect(report.gateFailed)
    let remediated = try run(
      "Playbooks/model-card.yaml",
      inputs: ["cards": [Self.path("Examples/streamrec/models-remediated")]])
    #expect(failing(remediated).isEmpty && !remediated.gateFailed)
  }

  @Test func mlTestScoreIsTheMinimumOfTheSectionsWithItsBand() throws {
    let report = try run("Playbooks/ml-test-score.yaml")
    #expect(
      failing(report) == ["trust-and-safety score", "trust-and-safety skew_monitored"])
    #expect(report.gateFailed)
    // The paper's test vector: 4.0, 3.0, 5.0, 1.5 -> 1.5, band (1, 2].
    let ads = try result(report, "ads-engineering", "score")
    #expect(ads.status == .pass)
    #expect(ads.evidence["final"]?.number == 1.5)
    #expect(ads.evidence["band"]?.string == "(1, 2]")
    #expect(ads.evidence["weakest"]?.string == "monitoring")
    let sections = try #require(ads.evidence["sections"])
    #expect(sections["data"]?.number == 4 && sections["model"]?.number == 3)
    #expect(sections["infrastructure"]?.number == 5 && sections["monitoring"]?.number == 1.5)
    let recsys = try result(report, "recsys", "score")
    #expect(recsys.evidence["final"]?.number == 5.5)
    #expect(recsys.evidence["band"]?.string == "> 5")
    let tns = try result(report, "trust-and-safety", "score")
    #expect(tns.evidence["final"]?.number == 1)
    #expect(tns.evidence["band"]?.string == "(0, 1]")
    #expect(tns.path == "tests.monitoring")
  }

  @Test func experimentReviewFindsTheSampleRatioMismatch() throws {
    let report = try run("Playbooks/experiment-review.yaml")
    #expect(
      failing(report) == [
        "exp-2026-014-autoplay sample_ratio_mismatch",
        "exp-2026-021-thumbnails analysis_plan_signed_off",
        "exp-2026-033-onboarding analysis_plan_preregistered",
        "exp-2026-033-onboarding analysis_plan_signed_off",
      ])
    let lead = try result(report, "exp-2026-021-thumbnails", "analysis_plan_signed_off")
    #expect(try line(of: lead).contains("signed_off_by: Aiko Tanaka"))
    let after = try result(report, "exp-2026-033-onboarding", "analysis_plan_signed_off")
    #expect(try line(of: after).contains("signed_off: 2026-06-16"))
    let srm = try result(report, "exp-2026-014-autoplay", "sample_ratio_mismatch")
    #expect(abs((srm.evidence["statistic"]?.number ?? 0) - 11.236) < 0.01)
    let p = try #require(srm.evidence["p"]?.number)
    #expect(p < 0.001 && p > 0.0007)
    #expect(srm.path == "arms[1].users")
    #expect(try line(of: srm).contains("users: 44000"))
    let late = try result(report, "exp-2026-033-onboarding", "analysis_plan_preregistered")
    #expect(try line(of: late).contains("registered: 2026-06-15"))
    #expect(report.gateFailed)
  }

  @Test func orgPlanPassesTheHubAndSpokeChecks() throws {
    let report = try run("Playbooks/org-design.yaml")
    #expect(report.subjects.map(\.id) == ["streamrec-data-org-2026"])
    #expect(report.results.allSatisfy { $0.status == .pass })
    #expect(!report.gateFailed)
  }

  // MARK: validation, examples, schema

  @Test func shippedPlaybooksAndPluginsValidate() throws {
    let report = Validator.validate(paths: [Self.path("Playbooks"), Self.path("Plugins")])
    #expect(report.ok, "\(report.allDiagnostics.map(\.description))")
    // The gate's fixtures are validated as fixtures, not as a playbook.
    #expect(
      report.files.first { $0.path.hasSuffix("deployment-gate.tests.yaml") }?.summary?.hasPrefix(
        "audit fixtures") == true)
    let playbooks = report.files.filter {
      $0.path.hasSuffix(".yaml") && $0.summary?.contains("playbook") == true
    }.map {
      ($0.path as NSString).lastPathComponent
    }
    #expect(
      Set(playbooks) == [
        "deployment-gate.yaml", "model-card.yaml", "ml-test-score.yaml",
        "experiment-review.yaml", "org-design.yaml", "quarterly-hackathon.yaml",
        "ds-community.yaml", "value-dashboard.yaml", "mlops-maturity.yaml",
        "mlops-maturity-google.yaml", "experimentation-maturity.yaml", "team-health.yaml",
        "team-enps.yaml", "listening-tour.yaml",
        "recsys-oncall.yaml", "monitoring-review.yaml", "hf-model-card.yaml", "hf-governance.yaml",
        "model-card-campaigns.yaml",
      ])
  }

  @Test func everyPluginCheckHasPassingAndFailingExamplesThatHold() throws {
    var registry = PluginRegistry()
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.path("Plugins"))
      .filter { $0.hasSuffix(".lua") }.sorted()
    #expect(files.count == 8)
    for file in files {
      let plugin = try registry.load(path: Self.path("Plugins/\(file)"))
      for check in plugin.checks {
        // A check over all subjects states its expectations by subject.
        if check.scope == .all {
          let expects = Set(
            check.examples.flatMap { $0["expect"]?.map?.entries ?? [] }.compactMap(\.value.string))
          #expect(expects.isSuperset(of: ["pass", "fail"]), "\(plugin.name).\(check.id)")
          continue
        }
        let expects = Set(check.examples.compactMap { $0["expect"]?.string })
        #expect(expects.isSuperset(of: ["pass", "fail"]), "\(plugin.name).\(check.id)")
        #expect(
          // An error (the check cannot judge) points nowhere.
          check.examples.allSatisfy {
            $0["at"]?.string != nil || $0["expect"]?.string == "pass"
              || $0["expect"]?.string == "error"
          },
          "\(plugin.name).\(check.id): a failing example without `at`")
      }
      let outcomes = try ExampleRunner().run(plugin)
      let failed = outcomes.filter { !$0.passed }
      #expect(
        failed.isEmpty, "\(failed.map { "\($0.check) #\($0.example) \($0.variant): \($0.actual)" })"
      )
    }
  }

  /// The schema uses only the keywords Steward's validator supports.
  @Test func modelCardSchemaUsesOnlySupportedKeywords() throws {
    let data = try Data(
      contentsOf: Self.root.appendingPathComponent("schemas/model-card.schema.json"))
    let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    let allowed: Set<String> = [
      "$schema", "$id", "title", "description", "type", "properties", "required",
      "additionalProperties", "items", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
      "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "$ref",
      "$defs", "anyOf", "oneOf", "allOf", "format",
    ]
    var found: [String] = []
    func walk(_ node: Any) {
      if let object = node as? [String: Any] {
        for (key, value) in object {
          if !allowed.contains(key) { found.append(key) }
          if key == "properties" || key == "$defs", let named = value as? [String: Any] {
            named.values.forEach(walk)
          } else if key == "$ref" {
            #expect((value as? String)?.hasPrefix("#/$defs/") == true, "\(value)")
          } else {
            walk(value)
          }
        }
      } else if let array = node as? [Any] {
        array.forEach(walk)
      }
    }
    walk(schema)
    #expect(found.isEmpty, "unsupported keywords: \(found)")
  }
}
