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
  public var triggeredBy: String
  public var identity: String
  /// The roles still to sign, for the hint printed once the run has a number.
  public var awaitingRoles: [String]
}

/// A sign-off that cannot be given (exit 2).
public struct SignOffError: Error, FileLevelError, Sendable {
  public var description: String
  init(_ description: String) { self.description = description }
}

public enum SignOffs {
  /// SHA-256 over the results (subject, check, status, severity, message, in
  /// order) of `check` and `subject` when given: what a person signs for.
  /// The location is left out: it names the path the run was started from.
  public static func hash(_ results: [ResultRecord], check: String = "", subject: String = "")
    -> (hash: String, count: Int)
  {
    var hasher = SHA256()
    var count = 0
    for r in results where matches(r, check: check, subject: subject) {
      for field in [r.subject, r.check, r.status, r.severity, r.message] {
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

  /// Where the report's sign-off stands, from the sign-offs in `store` whose
  /// hash matches what this run found now.
  public static func evaluate(
    _ requirements: [SignOffRequirement], playbook: String, results: [ResultRecord],
    store: (any HistoryStore)?
  ) throws -> SignOffOutcome {
    let (who, identity) = Approvals.identity(nil)
    var outcome = SignOffOutcome(
      state: .approved, lines: [], resultsHash: hash(results).hash, triggeredBy: who,
      identity: identity, awaitingRoles: [])
    guard let sqlite = store as? any SignOffStore else {
      outcome.state = .awaiting
      outcome.awaitingRoles = requirements.map(\.role)
      outcome.lines = requirements.map {
        "awaiting sign-off by \($0.role): sign-offs are read from the history store, and \(store == nil ? "this run has none (--no-record)" : "this one keeps none")"
      }
      return outcome
    }
    for requirement in requirements {
      let inScope = results.indices.filter { requirement.covers(results[$0].check) }
      // Nothing to sign (its checks left out with --only/--skip) is not a
      // sign-off given: the gate waits.
      if inScope.isEmpty {
        if outcome.state == .approved { outcome.state = .awaiting }
        outcome.awaitingRoles.append(requirement.role)
        outcome.lines.append(
          "awaiting sign-off by \(requirement.role): this run has no result that needs it (were its checks left out?); nothing can be signed"
        )
        continue
      }
      // The latest decision per (check, subject, hash) stands.
      var latest: [String: SignOffRecord] = [:]
      var order: [String] = []
      for s in try sqlite.signOffs(playbook: playbook, role: requirement.role) {
        guard requirement.people.contains(s.who), s.who != who else { continue }
        guard hash(results, check: s.check, subject: s.subject).hash == s.resultsHash else {
          continue
        }
        let key = "\(s.check)\u{1f}\(s.subject)"
        if latest[key] == nil { order.append(key) }
        latest[key] = s
      }
      let valid = order.compactMap { latest[$0] }
      func touches(_ s: SignOffRecord) -> Bool {
        inScope.contains { matches(results[$0], check: s.check, subject: s.subject) }
      }
      if let rejection = valid.first(where: { $0.decision == "reject" && touches($0) }) {
        outcome.state = .rejected
        outcome.lines.append(
          "sign-off rejected by \(rejection.who) (\(requirement.role)) on run \(rejection.run): \(rejection.note)"
        )
        continue
      }
      let approvals = valid.filter { $0.decision == "approve" }
      let uncovered = inScope.filter { i in
        !approvals.contains { matches(results[i], check: $0.check, subject: $0.subject) }
      }
      if uncovered.isEmpty {
        let names = Array(Set(approvals.filter(touches).map(\.who))).sorted()
        outcome.lines.append(
          "signed off by \(names.joined(separator: ", ")) (\(requirement.role))")
      } else {
        if outcome.state == .approved { outcome.state = .awaiting }
        outcome.awaitingRoles.append(requirement.role)
        let eligible = requirement.people.filter { $0 != who }
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
        run: run, who: outcome.triggeredBy, identity: outcome.identity,
        resultsHash: outcome.resultsHash))
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
    guard hash(results).hash == trigger.resultsHash else {
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
    let (name, source) = Approvals.identity(given)
    guard requirement.people.contains(name) else {
      throw SignOffError(
        "\(name) is not in role \(role) in the roster; \(requirement.people.joined(separator: ", ")) are"
      )
    }
    if name == trigger.who {
      throw SignOffError(
        "\(name) triggered run \(run) and so cannot sign off on it; a second person must")
    }
    if let check, !checks.contains(check) {
      throw SignOffError("run \(run) has no results of check \"\(check)\"")
    }
    if let subject, !results.contains(where: { $0.subject == subject }) {
      throw SignOffError("run \(run) has no results for subject \"\(subject)\"")
    }
    let signed = hash(results, check: check ?? "", subject: subject ?? "")
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
          + "  sha256 \(s.resultsHash.prefix(12))  triggered by \(trigger?.who ?? "?")  \(Printable.escape(s.note))"
      )
    }
    return lines.joined(separator: "\n")
  }
}
