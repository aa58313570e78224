import StewardCore
import Testing

@Suite struct EnglishTests {
  @Test(arguments: [
    ("int", "an int"), ("integer", "an integer"), ("map", "a map"), ("list", "a list"),
    ("string", "a string"), ("Object", "an Object"), ("", ""),
  ])
  func typeNamesGetTheirArticle(noun: String, expected: String) {
    #expect(English.withArticle(noun) == expected)
  }
}
