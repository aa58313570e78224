import StewardCore

/// The version `steward --version` prints and reports record.
public enum StewardVersion {
  public static let current = StewardBuild.version
  /// The playbook format this build reads (`steward: 1` in a playbook).
  public static let playbookFormat: Int64 = 1
}
