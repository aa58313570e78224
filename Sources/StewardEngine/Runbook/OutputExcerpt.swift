/// What a runner keeps of a command's output: the first and last bytes and
/// a count of all of them, so a step that prints 100 MB costs a few hundred
/// kilobytes of memory, not 100 MB.
public struct OutputExcerpt: Sendable, Equatable {
  public var head: String
  public var tail: String
  /// Every byte the command printed (after redaction).
  public var totalBytes: Int

  public init(head: String = "", tail: String = "", totalBytes: Int = 0) {
    self.head = head
    self.tail = tail
    self.totalBytes = totalBytes
  }

  /// Whether bytes between head and tail were dropped.
  public var truncated: Bool { head.utf8.count + tail.utf8.count < totalBytes }

  /// The kept output as one text; a marker says how much was left out.
  public var text: String {
    guard truncated else { return head + tail }
    let dropped = totalBytes - head.utf8.count - tail.utf8.count
    return head + "\n[… \(dropped) bytes not kept …]\n" + tail
  }

  /// The last non-empty line, for one-line summaries.
  public var lastLine: String {
    (tail.isEmpty ? head : tail).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
  }
}

/// Collects output into a bounded head and tail.
final class OutputCollector: @unchecked Sendable {
  let headLimit: Int
  let tailLimit: Int
  private(set) var head: [UInt8] = []
  private var tail: [UInt8] = []
  private(set) var total = 0

  init(headLimit: Int = 32 << 10, tailLimit: Int = 32 << 10) {
    self.headLimit = headLimit
    self.tailLimit = tailLimit
    head.reserveCapacity(headLimit)
  }

  func append(_ bytes: some Collection<UInt8>) {
    total += bytes.count
    var rest = bytes[...]
    if head.count < headLimit {
      let room = headLimit - head.count
      head.append(contentsOf: rest.prefix(room))
      rest = rest.dropFirst(room)
    }
    guard !rest.isEmpty else { return }
    tail.append(contentsOf: rest.suffix(tailLimit))
    // Trimmed in batches so that appending stays linear.
    if tail.count > 2 * tailLimit { tail.removeFirst(tail.count - tailLimit) }
  }

  /// Bytes held now: what the bound is about.
  var retainedBytes: Int { head.capacity + tail.capacity }

  var excerpt: OutputExcerpt {
    let keptTail = tail.suffix(tailLimit)
    return OutputExcerpt(
      head: String(decoding: head, as: UTF8.self),
      tail: String(decoding: keptTail, as: UTF8.self), totalBytes: total)
  }
}
