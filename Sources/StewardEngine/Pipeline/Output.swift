import Foundation
import StewardCore

/// Writes report files so that a crash or a full disk never leaves half a
/// report behind: write beside the target, then rename over it. The text is
/// written straight from the string's storage: a 10,000-card JSON report is
/// about 100 MB, and each extra copy would add that much to peak memory.
public enum Output {
  public static func writeAtomically(_ text: String, to path: String) throws {
    try writeAtomically(Array(text.utf8), to: path)
  }

  public static func writeAtomically(_ utf8: [UInt8], to path: String) throws {
    try writeAtomically(to: path) { sink in sink(utf8) }
  }

  /// Writes `text` to `path` (atomically) or to stdout when `path` is nil,
  /// ending with a newline; a failed write is said and exits 2 either way.
  public static func deliver(_ text: String, to path: String?) throws {
    guard let path else {
      if !Console.out(text) { throw cannotWrite(stdout, reason: Console.lostOutput) }
      return
    }
    try writeAtomically(text, to: path)
  }

  /// Writes what `produce` hands its sink, in order, to `path` (atomically)
  /// or to stdout when `path` is nil, ending with a newline.
  public static func stream(
    to path: String?, _ produce: (@escaping @Sendable ([UInt8]) -> Void) -> Void
  ) throws {
    guard let path else {
      let writer = Writer(fd: 1)
      produce(writer.write)
      if !writer.finish() { throw cannotWrite(stdout, reason: writer.failure) }
      return
    }
    try writeAtomically(to: path, produce)
  }

  /// How messages name standard output.
  public static let stdout = "stdout"

  /// Says on stderr that the report did not reach `target`, and gives the
  /// exit to throw: the input was fine, but a report that is lost must not
  /// look like a run that passed.
  public static func cannotWrite(_ target: String, reason code: Int32) -> ExitStatus {
    Console.error("\(target): error: cannot write the report: \(String(cString: strerror(code)))")
    return ExitStatus(Exit.inputError)
  }

  public static func writeAtomically(
    to path: String, _ produce: (@escaping @Sendable ([UInt8]) -> Void) -> Void
  ) throws {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    let regular =
      !exists
      || ((try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType)
        == .typeRegular)
    // /dev/null, a pipe or a terminal cannot be replaced by a rename.
    let target = regular ? path + ".steward-tmp-\(getpid())" : path
    let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var ok = fd >= 0
    var failure: Int32 = 0
    if ok {
      let writer = Writer(fd: fd)
      produce(writer.write)
      ok = writer.finish()
      failure = writer.failure
      ok = close(fd) == 0 && ok
    }
    if ok, regular { ok = rename(target, path) == 0 }
    if !ok {
      let code = failure != 0 ? failure : errno
      if regular { unlink(target) }
      throw cannotWrite(path, reason: code)
    }
  }

  /// A sink for one file descriptor that remembers a failed write (and then
  /// writes nothing more) and whether the text ended with a newline.
  ///
  /// Pieces are written on a queue of their own while the caller builds the
  /// next one: writing 100 MB of report took a tenth of a second that the
  /// cores building it could use. At most `inFlight` pieces wait, so memory
  /// stays bounded when the disk is slower than the report.
  public final class Writer: @unchecked Sendable {
    private let fd: Int32
    private let queue = DispatchQueue(label: "steward.output")
    private let inFlight = DispatchSemaphore(value: 4)
    /// Read and written on `queue` only (until `finish` returns).
    private var ok = true
    /// The `errno` of the write that failed: `errno` belongs to the thread
    /// that wrote, not to the caller.
    public private(set) var failure: Int32 = 0
    /// Written by the one caller of `write` and `finish`.
    private var last: UInt8?

    public init(fd: Int32) { self.fd = fd }

    public func write(_ bytes: [UInt8]) {
      guard !bytes.isEmpty else { return }
      last = bytes.last
      inFlight.wait()
      queue.async { [self] in
        if ok {
          ok = writeAll(fd, bytes)
          if !ok { failure = errno }
        }
        inFlight.signal()
      }
    }

    /// Waits for the pieces, then adds the final newline if the text lacks
    /// one; false if a write failed.
    @discardableResult public func finish() -> Bool {
      let last = self.last
      return queue.sync {
        // Bytes, not Characters: "\r\n" is one Character, so a CRLF text
        // (iCalendar) checked as a String would not end with "\n".
        if ok, last != UInt8(ascii: "\n") {
          ok = writeAll(fd, "\n")
          if !ok { failure = errno }
        }
        return ok
      }
    }
  }

  /// Writes all of `text` to `fd`, retrying short writes.
  public static func writeAll(_ fd: Int32, _ text: String) -> Bool {
    var text = text
    return text.withUTF8 { writeAll(fd, $0) }
  }

  public static func writeAll(_ fd: Int32, _ utf8: [UInt8]) -> Bool {
    utf8.withUnsafeBufferPointer { writeAll(fd, $0) }
  }

  public static func writeAll(_ fd: Int32, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    var offset = 0
    while offset < buffer.count {
      let n = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += n
    }
    return true
  }
}

/// Prints any error as `file:line:column: error: …` with the source line.
public enum Diagnostics {
  /// Enough to act on; ten thousand broken cards should not scroll for a minute.
  public static let limit = 50

  public static func print(_ error: any Error, file: String) {
    var renderer = DiagnosticRenderer()
    let all = Validator.diagnostics(of: error, file: file)
    for diagnostic in all.prefix(limit) {
      Console.error(renderer.render(diagnostic))
    }
    if all.count > limit {
      Console.error("… and \(all.count - limit) more problems (\(all.count) in all)")
    }
  }
}
