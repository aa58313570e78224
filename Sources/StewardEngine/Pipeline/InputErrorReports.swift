import Foundation
import StewardCore

/// The report files of a run that could not start because its input is
/// wrong (exit 2): each `--report` still gets a file, saying why, so that a
/// CI job shows the reason where it shows the results (SARIF's
/// `toolExecutionNotifications`, a JUnit error, the JSON report's `errors`).
enum InputErrorReports {
  /// The report in `format`, or nil for a format that has no such form.
  static func render(
    _ format: String, diagnostics: [Diagnostic], playbook: String,
    kind: (any RunnableKind.Type)? = nil
  ) -> String? {
    switch format {
    case "sarif": sarif(diagnostics)
    case "junit": junit(diagnostics, playbook: playbook)
    case "json": json(diagnostics, playbook: playbook, kind: kind)
    case "html": html(diagnostics, playbook: playbook)
    case "slack": slack(diagnostics, playbook: playbook)
    case "github":
      diagnostics.map { d in
        let properties = GitHubReporter.location(d.mark).joined(separator: ",")
        return
          "::error\(properties.isEmpty ? "" : " ")\(properties)::\(GitHubReporter.data("\(d.message) [\(d.code)]"))"
      }.joined(separator: "\n")
    case "text", "markdown":
      diagnostics.map { Printable.escape($0.description, keepingBreaks: true) }
        .joined(separator: "\n")
    default: nil
    }
  }

  static func notification(_ d: Diagnostic) -> Value {
    typealias V = ReportValues
    var pairs: [(String, Value)] = [
      ("level", d.severity == .error ? "error" : d.severity == .warning ? "warning" : "note"),
      ("message", V.map([("text", V.string(d.message))])),
      ("descriptor", V.map([("id", V.string(d.code))])),
    ]
    if !d.mark.file.isEmpty {
      var region: [(String, Value)] = []
      if d.mark.line > 0 { region.append(("startLine", V.int(d.mark.line))) }
      if d.mark.column > 0 { region.append(("startColumn", V.int(d.mark.column))) }
      var physical: [(String, Value)] = [
        ("artifactLocation", V.map([("uri", V.string(SARIFReporter.uri(d.mark.file)))]))
      ]
      if !region.isEmpty { physical.append(("region", V.map(region))) }
      pairs.append(("locations", Value(.list([V.map([("physicalLocation", V.map(physical))])]))))
    }
    return V.map(pairs)
  }

  static func sarif(_ diagnostics: [Diagnostic]) -> String {
    typealias V = ReportValues
    let driver = V.map([
      ("name", "steward"), ("version", V.string(StewardVersion.current)),
      ("rules", Value(.list([]))),
    ])
    let invocation = V.map([
      ("executionSuccessful", Value(.bool(false))), ("exitCode", V.int(Int(Exit.inputError))),
      ("toolExecutionNotifications", Value(.list(diagnostics.map(notification)))),
    ])
    return JSONText.render(
      V.map([
        ("$schema", "https://json.schemastore.org/sarif-2.1.0.json"), ("version", "2.1.0"),
        (
          "runs",
          Value(
            .list([
              V.map([
                ("tool", V.map([("driver", driver)])),
                ("invocations", Value(.list([invocation]))), ("results", Value(.list([]))),
              ])
            ]))
        ),
      ]))
  }

  static func junit(_ diagnostics: [Diagnostic], playbook: String) -> String {
    let escape = JUnitReporter().escape
    let text = diagnostics.map(\.description).joined(separator: "\n")
    let first = diagnostics.first.map { "\($0.message) [\($0.code)]" } ?? "the input is wrong"
    return #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
      + #"<testsuites name="\#(escape(playbook))" tests="1" failures="0" errors="1" skipped="0" time="0">"#
      + "\n"
      + #"  <testsuite name="\#(escape(playbook))" tests="1" failures="0" errors="1" skipped="0">"#
      + "\n"
      + #"    <testcase classname="steward" name="input">"# + "\n"
      + #"      <error message="\#(escape(first))" type="input">\#(escape(text))</error>"# + "\n"
      + "    </testcase>\n  </testsuite>\n</testsuites>\n"
  }

  /// A page that says the report could not be made, and why.
  static func html(_ diagnostics: [Diagnostic], playbook: String) -> String {
    let escape = DashboardCharts.escape
    let items = diagnostics.map { "<li><code>\(escape($0.description))</code></li>" }
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>steward: \(escape(playbook)) was not run</title></head>
      <body><h1>\(escape(playbook)) was not run</h1>
      <p>The input is wrong (exit 2):</p>
      <ul>
      \(items.joined(separator: "\n"))
      </ul></body></html>

      """
  }

  /// A Slack message payload that says why there is no report.
  static func slack(_ diagnostics: [Diagnostic], playbook: String) -> String {
    let lines = diagnostics.map { "• `\(Printable.markdown($0.description))`" }
    let heading = "\(playbook) was not run: the input is wrong (exit 2)"
    let payload: Value = [
      "text": Value(.string(heading + "\n" + lines.joined(separator: "\n"))),
      "blocks": Value(
        .list([
          ["type": "header", "text": ["type": "plain_text", "text": Value(.string(heading))]],
          [
            "type": "section",
            "text": ["type": "mrkdwn", "text": Value(.string(lines.joined(separator: "\n")))],
          ],
        ])),
    ]
    return JSONText.render(payload) + "\n"
  }

  /// `{"schema_version", "tool", "kind", "playbook": {"path"}, "exit_status",
  /// "errors"}`, the kind's `schema_version`; `kind` is null when the
  /// playbook could not be read far enough to name one. Each kind's
  /// published schema (docs/schemas) admits this shape.
  static func json(
    _ diagnostics: [Diagnostic], playbook: String, kind: (any RunnableKind.Type)? = nil
  ) -> String {
    typealias V = ReportValues
    let errors = diagnostics.map {
      V.map([
        ("code", V.string($0.code)), ("message", V.string($0.message)),
        ("location", V.location($0.mark)),
      ])
    }
    return JSONText.render(
      V.map([
        ("schema_version", V.int(kind?.jsonSchemaVersion ?? 1)),
        ("tool", V.map([("name", "steward"), ("version", V.string(StewardVersion.current))])),
        ("kind", V.optional(kind?.kind.rawValue)),
        ("playbook", V.map([("path", V.string(playbook))])),
        ("exit_status", V.int(Int(Exit.inputError))),
        ("errors", Value(.list(errors))),
      ]))
  }
}
