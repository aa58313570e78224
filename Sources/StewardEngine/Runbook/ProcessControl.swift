import Dispatch
import Foundation
import Subprocess

#if canImport(System)
  import System
#else
  import SystemPackage
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// Runs one command for a runbook step: in a process group of its own, with
/// stdout and stderr merged and handed over chunk by chunk as it arrives,
/// and a timeout that ends the whole group.
///
/// Built on swift-subprocess. Two things it does not do for us (see
/// docs/decisions/0008-runbook-process-control.md): its teardown stops
/// once the leader has exited, so a child that ignores SIGTERM would
/// survive it; and it has no timeout. So the watchdog here sends SIGTERM
/// to the group, waits the grace period, and then sends SIGKILL to the
/// group whatever became of the leader.
enum ProcessControl {
  struct Outcome: Sendable {
    /// The exit code, or nil when a signal ended the process.
    var exitCode: Int32?
    var signal: Int32?
    var timedOut = false
    /// Why the command could not start (not found, not executable).
    var launchError: String?
    var duration: Double = 0

    var description: String {
      if let launchError { return launchError }
      if timedOut { return "timed out" }
      if let exitCode { return "exit \(exitCode)" }
      return "killed by signal \(signal ?? 0)"
    }
  }

  /// How long a group has between SIGTERM and SIGKILL after a timeout.
  static let grace: Double = 1

  /// Runs `arguments` (the first is the executable, looked up on PATH)
  /// synchronously; `onOutput` gets every chunk of output in order.
  static func run(
    _ arguments: [String], environment: [String: String], directory: String, timeout: Double,
    grace: Double = grace, input: String? = nil, onOutput: @escaping @Sendable ([UInt8]) -> Void
  ) -> Outcome {
    Blocking.run {
      await runAsync(
        arguments, environment: environment, directory: directory, timeout: timeout, grace: grace,
        input: input, onOutput: onOutput)
    }
  }

  static func runAsync(
    _ arguments: [String], environment: [String: String], directory: String, timeout: Double,
    grace: Double, input: String?, onOutput: @escaping @Sendable ([UInt8]) -> Void
  ) async -> Outcome {
    // Off the cooperative pool: when other work holds all its threads (a
    // test suite in parallel on two cores did, for 30 s), the closure that
    // arms the timeout would start only after the command had finished.
    await withTaskExecutorPreference(DispatchExecutor.shared) {
      await supervise(
        arguments, environment: environment, directory: directory, timeout: timeout,
        grace: grace, input: input, onOutput: onOutput)
    }
  }

  private static func supervise(
    _ arguments: [String], environment: [String: String], directory: String, timeout: Double,
    grace: Double, input: String?, onOutput: @escaping @Sendable ([UInt8]) -> Void
  ) async -> Outcome {
    guard let first = arguments.first else {
      return Outcome(launchError: "no command to run")
    }
    let started = DispatchTime.now()
    // Found here rather than by the supervisor, so that "not found" is a
    // launch error, not an exit 127 the step could expect.
    let path: String
    switch locate(first, environment: environment, directory: directory) {
    case .success(let found): path = found
    case .failure(let why):
      var outcome = Outcome(launchError: "cannot run \(first): \(why.description)")
      outcome.duration =
        Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
      return outcome
    }
    var options = PlatformOptions()
    // A group of its own (pgid = pid), so that a timeout reaches every child.
    options.processGroupID = 0
    let (program, rest) = StepSupervisor.wrap(arguments, path: path)
    let watchdog = Watchdog(deadline: started + timeout)
    do {
      let result = try await Subprocess.run(
        .path(FilePath(program)), arguments: Arguments(rest),
        environment: .custom(
          Dictionary(
            uniqueKeysWithValues: environment.map { (.init(stringLiteral: $0.key), $0.value) })),
        workingDirectory: FilePath(directory), platformOptions: options,
        input: .string(input ?? ""), output: .sequence, error: .combinedWithOutput
      ) { execution in
        let pid = execution.processIdentifier.value
        Interrupts.runningGroup = pid
        defer { Interrupts.runningGroup = 0 }
        watchdog.arm(group: pid, grace: grace)
        for try await chunk in execution.standardOutput {
          chunk.withUnsafeBytes { onOutput(Array($0)) }
        }
      }
      let timedOut = watchdog.disarm()
      if timedOut {
        // The leader is gone and the output closed, but a child that ignores
        // SIGTERM and writes elsewhere may live on: let the watchdog send its
        // SIGKILL to the group.
        await watchdog.killed()
      }
      var outcome = Outcome(timedOut: timedOut)
      switch result.terminationStatus {
      case .exited(let code): outcome.exitCode = code
      case .signaled(let signal): outcome.signal = signal
      }
      outcome.duration =
        Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
      return outcome
    } catch {
      _ = watchdog.disarm()
      var outcome = Outcome(launchError: "cannot run \(first): \(describe(error))")
      outcome.duration =
        Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
      return outcome
    }
  }

  struct LaunchFailure: Error, CustomStringConvertible {
    var description: String
  }

