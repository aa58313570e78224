internal import CLua
internal import CLuaShim

/// What plugin code can reach: the allowlist, in one place.
///
/// Every chunk gets an environment of its own (its `_G`), whose `__index` is
/// the shared base below. The base holds exactly ``globals``, one read-only
/// proxy per library in ``libraries``, and the `steward` API (``stewardAPI``).
/// Proxies refuse writes (`__newindex` raises, `rawset` refuses them,
/// `__metatable` is locked) and iterate with `pairs` without handing out the
/// table behind them. The string metatable's `__index` is the guarded string
/// table, and the metatable itself is locked.
///
/// Left out on purpose: `io`, `debug`, `package`/`require`, `load`,
/// `loadfile`, `dofile`, `collectgarbage`, `print` (use `steward.log`),
/// `warn`, `string.dump`, and every `os` function but `clock`, `date`, `time`.
/// Replaced by guarded versions: `string.find/match/gmatch/gsub` (budgeted
/// matcher), `table.move/sort/concat/unpack` (charged to the budget),
/// `setmetatable` (no `__gc`: finalizers run with hooks off), `rawset`
/// (no writes to protected tables), `next/pairs/rawget/rawlen` (they see
/// through the read-only proxies of a check's subject, params and ctx), and
/// every function whose work grows with an argument (charged.c: `string.rep`,
/// `table.insert/remove`, `utf8.*`, `os.date`, …), which charges that work.
///
/// A test compares the state after start-up with these lists, and start-up
/// itself fails if a listed name is missing or an unlisted one appears.
enum Sandbox {
  /// Base functions and values, besides the libraries.
  static let globals: [String] = [
    "_VERSION", "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber",
    "tostring", "type", "xpcall",
  ]

  /// Standard libraries and the fields each keeps.
  static let libraries: [(name: String, fields: [String])] = [
    (
      "coroutine",
      ["close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield"]
    ),
    (
      "math",
      [
        "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log",
        "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random", "randomseed",
        "sin", "sqrt", "tan", "tointeger", "type", "ult",
      ]
    ),
    ("os", ["clock", "date", "time"]),
    (
      "string",
      [
        "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack",
        "packsize", "rep", "reverse", "sub", "unpack", "upper",
      ]
    ),
    ("table", ["concat", "insert", "move", "pack", "remove", "sort", "unpack"]),
    ("utf8", ["char", "charpattern", "codepoint", "codes", "len", "offset"]),
  ]

  /// The `steward` API (HostAPI installs it; start-up checks it against this).
  static let stewardAPI: [(name: String, fields: [String])] = [
    ("steward", ["get", "isnull", "log", "map", "null", "plugin", "run", "stats", "version"]),
    ("steward.log", ["debug", "error", "info", "warn"]),
    (
      "steward.stats",
      [
        "chisq_gof", "disparate_impact", "enps", "equal_opportunity_difference", "mean", "median",
        "quantile", "stdev", "top_two_box", "variance",
        "wilson", "zscores",
      ]
    ),
  ]

  /// Everything as one map, "_G" for the base: what ``snapshot(of:)`` must return.
  static var allowlist: [String: [String]] {
    var all: [String: [String]] = [:]
    all["_G"] = (globals + libraries.map(\.name) + ["steward"]).sorted()
    for (name, fields) in libraries + stewardAPI { all[name] = fields.sorted() }
    return all
  }

