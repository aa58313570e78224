import StewardCore
import Testing

@testable import StewardYAML

@Suite struct JSONTests {
  @Test func jsonGoesThroughTheSameLoader() throws {
    let docs = try DocumentLoader.load(
      text: #"{"id": "m1", "auc": 0.71, "rows": 1200, "ok": true, "x": null, "t": [1, "2"]}"#,
      format: .json, file: "m.json")
    #expect(
      docs == [["id": "m1", "auc": 0.71, "rows": 1200, "ok": true, "x": nil, "t": [1, "2"]]])
    #expect(docs[0]["rows"]?.mark == SourceMark(file: "m.json", line: 1, column: 35))
  }

  @Test func compactJSONWithoutSpacesAfterColons() throws {
    let docs = try DocumentLoader.load(
      text: #"{"a":1,"b":{"c":[1,2]},"d":"x"}"#, format: .json, file: "c.json")
    #expect(docs == [["a": 1, "b": ["c": [1, 2]], "d": "x"]])
  }

  @Test func tabIndentedJSONLoadsWithColumnsKept() throws {
    let text = "{\n\t\"name\": \"ranker\",\n\t\"eval\": {\n\t\t\"auc\": 0.7\n\t}\n}\n"
    let path = try TempFiles.write(text, name: "tabs.json")
    let docs = try DocumentLoader.load(path: path)
    #expect(docs == [["name": "ranker", "eval": ["auc": 0.7]]])
    #expect(docs[0]["eval"]?["auc"]?.mark.lc == "4:10")
    let fromText = try DocumentLoader.load(text: text, format: .json, file: "tabs.json")
    #expect(fromText == docs)
  }

  @Test func escapedTabsInJSONStringsStayTabs() throws {
    let docs = try DocumentLoader.load(text: #"{"s": "a\tb"}"#, format: .json, file: "e.json")
    #expect(docs[0]["s"]?.string == "a\tb")
  }

  @Test func duplicateJSONKeyIsAnError() throws {
    #expect(throws: YAMLError.self) {
      try DocumentLoader.load(text: #"{"a": 1, "a": 2}"#, format: .json, file: "d.json")
    }
  }

  @Test func emptyJSONFileHasNoDocuments() throws {
    let path = try TempFiles.write("", name: "empty.json")
    #expect(try DocumentLoader.load(path: path).isEmpty)
  }
}

@Suite struct CSVTests {
  @Test func rowsBecomeMapsOfStringsMarkedWithTheirLine() throws {
    let value = try CSVLoader.load(
      text: "team,score,notes\nads,4,fine\nsearch,3.5,\n", file: "s.csv")
    #expect(
      value == [
        ["team": "ads", "score": "4", "notes": "fine"],
        ["team": "search", "score": "3.5", "notes": ""],
      ])
    #expect(value[1]?.mark == SourceMark(file: "s.csv", line: 3, column: 1))
    #expect(value[1]?["score"]?.mark.lc == "3:8")
    #expect(value[1]?.map?.entry("score")?.keyMark.lc == "3:8")
  }

  @Test func quotedNewlinesKeepLaterRowsOnTheirLines() throws {
    let text =
      #"""
      id,comment,score
      1,"two
      lines",5
      2,"say ""hi""",4
      3,"a, b",3


      """# + "4,\"x\r\ny\",2\n5,plain,1\n"
    let value = try CSVLoader.load(text: text, file: "c.csv")
    let rows = try #require(value.list)
    #expect(rows.count == 5)
    #expect(rows[0]["comment"]?.string == "two\nlines")
    #expect(rows[0]["score"]?.mark.lc == "3:8")
    #expect(rows[1].mark.lc == "4:1")
    #expect(rows[1]["comment"]?.string == "say \"hi\"")
    #expect(rows[1]["score"]?.mark.lc == "4:16")
    #expect(rows[2]["score"]?.mark.lc == "5:10")
    #expect(rows[3].mark.lc == "7:1")
    #expect(rows[4].mark.lc == "9:1")
    #expect(rows[4]["comment"]?.mark.lc == "9:3")
  }

  @Test func crlfLineEndings() throws {
    let value = try CSVLoader.load(text: "a,b\r\n1,2\r\n3,4\r\n", file: "w.csv")
    #expect(value == [["a": "1", "b": "2"], ["a": "3", "b": "4"]])
    #expect(value[1]?["b"]?.mark.lc == "3:3")
  }

  @Test func aRowWithTooManyFieldsIsAnError() {
    do {
      _ = try CSVLoader.load(text: "a,b\n1,2\n\"x\ny\",2,3\n", file: "bad.csv")
      Issue.record("expected an error")
    } catch {
      #expect(
        error.description
          == "bad.csv:4:6: error: row has 3 fields but the header has 2 columns [Y020]")
    }
  }

  @Test func aShortRowGetsNullsForMissingColumns() throws {
    let value = try CSVLoader.load(text: "a,b,c\n1\n", file: "s.csv")
    #expect(value == [["a": "1", "b": nil, "c": nil]])
  }

  @Test(arguments: [("a,,c\n", "1:3"), ("a,b,a\n1,2,3\n", "1:5")])
  func badHeaders(text: String, at: String) {
    do {
      _ = try CSVLoader.load(text: text, file: "h.csv")
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .csvHeader)
      #expect(error.mark.lc == at)
    }
  }

  @Test func emptyCSVIsAnEmptyList() throws {
    #expect(try CSVLoader.load(text: "", file: "e.csv") == [])
    #expect(try CSVLoader.load(text: "a,b\n", file: "e.csv") == [])
  }

  @Test func byteOrderMarkIsSkipped() throws {
    let value = try CSVLoader.load(text: "\u{FEFF}a,b\n1,2\n", file: "bom.csv")
    #expect(value[0]?.map?.keys == ["a", "b"])
    #expect(value[0]?["a"]?.mark.lc == "2:1")
  }

  @Test func invalidUTF8InCSV() throws {
    let path = try TempFiles.write(Array("a,b\n1,".utf8) + [0xC3, 0x28, 0x0A], name: "bad.csv")
    do {
      _ = try DocumentLoader.load(path: path)
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .encoding)
      #expect(error.mark.lc == "2:3")
    }
  }
}

@Suite struct DocumentLoaderTests {
  @Test(arguments: [
    ("a.yaml", DocumentFormat.yaml), ("a.YML", .yaml), ("dir.v2/a.json", .json), ("x.csv", .csv),
  ])
  func formatByExtension(path: String, format: DocumentFormat) {
    #expect(DocumentFormat(path: path) == format)
  }

  @Test(arguments: ["a.txt", "noext", "dir.yaml/file", "a.yaml.bak"])
  func unsupportedExtensions(path: String) {
    #expect(DocumentFormat(path: path) == nil)
    do {
      _ = try DocumentLoader.load(path: path)
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .unsupportedFormat)
    }
  }

  @Test func dispatchesEachFormat() throws {
    let yaml = try TempFiles.write("---\na: 1\n---\nb: 2\n", name: "s.yaml")
    #expect(try DocumentLoader.load(path: yaml).count == 2)
    let csv = try TempFiles.write("a\n1\n2\n", name: "s.csv")
    #expect(try DocumentLoader.load(path: csv) == [[["a": "1"], ["a": "2"]]])
  }

  @Test func aDirectoryIsUnreadable() throws {
    let file = try TempFiles.write("", name: "x.yaml")
    let directory = String(file.dropLast("/x.yaml".count)) + "/sub.yaml"
    try FileManagerShim.makeDirectory(directory)
    do {
      _ = try DocumentLoader.load(path: directory)
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .unreadable)
      #expect(error.message.hasSuffix("it is a directory"))
    }
  }
}
