import Foundation
import StewardCore
import StewardYAML
import Testing

@testable import StewardEngine

@Suite struct JSONSchemaTests {
  static let schemaText = """
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "required": ["model_details", "stage"],
      "additionalProperties": false,
      "properties": {
        "id": { "type": "string", "pattern": "^[a-z][a-z0-9-]*$" },
        "stage": { "enum": ["development", "staging", "production", "retired"] },
        "model_details": {
          "type": "object",
          "required": ["name"],
          "properties": {
            "name": { "type": "string", "minLength": 1 },
            "owners": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/owner" } }
          }
        },
        "fairness": {
          "type": "object",
          "properties": {
            "disparate_impact": { "type": "number", "minimum": 0, "maximum": 1 },
            "groups": { "type": "array", "items": { "type": "string" }, "maxItems": 3 }
          }
        },
        "version": { "anyOf": [{ "type": "string" }, { "type": "integer" }] },
        "replicas": { "type": "integer", "exclusiveMinimum": 0 },
        "kind": { "oneOf": [{ "const": "batch" }, { "const": "online" }] },
        "short": { "type": "string", "minLength": 2, "maxLength": 3 },
        "tree": { "$ref": "#/$defs/node" },
        "wide": { "type": "object", "additionalProperties": false, "properties": { "p0": { "type": "integer" }, "p1": { "type": "integer" }, "p2": { "type": "integer" }, "p3": { "type": "integer" }, "p4": { "type": "integer" }, "p5": { "type": "integer" }, "p6": { "type": "integer" }, "p7": { "type": "integer" }, "p8": { "type": "integer" }, "p9": { "type": "integer" }, "p10": { "type": "integer" }, "p11": { "type": "integer" }, "p12": { "type": "integer" }, "p13": { "type": "integer" }, "p14": { "type": "integer" }, "p15": { "type": "integer" }, "p16": { "type": "integer" }, "p17": { "type": "integer" }, "p18": { "type": "integer" }, "p19": { "type": "integer" } } },
        "anything": true,
        "nothing": false
      },
      "$defs": {
        "owner": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string" } } },
        "node": {
          "type": "object", "additionalProperties": false,
          "properties": { "name": { "type": "string" }, "children": { "type": "array", "items": { "$ref": "#/$defs/node" } } }
        }
      }
    }
    """

  static let documents: [(String, Int)] = [
    ("stage: production\nmodel_details: { name: rec, owners: [{ name: ana }] }\n", 0),
    ("stage: prod\nmodel_details: { name: rec }\n", 1),
    ("model_details: { name: \"\" }\n", 2),
    ("stage: staging\nmodel_details: { name: x, owners: [] }\nextra: 1\n", 2),
    ("stage: staging\nmodel_details: { name: x, owners: [{ role: lead }] }\n", 1),
    (
      "stage: staging\nmodel_details: { name: x }\nfairness: { disparate_impact: 1.2, groups: [a, b, c, d] }\n",
      2
    ),
    ("stage: staging\nmodel_details: { name: x }\nversion: [1]\nreplicas: 0\nkind: nightly\n", 3),
    (
      "stage: staging\nmodel_details: { name: x }\nversion: 3\nreplicas: 2\nkind: batch\nid: Bad_Id\n",
      1
    ),
    ("- a list\n", 1),
    // Lengths count characters, not bytes, on both sides of each limit.
    ("stage: staging\nmodel_details: { name: x }\nshort: \"é\"\n", 1),
    ("stage: staging\nmodel_details: { name: x }\nshort: \"éé\"\n", 0),
    ("stage: staging\nmodel_details: { name: x }\nshort: \"€€€\"\n", 0),
    ("stage: staging\nmodel_details: { name: x }\nshort: \"éééé\"\n", 1),
    ("stage: staging\nmodel_details: { name: x }\nshort: \"abcd\"\n", 1),
    // A definition that refers to itself, checked at every depth.
    (
      "stage: staging\nmodel_details: { name: x }\ntree: { name: a, children: [{ name: b, children: [{ name: 3 }] }] }\n",
      1
    ),
    (
      "stage: staging\nmodel_details: { name: x }\ntree: { name: a, children: [{ bogus: 1 }] }\n", 1
    ),
    // An object with many properties, and the boolean schemas.
    ("stage: staging\nmodel_details: { name: x }\nwide: { p0: 1, p19: 2, p7: x, zz: 1 }\n", 2),
    ("stage: staging\nmodel_details: { name: x }\nanything: [1, { a: b }]\nnothing: 1\n", 1),
  ]

  func schema() throws -> JSONSchema {
    let root = try #require(try YAMLLoader.load(Self.schemaText, file: "card.schema.json").first)
    return try JSONSchema(path: "card.schema.json", root: root)
  }

  @Test func violationsCountAndPointAtTheField() throws {
    let schema = try schema()
    for (text, expected) in Self.documents {
      let doc = try #require(try YAMLLoader.load(text, file: "card.yaml").first)
      let found = schema.violations(of: doc)
      #expect(found.count == expected, "\(text): \(found.map(\.description))")
    }
    let doc = try #require(try YAMLLoader.load(Self.documents[1].0, file: "card.yaml").first)
    #expect(
      schema.violations(of: doc).map(\.description) == [
        #"card.yaml:1:8: error: stage: must be one of "development", "staging", "production", "retired" [J010]"#
      ])
  }

  /// The same verdicts as Python's jsonschema (Draft 2020-12), an independent
  /// implementation.
  @Test func agreesWithPythonJsonschema() throws {
    let schema = try schema()
    let dir = try Scratch(["schema.json": Self.schemaText]).url
    var expected: [String] = []
    for (i, (text, _)) in Self.documents.enumerated() {
      let doc = try #require(try YAMLLoader.load(text, file: "d.yaml").first)
      try Data(JSONText.render(doc).utf8).write(to: dir.appendingPathComponent("doc\(i).json"))
      expected.append(schema.violations(of: doc).isEmpty ? "valid" : "invalid")
    }
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1] + "/schema.json"))
      v = jsonschema.Draft202012Validator(schema)
      for i in range(int(sys.argv[2])):
          doc = json.load(open(sys.argv[1] + "/doc%d.json" % i))
          print("valid" if v.is_valid(doc) else "invalid")
      """
    let result = try Python.run(script, arguments: [dir.path, String(Self.documents.count)])
    #expect(result.status == 0, "\(result.output)")
    #expect(result.output.split(separator: "\n").map(String.init) == expected)
  }

  @Test func unsupportedKeywordsAndBrokenRefsAreRefused() throws {
    let text = """
      { "type": "object", "properties": { "a": { "$ref": "#/definitions/x" } }, "if": { "type": "object" } }
      """
    let root = try #require(try YAMLLoader.load(text, file: "s.json").first)
    #expect {
      _ = try JSONSchema(path: "s.json", root: root)
    } throws: { error in
      let codes = (error as? PlaybookError)?.diagnostics.map(\.code) ?? []
      return Set(codes) == ["J002", "J003"]
    }
  }
}
