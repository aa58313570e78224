/// The one place the version lives; the CLI, reports and `steward.version`
/// in Lua all read it from here.
public enum StewardBuild {
  public static let version = "0.1.0"
}
