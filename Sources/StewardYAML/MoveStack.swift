/// A growable stack whose top slice can be moved out into an array of exactly
/// its size, with no retain/release per element and no spare capacity carried
/// into the result (as `Array(slice)` can, sharing a 256-slot buffer with
/// every small list of a document).
///
/// Noncopyable: it owns its buffer and frees what is left in `deinit`, also
/// when a load stops halfway on an error.
struct MoveStack<Element>: ~Copyable {
  private var base: UnsafeMutablePointer<Element>
  private var capacity: Int
  private(set) var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
  }

  deinit {
    base.deinitialize(count: count)
    base.deallocate()
  }

  @inline(__always)
  mutating func append(_ element: consuming Element) {
    if count == capacity { grow() }
    (base + count).initialize(to: element)
    count += 1
  }

  private mutating func grow() {
    let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
    bigger.moveInitialize(from: base, count: count)
    base.deallocate()
    base = bigger
    capacity *= 2
  }

  /// The element at `i` (`0 <= i < count`), read in place.
  @inline(__always)
  subscript(i: Int) -> Element {
    unsafeAddress { UnsafePointer(base + i) }
  }

  /// Moves the elements from `start` to the top out into a new array.
  @inline(__always)
  mutating func popArray(from start: Int) -> [Element] {
    let n = count - start
    guard n > 0 else { return [] }
    // `reserveCapacity` + moving appends rather than
    // `Array(unsafeUninitializedCapacity:)`, whose allocation is not
    // specialisable and looks up the storage class's generic metadata at
    // run time for every array (about 750 instructions each).
    var result: [Element] = []
    result.reserveCapacity(n)
    var source = base + start
    let end = base + count
    while source < end {
      result.append(source.move())
      source += 1
    }
    count = start
    return result
  }
}