  /// Builds the base, the proxies and the locked string metatable; makes the
  /// base the registry's globals and empties `_LOADED`, so the unfiltered
  /// tables are unreachable.
  static func install(in vm: LuaVM) throws {
    let L = vm.L
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try vm.checkStack(24)
    let registry = stw_registryindex()

    vm.pushString("_LOADED")
    guard lua_rawget(L, registry) == LUA_TTABLE else { throw missing("_LOADED") }
    let loaded = lua_gettop(L)
    lua_createtable(L, 0, 32)
    let base = lua_gettop(L)

    guard vm.rawField(loaded, "_G") == LUA_TTABLE else { throw missing("_G") }
    let opened = lua_gettop(L)
    for name in globals {
      guard vm.rawField(opened, name) != LUA_TNIL else { throw missing(name) }
      vm.setRawField(base, name)
    }
    stw_install_base_guard(L, base)
    stw_install_readonly_guard(L, base)
    stw_install_charges(L, "_G", base)
    lua_settop(L, base)

    for (name, fields) in libraries {
      guard vm.rawField(loaded, name) == LUA_TTABLE else { throw missing(name) }
      let real = lua_gettop(L)
      lua_createtable(L, 0, Int32(fields.count))
      let filtered = lua_gettop(L)
      for field in fields {
        guard vm.rawField(real, field) != LUA_TNIL else { throw missing("\(name).\(field)") }
        vm.setRawField(filtered, field)
      }
      if name == "string" {
        stw_install_pattern_guard(L, filtered)
        try lockStringMetatable(vm, stringTable: filtered)
      } else if name == "table" {
        stw_install_table_guard(L, filtered)
      }
      stw_install_charges(L, name, filtered)
      stw_push_protected(L, filtered)
      vm.setRawField(base, name)
      lua_settop(L, base)
    }

    try HostAPI.install(in: vm, base: base)

    // Environments fall back to the base; their metatable is locked.
    lua_createtable(L, 0, 2)
    lua_pushvalue(L, base)
    vm.setRawField(-2, "__index")
    vm.pushString("locked")
    vm.setRawField(-2, "__metatable")
    vm.refs.envMeta = vm.ref()

    lua_pushvalue(L, base)
    lua_rawseti(L, registry, lua_Integer(LUA_RIDX_GLOBALS))
    lua_pushvalue(L, base)
    vm.refs.base = vm.ref()
    vm.pushString("_LOADED")
    lua_createtable(L, 0, 0)
    lua_rawset(L, registry)

    let actual = snapshot(of: vm)
    guard actual == allowlist else {
      throw LuaError.unavailable(
        message: "the sandbox does not match its allowlist: \(actual) != \(allowlist)")
    }
  }

  private static func lockStringMetatable(_ vm: LuaVM, stringTable: Int32) throws {
    let L = vm.L
    vm.pushString("")
    guard lua_getmetatable(L, -1) != 0 else { throw missing("string metatable") }
    lua_pushvalue(L, stringTable)
    vm.setRawField(-2, "__index")
    vm.pushString("locked")
    vm.setRawField(-2, "__metatable")
    lua_settop(L, -3)
  }

  private static func missing(_ name: String) -> LuaError {
    .unavailable(message: "the Lua runtime lacks \(name)")
  }

  /// The names reachable from the base after start-up, read back from the
  /// VM: "_G" for the base, then each protected table by its dotted name.
  static func snapshot(of vm: LuaVM) -> [String: [String]] {
    let L = vm.L
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, 64) != 0 else { return [:] }
    var result: [String: [String]] = [:]
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.base))
    var pending: [(name: String, slot: Int32)] = [("_G", lua_gettop(L))]
    while let (name, slot) = pending.popLast() {
      var keys: [String] = []
      lua_pushnil(L)
      while lua_next(L, slot) != 0 {
        let key = vm.stringIfString(at: -2) ?? "<\(vm.typeName(at: -2))>"
        keys.append(key)
        if stw_is_protected(L, -1) != 0, lua_getmetatable(L, -1) != 0 {
          // stack: key, proxy, metatable → keep the real table on the stack
          vm.rawField(-1, "__index")
          lua_rotate(L, -4, 1)  // real, key, proxy, metatable
          lua_settop(L, -3)  // real, key: the key stays on top for lua_next
          let childName = name == "_G" ? key : "\(name).\(key)"
          pending.append((childName, lua_gettop(L) - 1))
          continue
        }
        lua_settop(L, -2)
      }
      result[name] = keys.sorted()
    }
    return result
  }
}

extension LuaVM {
  /// Adds `stock` (the unguarded find, match, gmatch, gsub) to the base, so
  /// tests can compare the guarded matcher with Lua's. Never used by Steward.
  func installStockPatternsForTesting() {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.base))
    stw_push_stock_patterns(L)
    setRawField(-2, "stock")
  }
}
