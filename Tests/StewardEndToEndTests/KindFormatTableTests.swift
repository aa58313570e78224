import Foundation
import StewardEngine
import Testing

/// Every kind with every format name any kind knows (and one no kind
/// knows): an accepted format produces its report, a refused one exits 2
/// with the one message shape. The formats come from the kinds themselves,
/// so a format added to one kind is tried on every other.
@Suite(.serialized) struct KindFormatTableTests {
  /// A shipped playbook of each kind, with what it needs to run unattended.
  static let playbooks: [String: [String]] = [
    "audit": ["Playbooks/deployment-gate.yaml"],
    "survey": ["Playbooks/mlops-maturity.yaml"],
    "runbook": ["Playbooks/monitoring-review.yaml", "--yes"],
    "hackathon": ["Playbooks/quarterly-hackathon.yaml"],
    "ritual": ["Playbooks/ds-community.yaml"],
    "dashboard": ["Playbooks/value-dashboard.yaml"],
  ]

  static var cases: [(kind: String, format: String)] {
    let names = Set(KindRegistry.all.flatMap { $0.formats }).sorted() + ["pdf"]
    return KindRegistry.all.flatMap { kind in names.map { (kind.kind.rawValue, $0) } }
  }

  @Test func everyKindHasAPlaybookHere() {
    #expect(Set(Self.playbooks.keys) == Set(KindRegistry.all.map { $0.kind.rawValue }))
  }

  @Test(arguments: cases)
  func format(kind: String, format: String) throws {
    let registered = try #require(KindRegistry.kind(named: kind))
    let arguments = try #require(Self.playbooks[kind])
    let r = try StewardBinary.run(
      ["run", arguments[0], "--no-record", "--format", format] + arguments.dropFirst())
    if registered.formats.contains(format) {
      #expect([0, 1].contains(r.status), "\(kind) \(format): \(r.stderr)")
      #expect(!r.stdout.isEmpty, "\(kind) \(format) printed no report")
      #expect(!r.stderr.contains("is not a format"))
    } else {
      let a = kind.first.map { "aeiou".contains($0) } == true ? "an" : "a"
      #expect(r.status == 2)
      #expect(
        r.stderr.contains(
          "\"\(format)\" is not a format of \(a) \(kind) report; \(a) \(kind) renders \(registered.formats.joined(separator: ", "))"
        ), "\(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
  }

  /// A flag a kind does not take is refused in one shape, naming what the kind takes.
  @Test(arguments: RunFlag.allCases)
  func flag(_ flag: RunFlag) throws {
    let values: [RunFlag: [String]] = [
      .input: ["--input", "nothing=x"], .var: ["--var", "x=1"], .failOn: ["--fail-on", "high"],
      .only: ["--only", "x"], .skip: ["--skip", "x"], .jobs: ["--jobs", "2"],
      .ignoreErrors: ["--ignore-errors"], .incremental: ["--incremental"], .quiet: ["--quiet"],
      .yes: ["--yes"],
      .answers: ["--answers", "a.yaml"], .dryRun: ["--dry-run"], .resume: ["--resume", "1"],
      .force: ["--force"], .ics: ["--ics", "x.ics"],
      .slackWebhook: ["--slack-webhook", "https://example.invalid/hook"],
      .period: ["--period", "2026-11"], .baseline: ["--baseline", "b.json"],
      .baselineRun: ["--baseline-run", "1"],
    ]
    for kind in KindRegistry.all where !kind.flags.contains(flag) {
      let playbook = try #require(Self.playbooks[kind.kind.rawValue])[0]
      let r = try StewardBinary.run(["run", playbook, "--no-record"] + (values[flag] ?? []))
      #expect(r.status == 2, "\(kind.kind) \(flag)")
      #expect(
        r.stderr.contains("\(flag.spelling) does not apply to"), "\(kind.kind) \(flag): \(r.stderr)"
      )
      #expect(r.stdout.isEmpty)
    }
  }

  /// `steward run --help` lists each kind's formats from the same table.
  @Test func helpListsEveryKindsFormats() throws {
    let r = try StewardBinary.run(["run", "--help"])
    for kind in KindRegistry.all {
      #expect(r.stdout.contains("\(kind.kind.rawValue): \(kind.formats.joined(separator: ", "))"))
    }
  }

  /// docs/architecture.md's table of formats and flags is the kinds' own.
  @Test func theDocsTableIsTheKindsOwn() throws {
    let doc = try String(
      contentsOf: StewardBinary.packageRoot.appendingPathComponent("docs/architecture.md"),
      encoding: .utf8)
    let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.hasSuffix(" |") }
    for kind in KindRegistry.all {
      let row =
        "| \(kind.kind.rawValue) | \(kind.formats.joined(separator: ", ")) | "
        + "\(kind.flags.sorted().map(\.spelling).joined(separator: " ")) |"
      #expect(rows.contains(Substring(row)), "docs/architecture.md lacks: \(row)")
    }
  }

  /// An --input name the playbook does not read is refused the same way for
  /// every kind, with the closest name it does read.
  @Test(arguments: [
    ("Playbooks/quarterly-hackathon.yaml", "project", "a hackathon playbook", "projects"),
    ("Playbooks/ds-community.yaml", "peple", "a ritual playbook", "people"),
    ("Playbooks/mlops-maturity.yaml", "response", "a survey playbook", "responses"),
    ("Playbooks/deployment-gate.yaml", "model", "an audit playbook", "models"),
    ("Playbooks/value-dashboard.yaml", "experiment", "a dashboard playbook", "experiments"),
  ])
  func unknownInput(playbook: String, name: String, kind: String, guess: String) throws {
    let r = try StewardBinary.run(["run", playbook, "--no-record", "--input", "\(name)=x"])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "\(playbook): error: --input \(name)=…: \(kind) reads no input \"\(name)\"; did you mean \"\(guess)\"? [I001]"
      ), "\(r.stderr)")
    #expect(r.stdout.isEmpty)
  }

  /// A --var the kind does not read is refused with the closest name: a
  /// misspelt one changed nothing, silently (independent review).
  @Test(arguments: [
    ("Playbooks/quarterly-hackathon.yaml", "asof", "as_of"),
    ("Playbooks/ds-community.yaml", "frm", "from"),
    ("Playbooks/value-dashboard.yaml", "mont", "month"),
  ])
  func unknownVar(playbook: String, name: String, guess: String) throws {
    let r = try StewardBinary.run(["run", playbook, "--no-record", "--var", "\(name)=x"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("--var \(name)=…:"), "\(r.stderr)")
    #expect(r.stderr.contains("did you mean \"\(guess)\"?"), "\(r.stderr)")
    #expect(r.stdout.isEmpty)
  }
}
