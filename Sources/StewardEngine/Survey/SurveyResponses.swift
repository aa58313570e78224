import Foundation
public import StewardCore
import StewardYAML

/// One respondent's row, checked against the questions. Stored compactly
/// (a survey may have 100,000 of them): numeric answers in one array of
/// doubles, other answers aside, metadata in the playbook's column order.
public struct SurveyResponse: Sendable, Equatable {
  public var respondent: String
  /// The CSV line the row starts on.
  public var line: Int
  /// Metadata values in `metadataColumns` order, as written (trimmed).
  public var metadataValues: [String]
  /// The playbook's metadata columns (one array shared by every response).
  public var metadataColumns: [String]
  /// Numeric answers in question order; NaN where the answer is blank or
  /// not a number (see `others`).
  public var numbers: [Double]
  /// Choice and text answers, by question index.
  public var others: [Int: SurveyQuestion.Answer]
  /// The question ids the answers follow (one array shared by every response).
  public var questionIDs: [String]

  /// The answer to question `k` (the playbook's order); nil when blank.
  @inline(__always)
  public func value(_ k: Int) -> SurveyQuestion.Answer? {
    let x = numbers[k]
    return x.isNaN ? others[k] : .number(x)
  }

  /// Metadata by column name.
  public var metadata: [String: String] {
    Dictionary(zip(metadataColumns, metadataValues)) { a, _ in a }
  }

  /// Answers by question id; a blank answer is absent.
  public var answers: [String: SurveyQuestion.Answer] {
    var out: [String: SurveyQuestion.Answer] = [:]
    for k in questionIDs.indices { if let v = value(k) { out[questionIDs[k]] = v } }
    return out
  }

