import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A one-request HTTP server on 127.0.0.1 for tests that post somewhere:
/// it accepts one connection on a thread, keeps the request, answers
/// `status`. Never the network. (In TestSupport: the engine's tests and
/// the end-to-end tests of the binary both post to it.)
public final class LoopbackServer: @unchecked Sendable {
  public let port: UInt16
  private let fd: Int32
  private let lock = NSLock()
  private var request = ""
  private let done = DispatchSemaphore(value: 0)

  public init(status: Int) throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.fd = fd
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0, listen(fd, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
    withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    port = UInt16(bigEndian: address.sin_port)
    let listener = fd
    Thread.detachNewThread { [self] in
      let client = accept(listener, nil, nil)
      var text = ""
      var buffer = [UInt8](repeating: 0, count: 65536)
      // Read headers, then as much body as Content-Length says.
      while true {
        let n = read(client, &buffer, buffer.count)
        if n <= 0 { break }
        text += String(decoding: buffer[0..<n], as: UTF8.self)
        if let end = text.range(of: "\r\n\r\n") {
          let headers = text[..<end.lowerBound].lowercased()
          let length =
            headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap {
              Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            } ?? 0
          if text.utf8.count - text[..<end.upperBound].utf8.count >= length { break }
        }
      }
      let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
      _ = reply.withCString { write(client, $0, strlen($0)) }
      close(client)
      close(listener)
      lock.lock()
      request = text
      lock.unlock()
      done.signal()
    }
  }

  /// The request, once it has been answered (waits up to 10 s).
  public func received() -> String {
    _ = done.wait(timeout: .now() + 10)
    lock.lock()
    defer { lock.unlock() }
    return request
  }
}
