// Owned by the StewardLua work: replaced with the real benchmark.
enum LuaBench {
  static func run(quick: Bool) {}
}
