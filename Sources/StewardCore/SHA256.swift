import CSHA256

/// SHA-256 (FIPS 180-4), for the content hashes the history keeps. Written here
/// rather than taken from swift-crypto: see docs/decisions/0007-history-store.md.
/// In the core, so that loaders can hash a file's bytes while they hold them.
/// On x86-64 with the SHA extensions the blocks go through them (CSHA256,
/// decision 0019), about seven times as fast as the Swift block function
/// (`scripts/bench hash`), which every other machine uses.
///
/// ```swift
/// SHA256.hex(Array("abc".utf8))
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
public struct SHA256: Sendable {
  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
    0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
    0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
    0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
    0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
    0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
    0xc671_78f2,
  ]

  private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
    0x5be0_cd19
  )
  /// Bytes of an unfinished block, fewer than 64.
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  /// Whether this machine's CPU has the SHA extensions.
  public static let hardwareAvailable = stw_sha256_hardware() != 0

  /// Whether this hasher uses them.
  public let usesHardware: Bool

  /// `hardware: false` keeps to the Swift block function (the tests check
  /// both against the same vectors).
  public init(hardware: Bool = SHA256.hardwareAvailable) {
    usesHardware = hardware && SHA256.hardwareAvailable
  }

  /// Feeds more bytes. Whole blocks are compressed where they lie: the audit
  /// hashes every subject file it reads, ten thousand of them in a run.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard var base = bytes.baseAddress, bytes.count > 0 else { return }
    var count = bytes.count
    length &+= UInt64(count)
    if !pending.isEmpty {
      let take = min(64 - pending.count, count)
      pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
      base += take
      count -= take
      guard pending.count == 64 else { return }
      pending.withUnsafeBytes { if let block = $0.baseAddress { compress(block, blocks: 1) } }
      pending.removeAll(keepingCapacity: true)
    }
    if count >= 64 {
      compress(base, blocks: count / 64)
      base += count / 64 * 64
      count %= 64
    }
    if count > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: count)) }
  }

  /// Feeds more bytes.
  public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
    if done == nil { Array(bytes).withUnsafeBytes { update($0) } }
  }

  /// The 32-byte digest of everything fed so far.
  public func finalize() -> [UInt8] {
    var copy = self
    let bits = length &* 8
    var tail: [UInt8] = [0x80]
    while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) {
      tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
    }
    let last = pending + tail
    last.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      copy.compress(base, blocks: buffer.count / 64)
    }
    let h = copy.h
    return [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7].flatMap { word in
      [
        UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16),
        UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word),
      ]
    }
  }

  /// The digest of `bytes` as 64 lowercase hex digits.
  public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.hexDigest()
  }

  /// The digest of `bytes` as 64 lowercase hex digits.
  public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.hexDigest()
  }

  /// ``finalize()`` as 64 lowercase hex digits.
  public func hexDigest() -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in finalize() {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `blocks` 64-byte blocks from `base` on.
  private mutating func compress(_ base: UnsafeRawPointer, blocks: Int) {
    if usesHardware {
      withUnsafeMutableBytes(of: &h) { state in
        guard let words = state.baseAddress?.assumingMemoryBound(to: UInt32.self) else { return }
        stw_sha256_blocks(words, base.assumingMemoryBound(to: UInt8.self), blocks)
      }
      return
    }
    for b in 0..<blocks { compress(base + b * 64) }
  }

  /// One 64-byte block at `block`.
  private mutating func compress(_ block: UnsafeRawPointer) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      for i in 0..<16 {
        w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
      }
      for i in 16..<64 {
        let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
        let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
      }
      var (a, b, c, d, e, f, g, hh) = h
      Self.k.withUnsafeBufferPointer { k in
        for i in 0..<64 {
          let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
          let ch = (e & f) ^ (~e & g)
          let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
          let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
          let maj = (a & b) ^ (a & c) ^ (b & c)
          let t2 = s0 &+ maj
          (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
      }
      h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }
  }

  // Masking shifts: `>>` and `<<` would also test for shifts past 31 bits.
  @inline(__always)
  private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }
}
