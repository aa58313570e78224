import Foundation
import StewardCore
import StewardYAML

/// `approve:` on a step: who may approve it and how many must, before it
/// runs. A run that reaches it records the request and stops, waiting
/// (exit 3); `steward approve` records each decision; a resume goes on.
/// Names are who people say they are (`--as`, `STEWARD_USER`, `USER`):
/// this records a second person's word, it does not authenticate them.
public struct ApprovalRule: Sendable {
  /// Who may approve: the people listed and the members of the group.
  public var people: [String]
  /// The roster group the people came from, if any (for messages).
  public var group: String?
  public var needs: Int
  /// Seconds from the request until it lapses.
  public var expires: Double

  static let fields: [FieldSpec] = [
    FieldSpec("by", .list(.string), doc: "the people who may approve"),
    FieldSpec("group", .string, doc: "a group of the roster file whose members may approve"),
    FieldSpec("needs", .int, doc: "how many approvals (default 1)"),
    FieldSpec("expires", .any, doc: "how long the request stands (default 1h)"),
  ]

  var who: String {
    (group.map { "group \($0): " } ?? "") + people.joined(separator: ", ")
  }
}

extension RunbookParser {
  /// `roster: FILE`: a YAML map of group name to a list of people.
  mutating func parseRoster(_ value: Value?) -> [String: [String]]? {
    guard let value else { return nil }
    guard let file = value.string else {
      problem(value, "R040", "roster takes the path of a YAML file of groups")
      return nil
    }
    let base = (path as NSString).deletingLastPathComponent
    let full = InputFiles.join(base.isEmpty ? "." : base, file)
    guard let documents = try? DocumentLoader.load(path: full), let map = documents.first?.map
    else {
      problem(value, "R040", "the roster \(file) is not a readable YAML map of group to people")
      return nil
    }
    var groups: [String: [String]] = [:]
    for entry in map.entries {
      guard let list = entry.value.list, list.allSatisfy({ $0.string != nil }) else {
        problems.append(
          Diagnostic(
            at: entry.value.mark, code: "R040",
            "roster group \"\(entry.key)\" must be a list of names"))
        continue
      }
      groups[entry.key] = list.compactMap(\.string)
    }
    return groups
  }

  mutating func parseApproval(_ value: Value?, id: String, roster: [String: [String]]?)
    -> ApprovalRule?
  {
    guard let value else { return nil }
    let found = SchemaValidator(fields: ApprovalRule.fields, context: "approve").problems(in: value)
    problems += found
    guard found.isEmpty else { return nil }
    var people = value["by"]?.list?.compactMap(\.string) ?? []
    let group = value["group"]?.string
    if let group {
      if let members = roster?[group] {
        people += members.filter { !people.contains($0) }
      } else {
        problem(
          value["group"], "R041",
          roster == nil
            ? "step \(id): approve.group needs a roster file (\"roster: FILE\" at the top)"
            : "step \(id): the roster has no group \"\(group)\" (it has \(roster?.keys.sorted().joined(separator: ", ") ?? ""))"
        )
        return nil
      }
    }
    guard !people.isEmpty else {
      problem(value, "R041", "step \(id): approve names nobody; give \"by\" or \"group\"")
      return nil
    }
    let needs = Int(value["needs"]?.int ?? 1)
    if needs < 1 || needs > people.count {
      problem(
        value["needs"], "R042",
        "step \(id): approve.needs must be between 1 and \(people.count) (the people who may approve)"
      )
      return nil
    }
    guard let expires = value["expires"] == nil ? 3600 : duration(value["expires"]) else {
      return nil
    }
    return ApprovalRule(people: people, group: group, needs: needs, expires: expires)
  }
}

/// Where a step's approval stands, read from the timeline.
enum ApprovalState {
  case approved([String])
  case denied(String)
  case expired(String)
  case waiting(String)
}

extension RunbookRunner {
  /// Reads the approvals recorded since the step's latest request; records
  /// a request when there is none.
  func approval(_ step: RunbookStep, _ rule: ApprovalRule) throws -> ApprovalState {
    // The person who started the run may not approve it: when too few are
    // left to reach `needs`, the request could only wait until it expires.
    let starter = events.first { $0.type == "run_started" }?.data["user"]?.string
    let eligible = rule.people.filter { $0 != starter }
    if eligible.count < rule.needs, let starter {
      let why =
        "approval can never be met: \(rule.needs) needed from \(rule.who), and \(starter) started the run and may not approve it"
      try emit(step.id, "approval_impossible", "\(step.id): \(why)", [:])
      return .denied(why)
    }
    let request = events.last { $0.step == step.id && $0.type == "approval_requested" }
    let requested = request?.at ?? StewardClock.now()
    if request == nil {
      try emit(
        step.id, "approval_requested",
        "\(step.id): approval requested from \(rule.who) (\(rule.needs) needed, until \(RunbookFormat.timestamp(requested.addingTimeInterval(rule.expires))))",
        [
          "people": Value(.list(rule.people.map { Value(.string($0)) })),
          "needs": Value(.int(Int64(rule.needs))),
          "expires_at": Value(
            .string(RunbookFormat.timestamp(requested.addingTimeInterval(rule.expires)))),
        ])
    }
    let since = events.lastIndex { $0.step == step.id && $0.type == "approval_requested" } ?? 0
    let decisions = events[since...].filter { $0.step == step.id && $0.type == "approval" }
    if let denial = decisions.first(where: { $0.data["decision"]?.string == "denied" }) {
      let who = denial.data["who"]?.string ?? "?"
      let reason = denial.data["reason"]?.string ?? ""
      return .denied("denied by \(who)" + (reason.isEmpty ? "" : ": \(reason)"))
    }
    let approvers = decisions.compactMap { $0.data["who"]?.string }
    if approvers.count >= rule.needs { return .approved(approvers) }
    if StewardClock.now() > requested.addingTimeInterval(rule.expires) {
      let why =
        "approval expired: \(approvers.count) of \(rule.needs) within \(RunbookFormat.span(rule.expires))"
      try emit(step.id, "approval_expired", "\(step.id): \(why)", [:])
      return .expired(why)
    }
    return .waiting(
      "\(step.id) waits for \(rule.needs - approvers.count) more approval(s) from \(eligible.filter { !approvers.contains($0) }.joined(separator: ", ")): steward approve \(timeline) \(step.id) --as NAME"
    )
  }
}

