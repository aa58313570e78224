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
  init?(event: TimelineEvent) {
    guard let status = event.data["status"]?.string.flatMap(Status.init(rawValue:)) else {
      return nil
    }
    self.init(id: event.step, title: event.data["title"]?.string ?? event.step, status: status)
    exitCode = event.data["exit"]?.int.map { Int32(clamping: $0) }
    timedOut = event.data["timed_out"]?.bool ?? false
    attempts = Int(event.data["attempts"]?.int ?? 0)
    duration = event.data["duration"]?.number ?? 0
    answer = event.data["answer"]?.string
    message = event.data["message"]?.string ?? ""
    output = OutputExcerpt(
      head: "", tail: event.data["output_tail"]?.string ?? "",
      totalBytes: Int(event.data["bytes"]?.int ?? 0))
    for entry in event.data["captures"]?.map?.entries ?? [] {
      captures[entry.key] = entry.value.string ?? ""
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

  public var exitCode: Int32 { status == "ok" ? 0 : 1 }
}
