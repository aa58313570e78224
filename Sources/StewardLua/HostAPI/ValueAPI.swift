internal import CLua
internal import CLuaShim
internal import StewardCore

/// `steward.null`, `steward.isnull`, `steward.map`, `steward.get`.
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
      if lua_getmetatable(L, 1) != 0 {
        _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.mapMeta))
        let same = lua_rawequal(L, -1, -2) != 0
        lua_settop(L, 1)
        if !same { return vm.raise("steward.map: the table already has a metatable") }
      }
      if stw_is_protected(L, 1) != 0 { return vm.raise("steward.map: the table is read-only") }
    default:
      return vm.raise("steward.map: expected a table or nothing, got \(vm.typeName(at: 1))")
    }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.mapMeta))
    _ = lua_setmetatable(L, 1)
    return 1
  }

  /// `steward.get(value, "a.b[0].c")` → the value at the path (list indices
  /// from 0, as everywhere in Steward), or nil when missing or null.
  static func get(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    guard let path = vm.stringIfString(at: 2) else {
      return vm.raise("steward.get: the path must be a string, got \(vm.typeName(at: 2))")
    }
    lua_settop(L, 1)
    guard lua_checkstack(L, 4) != 0 else { return vm.raise("steward.get: stack overflow") }
    let segments: [String]
    if let cached = vm.pathCache[path] {
      segments = cached
    } else {
      segments = Value.pathSegments(path)
      if vm.pathCache.count >= 4096 { vm.pathCache.removeAll(keepingCapacity: true) }
      vm.pathCache[path] = segments
    }
    for segment in segments {
      guard lua_type(L, -1) == LUA_TTABLE else {
        lua_pushnil(L)
        return 1
      }
      // A string key first (maps), then a 0-based list index.
      if vm.rawField(-1, segment) == LUA_TNIL, let index = Int64(segment), index >= 0 {
        lua_settop(L, -2)
        _ = lua_rawgeti(L, -1, index + 1)
      }
      lua_rotate(L, -2, -1)
      lua_settop(L, -2)  // keep only the child
    }
    if vm.isNull(at: -1) { lua_pushnil(L) }
    return 1
  }
}
