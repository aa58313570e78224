import Foundation
public import StewardCore
import StewardYAML

/// `signoff:` in an audit playbook: a person of a role must approve the run's
/// results (those of the checks `for:` names) before the gate opens.
///
/// ```yaml
/// signoff: { role: responsible-ai, roster: roles.yaml, for: { tags: [fairness] } }
/// ```
///
/// Names are who people say they are (`--as`, `STEWARD_USER`, `USER`): a
/// sign-off records a person's word on the record; it does not authenticate.
public struct SignOffRequirement: Sendable {
  public var role: String
  /// The people of `role`, from the roster file.
  public var people: [String]
  /// The checks whose results need the sign-off; empty means every check.
  public var checks: Set<String>
  public var mark: SourceMark

  static let fields: [FieldSpec] = [
    FieldSpec("role", .string, required: true, doc: "the roster role whose sign-off is needed"),
    FieldSpec(
      "roster", .string, required: true,
      doc: "a YAML file of roles, each a list of people (the runbook roster's format)"),
    FieldSpec("for", .map, doc: "{tags: [...], checks: [...]}: which checks' results; default all"),
  ]

  /// The requirements of a playbook (`signoff:` a map or a list of maps);
  /// empty when it has none. Throws ``PlaybookError`` with every problem.
  public static func parse(_ document: Value, path: String, checks: [CheckSpec]) throws
    -> [SignOffRequirement]
  {
    guard let value = document["signoff"] else { return [] }
    var problems: [Diagnostic] = []
    var found: [SignOffRequirement] = []
    let base = (path as NSString).deletingLastPathComponent
    for item in value.list ?? [value] {
      let itemProblems = SchemaValidator(fields: fields, context: "signoff").problems(in: item)
      problems += itemProblems
      guard itemProblems.isEmpty, let role = item["role"]?.string,
        let rosterFile = item["roster"]?.string
      else { continue }
      let roster: [String: [String]]
      do {
        roster = try Roster.load(InputFiles.join(base.isEmpty ? "." : base, rosterFile))
      } catch let error as Roster.Problem {
        problems.append(Diagnostic(at: item["roster"]?.mark ?? item.mark, code: "A060", error.text))
        continue
      }
      guard let people = roster[role], !people.isEmpty else {
        problems.append(
          Diagnostic(
            at: item["role"]?.mark ?? item.mark, code: "A061",
            "the roster \(rosterFile) has no one in role \"\(role)\" (it has \(roster.keys.sorted().joined(separator: ", ")))"
          ))
        continue
      }
      var scope = Set<String>()
      if let scopeValue = item["for"] {
        let scopeFields = [
          FieldSpec("tags", .list(.string), doc: "checks with any of these tags"),
          FieldSpec("checks", .list(.string), doc: "these check ids"),
        ]
        let scopeProblems = SchemaValidator(fields: scopeFields, context: "signoff.for")
          .problems(in: scopeValue)
        problems += scopeProblems
        guard scopeProblems.isEmpty else { continue }
        let tags = Set(scopeValue["tags"]?.list?.compactMap(\.string) ?? [])
        let ids = Set(scopeValue["checks"]?.list?.compactMap(\.string) ?? [])
        scope = Set(
          checks.filter { ids.contains($0.id) || !tags.isDisjoint(with: $0.tags) }.map(\.id))
        if scope.isEmpty {
          // A sign-off over no result would be given on nothing.
          problems.append(
            Diagnostic(
              at: scopeValue.mark, code: "A062",
              "signoff.for matches no check of this playbook; name check ids or tags it has"))
          continue
        }
      }
      found.append(SignOffRequirement(role: role, people: people, checks: scope, mark: item.mark))
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
    return found
  }

  func covers(_ check: String) -> Bool { checks.isEmpty || checks.contains(check) }
}

/// A roster of roles: a YAML map of role (or group) to a list of names, as
/// runbooks' `roster:` has it.
enum Roster {
  struct Problem: Error { var text: String }

