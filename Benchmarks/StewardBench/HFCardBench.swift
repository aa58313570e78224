import Foundation

/// The hf-model-card pack over 10,000 generated Hugging Face cards
/// (`models/card-NNNNN/README.md`), run as a user runs it, beside a Python
/// script that loads the same files with huggingface_hub's `ModelCard` and
/// applies the same rules (Benchmarks/python/hf_model_card.py, in the
/// .build/bench-venv that `scripts/setup --bench` makes).
enum HFCardBench {
  static func run(quick: Bool) {
    let count = quick ? 1_000 : 10_000
    let root = GateBench.root
    let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let steward = bench.deletingLastPathComponent().appendingPathComponent("steward").path
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "steward-hfcards-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    do {
      for i in 0..<count {
        let folder = dir.appendingPathComponent(String(format: "card-%05d", i))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(card(i).utf8).write(to: folder.appendingPathComponent("README.md"))
      }
    } catch {
      print("hfcards: cannot write the cards: \(error)")
      return
    }
    sync()
    let playbook = root.appendingPathComponent("Playbooks/hf-model-card.yaml").path
    let report = dir.path + "-report.json"
    defer { try? FileManager.default.removeItem(atPath: report) }
    let runs = (0..<3).compactMap { _ in
      Child.run(
        steward,
        [
          "run", playbook, "--input", "cards=\(dir.path)/*/README.md", "--format", "json",
          "--output", report, "--no-record", "--fail-on", "none",
        ], directory: root.path)
    }
    guard let best = runs.min(by: { $0.seconds < $1.seconds }) else {
      print("hfcards: cannot run \(steward)")
      return
    }
    print(
      String(
        format:
          "hfcards: %d Hugging Face cards x 9 checks, steward run  %.3f s  %.0f cards/s  peak RSS %.0f MB  (exit %d; best of 3)",
        count, best.seconds, Double(count) / best.seconds, best.peakMB, best.status))
    print("hfcards: steward counts   \(GateBench.summary(of: report))")
    let python = root.appendingPathComponent(".build/bench-venv/bin/python").path
    let script = root.appendingPathComponent("Benchmarks/python/hf_model_card.py").path
    let out = dir.appendingPathComponent("python.txt").path
    guard FileManager.default.isExecutableFile(atPath: python),
      let peer = Child.run(python, [script, dir.path], directory: root.path, stdout: out)
    else {
      print("hfcards: no .build/bench-venv with huggingface_hub; run scripts/setup --bench")
      return
    }
    print(
      String(
        format:
          "hfcards: python3 huggingface_hub ModelCard, same rules  %.3f s  %.0f cards/s  peak RSS %.0f MB  (exit %d)",
        peer.seconds, Double(count) / peer.seconds, peer.peakMB, peer.status))
    let counts = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    print("hfcards: python counts    \(counts.trimmingCharacters(in: .whitespacesAndNewlines))")
    print(
      String(format: "hfcards: steward is %.1fx the Python script", peer.seconds / best.seconds))
  }

  /// Card `i`: one of six shapes the Hub is full of, in turn: complete;
  /// the template's placeholders; a claim that contradicts model-index; no
  /// front matter; a licence and language that are not ids and no datasets;
  /// a Trainer card without its base model.
  static func card(_ i: Int) -> String {
    let name = String(format: "card-%05d", i)
    let accuracy = 0.80 + Double(i % 150) / 1000
    let modelIndex = """
      model-index:
      - name: \(name)
        results:
        - task: {type: text-classification}
          dataset: {type: stanfordnlp/imdb, name: IMDB, split: test}
          metrics:
          - {type: accuracy, value: \(accuracy), name: Accuracy}

      """
    let front = """
      license: apache-2.0
      language: [en]
      datasets: [stanfordnlp/imdb]
      pipeline_tag: text-classification
      base_model: distilbert/distilbert-base-uncased

      """
    let sections = """
      ## Uses

      Labels the sentiment of English film reviews.

      ## Bias, Risks, and Limitations

      Weak on sarcasm; reflects the reviewers of IMDB.

      ## Training Details

      ### Training Data

      The IMDB train split, 25,000 reviews.

      """
    let placeholders = """
      ## Uses

      [More Information Needed]

      ## Bias, Risks, and Limitations

      [More Information Needed]

      ## Training Details

      ### Training Data

      [More Information Needed]

      """
    let claim = String(format: "%.1f", accuracy * 100)
    let wrong = String(format: "%.1f", accuracy * 100 + 3)
    func card(_ front: String?, _ body: String) -> String {
      (front.map { "---\n\($0)---\n\n" } ?? "") + "# \(name)\n\n" + body
    }
    switch i % 6 {
    case 0: return card(front + modelIndex, "It reaches an accuracy of \(claim)%.\n\n" + sections)
    case 1: return card(front + modelIndex, placeholders)
    case 2: return card(front + modelIndex, "It reaches an accuracy of \(wrong)%.\n\n" + sections)
    case 3: return card(nil, sections + "## Evaluation\n\nAccuracy \(claim) on the test split.\n")
    case 4:
      return card(
        "license: apache 2\nlanguage: English\npipeline_tag: text-classification\n" + modelIndex,
        sections)
    default:
      return card(
        "license: mit\ndatasets: [imdb]\ntags: [generated_from_trainer]\n" + modelIndex,
        "This model is a fine-tuned version of distilbert-base-uncased.\n\n" + sections)
    }
  }
}
