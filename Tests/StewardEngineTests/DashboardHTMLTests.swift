import Foundation
import StewardCore
import StewardYAML
import TestSupport
import Testing

@testable import StewardEngine

/// The HTML report: self-contained, escaped, and loading in headless
/// Chromium without console errors. Screenshots at desktop and phone width
/// land in .build/screenshots for review.
@Suite struct DashboardHTMLTests {
  static func report() throws -> DashboardReport {
    try DashboardRunner.run(
      playbook: try DashboardFixture.shipped(), history: try DashboardFixture.store())
  }

  @Test func selfContainedWithEveryChart() throws {
    let html = DashboardHTMLReporter().render(try Self.report())
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<meta name=\"viewport\""))
    #expect(html.contains("@media print"))
    #expect(html.contains("@media (max-width: 600px)"))
    // No script and nothing fetched: no src=, no href= to anything, no url().
    for needle in ["<script", "src=", "href=", "url(", "@import", "http://", "https://"] {
      #expect(!html.contains(needle), "found \(needle)")
    }
    // A trend per metric, the win-rate band and 80 % line, the heat map, the severities.
    let report = try Self.report()
    #expect(
      html.components(separatedBy: "<svg class=\"chart\"").count - 1 >= report.metrics.count + 2)
    #expect(html.contains("class=\"band\""))
    #expect(html.contains("class=\"threshold\""))
    #expect(html.contains("<svg class=\"heatmap\""))
    #expect(html.contains("Audit failures by severity"))
    #expect(html.contains("<td>Experiment win rate</td><td>60 %</td><td>42 %</td>"))
  }

  @Test func textFromInputsIsEscaped() throws {
    var report = try Self.report()
    report.title = "R&D <script>alert(1)</script>"
    report.metrics[0].title = "A \"quoted\" <b>metric</b>"
    report.metrics[0].current.breakdown = []
    let html = DashboardHTMLReporter().render(report)
    #expect(!html.contains("<script>alert"))
    #expect(html.contains("R&amp;D &lt;script&gt;"))
    #expect(!html.contains("<b>metric</b>"))
    #expect(html.contains("&lt;b&gt;metric&lt;/b&gt;"))
  }

  static func chromium() -> String? { Chromium.path }

  static func headless(_ arguments: [String]) throws -> (Int32, String, String) {
    try Chromium.headless(arguments)
  }

  @Test(.enabled(if: chromium() != nil, "needs Debian's chromium"))
  func loadsInHeadlessChromiumWithoutConsoleErrors() throws {
    let folder = Scratch.packageRoot.appendingPathComponent(".build/screenshots")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let files = try DashboardFiles.write(try Self.report(), to: folder.path)
    let html = try #require(files.first { $0.hasSuffix(".html") })
    let url = URL(fileURLWithPath: html).absoluteString

    // The DOM as Chromium built it, and what the console said meanwhile.
    let (status, dom, log) = try Self.headless([
      "--enable-logging=stderr", "--v=0", "--dump-dom", url,
    ])
    #expect(status == 0)
    #expect(dom.contains("Before and after: 2025-05"))
    #expect(dom.contains("<svg class=\"heatmap\""))
    let consoleErrors = log.split(separator: "\n").filter {
      $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("Failed to load")
    }
    #expect(consoleErrors.isEmpty, "\(consoleErrors)")

    for (name, size) in [("dashboard-desktop.png", "1280,900"), ("dashboard-phone.png", "390,844")]
    {
      let shot = folder.appendingPathComponent(name).path
      try? FileManager.default.removeItem(atPath: shot)
      let (code, _, _) = try Self.headless(["--screenshot=\(shot)", "--window-size=\(size)", url])
      #expect(code == 0)
      let bytes = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
      #expect(bytes > 10_000, "\(shot) is \(bytes) bytes")
      print("dashboard screenshot: \(shot)")
    }
    // Printed, through the @media print rules, for review beside the screenshots.
    let pdf = folder.appendingPathComponent("dashboard-print.pdf").path
    try? FileManager.default.removeItem(atPath: pdf)
    let (printed, _, _) = try Self.headless([
      "--print-to-pdf=\(pdf)", "--no-pdf-header-footer", url,
    ])
    #expect(printed == 0)
    let head = FileManager.default.contents(atPath: pdf)?.prefix(4) ?? Data()
    #expect(head == Data("%PDF".utf8))
    print("dashboard print: \(pdf)")
  }
}

/// The JSON report satisfies docs/schemas/dashboard-report.schema.json,
/// checked by Python's jsonschema and by steward's own validator.
@Suite struct DashboardJSONTests {
  @Test func jsonSatisfiesItsPublishedSchema() throws {
    let json = DashboardJSONReporter().render(try DashboardHTMLTests.report())
    let schemaPath = Scratch.packageRoot.appendingPathComponent(
      "docs/schemas/dashboard-report.schema.json"
    ).path
    let file = try Scratch(["d.json": json]).url.appendingPathComponent("d.json")
    let script = """
      import json, sys, jsonschema
      jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
      print("valid")
      """
    let result = try Python.run(script, arguments: [schemaPath, file.path])
    #expect(result.status == 0 && result.output.contains("valid"), "\(result.output)")

    let root = try #require(try DocumentLoader.load(path: schemaPath).first)
    let schema = try JSONSchema(path: schemaPath, root: root)
    let parsed = try #require(try YAMLLoader.load(json, file: "d.json").first)
    #expect(schema.violations(of: parsed).map(\.description) == [])
    #expect(json.hasPrefix("{\n  \"schema_version\": 1,"))
  }
}
