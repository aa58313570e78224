public import Foundation
public import StewardCore
import StewardYAML

/// `steward waivers`: every waiver of every audit playbook named (or found
/// under a folder), with its owner, the days it has left and whether the
/// playbook accepts it, read exactly as a run reads them.
public enum WaiverList {
  public struct Entry: Sendable {
    public var playbook: String
    public var waiver: Waiver
    /// Negative once expired.
    public var daysLeft: Int
    /// From a file the playbook's `waivers_from` does not name.
    public var refused: Bool
    public var noticeDays: Int
  }

  /// The waivers of the audits at `paths`. A file named on its own must be
  /// an audit playbook; in a folder, files that are no audit are passed by.
  public static func collect(paths: [String], pluginPath: [String] = [], today: String)
    throws -> [Entry]
  {
    let (files, missing) = InputFiles.expand(paths)
    if !missing.isEmpty { throw PlaybookError(missing) }
    let named = Set(paths)
    var entries: [Entry] = []
    for file in files where ["yaml", "yml", "lua"].contains((file as NSString).pathExtension) {
      let isNamed = named.contains(file)
      let header: PlaybookHeader
      do { header = try PlaybookLoader.load(path: file) } catch {
        if isNamed { throw error }
        continue
      }
      guard header.kind == .audit else {
        if isNamed {
          throw Diagnostic(
            at: header.document.mark, code: "W006",
            "a \(header.kind.rawValue) playbook has no waivers; steward waivers reads audits")
        }
        continue
      }
      let audit = try AuditPlaybook.load(header: header, path: file, pluginPath: pluginPath)
      for (waivers, refused) in [(audit.waivers, false), (audit.refusedWaivers, true)] {
        for waiver in waivers {
          entries.append(
            Entry(
              playbook: file, waiver: waiver, daysLeft: waiver.daysLeft(on: today) ?? 0,
              refused: refused, noticeDays: audit.waiverNoticeDays))
        }
      }
    }
    return entries.sorted {
      ($0.playbook, $0.waiver.mark.file, $0.waiver.mark.line)
        < ($1.playbook, $1.waiver.mark.file, $1.waiver.mark.line)
    }
  }

  /// What the entry's state is, in a word or two.
  static func state(_ e: Entry) -> String {
    if e.refused { return "refused" }
    if e.daysLeft < 0 { return "expired" }
    if e.daysLeft <= e.noticeDays { return "expiring" }
    return "live"
  }

  static func days(_ e: Entry) -> String {
    switch e.daysLeft {
    case ..<0: "expired \(English.count(-e.daysLeft, "day")) ago"
    case 0: "last day today"
    default: "\(English.count(e.daysLeft, "day")) left"
    }
  }

  /// One line per waiver, grouped by playbook, aligned in columns.
  public static func text(_ entries: [Entry]) -> String {
    guard !entries.isEmpty else { return "no waivers" }
    let show = { (s: String) in Printable.escape(s) }
    let rows = entries.map { e in
      [
        state(e), show(e.waiver.check == "*" ? "* (all checks)" : e.waiver.check),
        show(e.waiver.subject), show(e.waiver.owner), show(e.waiver.expires), days(e),
        show(e.waiver.mark.description),
      ]
    }
    let header = ["state", "check", "subject", "owner", "expires", "days", "where"]
    let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }
    var lines: [String] = []
    var playbook: String?
    for (e, row) in zip(entries, rows) {
      if e.playbook != playbook {
        if playbook != nil { lines.append("") }
        playbook = e.playbook
        lines.append(show(e.playbook))
        lines.append("  " + line(header))
      }
      lines.append("  " + line(row))
    }
    let count = { (s: String) in entries.filter { state($0) == s }.count }
    lines.append("")
    lines.append(
      "\(English.count(entries.count, "waiver")): \(count("live")) live, \(count("expiring")) expiring soon, \(count("expired")) expired, \(count("refused")) refused"
    )
    return lines.joined(separator: "\n")
  }

  /// `{"schema_version": 1, "waivers": [...]}`, keys always in this order.
  public static func json(_ entries: [Entry]) -> String {
    typealias V = ReportValues
    let list = entries.map { e in
      V.map([
        ("playbook", V.string(e.playbook)), ("check", V.string(e.waiver.check)),
        ("subject", V.string(e.waiver.subject)), ("owner", V.string(e.waiver.owner)),
        ("reason", V.string(e.waiver.reason)), ("expires", V.string(e.waiver.expires)),
        ("days_left", V.int(e.daysLeft)), ("state", V.string(state(e))),
        ("location", V.location(e.waiver.mark)),
      ])
    }
    return JSONText.render(
      V.map([("schema_version", V.int(1)), ("waivers", Value(.list(list)))]))
  }
}
