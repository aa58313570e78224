/// Where a value came from: a file and a 1-based line and column.
///
/// Every ``Value`` carries one, so that a finding, a schema error or a Lua
/// error can point at the line that decided it:
///
/// ```swift
/// let mark = SourceMark(file: "models/ad-targeting.yaml", line: 14, column: 5)
/// print(mark)  // models/ad-targeting.yaml:14:5
/// ```
///
/// Line and column are stored as 32-bit integers because a tree of a million
/// nodes carries a million marks; files past four billion lines are refused
/// long before by the loader's size limit.
public struct SourceMark: Sendable, Hashable, CustomStringConvertible {
  /// The file as the user named it (relative paths stay relative).
  public var file: String
  @usableFromInline internal var storedLine: Int32
  @usableFromInline internal var storedColumn: Int32

  /// A mark at `line`:`column` of `file`; 0 means "not known".
  @inlinable
  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.storedLine = Int32(clamping: line)
    self.storedColumn = Int32(clamping: column)
  }

  /// The mark of a value that was not read from a file (built in code, or
  /// returned by a plugin without a mark of its own).
  public static let unknown = SourceMark(file: "", line: 0, column: 0)

  /// The 1-based line, or 0 when not known.
  public var line: Int {
    get { Int(storedLine) }
    set { storedLine = Int32(clamping: newValue) }
  }

  /// The 1-based column in Unicode scalars (as libyaml counts), or 0.
  public var column: Int {
    get { Int(storedColumn) }
    set { storedColumn = Int32(clamping: newValue) }
  }

  /// Whether the mark points anywhere at all.
  public var isKnown: Bool { !file.isEmpty }

  /// `file:line:column`, the form editors and CI annotations understand;
  /// parts that are not known are left out.
  public var description: String {
    if file.isEmpty { return "<unknown>" }
    if line == 0 { return file }
    if column == 0 { return "\(file):\(line)" }
    return "\(file):\(line):\(column)"
  }
}
