public import Foundation
public import StewardCore
import StewardLua
import StewardYAML

/// `steward test PLAYBOOK`: the fixtures written beside an audit playbook
/// (`gate.tests.yaml`, or the file its `tests:` names), each a subject and
/// the status it must get from each check, run through the playbook as a
/// run would (its plugins, built-in and inline checks, `when:`, deferrals,
/// schema and waivers), as `conftest verify` tests a policy:
///
/// ```yaml
/// tests:
///   - name: ad-targeting is evaluated on its training data
///     file: ../Examples/streamrec/models/ad-targeting.yaml   # or subject: { … }
///     expect: { validation_split: fail, has_owner: pass }
/// ```
public enum AuditFixtures {
  public struct Outcome: Sendable {
    public var fixture: String
    public var mark: SourceMark
    public var check: String
    public var expected: String
    public var actual: String
    public var message: String
    public var passed: Bool { expected == actual }
  }

  public struct Report: Sendable {
    public var playbook: String
    public var fixturesFile: String
    public var fixtures: Int
    public var outcomes: [Outcome]
    /// Checks of the playbook that no fixture expects anything of.
    public var uncovered: [String]
    public var checks: Int
  }

  static let fixtureFields: [FieldSpec] = [
    FieldSpec("name", .string, required: true, doc: "what the fixture shows"),
    FieldSpec("subject", .map, doc: "the subject, written out"),
    FieldSpec("file", .string, doc: "a subject file, relative to the fixtures file"),
    FieldSpec("expect", .map, required: true, doc: "check id: pass, fail, skip, waived or error"),
  ]

  /// Where the fixtures of the playbook at `path` are: its `tests:`, or
  /// `NAME.tests.yaml` beside it.
  static func fixturesPath(_ header: PlaybookHeader, path: String) -> String {
    let base = (path as NSString).deletingLastPathComponent
    if let named = header.document["tests"]?.string { return InputFiles.join(base, named) }
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    return InputFiles.join(base, stem + ".tests.yaml")
  }

  /// What `steward validate` says of a fixtures file met on its own: read
  /// as `steward test` of its playbook (`NAME.yaml` beside `NAME.tests.yaml`,
  /// when that is an audit whose fixtures these are) reads it, subjects
  /// included; without one, its keys and statuses.
  static func check(file: String, pluginPath: [String]) throws -> Int {
    let name = (file as NSString).lastPathComponent
    if name.hasSuffix(".tests.yaml") || name.hasSuffix(".tests.yml") {
      let stem = String(
        name.prefix(upTo: name.range(of: ".tests.", options: .backwards)!.lowerBound))
      let folder = (file as NSString).deletingLastPathComponent
      for ext in ["yaml", "yml", "json", "lua"] {
        let playbook = InputFiles.join(folder, "\(stem).\(ext)")
        guard FileManager.default.fileExists(atPath: playbook),
          let header = try? PlaybookLoader.load(path: playbook), header.kind == .audit,
          fixturesPath(header, path: playbook) == InputFiles.join(folder, name),
          let audit = try? AuditPlaybook.load(
            header: header, path: playbook, pluginPath: pluginPath)
        else { continue }
        return try load(file, audit: audit).count
      }
    }
    let fixtures = try read(file, checks: nil)
    try subjects(of: fixtures, file: file, audit: nil)
    return fixtures.count
  }

  /// The fixtures and their subjects, every problem with either at its mark.
  static func load(_ file: String, audit: AuditPlaybook) throws -> [(Value, Subject)] {
    let fixtures = try read(file, checks: audit.checks.map(\.id))
    return zip(fixtures, try subjects(of: fixtures, file: file, audit: audit)).map { ($0, $1) }
  }

