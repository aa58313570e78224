import Foundation
import StewardCore
import StewardYAML

/// Wide CSV files: a header and one row of 100,000 and 200,000 columns,
/// read by ``CSVLoader`` (rituals, hackathons, dashboards, `steward inspect`)
/// and their header marks by ``CSVScanner`` (survey responses). Both once
/// rescanned each line from its start for every field, quadratic in the
/// number of columns (8.8 s at 100,000); the target is well under 1 s at
/// 200,000, and twice the columns should take about twice the time.
enum CSVBench {
  static func run(quick: Bool) {
    let widths = quick ? [20_000, 40_000] : [100_000, 200_000]
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("steward-csv-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: directory) }
    for columns in widths {
      let path = directory.appendingPathComponent("wide-\(columns).csv").path
      let text =
        (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
        + (0..<columns).map { "\($0 % 10)" }.joined(separator: ",") + "\n"
      do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      } catch {
        print("csv: cannot write \(path): \(error)")
        return
      }
      let loader = best(of: 3) {
        let rows = try CSVLoader.load(path: path)
        return rows.list?.first?.map?.count ?? -1
      }
      let bytes = Array(text.utf8)
      let scanner = best(of: 3) {
        let scanner = try CSVScanner(bytes: bytes, file: path)
        var marked = 0
        try scanner.forEachRow { row in marked += scanner.marks(row.fields).count }
        return marked
      }
      print(
        String(
          format:
            "csv: %d columns x 2 rows (%.1f MB): CSVLoader %.3f s (%d keys); CSVScanner with marks %.3f s (%d marks); best of 3, target < 1 s",
          columns, Double(bytes.count) / 1e6, loader.seconds, loader.count, scanner.seconds,
          scanner.count))
      // What a user waits for: a survey run refusing every column as
      // unknown (Q103). Its diagnostics once compared each column with
      // every question, 8.5 s at 200,000.
      let steward = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("steward").path
      let survey = (0..<3).compactMap { _ in
        Child.run(
          steward,
          [
            "run", GateBench.root.appendingPathComponent("Playbooks/team-enps.yaml").path,
            "--input", "responses=\(path)", "--no-record",
          ], directory: directory.path)
      }.min { $0.seconds < $1.seconds }
      if let survey {
        print(
          String(
            format:
              "csv: %d columns, steward run of a survey over them  %.3f s  (exit %d: every column unknown; best of 3, target < 1 s)",
            columns, survey.seconds, survey.status))
      }
    }
  }

  private static func best(of runs: Int, _ body: () throws -> Int) -> (seconds: Double, count: Int)
  {
    var seconds = Double.infinity
    var count = -1
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      count = (try? body()) ?? -1
      seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (seconds, count)
  }
}
