public import StewardCore

/// What every playbook declares about itself, read and checked before any
/// kind-specific work starts.
///
/// ```yaml
/// steward: 1
/// kind: audit
/// name: deployment-gate
/// plugins: [../Plugins/ml-governance.lua]
/// ```
public struct PlaybookHeader: Sendable {
  public var kind: PlaybookKind
  public var name: String
  public var title: String?
  public var plugins: [String]
  /// The whole document, marks included, for the kind's runner.
  public var document: Value

  /// Reads the header of `document`; throws every schema problem at once.
  public static func parse(_ document: Value) throws(PlaybookError) -> PlaybookHeader {
    guard let map = document.map else {
      throw PlaybookError([
        Diagnostic(
          at: document.mark, code: "S002",
          "a playbook must be a map with \"steward\", \"kind\" and \"name\", found \(document.typeName)"
        )
      ])
    }
    let kindValue = map["kind"]?.string.flatMap(PlaybookKind.init(rawValue:))
    var fields = PlaybookSchema.header
    if let kindValue { fields += PlaybookSchema.body(of: kindValue) }
    var problems = SchemaValidator(
      fields: fields, context: kindValue.map { "\($0) playbook" } ?? "playbook"
    )
    .problems(in: document)
    if kindValue == nil {
      // Body keys cannot be judged without a kind; report the kind only.
      problems.removeAll { $0.code == "S003" }
    }
    if let format = map.entry("steward"), let version = format.value.int,
      version != StewardVersion.playbookFormat
    {
      problems.append(
        Diagnostic(
          at: format.value.mark, code: "S006",
          "playbook format \(version) is not supported; this steward \(StewardVersion.current) reads format \(StewardVersion.playbookFormat)"
        ))
    }
    guard problems.isEmpty, let kindValue, let name = map["name"]?.string else {
      throw PlaybookError(problems)
    }
    return PlaybookHeader(
      kind: kindValue, name: name, title: map["title"]?.string,
      plugins: map["plugins"]?.list?.compactMap(\.string) ?? [], document: document)
  }
}

/// One or more problems that stop a playbook from loading.
public struct PlaybookError: Error, Sendable {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }
}