  static func load(_ path: String) throws -> [String: [String]] {
    guard let documents = try? DocumentLoader.load(path: path), let map = documents.first?.map
    else { throw Problem(text: "the roster \(path) is not a readable YAML map of role to people") }
    var roles: [String: [String]] = [:]
    for entry in map.entries {
      guard let list = entry.value.list, list.allSatisfy({ $0.string != nil }) else {
        throw Problem(text: "roster role \"\(entry.key)\" in \(path) must be a list of names")
      }
      roles[entry.key] = list.compactMap(\.string)
    }
    return roles
  }
}

/// Where a run's sign-off stands, as the report says it.
public struct SignOffOutcome: Sendable {
  public enum State: Sendable, Equatable { case approved, rejected, awaiting }
  public var state: State
  /// One line per requirement, for the report's warnings and stderr.
  public var lines: [String]
  /// The hash of every result of the run, recorded with who triggered it.
  public var resultsHash: String
  /// Who triggered the run: the CI actor when there is one, and the local
  /// user (``SignOffs/triggers()``).
  public var triggeredBy: [SignOffs.Person]
  /// What each result was bound to (``SignOffs/bindings(_:playbook:)``), in
  /// the report's order, recorded with the run.
  public var bindings: [String]
  /// The roles still to sign, for the hint printed once the run has a number.
  public var awaitingRoles: [String]
  /// Where each required role stands, in the playbook's order, for the reports.
  public var roles: [Role] = []

  /// One required role's sign-off: who may give it (not the person who
  /// triggered the run), and who gave the decision that stands.
  public struct Role: Sendable {
    public var role: String
    public var state: State
    public var eligible: [String]
    public var who: [String]
  }

  /// For the gate line: who rejected, or which roles are awaited.
  public var summary: String {
    switch state {
    case .rejected:
      let by = roles.filter { $0.state == .rejected }.map {
        "\($0.who.joined(separator: ", ")) (\($0.role))"
      }
      return "sign-off rejected by \(by.joined(separator: "; "))"
    case .awaiting:
      return "awaiting sign-off by \(awaitingRoles.joined(separator: ", "))"
    case .approved:
      let by = roles.map { "\($0.who.joined(separator: ", ")) (\($0.role))" }
      return "signed off by \(by.joined(separator: "; "))"
    }
  }
}

extension SignOffOutcome.State {
  public var name: String {
    switch self {
    case .approved: "approved"
    case .rejected: "rejected"
    case .awaiting: "awaiting"
    }
  }
}

/// A sign-off that cannot be given (exit 2).
public struct SignOffError: Error, FileLevelError, Sendable {
  public var description: String
  init(_ description: String) { self.description = description }
}

public enum SignOffs {
  /// A name and where it came from (`GITHUB_ACTOR`, `--as`, `USER`…).
  public struct Person: Sendable, Equatable {
    public var name: String
    public var source: String
  }

  /// The variables CI systems set to the account that started the job, in
  /// the order they are read. In CI the process's own user is the CI
  /// account, the same for everyone: the four-eyes rule needs the person.
  public static let ciActorVariables = [
    "GITHUB_ACTOR",  // GitHub Actions (and Gitea/Forgejo Actions): who triggered the workflow
    "GITHUB_TRIGGERING_ACTOR",  // GitHub Actions: who started a re-run
    "GITLAB_USER_LOGIN",  // GitLab CI: who started the pipeline
    "BUILD_REQUESTEDFOR",  // Azure Pipelines: for whom the build was queued
    "BUILDKITE_BUILD_CREATOR",  // Buildkite
    "CIRCLE_USERNAME",  // CircleCI
    "BITBUCKET_STEP_TRIGGERER_UUID",  // Bitbucket Pipelines
    "BUILD_USER_ID",  // Jenkins, with the build-user-vars plugin
  ]

  /// Who triggers this run: every CI actor variable that is set, then the
  /// local identity (`STEWARD_USER`, else `USER`). All of them are kept
  /// with the run, and none of them may sign it off.
  public static func triggers() -> [Person] {
    let env = ProcessInfo.processInfo.environment
    var people: [Person] = []
    for name in ciActorVariables {
      guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines),
        !value.isEmpty, !people.contains(where: { $0.name == value })
      else { continue }
      people.append(Person(name: value, source: name))
    }
    let (local, source) = Approvals.identity(nil)
    if !people.contains(where: { $0.name == local }) {
      people.append(Person(name: local, source: source))
    }
    return people
  }

