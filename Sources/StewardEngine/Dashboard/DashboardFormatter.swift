import Foundation

/// How dashboard numbers are written, the same in every format:
/// `$47M`, `$600K`, `42 %`, `11.2×`, `level 2`.
public enum DashboardFormatter {
  public static func format(_ value: Double?, _ format: DashboardValueFormat) -> String {
    guard let value, value.isFinite else { return "–" }
    switch format {
    case .count: return String(Int(value.rounded()))
    case .number: return trimmed(value, digits: 2)
    case .percent: return percent(value)
    case .currency: return currency(value)
    case .multiple: return trimmed(value, digits: 1) + "×"
    case .level: return "level " + trimmed(value, digits: 1)
    case .score: return (value > 0 ? "+" : "") + trimmed(value, digits: 0)
    }
  }

  /// A share in 0…1 as a whole percentage: `0.42` → `42 %`.
  public static func percent(_ share: Double) -> String {
    "\(Int((share * 100).rounded())) %"
  }

  /// Dollars, shortened: `$47M`, `$4.2M`, `$600K`, `$950`.
  public static func currency(_ dollars: Double) -> String {
    let sign = dollars < 0 ? "−" : ""
    let a = abs(dollars)
    if a >= 999_500 { return sign + "$" + trimmed(a / 1_000_000, digits: 1) + "M" }
    if a >= 1_000 { return sign + "$" + trimmed(a / 1_000, digits: 0) + "K" }
    return sign + "$" + trimmed(a, digits: 0)
  }

  /// A change between two values, with its sign: `+25`, `−18 pts`, `+$29M`.
  public static func change(_ delta: Double, _ format: DashboardValueFormat) -> String {
    let sign = delta > 0 ? "+" : (delta < 0 ? "−" : "±")
    let a = abs(delta)
    switch format {
    case .percent: return sign + String(Int((a * 100).rounded())) + " pts"
    case .currency: return sign + currency(a)
    case .level: return sign + trimmed(a, digits: 1)
    default: return sign + DashboardFormatter.format(a, format)
    }
  }

  /// `value` with at most `digits` decimals, trailing zeros dropped.
  static func trimmed(_ value: Double, digits: Int) -> String {
    let scale = pow(10, Double(digits))
    let rounded = (value * scale).rounded() / scale
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var s = String(format: "%.\(digits)f", rounded)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
  }
}
