public import Foundation
public import StewardCore

/// A kind of playbook that `steward run` can run: what is special to it and
/// nothing else. Everything around it (the header, the inputs, the store,
/// rendering, recording, the exit status) is done once, by ``RunPipeline``.
///
/// A kind lives in a folder of its own (`StewardEngine/<Kind>/`) and joins
/// the tool with one line in ``KindRegistry/builtIn`` (or, from outside the
/// engine, one call to ``KindRegistry/register(_:)``). `docs/architecture.md`
/// walks through adding one.
public protocol RunnableKind: Sendable {
  /// The `kind:` a playbook names.
  static var kind: PlaybookKind { get }
  /// One line for `steward new` and error messages.
  static var summary: String { get }
  /// The top-level keys the kind adds to the shared header.
  static var fields: [FieldSpec] { get }
  /// The report formats it renders, `text` first.
  static var formats: [String] { get }
  /// The kind-specific flags it takes; any other is refused with one message.
  static var flags: Set<RunFlag> { get }
  /// The inputs it reads, which `--input NAME=PATH` may replace.
  static var inputs: InputDeclaration { get }
  /// The `schema_version` of its JSON report, which the JSON written on a
  /// wrong input carries too (1 unless the kind says otherwise).
  static var jsonSchemaVersion: Int { get }

  /// Reads and checks the playbook, before anything runs or any store opens:
  /// every problem with the input is found here.
  static func load(_ request: KindLoadRequest) throws -> Self

  /// What `steward validate` says of the playbook: checked as a run reads
  /// it, without running it.
  static func validate(_ header: PlaybookHeader, path: String) throws -> KindValidation

  /// What `steward validate` says of a playbook `load` accepted, as a run
  /// would read it (its `--input` and `--plugin-path`). By default, the
  /// kind's `validate(_:path:)`.
  static func validate(_ request: KindLoadRequest, loaded: Self) throws -> KindValidation

  /// Whether this run writes to the history store (a runbook's dry run does not).
  func records(_ options: RunOptions) -> Bool

  func run(in context: KindRunContext) throws -> any KindReport
}

extension RunnableKind {
  public func records(_ options: RunOptions) -> Bool { !options.noRecord }

  public static var jsonSchemaVersion: Int { 1 }

  public static func validate(_ request: KindLoadRequest, loaded: Self) throws -> KindValidation {
    try validate(request.header, path: request.path)
  }

  /// The run's `load`, then what `validate` adds.
  static func loadAndValidate(_ request: KindLoadRequest) throws -> KindValidation {
    try validate(request, loaded: load(request))
  }
}

/// What a kind's `load` is given.
public struct KindLoadRequest: Sendable {
  public var header: PlaybookHeader
  /// The playbook's path, as the user gave it.
  public var path: String
  public var inputs: ResolvedInputs
  public var options: RunOptions
  /// `--var KEY=VALUE`, in the order given.
  public var vars: [(key: String, value: String)]

  /// The variables as a dictionary (the last value given wins).
  public var variables: [String: String] {
    var out: [String: String] = [:]
    for (key, value) in vars { out[key] = value }
    return out
  }

  /// Refuses a `--var` the kind does not read (a misspelt `as_of` would
  /// otherwise change nothing, silently), with the closest name.
  /// Found against the playbook, like an unknown `--input`, it is an input
  /// error (exit 2) whose reports are written, not a usage error.
  public func requireVars(_ known: [String]) throws(Diagnostic) {
    for (key, _) in vars where !known.contains(key) {
      var message =
        "--var \(key)=…: \(English.withArticle(header.kind.rawValue)) playbook reads "
        + (known.isEmpty ? "no variables" : known.map { "--var \($0)" }.joined(separator: ", "))
      if let guess = SchemaValidator.suggestion(for: key, among: known) {
        message += "; did you mean \"\(guess)\"?"
      }
      throw Diagnostic(at: commandLine, code: "I002", message)
    }
  }

