import Foundation
import StewardCore

/// A runbook playbook read and validated, ready to run (docs/runbook.md).
/// Every problem is found here, all at once (``PlaybookError``), before a
/// command runs.
public struct RunbookPlaybook: Sendable {
  /// Who to call and how, when a step escalates.
  public struct Escalation: Sendable {
    /// Who to call, printed with the context gathered so far.
    public var contact: String
    /// A notification command (an argument list; templates allowed).
    public var command: [String]?
    /// An `http://` URL the escalation is POSTed to as JSON.
    public var webhook: String?
    public var timeout: Double
  }

  public var header: PlaybookHeader
  public var path: String
  /// Variables in declaration order, `--var` overrides applied; values are text.
  public var vars: [(name: String, value: String)]
  /// Environment variable names whose values are redacted from every output.
  public var secrets: [String]
  public var env: [(String, String)]
  public var steps: [RunbookStep]
  public var escalation: Escalation
  /// Executables `steward.run` may start from Lua; nil when the capability
  /// is not granted, `["*"]` for any.
  public var runCapability: [String]?
  /// The same grant resolved to files when the playbook was read.
  var runGrant: RunGrant? = nil
  public var registry: PluginRegistry

  public var name: String { header.name }
  public var baseDirectory: String {
    let folder = (path as NSString).deletingLastPathComponent
    let base = folder.isEmpty ? FileManager.default.currentDirectoryPath : folder
    return (base as NSString).standardizingPath.hasPrefix("/")
      ? (base as NSString).standardizingPath
      : ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(base)
        as NSString).standardizingPath
  }

  public func step(_ id: String) -> RunbookStep? { steps.first { $0.id == id } }
  public func index(of id: String) -> Int? { steps.firstIndex { $0.id == id } }

  static let stepFields: [FieldSpec] = [
    FieldSpec("id", .identifier, required: true, doc: "the step's id, unique in the runbook"),
    FieldSpec("title", .string, doc: "what the step does, for people"),
    FieldSpec("run", .any, doc: "the command: an argument list, or a string (split on spaces)"),
    FieldSpec("shell", .bool, doc: "run `run` (a string) with /bin/sh -c"),
    FieldSpec("prompt", .any, doc: "a question: a string, or {text, type: confirm|text, default}"),
    FieldSpec("confirm", .string, doc: "a yes/no/skip question asked before the command runs"),
    FieldSpec("escalate", .string, doc: "escalate with this message and end the run"),
    FieldSpec("use", .string, doc: "a Lua step type, PLUGIN.TYPE"),
    FieldSpec("with", .map, doc: "parameters for the Lua step type"),
    FieldSpec("env", .map, doc: "extra environment variables"),
    FieldSpec("cwd", .string, doc: "working directory, relative to the playbook"),
    FieldSpec("timeout", .any, doc: "e.g. 5s, 250ms, 2m (default 60s)"),
    FieldSpec("retries", .int, doc: "extra attempts after a failure (default 0)"),
    FieldSpec("backoff", .any, doc: "wait before the first retry, doubled after each (default 1s)"),
    FieldSpec("expect", .map, doc: "exit codes and output patterns that mean success"),
    FieldSpec("check", .string, doc: "a Lua expression over result, steps and vars"),
    FieldSpec("when", .string, doc: "a Lua expression; the step runs only when it is true"),
    FieldSpec("on_failure", .any, doc: "stop (default), continue, escalate, or {goto: STEP}"),
    FieldSpec(
      "approve", .map, doc: "who must approve the step before it runs: {by, group, needs, expires}"),
  ]

  static let defaultsFields: [FieldSpec] = [
    FieldSpec("timeout", .any, doc: "default step timeout"),
    FieldSpec("retries", .int, doc: "default retries"),
    FieldSpec("backoff", .any, doc: "default backoff"),
    FieldSpec("env", .map, doc: "environment for every step"),
    FieldSpec("on_failure", .any, doc: "default on_failure"),
  ]

  static let escalationFields: [FieldSpec] = [
    FieldSpec("contact", .string, required: true, doc: "who to call"),
    FieldSpec("command", .any, doc: "a notification command (argument list)"),
    FieldSpec("webhook", .string, doc: "an http:// URL to POST the escalation to"),
    FieldSpec("timeout", .any, doc: "how long the hook may take (default 10s)"),
  ]

  static let expectFields: [FieldSpec] = [
    FieldSpec("exit", .any, doc: "an exit code or a list of them (default 0)"),
    FieldSpec("output", .string, doc: "a regular expression the output must match"),
    FieldSpec("not_output", .string, doc: "a regular expression the output must not match"),
  ]

  /// Names a template may use besides the declared variables.
  static let builtinVars = ["playbook_dir", "run_id", "steps"]

  /// Reads the runbook body of `header`'s document; `vars` are `--var` overrides.
  public static func load(
    header: PlaybookHeader, path: String, vars overrides: [(String, String)] = [],
    pluginPath: [String] = []
  ) throws -> RunbookPlaybook {
    var parser = RunbookParser(header: header, path: path)
    let playbook = parser.parse(overrides: overrides, pluginPath: pluginPath)
    guard parser.problems.isEmpty, let playbook else { throw PlaybookError(parser.problems) }
    return playbook
  }
}