  public static func == (a: SurveyResponse, b: SurveyResponse) -> Bool {
    a.respondent == b.respondent && a.line == b.line && a.metadata == b.metadata
      && a.answers == b.answers
  }
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
    guard FileManager.default.fileExists(atPath: path) else {
      throw PlaybookError([
        Diagnostic(
          at: playbook.responsesMark.isKnown
            ? playbook.responsesMark : SourceMark(file: path, line: 0, column: 0),
          code: "Q100", "responses file \"\(path)\" not found")
      ])
    }
    let bytes: [UInt8]
    // No size limit: a survey of a million respondents is larger than the
    // 64 MiB a YAML file may be, and responses were never limited.
    do { bytes = try FileInput.bytes(path: path, maxBytes: .max) } catch {
      throw PlaybookError([error.diagnostic])
    }
    return try parse(bytes: bytes, file: path, playbook: playbook)
  }

  /// Reads CSV `text` as if it were the file `file`.
  public static func parse(text: String, file: String, playbook: SurveyPlaybook) throws
    -> SurveyResponses
  {
    try parse(bytes: Array(text.utf8), file: file, playbook: playbook)
  }

  /// Reads CSV bytes as if they were the file `file`. The rows are read by
  /// ``CSVScanner`` (decision 0013): a Likert or eNPS cell is one digit read
  /// without building a String, which is most of a large survey.
  public static func parse(bytes: [UInt8], file: String, playbook: SurveyPlaybook) throws
    -> SurveyResponses
  {
    let start = SourceMark(file: file, line: 1, column: 1)
    let scanner: CSVScanner
    do { scanner = try CSVScanner(bytes: bytes, file: file) } catch {
      throw PlaybookError(Validator.diagnostics(of: error, file: file))
    }
    if scanner.isBlank {
      throw PlaybookError([
        Diagnostic(
          at: start, code: "Q101",
          "the responses file is empty; it needs a header row and one row per respondent")
      ])
    }
    let policy = playbook.onBadResponse
    let questions = playbook.questions
    let questionIDs = questions.map(\.id)
    let metadataColumns = playbook.metadataColumns

    var header: [String] = []
    var headerMarks: [SourceMark] = []
    // Column index of the respondent id, of each question and of each metadata column.
    var idColumn = -1
    var questionColumn = [Int](repeating: -1, count: questions.count)
    var metadataColumn: [(name: String, column: Int)] = []
    var errors: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    var responses: [SurveyResponse] = []
    var firstLine: [String: Int] = [:]
    var dropped = 0
    var sawRow = false
    // Likert and eNPS questions whose one-digit cells are read directly.
    let digitRange: [ClosedRange<Int>?] = questions.map { q in
      switch q.scale {
      case .likert(let points) where points <= 9: 1...points
      case .enps: 0...10
      default: nil
      }
    }

    func readHeader(_ row: borrowing CSVScanner.Row) throws {
      var seen: [String: SourceMark] = [:]
      let marks = scanner.marks(row.fields)
      for (i, field) in row.fields.enumerated() {
        let name = scanner.string(field)
        let mark = marks[i]
        if name.isEmpty {
          throw PlaybookError([
            Diagnostic(at: mark, code: "Y021", "column \(i + 1) of the header has no name")
          ])
        }
        if let first = seen.updateValue(mark, forKey: name) {
          throw PlaybookError([
            Diagnostic(
              at: mark, code: "Y021",
              "duplicate column \"\(name)\" (first defined at \(first.line):\(first.column))")
          ])
        }
        header.append(name)
        headerMarks.append(mark)
      }
      for column in [playbook.respondentColumn] + metadataColumns where seen[column] == nil {
        errors.append(
          Diagnostic(
            at: start, code: "Q102",
            column == playbook.respondentColumn
              ? "the responses have no respondent column \"\(column)\" (set responses.id to name another)"
              : "the responses have no column \"\(column)\", which the playbook needs"))
      }
      let known = Set([playbook.respondentColumn] + metadataColumns + questionIDs)
      var ignored: Set<String> = []
      // Past the first hundred unknown columns no one reads a suggestion,
      // and a header of 200,000 made each cost a comparison with every
      // question (issue 15: within a second at any width). Those hundred
      // are also where a misspelt question column is looked for.
      var unknown: [String] = []
      for (i, column) in header.enumerated() where !known.contains(column) {
        var message = "unknown column \"\(column)\": not a question, the respondent id or metadata"
        let suggesting = unknown.count < 100
        if suggesting { unknown.append(column) }
        if suggesting,
          let guess = SchemaValidator.suggestion(for: column, among: questionIDs + metadataColumns)
        {
          message += "; did you mean \"\(guess)\"?"
        } else {
          message += " (declare it under responses.metadata)"
        }
        if policy == .drop {
          warnings.append(
            Diagnostic(.warning, at: headerMarks[i], code: "Q103", message + "; column ignored"))
          ignored.insert(column)
        } else {
          errors.append(Diagnostic(at: headerMarks[i], code: "Q103", message))
        }
      }
      let needed = playbook.levelQuestions
      for q in questions where seen[q.id] == nil {
        if needed.contains(q.id) {
          errors.append(
            Diagnostic(
              at: start, code: "Q104",
              "no column for question \"\(q.id)\", which a level needs; every team would"
                + " drop below it"
                + (SchemaValidator.suggestion(for: q.id, among: unknown).map {
                  " (did you mean \"\($0)\"?)"
                } ?? "")))
        } else if q.required {
          errors.append(
            Diagnostic(at: start, code: "Q104", "no column for required question \"\(q.id)\""))
        } else {
          warnings.append(
            Diagnostic(
              .warning, at: start, code: "Q104",
              "no column for question \"\(q.id)\"; it has no answers"))
        }
      }
      if !errors.isEmpty { throw PlaybookError(errors) }
      idColumn = header.firstIndex(of: playbook.respondentColumn) ?? -1
      for (k, q) in questions.enumerated() { questionColumn[k] = header.firstIndex(of: q.id) ?? -1 }
      for column in metadataColumns where !ignored.contains(column) {
        metadataColumn.append((column, header.firstIndex(of: column) ?? -1))
      }
    }

    let roster = playbook.roster
    let rosterColumn = roster.flatMap { r in metadataColumns.firstIndex(of: r.column) } ?? -1

    func readRow(_ row: borrowing CSVScanner.Row) throws {
      let fields = row.fields
      if fields.count > header.count {
        throw PlaybookError([
          Diagnostic(
            at: scanner.mark(fields[header.count]), code: "Y020",
            "row has \(fields.count) fields but the header has \(header.count) columns")
        ])
      }
      var problems: [Diagnostic] = []
      let rowMark = SourceMark(file: file, line: row.line, column: 1)
      let id =
        idColumn < fields.count
        ? scanner.trimmed(fields[idColumn]) : ""
      if id.isEmpty {
        problems.append(
          Diagnostic(
            at: idColumn < fields.count ? scanner.mark(fields[idColumn]) : rowMark, code: "Q105",
            "row has no respondent id (column \"\(playbook.respondentColumn)\")"))
      } else if let line = firstLine[id] {
        problems.append(
          Diagnostic(
            at: scanner.mark(fields[idColumn]), code: "Q106",
            "respondent \"\(id)\" answered twice (first at line \(line))"))
      } else {
        firstLine[id] = row.line
      }
      var numbers = [Double](repeating: .nan, count: questions.count)
      var others: [Int: SurveyQuestion.Answer] = [:]
      for k in 0..<questions.count {
        let column = questionColumn[k]
        guard column >= 0, column < fields.count else { continue }
        let field = fields[column]
        if let range = digitRange[k], let d = scanner.digit(field), range.contains(d) {
          numbers[k] = Double(d)
          continue
        }
        let q = questions[k]
        let cell = scanner.trimmed(field)
        if cell.isEmpty {
          if q.required {
            problems.append(
              Diagnostic(
                at: scanner.mark(field), code: "Q107",
                "respondent \"\(id)\" did not answer required question \(q.id)"))
          }
          continue
        }
        switch q.parse(cell) {
        case .success(.number(let x)): numbers[k] = x
        case .success(let answer): others[k] = answer
        case .failure(let failure):
          problems.append(Diagnostic(at: scanner.mark(field), code: "Q108", failure.message))
        }
      }
      if !problems.isEmpty {
        if policy == .drop {
          dropped += 1
          warnings += problems.map { $0.asWarning(adding: "; row dropped") }
        } else {
          errors += problems
        }
        return
      }
      var metadata: [String] = []
      metadata.reserveCapacity(metadataColumn.count)
      for (m, (_, column)) in metadataColumn.enumerated() {
        var value = column >= 0 && column < fields.count ? scanner.trimmed(fields[column]) : ""
        if m == rosterColumn, let roster {
          if value.isEmpty, let listed = roster.people[id] { value = listed }
          // A team the roster does not know is an error under either
          // policy: dropping or folding it would make a team vanish.
          if let problem = roster.problem(
            team: value, respondent: id,
            at: column >= 0 && column < fields.count ? scanner.mark(fields[column]) : rowMark)
          {
            errors.append(problem)
            return
          }
        }
        metadata.append(value)
      }
      responses.append(
        SurveyResponse(
          respondent: id, line: row.line, metadataValues: metadata,
          metadataColumns: metadataColumns, numbers: numbers, others: others,
          questionIDs: questionIDs))
    }

    do {
      try scanner.forEachRow { row in
        if header.isEmpty {
          try readHeader(row)
        } else {
          sawRow = true
          try readRow(row)
        }
      }
    } catch let error as PlaybookError {
      throw error
    } catch {
      throw PlaybookError(Validator.diagnostics(of: error, file: file))
    }
    if !sawRow {
      throw PlaybookError([
        Diagnostic(at: start, code: "Q101", "the responses file has a header but no responses")
      ])
    }
    if let roster = playbook.roster, let k = metadataColumns.firstIndex(of: roster.column) {
      var answered: [String: Int] = [:]
      for r in responses { answered[r.metadataValues[k], default: 0] += 1 }
      for team in roster.teams where (answered[team.name] ?? 0) > team.headcount {
        errors.append(
          Diagnostic(
            at: roster.mark, code: "Q112",
            "\(answered[team.name] ?? 0) people of \(team.name) answered, more than its headcount"
              + " of \(team.headcount): the roster is out of date"))
      }
    }
    if !errors.isEmpty { throw PlaybookError(errors) }
    return SurveyResponses(responses: responses, warnings: warnings, dropped: dropped)
  }
}
