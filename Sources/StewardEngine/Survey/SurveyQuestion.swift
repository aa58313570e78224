import Foundation
public import StewardCore

/// One question of a survey playbook, with the scale its answers must fit.
///
/// ```yaml
/// - id: deploy_easy
///   text: Releasing a model is easy.
///   dimension: delivery
///   type: likert          # 1–5 unless `points:` says otherwise
///   weight: 2
/// ```
public struct SurveyQuestion: Sendable, Equatable {
  /// The kinds of answer a question takes.
  public enum Scale: Sendable, Equatable {
    /// Integers 1…points (default 5).
    case likert(points: Int)
    /// One of `labels`, scored 1…labels.count in the order written.
    case labelled(labels: [String])
    /// One of `options`.
    case single(options: [String])
    /// Any of `options`, separated by `separator` in the cell.
    case multiple(options: [String], separator: String)
    /// A number, optionally bounded.
    case number(min: Double?, max: Double?)
    /// An integer 0–10: the eNPS question.
    case enps
    /// green, yellow or red (a squad health check card).
    case trafficLight
    /// Free text, never shown next to respondent metadata.
    case text

    /// The name used in playbooks and reports.
    public var typeName: String {
      switch self {
      case .likert: "likert"
      case .labelled: "labelled"
      case .single: "single"
      case .multiple: "multiple"
      case .number: "number"
      case .enps: "enps"
      case .trafficLight: "traffic_light"
      case .text: "text"
      }
    }

    /// The number of points of an ordered 1…n scale (Likert or labelled).
    public var points: Int? {
      switch self {
      case .likert(let points): points
      case .labelled(let labels): labels.count
      default: nil
      }
    }
  }

  public static let typeNames = [
    "likert", "labelled", "single", "multiple", "number", "enps", "traffic_light", "text",
  ]

  public static let lights = ["green", "yellow", "red"]

  public var id: String
  public var text: String
  public var dimension: String
  public var scale: Scale
  public var weight: Double
  /// A blank answer is a bad response when true.
  public var required: Bool
  public var mark: SourceMark

  /// One answer, read from a CSV cell.
  public enum Answer: Sendable, Equatable {
    /// A point of an ordered scale, a number, or an eNPS score.
    case number(Double)
    /// A single or multiple choice, or a traffic light (as written in `Scale`).
    case choices([String])
    case text(String)
  }

  /// Reads one trimmed, non-empty CSV cell; nil plus a message when it does not fit.
  func parse(_ cell: String) -> Result<Answer, AnswerError> {
    switch scale {
    case .likert(let points):
      guard let n = Int(cell), (1...points).contains(n) else {
        return .failure(AnswerError("\"\(cell)\" is not on the 1–\(points) scale of \(id)"))
      }
      return .success(.number(Double(n)))
    case .labelled(let labels):
      if let i = labels.firstIndex(where: { $0.lowercased() == cell.lowercased() }) {
        return .success(.number(Double(i + 1)))
      }
      return .failure(
        AnswerError(
          "\"\(cell)\" is not on the scale of \(id) ("
            + labels.map { "\"\($0)\"" }.joined(separator: ", ") + ")"))
    case .single(let options):
      guard let option = options.first(where: { $0.lowercased() == cell.lowercased() }) else {
        return .failure(
          AnswerError("\"\(cell)\" is not an option of \(id) (\(options.joined(separator: ", ")))"))
      }
      return .success(.choices([option]))
    case .multiple(let options, let separator):
      var chosen: [String] = []
      for part in cell.components(separatedBy: separator) {
        let item = part.trimmingCharacters(in: .whitespaces)
        if item.isEmpty { continue }
        guard let option = options.first(where: { $0.lowercased() == item.lowercased() }) else {
          return .failure(
            AnswerError(
              "\"\(item)\" is not an option of \(id) (\(options.joined(separator: ", ")))"))
        }
        if !chosen.contains(option) { chosen.append(option) }
      }
      return .success(.choices(chosen))
    case .number(let low, let high):
      guard let x = Double(cell), x.isFinite else {
        return .failure(AnswerError("\"\(cell)\" is not a number (question \(id))"))
      }
      if let low, x < low {
        return .failure(AnswerError("\(cell) is below the minimum \(Self.format(low)) of \(id)"))
      }
      if let high, x > high {
        return .failure(AnswerError("\(cell) is above the maximum \(Self.format(high)) of \(id)"))
      }
      return .success(.number(x))
    case .enps:
      guard let n = Int(cell), (0...10).contains(n) else {
        return .failure(AnswerError("\"\(cell)\" is not on the 0–10 scale of \(id)"))
      }
      return .success(.number(Double(n)))
    case .trafficLight:
      let light = cell.lowercased()
      guard Self.lights.contains(light) else {
        return .failure(AnswerError("\"\(cell)\" is not green, yellow or red (question \(id))"))
      }
      return .success(.choices([light]))
    case .text:
      return .success(.text(cell))
    }
  }

  struct AnswerError: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }

  static func format(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
  }
}
