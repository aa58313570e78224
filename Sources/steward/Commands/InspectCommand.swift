import ArgumentParser
import StewardCore
import StewardEngine

struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Print, as JSON, how Steward reads a YAML, JSON, CSV or Markdown file.",
    discussion: """
      Each node is shown with its type and line:column, so you can see that
      `no` stayed a string, `1.10` became the number 1.1, or a CSV row kept
      its line number. A Markdown model card (README.md) shows its front
      matter as `metadata`, its headings as `sections` and its model-index
      as `results`.

        steward inspect Examples/streamrec/models/ad-targeting.yaml
        steward inspect Examples/hf-cards/distilbert-sst2/README.md
        steward inspect --plain responses.csv
      """)

  @Argument(help: "The file to read.")
  var file: String

  @Flag(help: "Print the documents as plain JSON values, without types and positions.")
  var plain = false

  func run() throws {
    let text: String
    do {
      text = try Inspector.inspect(path: file, plain: plain)
    } catch {
      Diagnostics.print(error, file: file)
      throw ExitCode(Exit.inputError)
    }
    try Output.deliver(text, to: nil)
  }
}
