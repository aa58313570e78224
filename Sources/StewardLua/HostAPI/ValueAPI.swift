internal import CLua
internal import CLuaShim
internal import StewardCore

/// `steward.null`, `steward.isnull`, `steward.map`; `steward.get` is in C
/// (`stw_get` in CLuaShim).
enum ValueAPI {
  /// `tostring(steward.null)` → "null".
  static func nullToString(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    LuaVM.host(L).pushString("null")
    return 1
  }

  /// `steward.isnull(v)` → true for `steward.null` only.
  static func isNull(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    lua_pushboolean(L, vm.isNull(at: 1) ? 1 : 0)
    return 1
  }

  /// `steward.map([t])` → `t` (or a new table) marked as a map.
  static func map(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    switch lua_type(L, 1) {
    case LUA_TNONE, LUA_TNIL:
      lua_settop(L, 0)
      lua_createtable(L, 0, 0)
    case LUA_TTABLE:
      lua_settop(L, 1)
      if stw_is_readonly(L, 1) != 0 {
        // Remembered as the call's result, like any refused write, even if
        // the plugin catches this error.
        stw_readonly_push_refusal(L, 0)
        lua_settop(L, 1)
        return vm.raise("steward.map: the table is read-only")
      }
      if stw_is_protected(L, 1) != 0 {
        return vm.raise("steward.map: the table is read-only")
      }
      if lua_getmetatable(L, 1) != 0 {
        _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.mapMeta))
        let same = lua_rawequal(L, -1, -2) != 0
        lua_settop(L, 1)
        if !same { return vm.raise("steward.map: the table already has a metatable") }
      }
    default:
      return vm.raise("steward.map: expected a table or nothing, got \(vm.typeName(at: 1))")
    }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.mapMeta))
    _ = lua_setmetatable(L, 1)
    return 1
  }
}
