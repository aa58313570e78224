import ArgumentParser
import StewardCore
import StewardEngine

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check playbooks and plugins without running them.",
    discussion: """
      Reads each playbook (.yaml, .yml, .json) and plugin (.lua) the way a run
      would: YAML, the playbook schema, plugin references, Lua syntax and
      plugin registration. Folders are searched recursively. A playbook is
      read by the same code as `steward run` reads it, with the same --input
      and --plugin-path; a waiver file, an audit's fixtures and a report
      steward wrote are known for what they are.

        steward validate Playbooks Plugins
        steward validate Playbooks/deployment-gate.yaml

      Exits 2 if anything is wrong, each problem printed as file:line:column.
      """)

  @Argument(help: "Playbook and plugin files or folders.")
  var paths: [String] = ["Playbooks", "Plugins"]

  @Flag(name: .shortAndLong, help: "Print only problems.")
  var quiet = false

  @Option(
    name: .customLong("input"),
    help: "Override a named input, as `run --input` does, e.g. subjects=models/ (repeatable).")
  var inputs: [String] = []

  @Option(name: .customLong("plugin-path"), help: "A folder to look for plugins in (repeatable).")
  var pluginPath: [String] = []

  func run() throws {
    let report = Validator.validate(
      paths: paths, options: Validator.Options(inputs: inputs, pluginPath: pluginPath))
    var renderer = DiagnosticRenderer()
    for diagnostic in report.general { Console.error(renderer.render(diagnostic)) }
    for file in report.files {
      for diagnostic in file.diagnostics { Console.error(renderer.render(diagnostic)) }
      if file.ok, !quiet { Console.out("ok  \(file.path)  \(file.summary ?? "")") }
    }
    let failed = report.files.filter { !$0.ok }.count + (report.general.isEmpty ? 0 : 1)
    if !quiet || failed > 0 {
      let errors = report.allDiagnostics.filter { $0.severity == .error }.count
      Console.error(
        failed == 0
          ? "\(report.files.count) file(s) valid"
          : "\(errors) error(s) in \(report.files.filter { !$0.ok }.count) of \(report.files.count) file(s)"
      )
    }
    if !report.ok { throw ExitCode(Exit.inputError) }
  }
}
