import Foundation
import Mustache

/// The demo folder's index.html: one self-contained page (no external
/// assets) that says what each step of the story showed, whether it ended
/// as the story expects, and links to its reports.
struct DemoIndexPage {
  var outcomes: [DemoOutcome]
  var folder: URL
  var store: String

  func render() -> String {
    let steps: [[String: Any]] = outcomes.map { outcome in
      let links: [[String: Any]] = outcome.files.map { ["file": $0] }
      return [
        "id": outcome.step.id,
        "title": outcome.step.title,
        "story": outcome.step.story,
        "command": outcome.step.commandLine.map(Self.shellQuoted).joined(separator: " "),
        "exit": outcome.exitStatus,
        "expected": outcome.step.expectedExit,
        "ok": outcome.asExpected,
        "verdict": outcome.exitStatus == 0
          ? "passed" : outcome.exitStatus == 1 ? "blocked" : "error",
        "seconds": String(format: "%.2f", outcome.seconds),
        "links": links,
        "report": excerpt(of: outcome),
        "log": String(outcome.log.suffix(4000)),
        "hasLog": !outcome.log.isEmpty,
      ]
    }
    let dashboards = outcomes.flatMap { $0.files.filter { $0.hasSuffix(".html") } }
    let context: [String: Any] = [
      "steps": steps,
      "dashboards": dashboards.map { ["file": $0] },
      "allOK": outcomes.allSatisfy(\.asExpected),
      "store": store,
    ]
    do {
      return try MustacheTemplate(string: Self.template).render(context)
    } catch {
      // The template is ours and fixed; a test renders it.
      preconditionFailure("demo index template: \(error)")
    }
  }

  /// The recorded report, shortened so the page stays light.
  func excerpt(of outcome: DemoOutcome) -> String {
    guard let first = outcome.files.first,
      let text = try? String(contentsOf: folder.appendingPathComponent(first), encoding: .utf8)
    else { return "" }
    return String(text.prefix(6000))
  }

  static func shellQuoted(_ word: String) -> String {
    let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,".contains($0) }
    return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  static let template = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>StreamRec with Steward: the whole story</title>
    <style>
    :root { --ok: #1a7f37; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; }
    body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
      max-width: 60rem; padding: 1rem; color: #1f2328; }
    h1 { font-size: 1.6rem; margin-bottom: .2rem; }
    .lead { color: var(--muted); margin-top: 0; }
    .step { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; margin: 1rem 0;
      break-inside: avoid; }
    .step h2 { font-size: 1.15rem; margin: 0 0 .3rem; display: flex; gap: .5rem; flex-wrap: wrap;
      align-items: baseline; }
    .badge { font-size: .8rem; border-radius: 1rem; padding: 0 .6rem; color: #fff; }
    .passed { background: var(--ok); } .blocked { background: #9a6700; } .error { background: var(--bad); }
    .unexpected { outline: 3px solid var(--bad); }
    code, pre { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; }
    pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; white-space: pre-wrap;
      word-break: break-word; }
    .cmd { background: #f6f8fa; padding: .2rem .4rem; display: block; overflow-x: auto; }
    a { color: #0969da; }
    .links a { margin-right: .8rem; }
    .dash { font-size: 1.1rem; padding: .6rem 1rem; background: #ddf4ff; border-radius: 8px; }
    @media print { details { display: none; } .step { border-color: #999; } a { color: inherit; } }
    </style>
    </head>
    <body>
    <h1>StreamRec, end to end</h1>
    <p class="lead">Every report below was produced by <code>steward demo</code> from the bundled
    StreamRec example, with the command shown. The runs are recorded in
    <code>{{store}}</code>: try <code>steward history --store {{store}}</code> in this folder.</p>
    {{#allOK}}<p>Every step ended as the story expects.</p>{{/allOK}}
    {{^allOK}}<p class="unexpected">Some steps did not end as the story expects: look for the red outline.</p>{{/allOK}}
    {{#dashboards}}<p class="dash">The value dashboard: <a href="{{file}}">{{file}}</a></p>{{/dashboards}}
    {{#steps}}
    <section class="step{{^ok}} unexpected{{/ok}}" id="{{id}}">
    <h2>{{title}} <span class="badge {{verdict}}">{{verdict}} (exit {{exit}}{{^ok}}, expected {{expected}}{{/ok}})</span></h2>
    <p>{{story}}</p>
    <code class="cmd">{{command}}</code>
    <p class="links">{{#links}}<a href="{{file}}">{{file}}</a>{{/links}} <small>{{seconds}} s</small></p>
    <details><summary>Report</summary><pre>{{report}}</pre></details>
    {{#hasLog}}<details><summary>What it said on stderr</summary><pre>{{log}}</pre></details>{{/hasLog}}
    </section>
    {{/steps}}
    </body>
    </html>
    """
}
