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
    storage = CompiledSchema(root)
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
    var path: [SchemaPathStep] = []
    withUnsafePointer(to: document) { compiled.check($0, path: &path, into: &found, depth: 0) }
    return found
  }

  /// The schema turned into a tree of typed nodes once, so that checking
  /// 10,000 cards does not look keywords up by name or compile a regular
  /// expression per field.
  private var compiled: SchemaNode { storage.root }
  private let storage: CompiledSchema
}

/// Holds the compiled tree; immutable once built, so sharing it across the
/// loading threads is safe.
final class CompiledSchema: @unchecked Sendable {
  let root: SchemaNode
  /// Kept alive here: nodes point at their `$ref` targets without owning them.
  private let definitions: [String: SchemaNode]

  init(_ schema: Value) {
    // Definitions may refer to each other (and to themselves), so every
    // reference is a slot, filled once all definitions exist.
    var slots: [String: SchemaRef] = [:]
    for entry in schema["$defs"]?.map?.entries ?? [] { slots[entry.key] = SchemaRef() }
    var definitions: [String: SchemaNode] = [:]
    for entry in schema["$defs"]?.map?.entries ?? [] {
      definitions[entry.key] = SchemaNode(entry.value, slots)
    }
    for (name, slot) in slots { slot.target = definitions[name] }
    self.definitions = definitions
    root = SchemaNode(schema, slots)
  }
}

/// Where a `$ref` points; set once, while the schema compiles.
final class SchemaRef {
  unowned(unsafe) var target: SchemaNode?
}

/// One compiled schema (a map of keywords, or `true`/`false`). Every field is
/// a constant: a class's variables are checked for exclusive access on every
/// read, which was a fifth of the time of checking 10,000 cards.
final class SchemaNode {
  let allowsNothing: Bool
  let reference: SchemaRef?
  let types: [String]?
  /// `types` as bits, so that checking a node compares no strings.
  let typeMask: JSONTypes
  let enumValues: [Value]?
  let constValue: Value?
  let minimum: Double?
  let maximum: Double?
  let exclusiveMinimum: Double?
  let exclusiveMaximum: Double?
  let minLength: Int?
  let maxLength: Int?
  let pattern: (text: String, regex: NSRegularExpression)?
  let minItems: Int?
  let maxItems: Int?
  let items: SchemaNode?
  let required: [String]
  /// In schema order; looked up by comparing keys, which for the few
  /// properties of an object is cheaper than hashing each key of a document.
  let properties: [(key: String, node: SchemaNode)]
  /// For objects with many properties, where hashing is cheaper.
  let propertyIndex: [String: SchemaNode]?
  let additionalProperties: SchemaNode?
  let closed: Bool
  let allOf: [SchemaNode]
  let anyOf: [SchemaNode]
  let oneOf: [SchemaNode]

  init(_ schema: Value, _ slots: [String: SchemaRef]) {
    let s = schema.map ?? OrderedMap()
    allowsNothing = schema.bool == false
    if let r = s["$ref"]?.string, r.hasPrefix("#/$defs/") {
      reference = slots[String(r.dropFirst("#/$defs/".count))]
    } else {
      reference = nil
    }
    if let t = s["type"] {
      types = t.list?.compactMap(\.string) ?? t.string.map { [$0] }
    } else {
      types = nil
    }
    typeMask = JSONTypes(names: types ?? [])
    enumValues = s["enum"]?.list
    constValue = s["const"]
    minimum = s["minimum"]?.number
    maximum = s["maximum"]?.number
    exclusiveMinimum = s["exclusiveMinimum"]?.number
    exclusiveMaximum = s["exclusiveMaximum"]?.number
    minLength = Self.integer(s["minLength"])
    maxLength = Self.integer(s["maxLength"])
    minItems = Self.integer(s["minItems"])
    maxItems = Self.integer(s["maxItems"])
    if let p = s["pattern"]?.string, let regex = try? NSRegularExpression(pattern: p) {
      pattern = (p, regex)
    } else {
      pattern = nil
    }
    items = s["items"].map { SchemaNode($0, slots) }
    required = s["required"]?.list?.compactMap(\.string) ?? []
    properties = (s["properties"]?.map?.entries ?? []).map { ($0.key, SchemaNode($0.value, slots)) }
    propertyIndex =
      properties.count > 16
      ? Dictionary(properties.map { ($0.key, $0.node) }, uniquingKeysWith: { first, _ in first })
      : nil
    let additional = s["additionalProperties"]
    closed = additional?.bool == false
    additionalProperties =
      additional.map { $0.bool == false ? nil : SchemaNode($0, slots) } ?? nil
    allOf = (s["allOf"]?.list ?? []).map { SchemaNode($0, slots) }
    anyOf = (s["anyOf"]?.list ?? []).map { SchemaNode($0, slots) }
    oneOf = (s["oneOf"]?.list ?? []).map { SchemaNode($0, slots) }
  }

