import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A survey of 100,000 respondents x 40 Likert questions (8 dimensions, 20
/// teams, weighted levels) scored by team with `steward run`, beside pandas
/// (`read_csv`, then per-team means and top-two-box shares of every
/// question) on the same file. Targets: under 1 s on 2 cores, faster than
/// pandas. Both print the same check figure (team-00's q01 mean and
/// top-two-box share) so the two are seen to compute the same thing.
enum SurveyBench {
  static func run(quick: Bool) {
    let respondents = quick ? 10_000 : 100_000
    let questions = 40
    let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let steward = bench.deletingLastPathComponent().appendingPathComponent("steward").path
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "steward-survey-\(getpid())")
    let keep = ProcessInfo.processInfo.environment["STEWARD_BENCH_KEEP"] != nil
    defer { if !keep { try? FileManager.default.removeItem(at: dir) } }
    let csv = dir.appendingPathComponent("responses.csv").path
    let playbook = dir.appendingPathComponent("survey.yaml").path
    let report = dir.appendingPathComponent("report.json").path
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try Data(playbookYAML(questions: questions).utf8).write(
        to: URL(fileURLWithPath: playbook))
      try responsesCSV(respondents: respondents, questions: questions).write(
        to: URL(fileURLWithPath: csv))
    } catch {
      print("survey: cannot write the responses: \(error)")
      return
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
    let ours = (0..<3).compactMap { _ in
      Child.run(
        steward,
        ["run", playbook, "--format", "json", "--output", report, "--no-record"],
        directory: dir.path)
    }
    guard let best = ours.min(by: { $0.seconds < $1.seconds }) else {
      print("survey: cannot run \(steward)")
      return
    }
    print(
      String(
        format:
          "survey: %d respondents x %d questions (%.1f MB CSV), steward run by team  %.3f s  peak RSS %.0f MB  (exit %d; best of 3; target < 1 s)",
        respondents, questions, Double(size) / 1e6, best.seconds, best.peakMB, best.status))
    print("survey: steward check  \(check(report))")
    if best.status != 0 {
      let errors = dir.appendingPathComponent("steward.err").path
      _ = Child.run(steward, ["run", playbook, "--no-record"], directory: dir.path, stderr: errors)
      print(
        "survey: steward failed:\n"
          + ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").prefix(2000))
    }
    let script = GateBench.root.appendingPathComponent("Benchmarks/python/survey_scores.py").path
    let pythonOut = dir.appendingPathComponent("python.txt").path
    let pythonErr = dir.appendingPathComponent("python.err").path
    let runs = (0..<3).compactMap { _ in
      Child.run(
        "/usr/bin/python3", [script, csv], directory: dir.path, stdout: pythonOut,
        stderr: pythonErr)
    }
    guard let python = runs.min(by: { $0.seconds < $1.seconds }) else {
      print("survey: /usr/bin/python3 not found; the comparison needs pandas")
      return
    }
    print(
      String(
        format:
          "survey: pandas read_csv + per-team means and top-two-box  %.3f s  peak RSS %.0f MB  (exit %d; best of 3)",
        python.seconds, python.peakMB, python.status))
    let out = (try? String(contentsOfFile: pythonOut, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: pythonErr, encoding: .utf8)) ?? ""
    print("survey: pandas check   \(out.trimmingCharacters(in: .whitespacesAndNewlines))")
    if python.status != 0 { print("survey: pandas failed:\n" + err.prefix(2000)) }
    print(
      String(
        format: "survey: steward is %.1fx pandas (target > 1x)", python.seconds / best.seconds))
  }

  static func playbookYAML(questions: Int) -> String {
    var yaml = """
      steward: 1
      kind: survey
      name: bench-survey
      responses: { file: responses.csv, metadata: [team, role, date] }
      groups: [team]
      questions:

      """
    for q in 1...questions {
      yaml +=
        "  - { id: \(qid(q)), text: Statement \(q), dimension: d\((q - 1) / 5 + 1), type: likert }\n"
    }
    yaml += """
      levels:
        - { id: low, min_score: 1 }
        - { id: middle, min_score: 2.5 }
        - { id: high, min_score: 3.5 }

      """
    return yaml
  }

  static func qid(_ q: Int) -> String { String(format: "q%02d", q) }

  /// Deterministic answers 1–5, skewed differently per team and question.
  static func responsesCSV(respondents: Int, questions: Int) -> Data {
    var out = [UInt8]()
    out.reserveCapacity(respondents * (questions * 2 + 40))
    func add(_ s: String) { out.append(contentsOf: s.utf8) }
    add("respondent,team,role,date," + (1...questions).map(qid).joined(separator: ",") + "\n")
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let roles = ["engineer", "data scientist", "product manager"]
    for i in 0..<respondents {
      let team = i % 20
      add(
        "r\(i),team-\(team < 10 ? "0" : "")\(team),\(roles[i % 3]),2026-11-\(10 + i % 20)")
      for q in 0..<questions {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let r = Int((state >> 33) % 100)
        let bias = (team + q) % 5
        let answer = min(5, max(1, 1 + (r + bias * 12) / 24))
        out.append(44)  // ","
        out.append(UInt8(48 + answer))
      }
      out.append(10)
    }
    return Data(out)
  }

  /// team-00's q01 mean and top-two-box share from steward's JSON report.
  static func check(_ report: String) -> String {
    guard let data = FileManager.default.contents(atPath: report),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let groupings = json["groupings"] as? [[String: Any]],
      let groups = groupings.first?["groups"] as? [[String: Any]],
      let team = groups.first(where: { $0["name"] as? String == "team-00" }),
      let questions = team["questions"] as? [[String: Any]],
      let q01 = questions.first(where: { $0["id"] as? String == "q01" })
    else { return "(no report)" }
    let mean = (q01["mean"] as? Double) ?? 0
    let top = (q01["top_two_box"] as? Double) ?? 0
    return String(format: "teams=%d team-00 q01 mean=%.6f top2=%.6f", groups.count, mean, top)
  }
}
