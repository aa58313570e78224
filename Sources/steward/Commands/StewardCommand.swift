import ArgumentParser
import StewardEngine

struct StewardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "steward",
    abstract:
      "Playbooks and Lua plugins for data-science teams: audits, surveys, runbooks, rituals.",
    discussion: """
      Exit codes: 0 success, 1 the gate failed, 2 the input is wrong,
      3 waiting on a person (an approval or a sign-off).
      """,
    version: StewardVersion.current,
    subcommands: [
      RunCommand.self, ValidateCommand.self, TestCommand.self, PluginsCommand.self,
      NewCommand.self, InspectCommand.self, HistoryCommand.self, DemoCommand.self,
      ApproveCommand.self, TimelineCommand.self, WaiversCommand.self, SignoffCommand.self,
    ]
  )
}
