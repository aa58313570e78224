import Foundation
import StewardCore

/// SHA-256 over 64 MB, with the CPU's SHA extensions (when it has them) and
/// with the Swift block function: what hashing every subject file costs a
/// recorded audit (decision 0019).
enum HashBench {
  static func run(quick: Bool) {
    let size = (quick ? 8 : 64) << 20
    var seed: UInt64 = 1
    let bytes = (0..<size).map { _ in
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: seed >> 56)
    }
    func best(hardware: Bool) -> (seconds: Double, digest: String) {
      var result = (seconds: Double.infinity, digest: "")
      for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        var hasher = SHA256(hardware: hardware)
        bytes.withUnsafeBytes { hasher.update($0) }
        let digest = hasher.hexDigest()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if seconds < result.seconds { result = (seconds, digest) }
      }
      return result
    }
    let swift = best(hardware: false)
    let megabytes = Double(size) / 1_048_576
    print(
      String(
        format: "hash: SHA-256 of %.0f MB, Swift block function  %.0f MB/s (best of 5)", megabytes,
        megabytes / swift.seconds))
    guard SHA256.hardwareAvailable else {
      print("hash: this CPU has no SHA extensions; every hash uses the Swift block function")
      return
    }
    let hardware = best(hardware: true)
    print(
      String(
        format: "hash: SHA-256 of %.0f MB, SHA extensions  %.0f MB/s (%.1fx; same digest: %@)",
        megabytes, megabytes / hardware.seconds, swift.seconds / hardware.seconds,
        hardware.digest == swift.digest ? "yes" : "NO"))
  }
}
