import ArgumentParser
import Foundation
import StewardCore
import StewardEngine

struct TestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run the examples that plugin checks declare.",
    discussion: """
      Every check declares examples: a subject and the expected outcome
      (`expect = "fail", at = "owner"`). Each example also runs with its
      subject read back from JSON and with an extra unknown field; the outcome
      must not change.

        steward test                      # every plugin under Plugins/
        steward test Plugins/ml-governance.lua
        steward test ml-governance        # by name, found as `plugins show` finds it

      Exits 1 if an example fails, 2 if a plugin does not load or a path
      holds no plugin.
      """)

  @Argument(help: "Plugin files, folders or installed plugin names (default: Plugins).")
  var plugins: [String] = ["Plugins"]

  @OptionGroup var location: PluginsCommand.Location

  @Flag(name: .shortAndLong, help: "List every example, not only failures.")
  var verbose = false

  func run() throws {
    var registry = PluginRegistry()
    for argument in plugins {
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
    var failed = 0
    var total = 0
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
        "\(bad.isEmpty ? "ok  " : "FAIL") \(plugin.name) \(plugin.version): \(outcomes.count - bad.count)/\(outcomes.count) example runs passed (\(plugin.checks.count) checks)"
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
