import Foundation
public import StewardCore
import StewardYAML

/// One respondent's row, checked against the questions.
public struct SurveyResponse: Sendable, Equatable {
  public var respondent: String
  /// The CSV line the row starts on.
  public var line: Int
  /// Metadata columns (team, role, date, …) as written.
  public var metadata: [String: String]
  /// Answers by question id; a blank answer is absent.
  public var answers: [String: SurveyQuestion.Answer]
}

/// The responses of a survey, read from CSV and checked row by row.
///
/// Every problem is a ``Diagnostic`` at the CSV line (and column when known):
/// an empty file, a missing respondent or metadata column, an unknown column,
/// an answer off the scale, a duplicate respondent. Under the playbook's
/// `on_bad_response: drop` a row's problems become warnings and the row is
/// left out; file-level problems (no header, a missing column) stay errors.
public struct SurveyResponses: Sendable {
  public var responses: [SurveyResponse]
  /// Problems that did not stop scoring (dropped rows, ignored columns).
  public var warnings: [Diagnostic]
  /// Rows left out under the drop policy.
  public var dropped: Int

  /// Reads `playbook.responsesPath`; throws ``PlaybookError`` with every problem.
  public static func load(for playbook: SurveyPlaybook) throws -> SurveyResponses {
    let path = playbook.responsesPath
    guard let data = FileManager.default.contents(atPath: path) else {
      throw PlaybookError([
        Diagnostic(
          at: playbook.responsesMark.isKnown
            ? playbook.responsesMark : SourceMark(file: path, line: 0, column: 0),
          code: "Q100", "responses file \"\(path)\" not found")
      ])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      // Let the CSV loader say where the bad byte is.
      do { _ = try CSVLoader.load(path: path) } catch {
        throw PlaybookError(Validator.diagnostics(of: error, file: path))
      }
      throw PlaybookError([
        Diagnostic(at: SourceMark(file: path, line: 1, column: 1), code: "Y010", "not UTF-8")
      ])
    }
    return try parse(text: text, file: path, playbook: playbook)
  }

