public import Foundation
public import StewardCore

/// What became of one step.
public struct StepResult: Sendable {
  public enum Status: String, Sendable {
    case ok, failed, skipped, escalated
  }

  public var id: String
  public var title: String
  public var status: Status
  public var exitCode: Int32?
  public var timedOut = false
  public var attempts = 0
  public var duration: Double = 0
  public var output = OutputExcerpt()
  /// Named (and numbered) groups of `expect.output`.
  public var captures: [String: String] = [:]
  /// The operator's answer, for prompts and confirmations.
  public var answer: String?
  /// Why it failed or was skipped; empty when it passed.
  public var message = ""

  public init(id: String, title: String, status: Status = .ok) {
    self.id = id
    self.title = title
    self.status = status
  }

  /// The step as Lua expressions and templates see it (`steps.ID`).
  public var value: Value {
    var entries: [(String, Value)] = [
      ("status", Value(.string(status.rawValue))),
      ("ok", Value(.bool(status == .ok))),
      ("failed", Value(.bool(status == .failed || status == .escalated))),
      ("skipped", Value(.bool(status == .skipped))),
      ("output", Value(.string(output.text))),
      ("bytes", Value(.int(Int64(output.totalBytes)))),
      ("attempts", Value(.int(Int64(attempts)))),
      ("duration", Value(.double(duration))),
      ("timed_out", Value(.bool(timedOut))),
      ("message", Value(.string(message))),
      (
        "captures",
        Value(
          .map(
            OrderedMap(
              uniqueEntries: captures.sorted { $0.key < $1.key }.map {
                OrderedMap.Entry(key: $0.key, value: Value(.string($0.value)))
              })))
      ),
    ]
    entries.append(("exit", exitCode.map { Value(.int(Int64($0))) } ?? .null))
    entries.append(("answer", answer.map { Value(.string($0)) } ?? .null))
    return Value(
      .map(OrderedMap(uniqueEntries: entries.map { OrderedMap.Entry(key: $0.0, value: $0.1) })))
  }

  /// Rebuilds a result from its `step_finished` event (for `--resume`).
  /// Spelled out with if-lets: the Swift 6.3 optimizer crashes ("Found
  /// ownership error") on `optional?.x.map {}` chains here.
  init?(event: TimelineEvent) {
    let data = event.data
    guard let name = data["status"]?.string, let status = Status(rawValue: name) else {
      return nil
    }
    var title = event.step
    if let t = data["title"]?.string { title = t }
    self.init(id: event.step, title: title, status: status)
    if let code = data["exit"]?.int { exitCode = Int32(clamping: code) }
    if let t = data["timed_out"]?.bool { timedOut = t }
    if let n = data["attempts"]?.int { attempts = Int(n) }
    if let d = data["duration"]?.number { duration = d }
    if let a = data["answer"]?.string { answer = a }
    if let m = data["message"]?.string { message = m }
    var tail = ""
    if let t = data["output_tail"]?.string { tail = t }
    var bytes = 0
    if let b = data["bytes"]?.int { bytes = Int(b) }
    output = OutputExcerpt(head: "", tail: tail, totalBytes: bytes)
    if let map = data["captures"]?.map {
      for entry in map.entries {
        if let v = entry.value.string { captures[entry.key] = v }
      }
    }
  }
}

/// A finished (or stopped) runbook run: what each step did and the timeline.
public struct RunbookReport: Sendable {
  public var playbook: String
  public var title: String
  /// The timeline's id in the store (`--resume RUN`), when recorded.
  public var run: Int64?
  /// `ok`, `failed` or `escalated`.
  public var status: String
  /// Results in the order the steps ran (a step run twice by a goto appears twice).
  public var steps: [StepResult]
  public var events: [TimelineEvent]
  public var vars: [(name: String, value: String)]
  public var startedAt: Date
  public var duration: Double
  /// Steps of the playbook that never ran (the run stopped before them).
  public var notReached: [String]
  /// What the run waits for (status `waiting`, exit 3).
  public var waiting: String? = nil

  public var exitCode: Int32 { status == "ok" ? 0 : status == "waiting" ? 3 : 1 }
}
