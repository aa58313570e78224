public import Foundation
public import StewardCore
import StewardLua

/// One date of a ritual, with its presenter.
public struct RitualOccurrence: Sendable, Equatable {
  public var ritual: String
  public var date: LocalDate
  public var start: Date
  public var end: Date
  public var presenter: String?
  /// Why nobody presents (everyone away, a Lua strategy failed).
  public var note: String?
}

/// Expands each ritual's cadence and runs its rotation from the ritual's
/// first day, so a date always gets the same presenter whatever day the
/// schedule is printed from.
///
/// Holds the Lua VM of custom strategies for one run; never shared between
/// threads.
public final class RitualScheduler {
  let playbook: RitualPlaybook
  private var vm: LuaVM?
  private let log = PluginLogger()
  private var strategies: [String: LuaFunction] = [:]
  /// Strategies that raised an error or ran out of budget: not called again
  /// in this run, so a runaway strategy costs one budget, not one per date.
  private var failed: [String: String] = [:]
  public private(set) var warnings: [Diagnostic] = []

  public init(playbook: RitualPlaybook) throws {
    self.playbook = playbook
    let wanted = playbook.rituals.compactMap { r -> (String, String)? in
      if case .lua(let p, let id) = r.rotation?.strategy { return (p, id) }
      return nil
    }
    guard !wanted.isEmpty else { return }
    let vm = try LuaVM(log: log.sink)
    for info in playbook.registry.plugins where wanted.contains(where: { $0.0 == info.name }) {
      log.about(info.path)
      let plugin = try vm.loadPlugin(source: info.source, chunkName: info.path)
      for r in plugin.registrations(kind: "rotation") {
        if let run = r.functions["run"] { strategies["\(info.name).\(r.id)"] = run }
      }
    }
    self.vm = vm
  }

  /// The occurrences of `ritual` on or after `from`, at most `count`; a
  /// date the playbook does not book (a holiday, the year-end break) is
  /// left out, and nobody's turn is spent on it.
  public func schedule(_ ritual: Ritual, from: LocalDate, count: Int) -> [RitualOccurrence] {
    let cadence = ritual.cadence
    let upcoming = bookedDates(ritual, from: from, count: count)
    guard let last = upcoming.last else { return [] }
    // Every date from the ritual's start up to the last one shown, so the
    // rotation has run through the earlier turns.
    let perPeriod = max(1, cadence.byDay.count + cadence.byMonthDay.count)
    let span = max(0, last.dayNumber - ritual.start.dayNumber)
    let all = cadence.dates(start: ritual.start, limit: (span / 7 + 2) * perPeriod)
      .filter { !(last < $0) && playbook.skipped($0) == nil }
    let presenters = rotate(ritual, dates: all).suffix(upcoming.count)
    return zip(upcoming, presenters).map { date, p in
      let start = RitualTime.instant(date, ritual.time, in: ritual.zone)
      return RitualOccurrence(
        ritual: ritual.id, date: date, start: start,
        end: start.addingTimeInterval(Double(ritual.durationMinutes) * 60), presenter: p.0,
        note: p.1)
    }
  }

  /// The first `count` dates of the cadence from `from` that are booked.
  func bookedDates(_ ritual: Ritual, from: LocalDate, count: Int) -> [LocalDate] {
    var limit = count
    while true {
      let dates = ritual.cadence.dates(start: ritual.start, from: from, limit: limit)
      let booked = dates.filter { playbook.skipped($0) == nil }
      // Fewer dates than asked for: the cadence has ended (COUNT, UNTIL).
      if booked.count >= count || dates.count < limit || limit > count + 400 {
        return Array(booked.prefix(count))
      }
      limit += count - booked.count
    }
  }

  /// The dates of `ritual` from its first booked one shown to its last that
  /// are not booked, with why: the calendar's EXDATEs.
  public func skippedDates(_ ritual: Ritual, between first: LocalDate, and last: LocalDate)
    -> [(date: LocalDate, reason: String)]
  {
    let span = max(0, last.dayNumber - first.dayNumber)
    let perPeriod = max(1, ritual.cadence.byDay.count + ritual.cadence.byMonthDay.count)
    return ritual.cadence.dates(start: ritual.start, from: first, limit: (span / 7 + 2) * perPeriod)
      .filter { !(last < $0) }
      .compactMap { d in playbook.skipped(d).map { (d, $0) } }
  }

