/// Values the command line leaves for the operating system to reclaim.
///
/// The process exits right after a run; freeing a 140,000-result audit
/// report one result at a time took a tenth of a second of it. Only for
/// values whose last use is done, in a process that is about to end.
enum KeptUntilExit {
  private final class Box<T> {
    let value: T
    init(_ value: T) { self.value = value }
  }

  static func keep<T>(_ value: T) {
    _ = Unmanaged.passRetained(Box(value))
  }
}
