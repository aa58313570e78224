import StewardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a whole file into a buffer the caller owns, refusing it before
/// reading when it is larger than the limit, or when it is not a regular
/// file (a FIFO or a device would block the run or never end).
public enum FileInput {
  /// The bytes of the data file at `path`, with the same refusals as every
  /// YAML, JSON and CSV file: for a reader that scans bytes itself.
  public static func bytes(path: String, maxBytes: Int) throws(YAMLError) -> [UInt8] {
    let buffer = try read(path: path, maxBytes: maxBytes)
    defer { buffer.deallocate() }
    return Array(buffer)
  }

  /// The bytes of `path`; the caller deallocates the buffer (or hands it to
  /// a ``LibYAMLParser``, which does).
  static func read(path: String, maxBytes: Int) throws(YAMLError) -> UnsafeMutableBufferPointer<
    UInt8
  > {
    let fileMark = SourceMark(file: path, line: 0, column: 0)
    // Opening a FIFO waits for a writer and reading a device may never end:
    // look before opening, then again on what was opened (the path may have
    // changed in between; O_NONBLOCK keeps that open from waiting).
    var info = stat()
    guard stat(path, &info) == 0 else { throw unreadable(path, at: fileMark) }
    try refuseIrregular(info, path, at: fileMark)
    let fd = open(path, O_RDONLY | O_NONBLOCK)
    guard fd >= 0 else { throw unreadable(path, at: fileMark) }
    defer { close(fd) }
    guard fstat(fd, &info) == 0 else { throw unreadable(path, at: fileMark) }
    try refuseIrregular(info, path, at: fileMark)
    let size = Int(info.st_size)
    guard size <= maxBytes else { throw tooLarge(size, maxBytes, at: fileMark) }
    // Read until end of file, not just `size` bytes: a file that grew
    // still meets the limit.
    var capacity = max(size + 1, 4096)
    var base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    var count = 0
    while true {
      if count == capacity {
        guard count <= maxBytes else {
          base.deallocate()
          throw tooLarge(count, maxBytes, at: fileMark)
        }
        capacity *= 2
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
      }
      let n = readBytes(fd, base + count, capacity - count)
      if n < 0 {
        if errno == EINTR { continue }
        base.deallocate()
        throw unreadable(path, at: fileMark)
      }
      if n == 0 { break }
      count += n
    }
    guard count <= maxBytes else {
      base.deallocate()
      throw tooLarge(count, maxBytes, at: fileMark)
    }
    return UnsafeMutableBufferPointer(start: base, count: count)
  }

  /// Only a regular file (or a link to one) is data; anything else is
  /// refused by what it is.
  private static func refuseIrregular(_ info: stat, _ path: String, at mark: SourceMark)
    throws(YAMLError)
  {
    let what: String
    switch info.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: what = "it is a directory"
    case S_IFIFO: what = "it is a FIFO (named pipe), not a regular file"
    case S_IFCHR, S_IFBLK: what = "it is a device, not a regular file"
    case S_IFSOCK: what = "it is a socket, not a regular file"
    default: what = "it is not a regular file"
    }
    throw YAMLError(.unreadable, at: mark, "cannot read \(path): \(what)")
  }

  private static func unreadable(_ path: String, at mark: SourceMark) -> YAMLError {
    let reason = String(cString: strerror(errno))
    return YAMLError(.unreadable, at: mark, "cannot read \(path): \(reason)")
  }

  static func tooLarge(_ size: Int, _ limit: Int, at mark: SourceMark) -> YAMLError {
    YAMLError(
      .fileTooLarge, at: mark,
      "input of \(size) bytes is larger than the limit of \(limit) bytes")
  }
}

/// `read(2)`, named apart from ``FileInput/read(path:maxBytes:)``.
@inline(__always)
private func readBytes(_ fd: Int32, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
  read(fd, p, n)
}
