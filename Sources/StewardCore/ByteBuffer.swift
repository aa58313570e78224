/// A growable run of bytes with value semantics (copied on write), for
/// writers that append many short pieces: `[UInt8].append(contentsOf:)`
/// goes through the generic sequence machinery, about a hundred
/// instructions for a three-byte piece, and a 10,000-card report appends
/// some four million of them.
///
/// ```swift
/// var buffer = ByteBuffer()
/// buffer.append(UInt8(ascii: "["))
/// buffer.append("1,2")
/// buffer.append(UInt8(ascii: "]"))
/// buffer.array  // Array("[1,2]".utf8)
/// ```
public struct ByteBuffer: Sendable {
  private final class Storage: @unchecked Sendable {
    // Mutated only through a uniquely referenced buffer (copy on write).
    var base: UnsafeMutablePointer<UInt8>
    var count = 0
    var capacity: Int

    init(capacity: Int) {
      self.capacity = max(capacity, 64)
      base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    func copy() -> Storage {
      let copy = Storage(capacity: capacity)
      copy.base.initialize(from: base, count: count)
      copy.count = count
      return copy
    }

    func grow(toAtLeast needed: Int) {
      var bigger = capacity * 2
      while bigger < needed { bigger *= 2 }
      let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
      fresh.initialize(from: base, count: count)
      base.deallocate()
      base = fresh
      capacity = bigger
    }
  }

  private var storage: Storage

  public init(capacity: Int = 0) {
    storage = Storage(capacity: capacity)
  }

  public var count: Int { storage.count }
  public var isEmpty: Bool { storage.count == 0 }

  /// The bytes, copied into an array.
  public var array: [UInt8] {
    Array(UnsafeBufferPointer(start: storage.base, count: storage.count))
  }

  /// Calls `body` with the bytes in place.
  public func withUnsafeBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try withExtendedLifetime(storage) {
      try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }
  }

  /// Room for `extra` more bytes, in a buffer this value alone holds.
  @inline(__always)
  private mutating func reserve(_ extra: Int) -> Storage {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    let storage = self.storage
    if storage.capacity - storage.count < extra { storage.grow(toAtLeast: storage.count + extra) }
    return storage
  }

  public mutating func reserveCapacity(_ capacity: Int) {
    _ = reserve(max(0, capacity - count))
  }

  @inline(__always)
  public mutating func append(_ byte: UInt8) {
    let storage = reserve(1)
    storage.base[storage.count] = byte
    storage.count += 1
  }

  @inline(__always)
  public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    let storage = reserve(bytes.count)
    (storage.base + storage.count).initialize(from: source, count: bytes.count)
    storage.count += bytes.count
  }

  public mutating func append(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { append($0) }
  }

  public mutating func append(_ other: ByteBuffer) {
    other.withUnsafeBytes { append($0) }
  }

  public mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { append($0) }
  }

  public mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { append($0) }
  }

  /// `count` copies of `byte`.
  public mutating func append(repeating byte: UInt8, count: Int) {
    guard count > 0 else { return }
    let storage = reserve(count)
    (storage.base + storage.count).initialize(repeating: byte, count: count)
    storage.count += count
  }

  public mutating func removeAll(keepingCapacity: Bool = false) {
    if keepingCapacity, isKnownUniquelyReferenced(&storage) {
      storage.count = 0
    } else {
      storage = Storage(capacity: keepingCapacity ? storage.capacity : 0)
    }
  }
}
