import Synchronization

/// Strings of up to 15 UTF-8 bytes made recently, found again by their
/// bytes: the keys of a stream and its repeated values (`production`,
/// `holdout`, …) are decoded once per load instead of once per node.
///
/// Direct-mapped, 512 slots; a miss decodes and replaces the slot. Such
/// strings are stored inline (no heap object), so handing out a copy costs
/// no reference counting, and the result is the same `String` that
/// `String(decoding:as:)` makes from those bytes.
struct ShortStrings: ~Copyable {
  private struct Slot {
    var length: Int
    var head: UInt64
    var tail: UInt64
    var string: String
  }

  private static let slotCount = 512
  private let slots: UnsafeMutablePointer<Slot>

  /// Tables left by earlier loads, kept filled: setting up 512 slots for
  /// every one of 10,000 small cards was a few percent of reading them, and
  /// the keys of one card are mostly the keys of the next.
  private static let pool = Mutex<[Table]>([])
  private static let poolLimit = 64

  /// A table between two loads, owned by the pool alone.
  private struct Table: @unchecked Sendable {
    var slots: UnsafeMutablePointer<Slot>
  }

  init() {
    if let reused = Self.pool.withLock({ $0.popLast() }) {
      slots = reused.slots
      return
    }
    slots = .allocate(capacity: Self.slotCount)
    slots.initialize(
      repeating: Slot(length: -1, head: 0, tail: 0, string: ""), count: Self.slotCount)
  }

  deinit {
    let table = Table(slots: slots)
    let kept = Self.pool.withLock { pool -> Bool in
      guard pool.count < Self.poolLimit else { return false }
      pool.append(table)
      return true
    }
    if !kept {
      slots.deinitialize(count: Self.slotCount)
      slots.deallocate()
    }
  }

  /// The string of the `n` bytes at `p`, decoded as UTF-8 (repairing).
  @inline(__always)
  func make(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
    guard n <= 15 else {
      return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
    var words: (UInt64, UInt64) = (0, 0)
    withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: p, byteCount: n) }
    let hash =
      (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)
    let slot = slots + Int(truncatingIfNeeded: (hash ^ (hash >> 29)) & UInt64(Self.slotCount - 1))
    if slot.pointee.length == n && slot.pointee.head == words.0 && slot.pointee.tail == words.1 {
      return slot.pointee.string
    }
    let string = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    slot.pointee = Slot(length: n, head: words.0, tail: words.1, string: string)
    return string
  }
}
