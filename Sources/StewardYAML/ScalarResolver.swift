import StewardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Types of scalars by the YAML 1.2 core schema, on the bytes libyaml hands
/// over (NUL-terminated), without building a String first.
///
/// | plain scalar                                   | becomes          |
/// |------------------------------------------------|------------------|
/// | empty, `~`, `null`, `Null`, `NULL`             | null             |
/// | `true` `True` `TRUE` `false` `False` `FALSE`   | bool             |
/// | `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`     | int (Int64)      |
/// | `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` | double    |
/// | `[-+]?.inf` (`.Inf` `.INF`), `.nan` (`.NaN` `.NAN`) | double      |
/// | anything else (`yes`, `no`, `on`, `off`, `1.2.3`, `2025-01-01`) | string |
///
/// Quoted and block scalars are always strings. An integer outside Int64 is
/// an error (``YAMLError/Code/integerOverflow``) rather than a silent double
/// or string: quote it, or tag it `!!float`, to say which one is meant. A
/// float beyond the double range (`1e400`) is an error too
/// (``YAMLError/Code/floatOverflow``), not an infinity nobody wrote.
enum ScalarResolver {
  /// What a plain scalar resolved to before it becomes a `Value.Kind`.
  enum Resolved {
    case null, bool(Bool), int(Int64), double(Double), string, overflow
    /// A float beyond the double range (`1e400`): strtod would make it an infinity.
    case floatOverflow
  }

  /// The core-schema type of a plain scalar. `p` must be NUL-terminated at `n`.
  @inline(__always)
  static func resolvePlain(_ p: UnsafePointer<UInt8>, _ n: Int) -> Resolved {
    if n == 0 { return .null }
    switch p[0] {
    case UInt8(ascii: "~"):
      return n == 1 ? .null : .string
    case UInt8(ascii: "n"), UInt8(ascii: "N"):
      return isWord(p, n, "null", "Null", "NULL") ? .null : .string
    case UInt8(ascii: "t"), UInt8(ascii: "T"):
      return isWord(p, n, "true", "True", "TRUE") ? .bool(true) : .string
    case UInt8(ascii: "f"), UInt8(ascii: "F"):
      return isWord(p, n, "false", "False", "FALSE") ? .bool(false) : .string
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
      UInt8(ascii: "."):
      return resolveNumber(p, n)
    default:
      return .string
    }
  }

  private static func isWord(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ a: StaticString, _ b: StaticString,
    _ c: StaticString
  ) -> Bool {
    guard n == a.utf8CodeUnitCount else { return false }
    return equals(p, n, a) || equals(p, n, b) || equals(p, n, c)
  }

  private static func equals(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: StaticString) -> Bool {
    let q = s.utf8Start
    for i in 0..<n where p[i] != q[i] { return false }
    return true
  }

  /// Int, float, or a string that merely starts like a number (`1.2.3`).
  static func resolveNumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> Resolved {
    if let int = resolveInt(p, n) { return int }
    if isCoreFloat(p, n) {
      if let d = exactDecimal(p, n) { return .double(d) }
      return finite(strtod(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self), nil))
    }
    if let special = specialFloat(p, n) { return .double(special) }
    return .string
  }

  /// `.int`, `.overflow`, or nil when the text is not a core-schema integer.
  static func resolveInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> Resolved? {
    if n > 2, p[0] == UInt8(ascii: "0"), p[1] == UInt8(ascii: "o") || p[1] == UInt8(ascii: "x") {
      let radix: UInt64 = p[1] == UInt8(ascii: "o") ? 8 : 16
      var value: UInt64 = 0
      for i in 2..<n {
        guard let digit = digitValue(p[i]), UInt64(digit) < radix else { return nil }
        let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
        if overflow { return tail(p, n, from: i + 1, radix: radix) }
        value = shifted + UInt64(digit)
      }
      return value > UInt64(Int64.max) ? .overflow : .int(Int64(value))
    }
    var i = 0
    var negative = false
    if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
      negative = p[0] == UInt8(ascii: "-")
      i = 1
    }
    guard i < n else { return nil }
    // Accumulate negatively so that Int64.min is representable.
    var value: Int64 = 0
    var overflowed = false
    while i < n {
      let d = p[i] &- UInt8(ascii: "0")
      guard d < 10 else { return nil }
      if !overflowed {
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.subtractingReportingOverflow(Int64(d))
        if o1 || o2 { overflowed = true } else { value = s }
      }
      i += 1
    }
    if overflowed { return .overflow }
    if negative { return .int(value) }
    return value == Int64.min ? .overflow : .int(-value)
  }

  /// After an overflow in hex/octal: still an integer (too big) if the rest
  /// are digits of the radix, otherwise not an integer at all.
  private static func tail(
    _ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, radix: UInt64
  ) -> Resolved? {
    for i in start..<n {
      guard let digit = digitValue(p[i]), UInt64(digit) < radix else { return nil }
    }
    return .overflow
  }

  private static func digitValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
  static func isCoreFloat(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { i = 1 }
    var mantissaDigits = 0
    while i < n, isDigit(p[i]) {
      i += 1
      mantissaDigits += 1
    }
    if i < n, p[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, isDigit(p[i]) {
        i += 1
        mantissaDigits += 1
      }
    }
    guard mantissaDigits > 0 else { return false }
    if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
      i += 1
      if i < n, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") { i += 1 }
      var exponentDigits = 0
      while i < n, isDigit(p[i]) {
        i += 1
        exponentDigits += 1
      }
      guard exponentDigits > 0 else { return false }
    }
    return i == n
  }

  /// A core float without an exponent and with at most 15 significant
  /// digits and 22 decimals, computed exactly as strtod would (Clinger's
  /// fast path: the digits and the power of ten are both exact doubles, and
  /// one IEEE division rounds correctly); nil for anything else.
  @inline(__always)
  static func exactDecimal(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    var i = 0
    var negative = false
    if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
      negative = p[0] == UInt8(ascii: "-")
      i = 1
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var decimals = 0
    var seenDot = false
    while i < n {
      let b = p[i]
      i += 1
      if b == UInt8(ascii: ".") {
        seenDot = true
        continue
      }
      let d = b &- UInt8(ascii: "0")
      guard d < 10 else { return nil }  // an exponent: strtod
      if significant > 0 || d != 0 { significant += 1 }
      if seenDot { decimals += 1 }
      guard significant <= 15, decimals <= 22 else { return nil }
      mantissa = mantissa &* 10 &+ UInt64(d)
    }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let value = Double(mantissa) / scale
    return negative ? -value : value
  }

  /// A number written without `.inf` is finite; strtod saturating to an
  /// infinity means it did not fit. (A value too small underflows towards 0,
  /// which loses no meaning a check could act on.)
  @inline(__always)
  static func finite(_ d: Double) -> Resolved {
    d.isFinite ? .double(d) : .floatOverflow
  }

  /// `.inf`, `+.inf`, `-.inf`, `.nan` in their three spellings.
  static func specialFloat(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    var i = 0
    var sign = 1.0
    if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
      sign = p[0] == UInt8(ascii: "-") ? -1 : 1
      i = 1
    }
    let rest = UnsafePointer(p + i)
    let count = n - i
    if isWord(rest, count, ".inf", ".Inf", ".INF") { return sign * .infinity }
    if i == 0, isWord(rest, count, ".nan", ".NaN", ".NAN") { return .nan }
    return nil
  }

  @inline(__always)
  private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
}