  /// Reads CSV `text` as if it were the file `file`.
  public static func parse(text: String, file: String, playbook: SurveyPlaybook) throws
    -> SurveyResponses
  {
    let start = SourceMark(file: file, line: 1, column: 1)
    let blank = text.unicodeScalars.allSatisfy {
      $0 == "\u{FEFF}" || CharacterSet.whitespacesAndNewlines.contains($0)
    }
    if blank {
      throw PlaybookError([
        Diagnostic(
          at: start, code: "Q101",
          "the responses file is empty; it needs a header row and one row per respondent")
      ])
    }
    let table: Value
    do { table = try CSVLoader.load(text: text, file: file) } catch {
      throw PlaybookError(Validator.diagnostics(of: error, file: file))
    }
    let rows = table.list ?? []
    guard let first = rows.first?.map else {
      throw PlaybookError([
        Diagnostic(at: start, code: "Q101", "the responses file has a header but no responses")
      ])
    }
    let policy = playbook.onBadResponse
    let header = first.keys
    let columns = headerColumns(text)
    func headerMark(_ name: String) -> SourceMark {
      let i = header.firstIndex(of: name) ?? 0
      return SourceMark(file: file, line: 1, column: i < columns.count ? columns[i] : 0)
    }

    var errors: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    for column in [playbook.respondentColumn] + playbook.metadataColumns
    where !header.contains(column) {
      errors.append(
        Diagnostic(
          at: start, code: "Q102",
          column == playbook.respondentColumn
            ? "the responses have no respondent column \"\(column)\" (set responses.id to name another)"
            : "the responses have no column \"\(column)\", which the playbook needs"))
    }
    let known = Set(
      [playbook.respondentColumn] + playbook.metadataColumns + playbook.questions.map(\.id))
    var ignored: Set<String> = []
    for column in header where !known.contains(column) {
      var message = "unknown column \"\(column)\": not a question, the respondent id or metadata"
      if let guess = SchemaValidator.suggestion(
        for: column, among: playbook.questions.map(\.id) + playbook.metadataColumns)
      {
        message += "; did you mean \"\(guess)\"?"
      } else {
        message += " (declare it under responses.metadata)"
      }
      if policy == .drop {
        warnings.append(
          Diagnostic(.warning, at: headerMark(column), code: "Q103", message + "; column ignored"))
        ignored.insert(column)
      } else {
        errors.append(Diagnostic(at: headerMark(column), code: "Q103", message))
      }
    }
    for q in playbook.questions where !header.contains(q.id) {
      if q.required {
        errors.append(
          Diagnostic(
            at: start, code: "Q104", "no column for required question \"\(q.id)\""))
      } else {
        warnings.append(
          Diagnostic(
            .warning, at: start, code: "Q104",
            "no column for question \"\(q.id)\"; it has no answers"))
      }
    }
    if !errors.isEmpty { throw PlaybookError(errors) }

    var responses: [SurveyResponse] = []
    var firstLine: [String: Int] = [:]
    var dropped = 0
    for row in rows {
      guard let map = row.map else { continue }
      var problems: [Diagnostic] = []
      let idEntry = map.entry(playbook.respondentColumn)
      let id = idEntry?.value.string?.trimmingCharacters(in: .whitespaces) ?? ""
      if id.isEmpty {
        problems.append(
          Diagnostic(
            at: idEntry?.value.mark ?? row.mark, code: "Q105",
            "row has no respondent id (column \"\(playbook.respondentColumn)\")"))
      } else if let line = firstLine[id] {
        problems.append(
          Diagnostic(
            at: idEntry?.value.mark ?? row.mark, code: "Q106",
            "respondent \"\(id)\" answered twice (first at line \(line))"))
      } else {
        firstLine[id] = row.mark.line
      }
      var answers: [String: SurveyQuestion.Answer] = [:]
      for q in playbook.questions {
        guard let entry = map.entry(q.id) else { continue }
        let cell = entry.value.string?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if cell.isEmpty {
          if q.required {
            problems.append(
              Diagnostic(
                at: entry.value.mark, code: "Q107",
                "respondent \"\(id)\" did not answer required question \(q.id)"))
          }
          continue
        }
        switch q.parse(cell) {
        case .success(let answer): answers[q.id] = answer
        case .failure(let failure):
          problems.append(Diagnostic(at: entry.value.mark, code: "Q108", failure.message))
        }
      }
      if !problems.isEmpty {
        if policy == .drop {
          dropped += 1
          warnings += problems.map {
            var w = $0
            w.severity = .warning
            w.message += "; row dropped"
            return w
          }
        } else {
          errors += problems
        }
        continue
      }
      var metadata: [String: String] = [:]
      for column in playbook.metadataColumns where !ignored.contains(column) {
        metadata[column] = map[column]?.string?.trimmingCharacters(in: .whitespaces) ?? ""
      }
      responses.append(
        SurveyResponse(respondent: id, line: row.mark.line, metadata: metadata, answers: answers))
    }
    if !errors.isEmpty { throw PlaybookError(errors) }
    return SurveyResponses(responses: responses, warnings: warnings, dropped: dropped)
  }

  /// The 1-based column where each field of the header line starts (a
  /// header with a quoted line break stops the count).
  static func headerColumns(_ text: String) -> [Int] {
    var columns = [1]
    var column = 1
    var quoted = false
    var scalars = Substring(text).unicodeScalars[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
    for s in scalars {
      if s == "\"" { quoted.toggle() }
      if !quoted && (s == "\n" || s == "\r") { break }
      if quoted && s == "\n" { break }
      column += 1
      if !quoted && s == "," { columns.append(column) }
    }
    return columns
  }
}