  static func integer(_ value: Value?) -> Int? {
    guard let value, let i = value.int else { return nil }
    return Int(i)
  }

  private func property(_ key: String) -> SchemaNode? {
    if let propertyIndex { return propertyIndex[key] }
    for property in properties where property.key == key { return property.node }
    return nil
  }

  /// The value of entry `i`, where it lies (`entries` is non-empty whenever
  /// an index into it exists, and `value` is a stored property).
  private func entryValue(_ entries: UnsafeBufferPointer<OrderedMap.Entry>, _ i: Int)
    -> UnsafePointer<Value>
  {
    (entries.baseAddress.unsafelyUnwrapped + i).pointer(to: \.value).unsafelyUnwrapped
  }

  /// Checks the value at `value`, read in place: a `Value` parameter was
  /// copied (its kind and its mark) for every node of every document.
  func check(
    _ value: UnsafePointer<Value>, path: inout [SchemaPathStep], into found: inout [Diagnostic],
    depth: Int
  ) {
    // A $ref cycle in the schema would recurse forever; documents are bounded
    // by the YAML loader's depth limit, so no legitimate schema gets here.
    guard depth < 200 else { return }
    func fail(_ message: String, _ mark: SourceMark = value.pointee.mark) {
      found.append(Diagnostic(at: mark, code: "J010", "\(SchemaPathStep.place(path)): \(message)"))
    }
    if allowsNothing {
      fail("no value is allowed here")
      return
    }
    reference?.target?.check(value, path: &path, into: &found, depth: depth + 1)
    if let types, !typeMask.overlaps(JSONTypes(of: value.pointee)) {
      fail(
        "expected \(types.joined(separator: " or ")), found \(JSONSchema.jsonType(of: value.pointee))"
      )
      return
    }
    if let enumValues, !enumValues.contains(where: { JSONSchema.equal($0, value.pointee) }) {
      fail(
        "must be one of \(enumValues.map { JSONText.render($0, pretty: false) }.joined(separator: ", "))"
      )
    }
    if let constValue, !JSONSchema.equal(constValue, value.pointee) {
      fail("must be \(JSONText.render(constValue, pretty: false))")
    }
    switch value.pointee.kind {
    case .int, .double:
      let number = value.pointee.number ?? 0
      if let m = minimum, number < m { fail("must be at least \(JSONSchema.show(m))") }
      if let m = maximum, number > m { fail("must be at most \(JSONSchema.show(m))") }
      if let m = exclusiveMinimum, number <= m { fail("must be above \(JSONSchema.show(m))") }
      if let m = exclusiveMaximum, number >= m { fail("must be below \(JSONSchema.show(m))") }
    case .string(let string):
      if minLength != nil || maxLength != nil {
        // A string has between a quarter of its UTF-8 length and all of it
        // in characters: count them only when that does not settle it.
        let bytes = string.utf8.count
        let settled =
          (minLength.map { $0 <= (bytes + 3) / 4 } ?? true)
          && (maxLength.map { $0 >= bytes } ?? true)
        if !settled {
          let length = string.unicodeScalars.count
          if let m = minLength, length < m { fail("must have at least \(English.count(m, "character"))") }
          if let m = maxLength, length > m { fail("must have at most \(English.count(m, "character"))") }
        }
      }
      if let pattern,
        pattern.regex.firstMatch(in: string, range: NSRange(string.startIndex..., in: string))
          == nil
      {
        fail("must match /\(pattern.text)/")
      }
    case .list(let list):
      if let m = minItems, list.count < m { fail("must have at least \(m) items") }
      if let m = maxItems, list.count > m { fail("must have at most \(m) items") }
      if let items {
        list.withUnsafeBufferPointer { list in
          guard let base = list.baseAddress else { return }
          for i in list.indices {
            path.append(.index(i))
            items.check(base + i, path: &path, into: &found, depth: depth + 1)
            path.removeLast()
          }
        }
      }
    case .map(let map):
      for key in required where map[key] == nil {
        fail("missing required field \"\(key)\"")
      }
      // Entries read in place: copying each (key, value, mark) out of the
      // array cost as much as checking it.
      map.entries.withUnsafeBufferPointer { entries in
        for i in entries.indices {
          if let property = property(entries[i].key) {
            path.append(.key(entries[i].key))
            property.check(entryValue(entries, i), path: &path, into: &found, depth: depth + 1)
            path.removeLast()
          } else if closed {
            found.append(
              Diagnostic(
                at: entries[i].keyMark, code: "J010",
                "\(SchemaPathStep.place(path)): unknown field \"\(entries[i].key)\""))
          } else if let additionalProperties {
            path.append(.key(entries[i].key))
            additionalProperties.check(
              entryValue(entries, i), path: &path, into: &found, depth: depth + 1)
            path.removeLast()
          }
        }
      }
    default: break
    }
    for sub in allOf { sub.check(value, path: &path, into: &found, depth: depth + 1) }
    if !anyOf.isEmpty {
      let passing = anyOf.contains { option in
        var scratch: [Diagnostic] = []
        option.check(value, path: &path, into: &scratch, depth: depth + 1)
        return scratch.isEmpty
      }
      if !passing { fail("matches none of the allowed shapes (anyOf)") }
    }
    if !oneOf.isEmpty {
      let passing = oneOf.filter { option in
        var scratch: [Diagnostic] = []
        option.check(value, path: &path, into: &scratch, depth: depth + 1)
        return scratch.isEmpty
      }.count
      if passing != 1 { fail("must match exactly one allowed shape (oneOf), matches \(passing)") }
    }
  }
}

