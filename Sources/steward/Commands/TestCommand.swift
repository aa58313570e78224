import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

struct TestCommand: ParsableCommand {
  /// A YAML or JSON file, or a Lua file that returns a playbook: its
  /// fixtures are run, not its examples.
  static func isPlaybook(_ argument: String) -> Bool {
    let ext = (argument as NSString).pathExtension.lowercased()
    if ["yaml", "yml", "json"].contains(ext) { return true }
    return ext == "lua" && LuaPlaybookLoader.returnsPlaybook(path: argument)
  }

  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run the examples that plugin checks declare, or an audit playbook's fixtures.",
    discussion: """
      Every check declares examples: a subject and the expected outcome
      (`expect = "fail", at = "owner"`). Each example also runs with its
      subject read back from JSON and with an extra unknown field; the outcome
      must not change.

        steward test                      # every plugin under Plugins/
        steward test Plugins/ml-governance.lua
        steward test ml-governance        # by name, found as `plugins show` finds it

      Given an audit playbook, runs the fixtures beside it (NAME.tests.yaml,
      or the file its tests: names): each a subject and the status each
      check must give it, through the playbook's own checks, built-in and
      inline ones too, and its waivers.

        steward test Playbooks/deployment-gate.yaml

      STEWARD_LOG=LEVEL says what plugins log (steward.log.*) on stderr,
      each line as `log: LEVEL: example N of CHECK: message` (a fixture's as
      `CHECK on SUBJECT`).

      Exits 1 if an example or fixture fails, 2 if a plugin, playbook or
      fixture cannot be read (a misspelt key, a missing expect, a parameter
      the check does not take) or a path holds no plugin.
      """)

  @Argument(help: "Plugin files, folders or installed plugin names (default: Plugins).")
  var plugins: [String] = ["Plugins"]

  @OptionGroup var location: PluginsCommand.Location

  @Flag(name: .shortAndLong, help: "List every example, not only failures.")
  var verbose = false

  /// `STEWARD_LOG=LEVEL` says what the plugins log meanwhile, as `run`
  /// does (`--verbose` here lists the examples).
  func run() throws {
    try PluginLog.$echo.withValue(try PluginLog.level(verbose: false)) { try runTests() }
  }

  func runTests() throws {
    let playbooks = plugins.filter(Self.isPlaybook)
    var failed = 0
    var total = 0
    for playbook in playbooks {
      let report: AuditFixtures.Report
      do {
        report = try AuditFixtures.run(playbook: playbook, pluginPath: location.pluginPath)
      } catch {
        Diagnostics.print(error, file: playbook)
        throw ExitCode(Exit.inputError)
      }
      let bad = report.outcomes.filter { !$0.passed }
      total += report.outcomes.count
      failed += bad.count
      Console.out(
        "\(bad.isEmpty ? "ok  " : "FAIL") \(report.playbook): \(report.outcomes.count - bad.count)/\(report.outcomes.count) expectations of \(English.count(report.fixtures, "fixture")) met; \(report.checks - report.uncovered.count) of \(report.checks) checks covered"
      )
      for o in report.outcomes where verbose || !o.passed {
        Console.out(
          Printable.escape(
            "  \(o.passed ? "ok  " : "FAIL") \(o.mark): \(o.fixture): \(o.check) expected \(o.expected), got \(o.actual)"
              + (o.message.isEmpty || o.passed ? "" : " (\(o.message))")))
      }
      if !report.uncovered.isEmpty {
        Console.out("  not covered: \(report.uncovered.joined(separator: ", "))")
      }
    }
    if playbooks.count == plugins.count {
      if failed > 0 { throw ExitCode(Exit.gateFailed) }
      return
    }
    var registry = PluginRegistry()
    for argument in plugins where !Self.isPlaybook(argument) {
      // A path wins over a name; a bare word that is no file is a name,
      // except the default folder, whose absence is said as such.
      let isName =
        !FileManager.default.fileExists(atPath: argument) && !argument.contains("/")
        && !argument.hasSuffix(".lua") && argument != "Plugins"
      let installed = isName ? try location.plugin(named: argument).path : nil
      do {
        if let installed {
          try registry.load(path: installed)
        } else {
          try registry.loadPlugins(at: argument)
        }
      } catch {
        Diagnostics.print(error, file: argument)
        throw ExitCode(Exit.inputError)
      }
    }
    for plugin in registry.plugins {
      let outcomes: [ExampleRunner.Outcome]
      do { outcomes = try ExampleRunner().run(plugin) } catch {
        Diagnostics.print(error, file: plugin.path)
        throw ExitCode(Exit.inputError)
      }
      let bad = outcomes.filter { !$0.passed }
      total += outcomes.count
      failed += bad.count
      Console.out(
        "\(bad.isEmpty ? "ok  " : "FAIL") \(plugin.name) \(plugin.version): \(outcomes.count - bad.count)/\(outcomes.count) example runs passed (\(English.count(plugin.checks.count, "check")))"
      )
      for o in outcomes where verbose || !o.passed {
        let variant = o.variant.isEmpty ? "" : " (\(o.variant))"
        Console.out(
          "  \(o.passed ? "ok  " : "FAIL") \(o.mark): \(o.check) example \(o.example)\(variant): expected \(o.expected), got \(o.actual)"
        )
      }
    }
    Console.out("\(total - failed) of \(total) example runs passed")
    if failed > 0 { throw ExitCode(Exit.gateFailed) }
  }
}
