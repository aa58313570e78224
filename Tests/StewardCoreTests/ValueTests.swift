import Foundation
import Testing

@testable import StewardCore

@Suite struct ValueTests {
  let card: Value = {
    let file = "models/ad-targeting.yaml"
    func at(_ line: Int, _ column: Int) -> SourceMark {
      SourceMark(file: file, line: line, column: column)
    }
    let split = Value(.string("train"), mark: at(14, 14))
    let validation = Value(
      .map(OrderedMap([.init(key: "split", keyMark: at(14, 7), value: split)])), mark: at(14, 7))
    let evaluation = Value(
      .map(OrderedMap([.init(key: "validation", keyMark: at(13, 5), value: validation)])),
      mark: at(13, 5))
    let metrics = Value(.list([Value(.string("auc"), mark: at(16, 7))]), mark: at(16, 5))
    return Value(
      .map(
        OrderedMap([
          .init(key: "evaluation", keyMark: at(12, 1), value: evaluation),
          .init(key: "metrics", keyMark: at(15, 1), value: metrics),
        ])), mark: at(12, 1))
  }()

  @Test func lookupFindsNodeAndItsMark() {
    let found = card.lookup("evaluation.validation.split")
    #expect(found.value == "train")
    #expect(found.mark.description == "models/ad-targeting.yaml:14:14")
    #expect(found.missing == nil)
  }

  @Test func missingPathPointsAtNearestParent() {
    let found = card.lookup("evaluation.validation.fairness.audit")
    #expect(found.value == nil)
    #expect(found.missing == "fairness")
    #expect(found.resolved == ["evaluation", "validation"])
    #expect(found.mark.description == "models/ad-targeting.yaml:14:7")
  }

  @Test func listIndexInBothSpellings() {
    #expect(card.lookup("metrics[0]").value == "auc")
    #expect(card.lookup("metrics.0").value == "auc")
    #expect(card.lookup("metrics[1]").missing == "1")
    #expect(card.lookup("metrics[1]").mark.line == 16)
  }

  @Test func quotedSegmentKeepsDots() {
    #expect(Value.pathSegments(#"labels."app.io/name".x"#) == ["labels", "app.io/name", "x"])
    #expect(Value.pathSegments("a.b[2].c") == ["a", "b", "2", "c"])
  }

  @Test func equalityIgnoresMarksButNotTypes() {
    let a = Value(.int(1), mark: SourceMark(file: "a.yaml", line: 1, column: 1))
    let b = Value(.int(1), mark: SourceMark(file: "b.json", line: 9, column: 3))
    #expect(a == b)
    #expect(Value(.int(1)) != Value(.double(1)))
    #expect(Value(.double(.nan)) == Value(.double(.nan)))
  }

  @Test func nodeCountWalksTheTree() {
    #expect(card.nodeCount == 6)
  }

  @Test func markDescriptionDropsUnknownParts() {
    #expect(SourceMark.unknown.description == "<unknown>")
    #expect(SourceMark(file: "x.csv", line: 4, column: 0).description == "x.csv:4")
    #expect(!SourceMark.unknown.isKnown)
  }
}

@Suite struct OrderedMapTests {
  @Test func keepsInsertionOrderAndReplacesInPlace() {
    var m = OrderedMap()
    m["b"] = 1
    m["a"] = 2
    m["b"] = 3
    #expect(m.keys == ["b", "a"])
    #expect(m["b"] == 3)
    m["b"] = nil
    #expect(m.keys == ["a"])
  }

  @Test(arguments: [3, 16, 17, 500])
  func lookupWorksAcrossTheIndexThreshold(count: Int) {
    var m = OrderedMap()
    for i in 0..<count { m["k\(i)"] = Value(.int(Int64(i))) }
    for i in 0..<count { #expect(m["k\(i)"] == Value(.int(Int64(i)))) }
    #expect(m["missing"] == nil)
    m.remove("k0")
    #expect(m.count == count - 1)
    #expect(m.position(of: "k1") == 0)
  }

  @Test func equalityIsOrderSensitive() {
    let ab: Value = ["a": 1, "b": 2]
    let ba: Value = ["b": 2, "a": 1]
    #expect(ab != ba)
    #expect(ab == ["a": 1, "b": 2])
  }
}

@Suite struct DiagnosticTests {
  @Test func rendersLikeACompiler() {
    let d = Diagnostic(
      at: SourceMark(file: "p.yaml", line: 2, column: 3), code: "Y004",
      #"duplicate key "owner""#, notes: ["first defined at p.yaml:1:1"])
    #expect(
      d.description == """
        p.yaml:2:3: error: duplicate key "owner" [Y004]
            first defined at p.yaml:1:1
        """)
    #expect(
      d.rendered(source: "owner: a\n  owner: b\n") == """
        p.yaml:2:3: error: duplicate key "owner" [Y004]
          owner: b
          ^
            first defined at p.yaml:1:1
        """)
  }
}

