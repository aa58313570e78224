import Foundation
public import StewardCore

/// A JSON Schema (the subset of draft 2020-12 that describes documents such as
/// model cards), applied to `Value`s so that every violation points at the
/// line of the offending field.
///
/// Supported keywords: `type` (a name or a list), `properties`, `required`,
/// `additionalProperties` (bool or schema), `items`, `enum`, `const`,
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`,
/// `maxLength`, `pattern`, `minItems`, `maxItems`, `$ref` (`#/$defs/NAME`
/// only), `$defs`, `anyOf`, `oneOf`, `allOf`. Annotations (`title`,
/// `description`, `$schema`, `$id`, `format`, `examples`, `default`) are
/// accepted and ignored. Any other keyword is refused when the schema loads,
/// so a schema never silently checks less than its author meant.
///
/// No JSON Schema library is available to this project (only the Swift
/// packages mirrored on the build machine), hence this small validator; the
/// test suite cross-checks it against Python's `jsonschema`.
public struct JSONSchema: Sendable {
  public let root: Value
  public let path: String

  static let supported: Set<String> = [
    "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
    "pattern", "minItems", "maxItems", "$ref", "$defs", "anyOf", "oneOf", "allOf",
  ]
  static let annotations: Set<String> = [
    "$schema", "$id", "$comment", "title", "description", "format", "examples", "default",
    "deprecated", "readOnly", "writeOnly",
  ]

  /// Reads a schema file (YAML or JSON) and checks that it uses only the
  /// supported keywords and that every `$ref` resolves.
  public init(path: String, root: Value) throws {
    self.root = root
    self.path = path
    var problems: [Diagnostic] = []
    var pending: [Value] = [root]
    while let schema = pending.popLast() {
      guard let map = schema.map else {
        if schema.bool == nil {
          problems.append(
            Diagnostic(at: schema.mark, code: "J001", "a schema must be a map or a boolean"))
        }
        continue
      }
      for entry in map.entries {
        if Self.annotations.contains(entry.key) { continue }
        guard Self.supported.contains(entry.key) else {
          problems.append(
            Diagnostic(
              at: entry.keyMark, code: "J002",
              "schema keyword \"\(entry.key)\" is not supported by steward (see docs/model-card.md)"
            ))
          continue
        }
        switch entry.key {
        case "properties", "$defs":
          pending += entry.value.map?.values ?? []
        case "items", "additionalProperties":
          pending.append(entry.value)
        case "anyOf", "oneOf", "allOf":
          pending += entry.value.list ?? []
        case "$ref":
          if resolve(entry.value.string ?? "") == nil {
            problems.append(
              Diagnostic(
                at: entry.value.mark, code: "J003",
                "$ref \"\(entry.value.string ?? "")\" does not resolve; use \"#/$defs/NAME\""))
          }
        case "pattern":
          if (try? NSRegularExpression(pattern: entry.value.string ?? "")) == nil {
            problems.append(
              Diagnostic(
                at: entry.value.mark, code: "J004", "pattern is not a valid regular expression"))
          }
        default: break
        }
      }
    }
    if !problems.isEmpty { throw PlaybookError(problems) }
  }

  func resolve(_ reference: String) -> Value? {
    let prefix = "#/$defs/"
    guard reference.hasPrefix(prefix) else { return nil }
    return root["$defs"]?[String(reference.dropFirst(prefix.count))]
  }

  /// Every violation of `document`, each at the mark of the offending node
  /// (or of the map that lacks a required key).
  public func violations(of document: Value) -> [Diagnostic] {
    var found: [Diagnostic] = []
    check(document, against: root, at: "", into: &found, depth: 0)
    return found
  }