  @discardableResult
  static func subjects(of fixtures: [Value], file: String, audit: AuditPlaybook?) throws
    -> [Subject]
  {
    var problems: [Diagnostic] = []
    var subjects: [Subject] = []
    for fixture in fixtures {
      do {
        let subject = try self.subject(of: fixture, fixturesFile: file)
        problems += audit?.schema?.violations(of: subject.value) ?? []
        subjects.append(subject)
      } catch {
        problems += Validator.diagnostics(of: error, file: file)
      }
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return subjects
  }

  /// Reads the playbook and its fixtures; every problem with either is an
  /// input error (exit 2), found before a fixture runs.
  public static func run(playbook path: String, pluginPath: [String] = []) throws -> Report {
    let header = try PlaybookLoader.load(path: path)
    guard header.kind == .audit else {
      throw Diagnostic(
        at: header.document["kind"]?.mark ?? header.document.mark, code: "T001",
        "steward test runs the fixtures of an audit playbook; this is \(English.withArticle(header.kind.rawValue))"
      )
    }
    let audit = try AuditPlaybook.load(header: header, path: path, pluginPath: pluginPath)
    let file = fixturesPath(header, path: path)
    guard FileManager.default.fileExists(atPath: file) else {
      throw Diagnostic(
        at: header.document["tests"]?.mark ?? SourceMark(file: path, line: 0, column: 0),
        code: "T002",
        "no fixtures: \(file) does not exist (a list under tests:, each with name, subject or file, and expect)"
      )
    }
    let loaded = try load(file, audit: audit)

    let runner = AuditRunner(playbook: audit)
    let worker = Worker(
      playbook: audit, checks: audit.checks, limits: runner.limits, today: runner.today,
      echo: PluginLog.echo)
    var outcomes: [Outcome] = []
    var covered = Set<String>()
    for (fixture, subject) in loaded {
      var results = worker.run(on: subject)
      _ = runner.applyWaivers(&results)
      let name = fixture["name"]?.string ?? ""
      for entry in fixture["expect"]?.map?.entries ?? [] {
        covered.insert(entry.key)
        let result = results.first { $0.checkID == entry.key }
        outcomes.append(
          Outcome(
            fixture: name, mark: entry.keyMark, check: entry.key,
            expected: entry.value.string ?? "", actual: result?.status.rawValue ?? "absent",
            message: result?.displayMessage ?? ""))
      }
    }
    return Report(
      playbook: path, fixturesFile: file, fixtures: loaded.count, outcomes: outcomes,
      uncovered: audit.checks.map(\.id).filter { !covered.contains($0) },
      checks: audit.checks.count)
  }

  /// The fixtures, every key checked: a misspelt one, a missing `expect`,
  /// a check the playbook lacks or a status that is none, at its mark.
  /// Without `checks` (no playbook to hold them against) the check names
  /// are left unjudged.
  static func read(_ file: String, checks: [String]?) throws -> [Value] {
    guard let document = try DocumentLoader.load(path: file).first else {
      throw Diagnostic(
        at: SourceMark(file: file, line: 1, column: 1), code: "T003",
        "the fixtures file is empty; it holds a list under tests:")
    }
    var problems = SchemaValidator(
      fields: [FieldSpec("tests", .list(.map), required: true, doc: "the fixtures")],
      context: "fixtures file"
    ).problems(in: document)
    let fixtures = document["tests"]?.list ?? []
    if problems.isEmpty, fixtures.isEmpty {
      problems.append(
        Diagnostic(at: document.mark, code: "T003", "tests: is empty; a test over nothing passes"))
    }
    let statuses = CheckStatus.allCases.map(\.rawValue)
    for fixture in fixtures {
      problems += SchemaValidator(fields: fixtureFields, context: "fixture").problems(in: fixture)
      if (fixture["subject"] == nil) == (fixture["file"] == nil) {
        problems.append(
          Diagnostic(
            at: fixture.mark, code: "T004", "a fixture takes one of \"subject\" and \"file\""))
      }
      guard let expect = fixture["expect"]?.map else { continue }
      if expect.entries.isEmpty {
        problems.append(
          Diagnostic(
            at: fixture["expect"]?.mark ?? fixture.mark, code: "T004",
            "expect is empty; name a check and the status it must give"))
      }
      for entry in expect.entries {
        if let checks, !checks.contains(entry.key) {
          var message = "the playbook has no check \"\(entry.key)\""
          if let guess = SchemaValidator.suggestion(for: entry.key, among: checks) {
            message += "; did you mean \"\(guess)\"?"
          }
          problems.append(Diagnostic(at: entry.keyMark, code: "T005", message))
        }
        if !(entry.value.string.map(statuses.contains) ?? false) {
          problems.append(
            Diagnostic(
              at: entry.value.mark, code: "T005",
              "expect \(entry.key): takes \(statuses.joined(separator: ", ")), found \(entry.value.string.map { "\"\($0)\"" } ?? entry.value.typeWithArticle)"
            ))
        }
      }
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return fixtures
  }

  /// The fixture's subject: written out (its marks are the fixture file's,
  /// so results point there), or the one subject of a file.
  static func subject(of fixture: Value, fixturesFile: String) throws -> Subject {
    let name = fixture["name"]?.string ?? "fixture"
    if let value = fixture["subject"] {
      let id = try SubjectLoader.id(of: value).get() ?? name
      return Subject(id: id, value: value, file: fixturesFile)
    }
    let reference = fixture["file"]
    let path = InputFiles.join(
      (fixturesFile as NSString).deletingLastPathComponent, reference?.string ?? "")
    guard FileManager.default.fileExists(atPath: path) else {
      throw Diagnostic(
        at: reference?.mark ?? fixture.mark, code: "T006",
        "subject file \"\(reference?.string ?? "")\" not found (looked at \(path))")
    }
    let subjects = try SubjectLoader.subjects(in: path).get()
    guard subjects.count == 1 else {
      throw Diagnostic(
        at: reference?.mark ?? fixture.mark, code: "T006",
        "a fixture's file holds one subject; \(path) holds \(subjects.count)")
    }
    return subjects[0]
  }
}