  /// The file `command` names: a path (relative to `directory`), or a name
  /// looked up on the command's own PATH.
  static func locate(_ command: String, environment: [String: String], directory: String)
    -> Result<String, LaunchFailure>
  {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder),
      isFolder.boolValue
    else { return .failure(LaunchFailure(description: "no such directory \(directory)")) }
    let candidates: [String]
    if command.contains("/") {
      candidates = [InputFiles.join(directory, command)]
    } else {
      let search = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
      candidates = search.split(separator: ":", omittingEmptySubsequences: false).map {
        InputFiles.join(directory, $0.isEmpty ? "." : String($0)) + "/" + command
      }
    }
    for file in candidates {
      var folder: ObjCBool = false
      if FileManager.default.fileExists(atPath: file, isDirectory: &folder), !folder.boolValue {
        if access(file, X_OK) == 0 { return .success(file) }
        if command.contains("/") { return .failure(LaunchFailure(description: "not executable")) }
      }
    }
    return .failure(LaunchFailure(description: "command not found"))
  }

  static func describe(_ error: any Error) -> String {
    let text = "\(error)"
    if text.contains("executableNotFound") || text.contains("not found") {
      return "command not found"
    }
    return text
  }

  /// The timeout of one command: SIGTERM to its group when it is due,
  /// SIGKILL after the grace period.
  ///
  /// Its timers run on a dispatch queue of their own, not as tasks: a
  /// timer task needs a free thread of Swift's cooperative pool, and when
  /// other work blocks them all (a test suite in parallel on two cores did)
  /// a 500 ms timeout fired 25 s late.
  final class Watchdog: @unchecked Sendable {
    private static let queue = DispatchQueue(label: "steward.runbook.watchdog")
    private let lock = NSLock()
    /// Counted from before the launch, so that a late start of the
    /// supervising code does not lengthen the timeout.
    private let deadline: DispatchTime
    private var armed = false
    private var fired = false
    private var done = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(deadline: DispatchTime) { self.deadline = deadline }

    func arm(group: pid_t, grace: Double) {
      lock.withLock { armed = true }
      Self.queue.asyncAfter(deadline: deadline) { [self] in
        let due = lock.withLock { () -> Bool in
          guard armed else { return false }
          fired = true
          return true
        }
        guard due else { return }
        killpg(group, SIGTERM)
        Self.queue.asyncAfter(deadline: .now() + grace) { [self] in
          killpg(group, SIGKILL)
          let resumed = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            done = true
            defer { waiters = [] }
            return waiters
          }
          for waiter in resumed { waiter.resume() }
        }
      }
    }

    /// Stops a timeout that has not fired; returns whether it had fired.
    func disarm() -> Bool {
      lock.withLock {
        armed = false
        return fired
      }
    }

    /// Returns once the SIGKILL of a fired timeout has been sent.
    func killed() async {
      await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
        let now = lock.withLock { () -> Bool in
          if done { return true }
          waiters.append(waiter)
          return false
        }
        if now { waiter.resume() }
      }
    }
  }
}

/// A task executor on Dispatch's threads, which grow when some block,
/// unlike the cooperative pool's one per core.
///
/// Each job goes to a serial queue of its own: Dispatch gives serial queues
/// a thread whenever they have work ("overcommit"), while a concurrent
/// queue, like the global ones, runs no more jobs at once than there are
/// cores, so two blocked jobs on CI's two cores stalled every process.
final class DispatchExecutor: TaskExecutor {
  static let shared = DispatchExecutor()

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    DispatchQueue(label: "steward.process").async { job.runSynchronously(on: executor) }
  }
}

/// Runs async work to completion from synchronous code (the runner is a
/// plain loop; Lua host calls into it are synchronous too).
public enum Blocking {
  final class Box<T>: @unchecked Sendable {
    var value: T?
  }

  static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = Box<T>()
    let done = DispatchSemaphore(value: 0)
    // On Dispatch's threads: the caller may itself hold a cooperative
    // thread, and with all of them waiting like this nothing would run.
    Task(executorPreference: DispatchExecutor.shared) {
      box.value = await body()
      done.signal()
    }
    done.wait()
    guard let value = box.value else { preconditionFailure("async work finished without a value") }
    return value
  }

  /// `run` for throwing work; for callers outside the cooperative pool
  /// (the command line's main thread).
  public static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T
  {
    try run { () async -> Result<T, any Error> in
      do { return .success(try await body()) } catch { return .failure(error) }
    }.get()
  }
}

/// Hands a non-Sendable value to a task that is its only user.
public final class UncheckedBox<T>: @unchecked Sendable {
  public let value: T
  public init(_ value: T) { self.value = value }
}

/// Ctrl-C at the terminal reaches steward's process group, not the step's
/// (it has a group of its own so that a timeout can end it). Without this,
/// an interrupted steward would leave the step running.
public enum Interrupts {
  /// The group of the command running now, or 0. Read by the signal handler.
  nonisolated(unsafe) static var runningGroup: pid_t = 0

  /// On SIGINT or SIGTERM: SIGKILL to the running step's group, then exit
  /// 130. The timeline so far is on disk; `--resume` continues the run.
  public static func install() {
    let handler: @convention(c) (Int32) -> Void = { _ in
      let group = Interrupts.runningGroup
      if group > 0 { killpg(group, SIGKILL) }
      _exit(130)
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
  }
}
