import Foundation
import StewardCore
import Testing

@testable import StewardYAML

/// The survey CSV scanner reads what CSVLoader (CSV.swift) reads, field for
/// field and mark for mark, on generated files with every quoting and line
/// ending; and it refuses the quoting CSV.swift silently misreads.
@Suite struct CSVScannerTests {
  /// Rows of fields drawn from awkward pieces, written with random quoting
  /// and line endings (always valid RFC 4180).
  static func generate(seed: Int) -> (text: String, rows: [[String]]) {
    var state = UInt64(seed) &* 2_862_933_555_777_941_757 &+ 3_037_000_493
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    let pieces = ["a", "42", " ", ",", "\"", "\n", "\r\n", "é", "日本", "x y", ""]
    let columns = 1 + next(4)
    var rows: [[String]] = [(0..<columns).map { "c\($0)" }]
    for _ in 0..<(1 + next(6)) {
      rows.append(
        (0..<columns).map { _ in (0..<next(4)).map { _ in pieces[next(pieces.count)] }.joined() })
    }
    let endings = ["\n", "\r\n", "\r"]
    let ending = endings[next(3)]
    var text = next(2) == 0 ? "\u{FEFF}" : ""
    for row in rows {
      let fields = row.map { field -> String in
        let needs = field.contains { ",\"\n\r".contains($0) } || field.isEmpty && row.count == 1
        return needs || next(3) == 0
          ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
      }
      text += fields.joined(separator: ",") + ending
    }
    return (text, rows)
  }

  @Test(arguments: 0..<300)
  func readsWhatTheLoaderReads(seed: Int) throws {
    let (text, _) = Self.generate(seed: seed)
    let loaded: Value
    do { loaded = try CSVLoader.load(text: text, file: "f.csv") } catch {
      // The loader refuses some files (a header cell with no name): so must the scanner.
      let scanner = try CSVScanner(bytes: Array(text.utf8), file: "f.csv")
      var header: [String]?
      try scanner.forEachRow { row in
        if header == nil { header = row.fields.map { scanner.string($0) } }
      }
      #expect(header?.contains("") == true || Set(header ?? []).count != header?.count)
      return
    }
    let scanner = try CSVScanner(bytes: Array(text.utf8), file: "f.csv")
    var scanned: [[String]] = []
    var marks: [[SourceMark]] = []
    try scanner.forEachRow { row in
      scanned.append(row.fields.map { scanner.string($0) })
      marks.append(row.fields.map { scanner.mark($0) })
    }
    let rows = loaded.list ?? []
    #expect(scanned.count == rows.count + 1, "\(text.debugDescription)")
    for (i, row) in rows.enumerated() where i + 1 < scanned.count {
      let entries = row.map?.entries ?? []
      let fields = scanned[i + 1]
      #expect(entries.count == scanned[0].count)
      for (j, entry) in entries.enumerated() where j < fields.count {
        #expect(entry.value.string == fields[j], "\(text.debugDescription) row \(i + 1)")
        #expect(entry.value.mark.line == marks[i + 1][j].line, "\(text.debugDescription)")
        #expect(entry.value.mark.column == marks[i + 1][j].column, "\(text.debugDescription)")
      }
    }
  }

  /// CSV.swift would read "2,3" into the open field: both readers refuse
  /// the file at the opening quote instead, with the same code.
  @Test func anOpenQuoteIsAnErrorForBothReaders() throws {
    let text = "a,b\n1,\"open\n2,3\n"
    do {
      _ = try CSVLoader.load(text: text, file: "f.csv")
      Issue.record("the loader read an open quote")
    } catch {
      #expect(error.code == "Y022")
      #expect(error.mark.line == 2 && error.mark.column == 3)
    }
    // A quote inside an unquoted field is its text, and a doubled quote in
    // a quoted one is a quote: neither opens anything.
    let fine = try CSVLoader.load(text: "a,b\n5\" monitor,\"say \"\"hi\"\"\"\n", file: "f.csv")
    #expect(fine.list?.count == 1)
    let scanner = try CSVScanner(bytes: Array(text.utf8), file: "f.csv")
    do {
      try scanner.forEachRow { _ in }
      Issue.record("no error")
    } catch let error as YAMLError {
      #expect(error.code == "Y022")
      #expect(error.mark.line == 2 && error.mark.column == 3)
    }
  }
}
