public import StewardCore

extension ParamSpec {
  /// The default as `plugins list` and `plugins show` print it: JSON on one
  /// line, "required" when a playbook must set it, nil when it may be left out.
  public var defaultText: String? {
    if let value = defaultValue { return JSONText.render(value, pretty: false) }
    return required ? "required" : nil
  }

  /// The declared range, `0…1`, `≥ 0` or `≤ 7`; nil without one.
  public var rangeText: String? {
    switch (minimum, maximum) {
    case (let low?, let high?): "\(Self.text(low))…\(Self.text(high))"
    case (let low?, nil): "≥ \(Self.text(low))"
    case (nil, let high?): "≤ \(Self.text(high))"
    default: nil
    }
  }

  /// `min_ratio (number 0…1, default 0.8)`.
  public var summary: String {
    let type = [self.type.rawValue, rangeText].compactMap { $0 }.joined(separator: " ")
    switch (defaultValue, defaultText) {
    case (.some, let text?): return "\(name) (\(type), default \(text))"
    case (nil, let text?): return "\(name) (\(type), \(text))"
    default: return "\(name) (\(type))"
    }
  }
}

extension CheckInfo {
  /// The parameters on one line, for `plugins list`.
  public var paramsSummary: String {
    params.isEmpty ? "none" : params.map(\.summary).joined(separator: ", ")
  }

  /// One example on one line, for `plugins list`: the shortest that passes
  /// or fails (a skip shows least of the rule), so that the listing stays
  /// readable; `plugins show` prints the first in full. A subject longer
  /// than `width` allows is cut with "…".
  ///
  /// `{"owner":"recsys"} → pass`, `{"id":"m2"} → fail at owner`.
  public func exampleSummary(width: Int = 100) -> String? {
    let lines = examples.map { example -> (subject: String, rest: String, skips: Bool) in
      let expect = example["expect"]?.string ?? "pass"
      var rest = " → " + expect
      if let at = example["at"]?.string { rest += " at " + at }
      if let params = example["params"], params.map?.entries.isEmpty == false {
        rest += " with " + JSONText.render(params, pretty: false)
      }
      let subject = example["subject"].map { JSONText.render($0, pretty: false) } ?? "{}"
      return (subject, rest, expect == "skip")
    }
    guard
      let shortest = lines.min(by: {
        ($0.skips ? 1 : 0, $0.subject.count + $0.rest.count)
          < ($1.skips ? 1 : 0, $1.subject.count + $1.rest.count)
      })
    else { return nil }
    let room = max(width - shortest.rest.count, 12)
    let subject =
      shortest.subject.count > room ? shortest.subject.prefix(room - 1) + "…" : shortest.subject
    return subject + shortest.rest
  }
}
