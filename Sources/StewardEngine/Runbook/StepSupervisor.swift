import CStepSupervisor
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Every command a runbook starts runs under a supervisor: `steward`
/// itself, started again as `steward __supervise-step PARENT PATH ARGV…`.
/// The supervisor leads the step's process group, starts the command in
/// it, and when the runner dies, even by SIGKILL, the kernel tells it
/// (`PR_SET_PDEATHSIG`) and it kills the whole group, grandchildren
/// included (decision 0027).
public enum StepSupervisor {
  static let marker = "__supervise-step"

  /// The program commands are started under; nil when this process is not
  /// the `steward` binary (an engine test), and then they run unsupervised.
  nonisolated(unsafe) static var executable: String?

  /// Call first thing in `steward`'s main: becomes a supervisor when asked
  /// to (and never returns then), or notes that commands can be supervised.
  public static func takeOverIfAsked() {
    let arguments = CommandLine.arguments
    if arguments.count >= 5, arguments[1] == marker {
      let parent = pid_t(arguments[2]) ?? 0
      var argv: [UnsafeMutablePointer<CChar>?] = arguments[4...].map { strdup($0) }
      argv.append(nil)
      _exit(steward_supervise(arguments[3], argv, parent))
    }
    #if os(Linux)
      // The runner's own binary, even if the file was replaced meanwhile.
      executable = "/proc/self/exe"
    #endif
  }

  /// The executable and arguments that run `command` (found at `path`)
  /// under the supervisor, or directly when there is none.
  static func wrap(_ command: [String], path: String) -> (String, [String]) {
    guard let supervisor = executable else { return (path, Array(command.dropFirst())) }
    return (supervisor, [marker, String(getpid()), path] + command)
  }
}
