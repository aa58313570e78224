import StewardCore
import StewardLua

/// Reads what a check's Lua function returned into a status, message,
/// evidence and path. A check may return a boolean, a status string, or a
/// table `{ status =, message =, at =, evidence = }`.
enum CheckOutcome {
  struct Parsed {
    var status: CheckStatus
    var message: String
    var at: String?
    var evidence: Value
    /// The place of the function whose result was invalid.
    var mark: SourceMark? = nil
    /// The result broke the rules of its shape: an error, or a failure that
    /// stays one (``invalid(_:_:failing:)``). `steward test` fails such an
    /// example whatever it expected, so that the mistake shows there.
    var malformed = false
  }

  /// Where a result came from: the place of the check's `run` function,
  /// which an invalid result names, and whether it is a playbook's inline
  /// expression, whose nil is documented to fail (`a and a > 3`), where a
  /// plugin's missing `return` is an error.
  struct Source {
    var mark: SourceMark?
    var nilFails: Bool

    static let expression = Source(mark: nil, nilFails: true)
    static func plugin(_ mark: SourceMark) -> Source { Source(mark: mark, nilFails: false) }
  }

  static func parse(_ returned: Value?, from source: Source = .expression) -> Parsed {
    guard let returned else {
      if source.nilFails { return Parsed(status: .fail, message: "", at: nil, evidence: .null) }
      return invalid("the check returned nothing (a missing `return`?)", source)
    }
    switch returned.kind {
    case .bool(let ok):
      return Parsed(status: ok ? .pass : .fail, message: "", at: nil, evidence: .null)
    case .null:
      if source.nilFails { return Parsed(status: .fail, message: "", at: nil, evidence: .null) }
      return invalid("the check returned nil", source)
    case .string(let s):
      guard let status = allowed(s) else {
        return invalid("the check returned \"\(s)\"", source, failing: meansFail(s))
      }
      return Parsed(status: status, message: "", at: nil, evidence: .null)
    case .map(let m):
      if let unknown = m.entries.first(where: { !fields.contains($0.key) }) {
        var message =
          "the check's result has an unknown key \"\(unknown.key)\" (the keys are \(fields.joined(separator: ", ")))"
        if let guess = SchemaValidator.suggestion(for: unknown.key, among: fields) {
          message += "; did you mean \"\(guess)\"?"
        }
        return invalid(message, source, failing: saysFail(strings(m)), meant: meant(m))
      }
      return table(
        status: m["status"], message: m["message"], at: m["at"], evidence: m["evidence"],
        source)
    default:
      return invalid("the check returned \(English.withArticle(returned.typeName))", source)
    }
  }

  /// The fields of a result table, in the order `parse(_: LuaReturn)` reads.
  static let fields = ["status", "message", "at", "evidence"]

  /// What ``LuaVM/call(_:arguments:record:)`` read with ``fields``; the same
  /// outcome `parse(_: Value?)` gives for the whole table.
  static func parse(_ returned: LuaReturn, from source: Source = .expression) -> Parsed {
    switch returned {
    case .value(let value):
      return parse(value, from: source)
    case .record(let fields):
      return table(
        status: fields[0], message: fields[1], at: fields[2], evidence: fields[3], source)
    }
  }

  /// A returned `{ status =, message =, at =, evidence = }`, however it was
  /// read. `message` and `at` must be strings when present: a `message = 42`
  /// or `at = 7` was dropped without a word.
  private static func table(
    status: Value?, message: Value?, at: Value?, evidence: Value?, _ source: Source
  ) -> Parsed {
    let statusName = status?.string
    guard let statusName, let status = allowed(statusName) else {
      let failing = statusName.map(meansFail) ?? false
      let got =
        switch (status, statusName) {
        case (nil, _): "missing"
        case (_, let name?): "\"\(name)\""
        case (let value?, nil): English.withArticle(value.typeName)
        }
      return invalid(
        "the check returned a table whose status is \(got)", source, failing: failing,
        meant: (message?.string, at?.string))
    }
    for (key, value) in [("message", message), ("at", at)] {
      if let value, value.string == nil {
        return invalid(
          "the check's result has \(key) = \(English.withArticle(value.typeName)), not a string",
          source, failing: status == .fail, meant: (message?.string, at?.string))
      }
    }
    return Parsed(
      status: status, message: message?.string ?? "", at: at?.string, evidence: evidence ?? .null)
  }