  /// Where problems with the command line itself are reported: the playbook, line 0.
  public var commandLine: SourceMark { SourceMark(file: path, line: 0, column: 0) }
}

/// What a kind's `run` is given.
public struct KindRunContext: Sendable {
  /// The store the run is recorded in; nil with `--no-record`.
  public var history: (any HistoryStore)?
  /// The store to read earlier runs from: the recording store, or with
  /// `--no-record` the store named by `--store` when there is one, opened
  /// only when the run asks for it (`--incremental`, a gate's sign-offs, a
  /// dashboard's history): `--no-record` otherwise touches no store.
  public var openReading: @Sendable () throws -> (any HistoryStore)?
  public var options: RunOptions
  public var startedAt: Date

  /// The store to read earlier runs from (``openReading``).
  public func reading() throws -> (any HistoryStore)? { try openReading() }
}

/// What `steward validate` says of a playbook.
public struct KindValidation: Sendable {
  /// Said after "KIND playbook NAME", e.g. "(12 steps)"; empty for nothing.
  public var detail: String
  public var warnings: [Diagnostic]
  /// The data files the playbook read while it was validated.
  public var dataFiles: [String]

  public init(detail: String = "", warnings: [Diagnostic] = [], dataFiles: [String] = []) {
    self.detail = detail
    self.warnings = warnings
    self.dataFiles = dataFiles
  }
}

/// How a report is rendered.
public struct RenderOptions: Sendable {
  /// ANSI colour: only for text on a terminal.
  public var color: Bool
  /// Where it goes: nil for stdout.
  public var output: String?
  /// `--quiet`: only what needs a look, then the summary.
  public var quiet: Bool

  public init(color: Bool = false, output: String? = nil, quiet: Bool = false) {
    self.color = color
    self.output = output
    self.quiet = quiet
  }
}

/// A finished run's report: what every kind's report offers the pipeline.
public protocol KindReport: Sendable {
  /// Hands the report in `format` (one of its kind's `formats`) to `sink`,
  /// in order, in one piece or a megabyte at a time.
  func write(
    _ format: String, options: RenderOptions, to sink: @escaping @Sendable ([UInt8]) -> Void)

  /// The exit status the run ends with: 0, 1 when the gate failed (or a step
  /// failed, or a survey missed its quorum), 3 when waiting on a person.
  var exitStatus: Int32 { get }

  /// Said on stderr, unless the text report on stdout already shows them.
  var warningLines: [String] { get }
  /// Whether the text report lists the warnings itself.
  var textShowsWarnings: Bool { get }

  /// Files written beside the report (a ritual's `--ics` calendar); before
  /// it, so that a report never announces a file that is not there.
  func writeCompanions(_ options: RunOptions) throws

  /// Delivery after the report is out (a dashboard's `--slack-webhook`); a
  /// failure is said on stderr, exits 2 and leaves the run unrecorded.
  func deliver(_ options: RunOptions) throws

  /// Records the run in `store`, committing only if `commit` says so once
  /// the rows are in: the report may still be being written.
  func record(in store: any HistoryStore, commitIf commit: () -> Bool) throws
  /// The input files the run read that a report must never be written
  /// over (an audit's subject files); the playbook and store are checked
  /// before the run.
  var readFiles: [String] { get }
}

extension KindReport {
  public var textShowsWarnings: Bool { false }
  public var readFiles: [String] { [] }
  public func writeCompanions(_ options: RunOptions) throws {}
  public func deliver(_ options: RunOptions) throws {}
}

/// A report rendered as one string (every kind's but the audit's, whose
/// reports can reach 100 MB and are streamed).
public protocol TextKindReport: KindReport {
  func render(_ format: String, options: RenderOptions) -> String
}

extension TextKindReport {
  public func write(
    _ format: String, options: RenderOptions, to sink: @escaping @Sendable ([UInt8]) -> Void
  ) {
    sink(Array(render(format, options: options).utf8))
  }
}