  /// Who presents on each of `dates` (in order), or why nobody does.
  public func rotate(_ ritual: Ritual, dates: [LocalDate]) -> [(String?, String?)] {
    guard let rotation = ritual.rotation else { return dates.map { _ in (nil, nil) } }
    let roster = playbook.roster
    var last: [String: LocalDate] = [:]
    var counts: [String: Int] = [:]
    var pointer = 0
    var previous: String?
    var out: [(String?, String?)] = []
    for (n, date) in dates.enumerated() {
      let eligible = rotation.pool.filter { id in
        let active = roster.person(id)?.isActive(on: date) ?? roster.people.isEmpty
        return active && !playbook.absences.contains { $0.person == id && $0.covers(date) }
      }
      guard !eligible.isEmpty else {
        out.append((nil, "nobody in the rotation is available"))
        continue
      }
      var chosen: String?
      var note: String?
      switch rotation.strategy {
      case .roundRobin:
        for step in 0..<rotation.pool.count {
          let i = (pointer + step) % rotation.pool.count
          if eligible.contains(rotation.pool[i]) {
            chosen = rotation.pool[i]
            pointer = i + 1
            break
          }
        }
      case .leastRecent:
        chosen = eligible.min { a, b in
          let la = last[a].map(\.dayNumber) ?? Int.min
          let lb = last[b].map(\.dayNumber) ?? Int.min
          if la != lb { return la < lb }
          let ca = counts[a] ?? 0
          let cb = counts[b] ?? 0
          if ca != cb { return ca < cb }
          return (rotation.pool.firstIndex(of: a) ?? 0) < (rotation.pool.firstIndex(of: b) ?? 0)
        }
      case .lua(let plugin, let id):
        (chosen, note) = callLua(
          "\(plugin).\(id)", ritual: ritual, rotation: rotation, eligible: eligible, n: n,
          date: date, last: last, counts: counts, previous: previous)
      }
      if let chosen {
        last[chosen] = date
        counts[chosen, default: 0] += 1
        previous = chosen
      }
      out.append((chosen, note))
    }
    return out
  }

  func callLua(
    _ name: String, ritual: Ritual, rotation: RitualRotation, eligible: [String], n: Int,
    date: LocalDate, last: [String: LocalDate], counts: [String: Int], previous: String?
  ) -> (String?, String?) {
    guard let vm, let run = strategies[name] else {
      return (nil, "rotation \(name) is not loaded")
    }
    if let message = failed[name] { return (nil, message) }
    let people: [Value] = eligible.map { id in
      let p = playbook.roster.person(id)
      return [
        "id": Value(.string(id)), "name": Value(.string(p?.name ?? id)),
        "team": Value(.string(p?.team ?? "")),
        "presented": Value(.int(Int64(counts[id] ?? 0))),
        "last": last[id].map { Value(.string($0.description)) } ?? .null,
      ]
    }
    var previousValue = Value.null
    if let previous {
      let p = playbook.roster.person(previous)
      previousValue = [
        "id": Value(.string(previous)), "name": Value(.string(p?.name ?? previous)),
        "team": Value(.string(p?.team ?? "")),
      ]
    }
    let ctx: Value = [
      "ritual": Value(.string(ritual.id)), "date": Value(.string(date.description)),
      "previous": previousValue,
      "params": rotation.params.isNull ? Value(.map(OrderedMap())) : rotation.params,
    ]
    do {
      log.about("rotation \(name) for \(ritual.id) on \(date)")
      let returned =
        try vm.call(run, [Value(.list(people)), Value(.int(Int64(n))), ctx]).first ?? .null
      let id: String?
      switch returned.kind {
      case .string(let s): id = s
      case .map: id = returned["id"]?.string
      default: id = nil
      }
      guard let id, eligible.contains(id) else {
        let shown = returned.string.map { "\"\($0)\"" } ?? returned.typeName
        let message =
          "rotation \(name) returned \(shown) for \(ritual.id) on \(date); it must return one of the people it was given"
        warnings.append(Diagnostic(.warning, at: run.mark, code: "T050", message))
        return (nil, message)
      }
      return (id, nil)
    } catch {
      let d = Validator.diagnostics(of: error, file: run.mark.file).first
      let message = "rotation \(name) failed on \(date): \(d?.message ?? "\(error)")"
      warnings.append(Diagnostic(.warning, at: d?.mark ?? run.mark, code: "T050", message))
      failed[name] = message
      return (nil, message)
    }
  }
}