/// One step of the path to a node, rendered only when there is a violation
/// to report: building `[3]` for every list item cost more than the check.
enum SchemaPathStep {
  case key(String)
  case index(Int)

  static func place(_ path: [SchemaPathStep]) -> String {
    guard !path.isEmpty else { return "the document" }
    return path.map {
      switch $0 {
      case .key(let key): key
      case .index(let i): "[\(i)]"
      }
    }.joined(separator: ".")
  }
}

/// JSON Schema's type names as bits.
struct JSONTypes: OptionSet {
  let rawValue: UInt8
  static let null = JSONTypes(rawValue: 1)
  static let boolean = JSONTypes(rawValue: 2)
  static let string = JSONTypes(rawValue: 4)
  static let array = JSONTypes(rawValue: 8)
  static let object = JSONTypes(rawValue: 16)
  static let integer = JSONTypes(rawValue: 32)
  static let number = JSONTypes(rawValue: 64)

  init(rawValue: UInt8) { self.rawValue = rawValue }

  init(names: [String]) {
    let all: [String: JSONTypes] = [
      "null": .null, "boolean": .boolean, "string": .string, "array": .array,
      "object": .object, "integer": .integer, "number": .number,
    ]
    self = names.reduce(into: []) { $0.formUnion(all[$1] ?? []) }
  }

  /// The types `value` has: an integer is a number too, and so is a double
  /// with an integral value an integer (JSON Schema's rule).
  init(of value: Value) {
    switch value.kind {
    case .null: self = .null
    case .bool: self = .boolean
    case .string: self = .string
    case .list: self = .array
    case .map: self = .object
    case .int: self = [.integer, .number]
    case .double(let d): self = d.isFinite && d == d.rounded() ? [.integer, .number] : .number
    }
  }

  /// Whether some type of `types` is one of these.
  func overlaps(_ types: JSONTypes) -> Bool { !isDisjoint(with: types) }
}

extension JSONSchema {
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