  private func check(
    _ value: Value, against schema: Value, at path: String, into found: inout [Diagnostic],
    depth: Int
  ) {
    // A $ref cycle in the schema would recurse forever; documents are bounded
    // by the YAML loader's depth limit, so this bound is never reached by a
    // legitimate schema.
    guard depth < 200 else { return }
    func fail(_ message: String, _ mark: SourceMark = value.mark) {
      let place = path.isEmpty ? "the document" : path
      found.append(Diagnostic(at: mark, code: "J010", "\(place): \(message)"))
    }
    if let b = schema.bool {
      if !b { fail("no value is allowed here") }
      return
    }
    guard let s = schema.map else { return }

    if let reference = s["$ref"]?.string, let target = resolve(reference) {
      check(value, against: target, at: path, into: &found, depth: depth + 1)
    }
    if let types = s["type"] {
      let names = types.list?.compactMap(\.string) ?? [types.string].compactMap { $0 }
      if !names.contains(where: { Self.matches(value, type: $0) }) {
        fail("expected \(names.joined(separator: " or ")), found \(Self.jsonType(of: value))")
        return
      }
    }
    if let options = s["enum"]?.list, !options.contains(where: { Self.equal($0, value) }) {
      fail(
        "must be one of \(options.map { JSONText.render($0, pretty: false) }.joined(separator: ", "))"
      )
    }
    if let constant = s["const"], !Self.equal(constant, value) {
      fail("must be \(JSONText.render(constant, pretty: false))")
    }
    if let number = value.number {
      if let m = s["minimum"]?.number, number < m { fail("must be at least \(Self.show(m))") }
      if let m = s["maximum"]?.number, number > m { fail("must be at most \(Self.show(m))") }
      if let m = s["exclusiveMinimum"]?.number, number <= m {
        fail("must be above \(Self.show(m))")
      }
      if let m = s["exclusiveMaximum"]?.number, number >= m {
        fail("must be below \(Self.show(m))")
      }
    }
    if let string = value.string {
      let length = string.unicodeScalars.count
      if let m = s["minLength"]?.int, length < m { fail("must have at least \(m) characters") }
      if let m = s["maxLength"]?.int, length > m { fail("must have at most \(m) characters") }
      if let pattern = s["pattern"]?.string, let regex = try? NSRegularExpression(pattern: pattern),
        regex.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) == nil
      {
        fail("must match /\(pattern)/")
      }
    }
    if let items = value.list {
      if let m = s["minItems"]?.int, items.count < m { fail("must have at least \(m) items") }
      if let m = s["maxItems"]?.int, items.count > m { fail("must have at most \(m) items") }
      if let itemSchema = s["items"] {
        for (i, item) in items.enumerated() {
          check(item, against: itemSchema, at: "\(path)[\(i)]", into: &found, depth: depth + 1)
        }
      }
    }
    if let map = value.map {
      for key in s["required"]?.list?.compactMap(\.string) ?? [] where map[key] == nil {
        fail("missing required field \"\(key)\"")
      }
      let properties = s["properties"]?.map
      for entry in map.entries {
        let child = path.isEmpty ? entry.key : "\(path).\(entry.key)"
        if let propertySchema = properties?[entry.key] {
          check(entry.value, against: propertySchema, at: child, into: &found, depth: depth + 1)
        } else if let additional = s["additionalProperties"] {
          if additional.bool == false {
            found.append(
              Diagnostic(
                at: entry.keyMark, code: "J010",
                "\(path.isEmpty ? "the document" : path): unknown field \"\(entry.key)\""))
          } else {
            check(entry.value, against: additional, at: child, into: &found, depth: depth + 1)
          }
        }
      }
    }
    for sub in s["allOf"]?.list ?? [] {
      check(value, against: sub, at: path, into: &found, depth: depth + 1)
    }
    if let options = s["anyOf"]?.list {
      let passing = options.filter { option in
        var scratch: [Diagnostic] = []
        check(value, against: option, at: path, into: &scratch, depth: depth + 1)
        return scratch.isEmpty
      }
      if passing.isEmpty { fail("matches none of the allowed shapes (anyOf)") }
    }
    if let options = s["oneOf"]?.list {
      let passing = options.filter { option in
        var scratch: [Diagnostic] = []
        check(value, against: option, at: path, into: &scratch, depth: depth + 1)
        return scratch.isEmpty
      }.count
      if passing != 1 { fail("must match exactly one allowed shape (oneOf), matches \(passing)") }
    }
  }

  static func matches(_ value: Value, type: String) -> Bool {
    switch (type, value.kind) {
    case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .list),
      ("object", .map), ("integer", .int), ("number", .int), ("number", .double):
      return true
    case ("integer", .double(let d)): return d.isFinite && d == d.rounded()
    default: return false
    }
  }

  static func jsonType(of value: Value) -> String {
    switch value.kind {
    case .null: "null"
    case .bool: "boolean"
    case .int: "integer"
    case .double: "number"
    case .string: "string"
    case .list: "array"
    case .map: "object"
    }
  }

  /// JSON equality: 1 and 1.0 are the same number.
  static func equal(_ a: Value, _ b: Value) -> Bool {
    if let x = a.number, let y = b.number { return x == y }
    return a == b
  }

  static func show(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
  }
}