  /// The person giving a sign-off. In a CI job it is the CI actor (the
  /// first CI actor variable set): `--as` there is a claim anyone who can
  /// edit the workflow could make in another's name, so naming anyone else
  /// is refused. Elsewhere: `--as`, else `STEWARD_USER`, else `USER`.
  static func signer(_ given: String?) throws(SignOffError) -> (name: String, source: String) {
    let env = ProcessInfo.processInfo.environment
    // In a GitHub re-run, GITHUB_ACTOR is who started the first attempt;
    // the person at the keyboard now is GITHUB_TRIGGERING_ACTOR.
    let order =
      ["GITHUB_TRIGGERING_ACTOR"] + ciActorVariables.filter { $0 != "GITHUB_TRIGGERING_ACTOR" }
    for variable in order {
      guard let actor = env[variable]?.trimmingCharacters(in: .whitespacesAndNewlines),
        !actor.isEmpty
      else { continue }
      if let given, !given.isEmpty, given != actor {
        throw SignOffError(
          "in CI a sign-off is given as the person who started the job (\(variable)=\(actor)); --as \(given) is refused"
        )
      }
      return (actor, variable)
    }
    // A CI job that names no actor cannot say who signs: a claim with --as
    // there is anyone's to make.
    for variable in ["CI", "GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD", "BUILDKITE", "CIRCLECI"]
    where !(env[variable] ?? "").isEmpty && env[variable] != "false" {
      if let given, !given.isEmpty {
        throw SignOffError(
          "in CI (\(variable) is set) a sign-off is given as the person who started the job, and no CI actor variable names them; --as \(given) is refused"
        )
      }
    }
    return Approvals.identity(given)
  }

  /// What a reviewer looked at for each result of `report`, beyond its row:
  /// its evidence (canonical JSON), the SHA-256 of the subject's file, the
  /// check as the playbook configures it (parameters, severity, `when`…) and
  /// its plugin's source, and the playbook file with its `data:` and schema.
  /// Any of them changing changes what a sign-off covers: a later run over
  /// another card with the same message, or a copy of the playbook with
  /// weaker parameters under the same name, waits for a new sign-off.
  public static func bindings(_ report: AuditReport, playbook: AuditPlaybook) throws -> [String] {
    var shared = SHA256()
    func add(_ text: String) {
      shared.update(Array(text.utf8))
      shared.update([0])
    }
    add("stewardSignOff/v1")
    add(try SHA256.hex(ofFile: report.playbookPath))
    add(canonical(Value(.map(playbook.data))))
    add(try playbook.schema.map { try SHA256.hex(ofFile: $0.path) } ?? "")
    let playbookPart = shared.hexDigest()
    var checks: [String: String] = [:]
    for check in report.checks {
      var pluginSource = ""
      var source: [(String, Value)] = []
      switch check.source {
      case .plugin(let plugin, let id):
        source = [("use", Value(.string(plugin + "." + id)))]
        pluginSource = playbook.registry.plugin(named: plugin)?.source ?? ""
      case .builtin(let name): source = [("builtin", Value(.string(name)))]
      case .expression(let text): source = [("expr", Value(.string(text)))]
      }
      typealias V = ReportValues
      let spec = V.map(
        source + [
          ("id", V.string(check.id)), ("params", Value(.map(check.params))),
          ("severity", V.string(check.severity.rawValue)), ("when", V.optional(check.when)),
          ("at", V.optional(check.at)), ("scope", V.string(check.scope.rawValue)),
          ("waivable", Value(.bool(check.waivable))),
        ])
      checks[check.id] = SHA256.hex(
        Array((canonical(spec) + "\u{0}" + SHA256.hex(Array(pluginSource.utf8))).utf8))
    }
    var fileHashes: [String: String] = [:]
    for input in report.inputHashes ?? [] { fileHashes[input.path] = input.sha256 }
    var subjects: [String: String] = [:]
    for subject in report.subjects where subjects[subject.id] == nil {
      if fileHashes[subject.file] == nil {
        fileHashes[subject.file] = try SHA256.hex(ofFile: subject.file)
      }
      subjects[subject.id] = fileHashes[subject.file]
    }
    return report.results.map { r in
      SHA256.hex(
        Array(
          [
            playbookPart, checks[r.checkID] ?? "", subjects[r.subjectID] ?? "",
            canonical(r.evidence),
          ].joined(separator: "\u{0}").utf8))
    }
  }