/// A scalar event's bytes, style and tag to a `Value.Kind`.
enum ScalarKind {
  private static let corePrefix = "tag:yaml.org,2002:"

  /// Explicit core tags are honoured (`!!str 12` is a string, `!!int "12"` an
  /// int, `!!float 1` a double); the non-specific tag `!` makes a string;
  /// any other tag is ignored and the scalar resolved as if untagged.
  @inline(__always)
  static func make(
    _ p: UnsafeMutablePointer<UInt8>, _ n: Int, plain: Bool, tag: UnsafeMutablePointer<UInt8>?,
    at: SourceMark, strings: borrowing ShortStrings
  ) throws(YAMLError) -> Value.Kind {
    if let tag, let kind = try tagged(p, n, tag: String(cString: tag), at: at) { return kind }
    guard plain else { return .string(strings.make(p, n)) }
    switch ScalarResolver.resolvePlain(p, n) {
    case .string: return .string(strings.make(p, n))
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .double(let d): return .double(d)
    case .overflow: throw overflow(p, n, at: at)
    case .floatOverflow: throw floatOverflow(p, n, at: at)
    }
  }

  @inline(__always)
  static func text(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
  }

  private static func overflow(_ p: UnsafePointer<UInt8>, _ n: Int, at: SourceMark) -> YAMLError {
    YAMLError(
      .integerOverflow, at: at,
      "integer \(text(p, n)) does not fit in 64 bits; quote it to keep it as text,"
        + " or tag it !!float")
  }

  private static func floatOverflow(_ p: UnsafePointer<UInt8>, _ n: Int, at: SourceMark)
    -> YAMLError
  {
    YAMLError(
      .floatOverflow, at: at,
      "number \(text(p, n)) is too large for a 64-bit float (it would become infinity);"
        + " quote it to keep it as text")
  }

  private static func tagged(
    _ p: UnsafeMutablePointer<UInt8>, _ n: Int, tag: String, at: SourceMark
  ) throws(YAMLError) -> Value.Kind? {
    if tag == "!" { return .string(text(p, n)) }
    guard tag.hasPrefix(corePrefix) else { return nil }
    let name = tag.dropFirst(corePrefix.count)
    let mismatch = YAMLError(
      .tagMismatch, at: at, "!!\(name) value \"\(text(p, n))\" is not a valid \(name)")
    switch name {
    case "str":
      return .string(text(p, n))
    case "int":
      switch ScalarResolver.resolveInt(p, n) {
      case .int(let i)?: return .int(i)
      case .overflow?: throw overflow(p, n, at: at)
      default: throw mismatch
      }
    case "float":
      switch ScalarResolver.resolvePlain(p, n) {
      case .double(let d): return .double(d)
      case .int(let i): return .double(Double(i))
      case .overflow:
        let wide = strtod(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self), nil)
        guard wide.isFinite else { throw floatOverflow(p, n, at: at) }
        return .double(wide)
      case .floatOverflow: throw floatOverflow(p, n, at: at)
      default: throw mismatch
      }
    case "bool":
      guard case .bool(let b) = ScalarResolver.resolvePlain(p, n) else { throw mismatch }
      return .bool(b)
    case "null":
      guard case .null = ScalarResolver.resolvePlain(p, n) else { throw mismatch }
      return .null
    default:
      return nil
    }
  }
}
