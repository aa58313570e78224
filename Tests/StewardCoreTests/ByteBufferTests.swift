import Testing

@testable import StewardCore

@Suite struct ByteBufferTests {
  /// Every way of appending, across many doublings of the storage, gives the
  /// bytes an array given the same appends holds.
  @Test func appendsMatchAnArray() {
    var buffer = ByteBuffer()
    var expected: [UInt8] = []
    for i in 0..<5_000 {
      switch i % 6 {
      case 0:
        buffer.append(UInt8(i % 256))
        expected.append(UInt8(i % 256))
      case 1:
        buffer.append("é\(i)")
        expected += Array("é\(i)".utf8)
      case 2:
        buffer.append(",\"k\":" as StaticString)
        expected += Array(",\"k\":".utf8)
      case 3:
        buffer.append(repeating: 0x20, count: i % 9)
        expected += Array(repeating: 0x20, count: i % 9)
      case 4:
        let piece = [UInt8](repeating: UInt8(i % 200), count: i % 300)
        buffer.append(piece)
        expected += piece
      default:
        var other = ByteBuffer()
        other.append("[\(i)]")
        buffer.append(other)
        expected += Array("[\(i)]".utf8)
      }
    }
    #expect(buffer.array == expected)
    #expect(buffer.count == expected.count)
  }

  /// A copy is a value: changing one leaves the other as it was, also when
  /// the change empties the buffer and keeps its capacity.
  @Test func copiesAreIndependent() {
    var a = ByteBuffer()
    a.append("shared")
    var b = a
    b.append("+b")
    #expect(a.array == Array("shared".utf8))
    #expect(b.array == Array("shared+b".utf8))
    var c = b
    c.removeAll(keepingCapacity: true)
    #expect(c.isEmpty)
    #expect(b.array == Array("shared+b".utf8))
    c.append("c")
    #expect(c.array == Array("c".utf8))
    #expect(b.array == Array("shared+b".utf8))
  }
}