  /// `value` as JSON with every map's keys sorted: the same evidence gives
  /// the same text whatever order its table was built in.
  static func canonical(_ value: Value) -> String {
    func sorted(_ v: Value) -> Value {
      switch v.kind {
      case .map(let map):
        return ReportValues.map(
          map.entries.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) })
      case .list(let items): return Value(.list(items.map(sorted)))
      default: return v
      }
    }
    return JSONText.render(sorted(value), pretty: false)
  }

  /// SHA-256 over the results (subject, check, status, severity, message, in
  /// order, and what each was bound to, ``bindings(_:playbook:)``) of `check`
  /// and `subject` when given: what a person signs for. The location is left
  /// out: it names the path the run was started from.
  public static func hash(
    _ results: [ResultRecord], bindings: [String], check: String = "", subject: String = ""
  ) -> (hash: String, count: Int) {
    var hasher = SHA256()
    var count = 0
    for (i, r) in results.enumerated() where matches(r, check: check, subject: subject) {
      for field in [r.subject, r.check, r.status, r.severity, r.message, bindings[i]] {
        hasher.update(Array(field.utf8))
        hasher.update([0x1f])
      }
      hasher.update([0x1e])
      count += 1
    }
    return (hasher.hexDigest(), count)
  }

  static func matches(_ r: ResultRecord, check: String, subject: String) -> Bool {
    (check.isEmpty || r.check == check) && (subject.isEmpty || r.subject == subject)
  }

  /// Whether `wider`'s scope holds all of `narrower`'s.
  static func covers(_ wider: SignOffRecord, _ narrower: SignOffRecord) -> Bool {
    (wider.check.isEmpty || wider.check == narrower.check)
      && (wider.subject.isEmpty || wider.subject == narrower.subject)
  }

  /// Where the report's sign-off stands, from the sign-offs in `store` whose
  /// hash matches what this run found now.
  ///
  /// A rejection on these results stands until the person who gave it
  /// approves them later (people may change their own minds; another
  /// reviewer's approval does not overturn it), and it counts whoever runs
  /// the gate. The gate opens only with no standing rejection and approvals
  /// covering every result in scope, none by a person triggering this run.
  public static func evaluate(
    _ requirements: [SignOffRequirement], playbook: String, results: [ResultRecord],
    bindings: [String], store: (any HistoryStore)?
  ) throws -> SignOffOutcome {
    let triggers = triggers()
    let runners = Set(triggers.map(\.name))
    var outcome = SignOffOutcome(
      state: .approved, lines: [], resultsHash: hash(results, bindings: bindings).hash,
      triggeredBy: triggers, bindings: bindings, awaitingRoles: [])
    guard let sqlite = store as? any SignOffStore else {
      outcome.state = .awaiting
      outcome.awaitingRoles = requirements.map(\.role)
      outcome.lines = requirements.map {
        "awaiting sign-off by \($0.role): sign-offs are read from the history store, and \(store == nil ? "this run has none (--no-record)" : "this one keeps none")"
      }
      outcome.roles = requirements.map {
        .init(
          role: $0.role, state: .awaiting, eligible: $0.people.filter { !runners.contains($0) },
          who: [])
      }
      return outcome
    }
    for requirement in requirements {
      let eligible = requirement.people.filter { !runners.contains($0) }
      let inScope = results.indices.filter { requirement.covers(results[$0].check) }
      // Nothing to sign (its checks left out with --only/--skip) is not a
      // sign-off given: the gate waits.
      if inScope.isEmpty {
        if outcome.state == .approved { outcome.state = .awaiting }
        outcome.awaitingRoles.append(requirement.role)
        outcome.lines.append(
          "awaiting sign-off by \(requirement.role): this run has no result that needs it (were its checks left out?); nothing can be signed"
        )
        outcome.roles.append(
          .init(role: requirement.role, state: .awaiting, eligible: eligible, who: []))
        continue
      }
      func touches(_ s: SignOffRecord) -> Bool {
        inScope.contains { matches(results[$0], check: s.check, subject: s.subject) }
      }
      // Decisions on these very results, oldest first.
      let current = try sqlite.signOffs(playbook: playbook, role: requirement.role).filter {
        touches($0)
          && hash(results, bindings: bindings, check: $0.check, subject: $0.subject).hash
            == $0.resultsHash
      }
      let standing = current.enumerated().filter { i, s in
        s.decision == "reject"
          && !current[(i + 1)...].contains {
            $0.decision == "approve" && $0.who == s.who && covers($0, s)
          }
      }.map(\.element)
      if !standing.isEmpty {
        outcome.state = .rejected
        for rejection in standing {
          outcome.lines.append(
            "sign-off rejected by \(rejection.who) (\(requirement.role)) on run \(rejection.run): \(rejection.note)"
          )
        }
        outcome.roles.append(
          .init(
            role: requirement.role, state: .rejected, eligible: eligible,
            who: Array(Set(standing.map(\.who))).sorted()))
        continue
      }
      let approvals = current.filter {
        $0.decision == "approve" && requirement.people.contains($0.who) && !runners.contains($0.who)
      }
      let uncovered = inScope.filter { i in
        !approvals.contains { matches(results[i], check: $0.check, subject: $0.subject) }
      }
      if uncovered.isEmpty {
        let names = Array(Set(approvals.map(\.who))).sorted()
        outcome.lines.append(
          "signed off by \(names.joined(separator: ", ")) (\(requirement.role))")
        outcome.roles.append(
          .init(role: requirement.role, state: .approved, eligible: eligible, who: names))
      } else {
        if outcome.state == .approved { outcome.state = .awaiting }
        outcome.awaitingRoles.append(requirement.role)
        let partly = Array(Set(approvals.map(\.who))).sorted()
        outcome.roles.append(
          .init(role: requirement.role, state: .awaiting, eligible: eligible, who: partly))
        outcome.lines.append(
          "awaiting sign-off by \(requirement.role) (\(eligible.joined(separator: ", "))) on \(uncovered.count) of \(inScope.count) results (sha256 \(outcome.resultsHash.prefix(12)))"
        )
      }
    }
    return outcome
  }

  /// After the run is recorded as `run`: keeps who triggered it and the hash
  /// of its results, and says how to sign it off.
  static func recorded(_ outcome: SignOffOutcome, run: Int64, store: any HistoryStore) throws {
    guard let sqlite = store as? any SignOffStore else { return }
    try sqlite.recordTrigger(
      RunTrigger(
        run: run, people: outcome.triggeredBy.map(\.name),
        sources: outcome.triggeredBy.map(\.source), resultsHash: outcome.resultsHash),
      bindings: outcome.bindings)
    for role in outcome.awaitingRoles {
      Console.error(
        "run \(run) awaits sign-off by \(role): steward signoff \(run) --role \(role) --as NAME --decision approve|reject --note TEXT"
      )
    }
  }

  /// The store at `path` (an SQLite file or a PostgreSQL URL), never made.
  static func signOffStore(_ path: String) throws -> any SignOffStore {
    guard HistoryStores.exists(path),
      let store = try HistoryStores.open(path, createFolder: false) as? any SignOffStore
    else { throw SignOffError("there is no history store at \(path) that keeps sign-offs") }
    return store
  }

  /// `steward signoff`: records one decision on run `run`'s results; returns
  /// what to say. Throws ``SignOffError`` (exit 2) when it cannot be taken.
  public static func sign(
    store path: String, run: Int64, check: String?, subject: String?, as given: String?,
    role: String, decision: String, note: String, results pinned: String?
  ) throws -> String {
    guard ["approve", "reject"].contains(decision) else {
      throw SignOffError("--decision takes approve or reject, not \"\(decision)\"")
    }
    guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw SignOffError("a sign-off needs a --note saying what was reviewed")
    }
    let store = try signOffStore(path)
    guard let summary = try store.runSummary(run) else {
      throw SignOffError("there is no run \(run) in \(path)")
    }
    guard summary.kind == "audit" else {
      throw SignOffError("run \(run) is a \(summary.kind) run; only audits are signed off")
    }
    guard let trigger = try store.trigger(ofRun: run) else {
      throw SignOffError(
        "run \(run) of \(summary.playbook) was recorded without a sign-off requirement; there is nothing to sign"
      )
    }
    let results = try store.results(ofRun: run)
    let bindings = try store.bindings(ofRun: run)
    guard bindings.count == results.count else {
      throw SignOffError(
        "run \(run) was recorded before sign-offs were bound to the evidence, files and check parameters reviewed; run the gate again and sign that run"
      )
    }
    guard hash(results, bindings: bindings).hash == trigger.resultsHash else {
      throw SignOffError(
        "the results of run \(run) no longer match the hash recorded with it (\(trigger.resultsHash.prefix(12))); refusing to sign them"
      )
    }
    let header = try PlaybookLoader.load(path: summary.path)
    let checks = Array(Set(results.map(\.check))).sorted()
    let specs = try AuditPlaybook.load(header: header, path: summary.path).checks
    let requirements = try SignOffRequirement.parse(
      header.document, path: summary.path, checks: specs)
    guard let requirement = requirements.first(where: { $0.role == role }) else {
      let roles = requirements.map(\.role)
      throw SignOffError(
        "\(summary.playbook) needs no sign-off by role \"\(role)\""
          + (roles.isEmpty ? "" : "; it needs \(roles.joined(separator: ", "))"))
    }
    let (name, source) = try signer(given)
    guard requirement.people.contains(name) else {
      throw SignOffError(
        "\(name) is not in role \(role) in the roster; \(requirement.people.joined(separator: ", ")) are"
      )
    }
    if let index = trigger.people.firstIndex(of: name) {
      throw SignOffError(
        "\(name) triggered run \(run) (as \(trigger.sources.indices.contains(index) ? trigger.sources[index] : "its trigger")) and so cannot sign off on it; a second person must"
      )
    }
    if let check, !checks.contains(check) {
      throw SignOffError("run \(run) has no results of check \"\(check)\"")
    }
    if let subject, !results.contains(where: { $0.subject == subject }) {
      throw SignOffError("run \(run) has no results for subject \"\(subject)\"")
    }
    let signed = hash(results, bindings: bindings, check: check ?? "", subject: subject ?? "")
    if let pinned, !signed.hash.hasPrefix(pinned.lowercased()) || pinned.count < 12 {
      throw SignOffError(
        "the results of run \(run) have hash \(signed.hash.prefix(12)), not \(pinned); they are not what was reviewed"
      )
    }
    let at = StewardClock.now()
    try store.recordSignOff(
      SignOffRecord(
        run: run, playbook: summary.playbook, check: check ?? "", subject: subject ?? "",
        resultsHash: signed.hash, role: role, who: name, identity: source, decision: decision,
        note: note, signedAt: at))
    let scope =
      [check.map { "check \($0)" }, subject.map { "subject \($0)" }].compactMap { $0 }
      .joined(separator: ", ")
    return
      "run \(run): \(decision == "approve" ? "approved" : "rejected") by \(name) (\(source)) as \(role) on \(signed.count) results\(scope.isEmpty ? "" : " (\(scope))"), sha256 \(signed.hash.prefix(12)): \(note)"
  }

  /// `steward history --playbook NAME --signoffs`: every decision, oldest
  /// first, with who triggered the run it was given on.
  public static func text(store path: String, playbook: String) throws -> String {
    let store = try signOffStore(path)
    let records = try store.signOffs(playbook: playbook, role: nil)
    guard !records.isEmpty else { return "no sign-offs of \(playbook)" }
    var lines = ["sign-offs of \(playbook), oldest first:"]
    for s in records {
      let trigger = try store.trigger(ofRun: s.run)
      let scope = [s.check, s.subject].filter { !$0.isEmpty }.joined(separator: "/")
      lines.append(
        "\(RunbookFormat.timestamp(s.signedAt))  run \(s.run)  \(s.decision)  \(s.who) (\(s.identity)) as \(s.role)"
          + (scope.isEmpty ? "" : " on \(scope)")
          + "  sha256 \(s.resultsHash.prefix(12))  triggered by \(trigger?.people.joined(separator: ", ") ?? "?")  \(Printable.escape(s.note))"
      )
    }
    return lines.joined(separator: "\n")
  }
}
