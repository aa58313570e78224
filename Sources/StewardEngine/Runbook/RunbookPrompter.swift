import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Answers a runbook's questions: from an answers file, from `--yes`, or
/// from the operator at a terminal, in that order. With none of them, a
/// question fails the run with a message that says what to pass.
public struct RunbookPrompter: Sendable {
  /// Answers by step id (`--answers FILE`).
  public var answers: [String: String] = [:]
  public var answersFile: String?
  /// `--yes`: every confirmation is answered yes.
  public var yes = false
  /// Whether standard input is a terminal someone can type at.
  public var interactive = isatty(STDIN_FILENO) == 1

  public init() {}

  struct Answer {
    var text: String
    var who: String
  }

  struct Refusal: Error {
    // A plain value: a typed throw would crash the release optimizer.
    var message: String
  }

  /// Who runs steward: `STEWARD_USER` (a name for the record, e.g. on a
  /// shared account), else `USER`. Said, not authenticated.
  static var user: String {
    let env = ProcessInfo.processInfo.environment
    if let name = env["STEWARD_USER"], !name.isEmpty { return name }
    if let name = env["USER"] { return name }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
      return String(cString: name)
    }
    return "uid \(getuid())"
  }

  func ask(step: String, prompt: RunbookPrompt, text: String) -> Result<Answer, Refusal> {
    if let given = answers[step] {
      let who = "answers file \(answersFile ?? "")"
      guard let normal = Self.normalize(given, prompt.kind) else {
        return .failure(
          Refusal(
            message:
              "step \(step): the answers file says \"\(given)\"; a confirmation takes yes, no or skip"
          ))
      }
      return .success(Answer(text: normal, who: who))
    }
    if yes {
      switch prompt.kind {
      case .confirm: return .success(Answer(text: "yes", who: "\(Self.user) via --yes"))
      case .text:
        if let d = prompt.defaultAnswer {
          return .success(Answer(text: d, who: "\(Self.user) via --yes (default)"))
        }
      }
    }
    guard interactive else {
      return .failure(
        Refusal(
          message:
            "step \(step) asks \"\(text)\" and there is no terminal to answer it; run with --yes, or --answers FILE (a YAML map of step id to answer)"
        ))
    }
    let hint =
      prompt.kind == .confirm ? " [yes/no/skip]" : (prompt.defaultAnswer.map { " [\($0)]" } ?? "")
    let terminal = ttyname(STDIN_FILENO).map { String(cString: $0) } ?? "stdin"
    for _ in 0..<5 {
      FileHandle.standardError.write(Data("? \(text)\(hint) ".utf8))
      guard let line = readLine() else { break }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      let given = trimmed.isEmpty ? (prompt.defaultAnswer ?? "") : trimmed
      if let normal = Self.normalize(given, prompt.kind), !normal.isEmpty {
        return .success(Answer(text: normal, who: "\(Self.user) at \(terminal)"))
      }
      FileHandle.standardError.write(Data("  please answer yes, no or skip\n".utf8))
    }
    return .failure(Refusal(message: "step \(step): no answer to \"\(text)\""))
  }

  /// A secret typed at the terminal, not echoed; nil without a terminal.
  func secret(_ name: String) -> String? {
    guard interactive, let typed = getpass("secret \(name) (not echoed): ") else { return nil }
    let value = String(cString: typed)
    return value.isEmpty ? nil : value
  }

  static func normalize(_ text: String, _ kind: RunbookPrompt.Kind) -> String? {
    guard kind == .confirm else { return text }
    switch text.lowercased() {
    case "y", "yes", "true": return "yes"
    case "n", "no", "false": return "no"
    case "s", "skip": return "skip"
    default: return nil
    }
  }
}
