/// Small helpers for messages written as English prose.
public enum English {
  /// `noun` after "a" or "an", chosen by its first letter: "an int", "a
  /// map", "an integer". Enough for the type names messages print, none of
  /// which starts with a vowel letter sounded as a consonant ("a user").
  ///
  /// ```swift
  /// English.withArticle(Value(.int(42)).typeName)  // "an int"
  /// ```
  public static func withArticle(_ noun: String) -> String {
    guard let first = noun.first else { return noun }
    return ("aeiouAEIOU".contains(first) ? "an " : "a ") + noun
  }
}

extension Value {
  /// The value's type as a message names it: "an int", "a list", "null".
  public var typeWithArticle: String { isNull ? "null" : English.withArticle(typeName) }
}