  /// Whether a result's string fields say it failed: `status`, or a key
  /// nearest it (`stauts`), holding a status that means failure. The one
  /// rule for a malformed result, whether the host could read it or not
  /// (``LuaResultUnreadable``), and for each entry of a whole-run list.
  static func saysFail(_ strings: [(key: String, value: String)]) -> Bool {
    strings.contains { field in
      (field.key == "status"
        || SchemaValidator.suggestion(for: field.key, among: fields) == "status")
        && meansFail(field.value)
    }
  }

  /// The string-valued fields of a result table.
  static func strings(_ m: OrderedMap) -> [(key: String, value: String)] {
    m.entries.compactMap { entry in entry.value.string.map { (entry.key, $0) } }
  }

  /// The same, read raw from a result the host could not convert.
  static func strings(_ fields: [LuaStringField]) -> [(key: String, value: String)] {
    fields.map { ($0.key, $0.value) }
  }

  /// A status that is not one of ours but plainly means a failure
  /// (`"FAIL"`, `"failed"`): the result is malformed, and a failure, so that
  /// `gate.errors: ignore` cannot let it through as an error.
  static func meansFail(_ name: String) -> Bool {
    ["fail", "failed", "fails", "failure", "failing"].contains(name.lowercased())
  }

  /// Statuses a check may report itself; `waived` is the host's to decide.
  static func allowed(_ name: String) -> CheckStatus? {
    switch name {
    case "pass": .pass
    case "fail": .fail
    case "skip": .skip
    case "error": .error
    default: nil
    }
  }

  /// An invalid result: an error, or a failure when the check said
  /// `status = "fail"` around its mistake. A typo beside a failure
  /// (`mesage = …`) made it an error, which `gate.errors: ignore` lets
  /// through: the failure the check reported passed the gate.
  ///
  /// Such a failure keeps what the check meant to say, where it can be
  /// read (`meant`: its message, even under a misspelt key, and its `at`),
  /// so that the report shows the finding and points at the subject, with
  /// the mistake named after it.
  static func invalid(
    _ message: String, _ source: Source = .expression, failing: Bool = false,
    meant: (message: String?, at: String?) = (nil, nil)
  ) -> Parsed {
    let place = source.mark.map { "\($0): " } ?? ""
    let complaint =
      place + message + "; return true/false, \"pass\"/\"fail\"/\"skip\", or { status = … }"
    guard failing else {
      return Parsed(
        status: .error, message: complaint, at: nil, evidence: .null, mark: source.mark,
        malformed: true)
    }
    let said = meant.message.flatMap { $0.isEmpty ? nil : $0 }
    return Parsed(
      status: .fail, message: said.map { "\($0) (\(complaint))" } ?? complaint, at: meant.at,
      evidence: .null, mark: meant.at == nil ? source.mark : nil, malformed: true)
  }

  /// The message and `at` a malformed result table meant, its misspelt
  /// keys read as the ones they are nearest (`mesage`, `att`).
  static func meant(_ m: OrderedMap) -> (message: String?, at: String?) {
    func field(_ name: String) -> String? {
      m[name]?.string
        ?? m.entries.first {
          !fields.contains($0.key) && SchemaValidator.suggestion(for: $0.key, among: fields) == name
        }?.value.string
    }
    return (field("message"), field("at"))
  }
}

extension CheckResult {
  /// Takes what a check returned; `mark` gives the place of its `at` path.
  mutating func take(_ parsed: CheckOutcome.Parsed, mark: (String) -> SourceMark) {
    status = parsed.status
    message = parsed.message
    evidence = parsed.evidence
    if let place = parsed.mark { self.mark = place }
    if let at = parsed.at {
      path = at
      self.mark = mark(at)
    }
  }
}