/// `steward approve RUN STEP --as NAME [--reason TEXT] [--deny]`.
public enum Approvals {
  /// Who is approving: `--as`, else `STEWARD_USER`, else `USER`.
  public static func identity(_ given: String?) -> (name: String, source: String) {
    if let given, !given.isEmpty { return (given, "--as") }
    let fromSteward = !(ProcessInfo.processInfo.environment["STEWARD_USER"] ?? "").isEmpty
    return (RunbookPrompter.user, fromSteward ? "STEWARD_USER" : "USER")
  }

  /// Records one decision on run `run`'s step `step`; returns what to say.
  /// Throws ``RunbookError`` (exit 2) for a decision that cannot be taken.
  public static func decide(
    store path: String, run: Int64, step: String, as given: String?, reason: String?, deny: Bool
  ) throws -> String {
    let store = try Timelines.open(path)
    let lock = try RunLock.take(store: store, run: run, doing: "approving")
    defer { withExtendedLifetime(lock) {} }
    guard let (record, events) = try store.timeline(run) else {
      throw store.noSuchRun(run, in: path)
    }
    guard record.status == "waiting" || record.status == "running" else {
      throw RunbookError("run \(run) already ended (\(record.status)); there is nothing to approve")
    }
    guard
      let request = events.last(where: { $0.step == step && $0.type == "approval_requested" }),
      !events.contains(where: {
        $0.step == step && $0.type == "step_finished" && $0.seq > request.seq
      })
    else {
      let waiting = Set(
        events.filter { $0.type == "approval_requested" }.map(\.step)
      ).subtracting(events.filter { $0.type == "step_finished" }.map(\.step))
      throw RunbookError(
        "run \(run) is not waiting for an approval of step \(step)"
          + (waiting.isEmpty ? "" : " (it waits for \(waiting.sorted().joined(separator: ", ")))"))
    }
    let (name, source) = identity(given)
    let starter = events.first { $0.type == "run_started" }?.data["user"]?.string
    if name == starter {
      throw RunbookError(
        "\(name) started run \(run) and so cannot approve or deny its steps; a second person must")
    }
    let people = request.data["people"]?.list?.compactMap(\.string) ?? []
    guard people.contains(name) else {
      throw RunbookError(
        "\(name) may not approve step \(step); \(people.joined(separator: ", ")) may")
    }
    let decided = events.filter { $0.step == step && $0.type == "approval" && $0.seq > request.seq }
    if decided.contains(where: { $0.data["who"]?.string == name }) {
      throw RunbookError("\(name) has already decided on step \(step) of run \(run)")
    }
    let expiresAt = request.data["expires_at"]?.string ?? ""
    if !expiresAt.isEmpty, StewardClock.now() > SQLiteHistoryStore.date(expiresAt) {
      throw RunbookError(
        "the request for step \(step) expired at \(expiresAt); resume run \(run) to route it")
    }
    let decision = deny ? "denied" : "approved"
    let needs = Int(request.data["needs"]?.int ?? 1)
    let count = decided.count + (deny ? 0 : 1)
    var data: [OrderedMap.Entry] = [
      OrderedMap.Entry(key: "who", value: Value(.string(name))),
      OrderedMap.Entry(key: "identity", value: Value(.string(source))),
      OrderedMap.Entry(key: "decision", value: Value(.string(decision))),
    ]
    if let reason { data.append(OrderedMap.Entry(key: "reason", value: Value(.string(reason)))) }
    let message =
      "\(step): \(decision) by \(name) (\(source))"
      + (deny ? "" : ", \(count) of \(needs)") + (reason.map { ": \($0)" } ?? "")
    try store.append(
      TimelineEvent(
        seq: (events.last?.seq ?? 0) + 1, at: StewardClock.now(), step: step, type: "approval",
        message: message, data: Value(.map(OrderedMap(uniqueEntries: data)))),
      to: run)
    let next =
      deny || count >= needs
      ? "resume it: steward run \(record.playbookPath) --resume \(run)"
      : "\(needs - count) more needed"
    return "run \(run), \(message); \(next)"
  }
}
