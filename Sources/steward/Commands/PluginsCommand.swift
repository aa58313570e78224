import ArgumentParser
import StewardCore
import StewardEngine

struct PluginsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugins",
    abstract: "List installed plugins, or show one with its checks.",
    subcommands: [List.self, Show.self, Meta.self])

  struct Location: ParsableArguments {
    @Option(name: .customLong("plugin-path"), help: "Folders to look for plugins in (repeatable).")
    var pluginPath: [String] = []

    func registry() throws -> PluginRegistry {
      var registry = PluginRegistry(searchPath: pluginPath)
      do { try registry.loadAll(registry.searchPath.filter(InputFiles.isDirectory)) } catch {
        Diagnostics.print(error, file: "")
        throw ExitCode(Exit.inputError)
      }
      return registry
    }

    /// The installed plugin called `name`: `plugins show NAME` and
    /// `steward test NAME` find it the same way.
    func plugin(named name: String) throws -> PluginInfo {
      let registry = try registry()
      guard let plugin = registry.plugin(named: name) else {
        let installed = registry.plugins.map(\.name)
        throw ValidationError(
          "no plugin named \"\(name)\" in \(registry.searchPath.joined(separator: ", ")); installed: \(installed.isEmpty ? "none" : installed.joined(separator: ", "))"
        )
      }
      return plugin
    }
  }

  struct List: ParsableCommand {
    // Named here: otherwise ArgumentParser derives the name from the type's
    // description, which demangles its metadata on every start (a quarter
    // of `steward --version`'s instructions).
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List plugins and their checks, each with its parameters and an example.")
    @OptionGroup var location: Location

    func run() throws {
      let registry = try location.registry()
      if registry.plugins.isEmpty {
        Console.out("no plugins found in \(registry.searchPath.joined(separator: ", "))")
      }
      for plugin in registry.plugins {
        Console.out("\(plugin.name) \(plugin.version)  \(plugin.path)")
        if !plugin.description.isEmpty { Console.out("  \(plugin.description)") }
        for check in plugin.checks {
          Console.out("  check \(check.id) [\(check.severity.rawValue)]: \(check.description)")
          Console.out("    params: \(check.paramsSummary)")
          if let example = check.exampleSummary() { Console.out("    example: \(example)") }
        }
        for (kind, ids) in plugin.others.sorted(by: { $0.key < $1.key }) {
          for id in ids { Console.out("  \(kind) \(id)") }
        }
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show a plugin's checks, parameters and examples.")
    @Argument(help: "The plugin's name.") var name: String
    @OptionGroup var location: Location

    func run() throws {
      let plugin = try location.plugin(named: name)
      Console.out("\(plugin.name) \(plugin.version)  (\(plugin.path))")
      if !plugin.description.isEmpty { Console.out(plugin.description) }
      for check in plugin.checks {
        Console.out("")
        Console.out(
          "check \(plugin.name).\(check.id)  severity \(check.severity.rawValue)  (\(check.mark))")
        Console.out("  \(check.description)")
        if let remediation = check.remediation { Console.out("  fix: \(remediation)") }
        if check.params.isEmpty { Console.out("  parameters: none") }
        for p in check.params {
          let d = p.defaultText.map { p.defaultValue == nil ? " (\($0))" : " = \($0)" } ?? ""
          let range = p.rangeText.map { " " + $0 } ?? ""
          Console.out("  param \(p.name): \(p.type.rawValue)\(range)\(d)  \(p.description)")
        }
        if let example = check.examples.first {
          Console.out("  example: \(JSONText.render(example, pretty: false))")
        }
      }
    }
  }

  struct Meta: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "meta",
      abstract: "Print the steward API's annotations for lua-language-server.",
      discussion: """
          steward plugins meta > .steward/lua/steward.meta.lua

        `steward new plugin NAME` writes this file, with a .luarc.json that
        points the editor at it, when the folder has none; after upgrading
        Steward, this refreshes it. docs/lua-api.md has the details.
        """)

    func run() throws {
      // The file ends with its newline, and `deliver` adds one of its own.
      var text = LuaAnnotations.text
      if text.hasSuffix("\n") { text.removeLast() }
      try Output.deliver(text, to: nil)
    }
  }
}
