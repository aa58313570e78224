internal import CLua
internal import CLuaShim

/// `steward.log.debug/info/warn/error(...)`: the arguments, turned into text
/// and joined with spaces, go to the VM's log closure.
enum LogAPI {
  /// Bytes of one string argument that reach the log.
  static let limit = 4096

  static func pushTable(_ vm: LuaVM) {
    HostAPI.pushProtectedTable(
      vm,
      [
        ("debug", { L in LogAPI.log(L, .debug) }),
        ("info", { L in LogAPI.log(L, .info) }),
        ("warn", { L in LogAPI.log(L, .warning) }),
        ("error", { L in LogAPI.log(L, .error) }),
      ])
  }

  static func log(_ L: OpaquePointer?, _ level: LuaLogLevel) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    let count = lua_gettop(L)
    var parts: [String] = []
    if count > 0 {
      for i in 1...count {
        // Copying a string out is work the count hook does not see: charged,
        // and a long one cut (a log line of 30 MB helps no one).
        let bytes = lua_type(L, i) == LUA_TSTRING ? min(Int(lua_rawlen(L, i)), LogAPI.limit) : 0
        guard stw_budget_spend(L, 1 + Int64(bytes) / 16) == Int32(STW_BUDGET_NONE) else {
          return 0
        }
        parts.append(vm.display(at: i, limit: LogAPI.limit))
      }
    }
    vm.log(level, parts.joined(separator: " "))
    return 0
  }
}

extension LuaVM {
  /// Text for a log line, without calling metamethods: strings as they are
  /// (cut after `limit` bytes), numbers and booleans written out, other
  /// values by their type.
  func display(at index: Int32, limit: Int = .max) -> String {
    switch lua_type(L, index) {
    case LUA_TSTRING:
      var length = 0
      guard let chars = lua_tolstring(L, index, &length) else { return "" }
      guard length > limit else { return string(at: index) }
      let prefix = UnsafeRawBufferPointer(start: chars, count: limit)
      return String(decoding: prefix, as: UTF8.self) + "… (\(length) bytes)"
    case LUA_TNUMBER:
      if lua_isinteger(L, index) != 0 { return String(lua_tointegerx(L, index, nil)) }
      let d = lua_tonumberx(L, index, nil)
      return d.isFinite ? "\(d)" : (d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf"))
    case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
    case LUA_TNIL: return "nil"
    default: return isNull(at: index) ? "null" : typeName(at: index)
    }
  }
}
