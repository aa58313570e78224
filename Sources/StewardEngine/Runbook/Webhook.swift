import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// POSTs a JSON body to an `http://` URL and returns the status line.
///
/// A plain socket rather than URLSession: FoundationNetworking drags libcurl
/// into the static build for one request, and an escalation hook is one
/// short POST. `https` is left to a command hook (`curl`).
enum Webhook {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func post(_ url: String, json: String, timeout: Double) throws -> String {
    guard let parsed = URLComponents(string: url), parsed.scheme == "http",
      let host = parsed.host, !host.isEmpty
    else { throw Failure(description: "not an http:// URL: \(url)") }
    let port = parsed.port ?? 80
    let path =
      (parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath)
      + (parsed.percentEncodedQuery.map { "?" + $0 } ?? "")

    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
      throw Failure(description: "cannot resolve \(host)")
    }
    defer { freeaddrinfo(list) }
    let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
    guard fd >= 0 else { throw Failure(description: "cannot open a socket") }
    defer { close(fd) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1e6))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
      throw Failure(
        description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }
    let body = Array(json.utf8)
    let request =
      "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\n"
      + "Content-Length: \(body.count)\r\nConnection: close\r\nUser-Agent: steward\r\n\r\n"
    let bytes = Array(request.utf8) + body
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { throw Failure(description: "cannot send to \(host):\(port)") }
      sent += n
    }
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while reply.count < 65_536 {
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      reply += buffer[0..<n]
      if reply.contains(10) { break }
    }
    let text = String(decoding: reply, as: UTF8.self)
    guard let line = text.split(separator: "\r\n").first, line.hasPrefix("HTTP/") else {
      throw Failure(description: "no HTTP answer from \(host):\(port)")
    }
    let parts = line.split(separator: " ")
    guard parts.count >= 2, let code = Int(parts[1]) else {
      throw Failure(description: "a malformed HTTP answer: \(line)")
    }
    guard (200..<300).contains(code) else { throw Failure(description: String(line)) }
    return String(line)
  }
}
