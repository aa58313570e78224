import StewardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a whole file into a buffer the caller owns, refusing it before
/// reading when it is larger than the limit.
enum FileInput {
  /// The bytes of `path`; the caller deallocates the buffer (or hands it to
  /// a ``LibYAMLParser``, which does).
  static func read(path: String, maxBytes: Int) throws(YAMLError) -> UnsafeMutableBufferPointer<
    UInt8
  > {
    let fileMark = SourceMark(file: path, line: 0, column: 0)
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw unreadable(path, at: fileMark) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw unreadable(path, at: fileMark) }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw YAMLError(.unreadable, at: fileMark, "cannot read \(path): it is a directory")
    }
    let size = Int(info.st_size)
    guard size <= maxBytes else { throw tooLarge(size, maxBytes, at: fileMark) }
    // Read until end of file, not just `size` bytes: a file that grew, or a
    // pipe whose size fstat cannot tell, still meets the limit.
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