@Suite struct JSONTextTests {
  /// The word-at-a-time scan agrees with the byte-by-byte rule for every
  /// byte value at every position of strings of 1 to 24 bytes.
  @Test func theEscapeScanAgreesWithTheByteRule() {
    func slow(_ bytes: [UInt8]) -> Bool {
      bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F }
    }
    var disagreements = 0
    for length in 1...24 {
      for position in 0..<length {
        for byte in UInt8.min...UInt8.max {
          var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
          bytes[position] = byte
          let fast = bytes.withUnsafeBufferPointer { JSONText.needsEscape($0) }
          if fast != slow(bytes) { disagreements += 1 }
        }
      }
    }
    #expect(disagreements == 0)
    // Near misses on each side of each rule, in every lane of a word.
    for byte: UInt8 in [0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80] {
      let bytes = Array("abcdefgh".utf8) + [byte] + Array("ijklmnop".utf8)
      #expect(bytes.withUnsafeBufferPointer { JSONText.needsEscape($0) } == slow(bytes))
    }
  }

  @Test func compactKeepsOrderAndTypes() {
    let v: Value = ["z": 1, "a": 1.0, "s": "q\"\n\u{1}", "l": [nil, true], "e": [:]]
    #expect(
      JSONText.render(v, pretty: false)
        == #"{"z":1,"a":1.0,"s":"q\"\n\u0001","l":[null,true],"e":{}}"#)
  }

  @Test func prettyIndentsByTwo() {
    let v: Value = ["a": [1, 2], "b": []]
    #expect(JSONText.render(v) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": []\n}")
  }

  @Test func nonFiniteDoublesBecomeYAMLSpellings() {
    #expect(
      JSONText.render([.init(.double(.infinity)), .init(.double(.nan))], pretty: false)
        == #"[".inf",".nan"]"#)
    #expect(JSONText.render(0.25, pretty: false) == "0.25")
  }

  @Test(arguments: [0, 7, 10, 99, 1234, -1, -10, Int.max, Int.min])
  func integersAreWrittenAsSwiftPrintsThem(_ i: Int) {
    var out = JSONText(pretty: false)
    out.writeInt(i)
    #expect(out.text == String(i))
  }

  /// Objects written field by field are the bytes `write` gives the map.
  @Test(arguments: [true, false]) func objectsWrittenByFieldMatchTheMapWriter(pretty: Bool) {
    var out = JSONText(pretty: pretty)
    out.beginObject()
    out.field("name", "ad \"targeting\"")
    out.field("line", int: 14)
    out.key("empty")
    out.beginObject()
    out.endObject()
    out.key("tags")
    out.writeStrings(["a", "b"])
    out.field("waiver", nil)
    out.endObject()
    let map: Value = [
      "name": "ad \"targeting\"", "line": 14, "empty": Value(.map(OrderedMap())),
      "tags": ["a", "b"], "waiver": nil,
    ]
    #expect(out.text == JSONText.render(map, pretty: pretty))
  }

  /// A long list written in parallel chunks must give the very bytes the
  /// one-thread writer gives, in both layouts, at every chunk boundary.
  @Test(arguments: [true, false], [4096, 4097, 10_001, 40_000])
  func longListsWrittenInParallelMatchTheSerialWriter(pretty: Bool, count: Int) {
    @Sendable func element(_ i: Int) -> Value {
      [
        "i": Value(.int(Int64(i))), "s": Value(.string("n\(i)\"")),
        "l": [Value(.int(Int64(i % 7))), nil],
      ]
    }
    var parallel = JSONText(pretty: pretty)
    parallel.writeObject([("a", .value(1)), ("items", .list(count: count, element: element))])
    let serial: Value = ["a": 1, "items": Value(.list((0..<count).map(element)))]
    let expected = JSONText.render(serial, pretty: pretty)
    #expect(parallel.text == expected)

    // Streamed to a sink, a megabyte at a time across waves of elements:
    // the same bytes, in pieces none much larger than the flush size.
    let pieces = Pieces()
    var streamed = JSONText(pretty: pretty)
    streamed.sink = { pieces.append($0) }
    streamed.writeObject([("a", .value(1)), ("items", .list(count: count, element: element))])
    streamed.flush()
    #expect(String(decoding: pieces.all.joined(), as: UTF8.self) == expected)
    #expect(pieces.all.allSatisfy { $0.count < 2 * JSONText.flushSize })
    if expected.utf8.count > 2 * JSONText.flushSize { #expect(pieces.all.count > 1) }
  }

  /// A list in the `lines` layout is one compact element per line inside the
  /// pretty document, the same whether it is written on one thread (short)
  /// or in parallel chunks (long), and reads back as the value it wrote.
  @Test(arguments: [3, 4096, 10_001])
  func listsInTheLinesLayoutHaveOneCompactElementPerLine(count: Int) throws {
    @Sendable func element(_ i: Int) -> Value {
      ["i": Value(.int(Int64(i))), "s": Value(.string("n\(i)\"")), "m": ["k": [1, nil]]]
    }
    @Sendable func written(_ i: Int, _ out: inout JSONText) { out.write(element(i)) }
    var out = JSONText(pretty: true)
    out.writeObject([("a", .value(1)), ("items", .lines(count: count, element: written))])
    let lines = out.text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == count + 5)
    #expect(lines[1] == #"  "a": 1,"#)
    #expect(lines[3] == #"    {"i":0,"s":"n0\"","m":{"k":[1,null]}},"#)
    #expect(
      lines[count + 2] == #"    {"i":\#(count - 1),"s":"n\#(count - 1)\"","m":{"k":[1,null]}}"#)
    #expect(lines[count + 3] == "  ]")
    let compact = JSONText.render(
      ["a": 1, "items": Value(.list((0..<count).map(element)))], pretty: false)
    let reread = try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? NSDictionary
    let expected = try JSONSerialization.jsonObject(with: Data(compact.utf8)) as? NSDictionary
    #expect(reread == expected)
  }
}

private final class Pieces: @unchecked Sendable {
  var all: [[UInt8]] = []
  func append(_ bytes: [UInt8]) { all.append(bytes) }
}
