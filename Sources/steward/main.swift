// The only place that decides exit codes (DESIGN.md): 0 success, 1 the gate
// failed, 2 the input is wrong. ArgumentParser would exit 64 on a usage error
// on Linux; that is mapped to 2 here.
import ArgumentParser
import Foundation
import StewardEngine

/// Parses and runs the command; `steward demo` runs child processes and so
/// is the one asynchronous command.
func runSteward() async -> Never {
  do {
    var command = try StewardCommand.parseAsRoot()
    if var asynchronous = command as? any AsyncParsableCommand {
      try await asynchronous.run()
    } else {
      try command.run()
    }
    exitUnlessOutputWasLost(Exit.success)
  } catch let exit as ExitCode {
    exitUnlessOutputWasLost(exit.rawValue)
  } catch let exit as ExitStatus {
    exitUnlessOutputWasLost(exit.code)
  } catch {
    let code = StewardCommand.exitCode(for: error)
    if code == .success {
      StewardCommand.exit(withError: error)  // --help, --version
    }
    Console.error(StewardCommand.fullMessage(for: error))
    Foundation.exit(Exit.inputError)
  }
}

/// Exits 2 instead of `code` when something printed on stdout was not
/// written (stdout on a full disk): the commands that print with
/// `Console.out` would otherwise end as if all was said.
func exitUnlessOutputWasLost(_ code: Int32) -> Never {
  let lost = Console.lostOutput
  if lost != 0, code != Exit.inputError {
    _ = Output.cannotWrite(Output.stdout, reason: lost)
    Foundation.exit(Exit.inputError)
  }
  Foundation.exit(code)
}

// Before anything else: this process may be a runbook step's supervisor.
StepSupervisor.takeOverIfAsked()
await runSteward()
