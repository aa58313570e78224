import Foundation

/// How survey reports print numbers, the same in every format.
enum SurveyFormat {
  /// Two decimals at most, trailing zeros dropped: 3.5, 3.25, 4.
  static func number(_ x: Double) -> String {
    let rounded = (x * 100).rounded() / 100
    if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int64(rounded)) }
    var text = String(format: "%.2f", rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
  }

  /// A share 0…1 as a percentage: 0.625 → "62.5%".
  static func percent(_ share: Double) -> String {
    let p = (share * 1000).rounded() / 10
    return (p == p.rounded() ? String(Int64(p)) : String(p)) + "%"
  }

  static func optional(_ x: Double?) -> String { x.map(number) ?? "–" }
}
