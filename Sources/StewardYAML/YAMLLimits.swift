/// Ceilings that keep a hostile or accidental input from exhausting memory or
/// time. Every limit, when hit, ends the load with a ``YAMLError`` that points
/// at the place it was crossed.
///
/// ```swift
/// var limits = YAMLLimits.default
/// limits.maxDepth = 64
/// let docs = try YAMLLoader.load(file: "playbook.yaml", limits: limits)
/// ```
public struct YAMLLimits: Sendable, Equatable {
  /// The largest input accepted, in bytes (``YAMLError/Code/fileTooLarge``).
  public var maxFileBytes: Int
  /// The longest scalar (after escapes are decoded), in UTF-8 bytes
  /// (``YAMLError/Code/scalarTooLarge``).
  public var maxScalarBytes: Int
  /// The deepest nesting of lists and maps (``YAMLError/Code/tooDeep``).
  public var maxDepth: Int
  /// The most nodes in one stream, counted after alias expansion: an alias
  /// to an anchored node of 1,000 nodes counts 1,000, and map keys count
  /// (``YAMLError/Code/tooManyNodes``).
  public var maxNodes: Int
  /// The most documents in one stream (``YAMLError/Code/tooManyDocuments``).
  public var maxDocuments: Int
  /// Whether `.inf`, `-.inf` and `.nan` (however tagged) are read as
  /// numbers; when false they are refused (``YAMLError/Code/nonFinite``).
  /// Audit subjects refuse them: a check comparing an infinity or a NaN
  /// with a threshold can pass a value nobody measured.
  public var allowsNonFiniteNumbers: Bool

  public init(
    maxFileBytes: Int = 64 << 20, maxScalarBytes: Int = 8 << 20, maxDepth: Int = 256,
    maxNodes: Int = 5_000_000, maxDocuments: Int = 1_000_000,
    allowsNonFiniteNumbers: Bool = true
  ) {
    self.maxFileBytes = maxFileBytes
    self.maxScalarBytes = maxScalarBytes
    self.maxDepth = maxDepth
    self.maxNodes = maxNodes
    self.maxDocuments = maxDocuments
    self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
  }

  /// 64 MiB files, 8 MiB scalars, depth 256, 5,000,000 nodes, 1,000,000
  /// documents; `.inf` and `.nan` read as numbers (the YAML core schema).
  public static let `default` = YAMLLimits()

  /// The default limits without `.inf` and `.nan`: for data a gate judges.
  public static let finite = YAMLLimits(allowsNonFiniteNumbers: false)
}
