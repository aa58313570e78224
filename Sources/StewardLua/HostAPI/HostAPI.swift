internal import CLua
internal import CLuaShim

/// A Swift function Lua can call. It never raises: it returns the number of
/// results, or ``hostError`` after pushing a message, and the C trampoline
/// raises from a C frame (prefixed with the caller's `chunk:LINE:`).
typealias HostFunction = @convention(c) (OpaquePointer?) -> Int32

/// What a host function returns after pushing its error message.
let hostError: Int32 = -1

/// Builds the `steward` table (see docs/lua-api.md) and the values the bridge
/// needs: the null sentinel, the empty-map marker, the plugin metatable.
enum HostAPI {
  static func install(in vm: LuaVM, base: Int32) throws {
    let L = vm.L
    try vm.checkStack(16)

    // steward.null: a unique, frozen userdata; tostring gives "null".
    _ = lua_newuserdatauv(L, 0, 0)
    lua_createtable(L, 0, 3)
    vm.pushHost { L in ValueAPI.nullToString(L) }
    vm.setRawField(-2, "__tostring")
    vm.pushString("steward.null")
    vm.setRawField(-2, "__metatable")
    vm.pushString("steward.null")
    vm.setRawField(-2, "__name")
    _ = lua_setmetatable(L, -2)
    vm.refs.null = vm.ref()

    // The marker of an empty map; locked so no plugin can change it for others.
    lua_createtable(L, 0, 1)
    vm.pushString("steward.map")
    vm.setRawField(-2, "__metatable")
    vm.refs.mapMeta = vm.ref()

    // Which tables are plugins (weak keys), and their methods.
    lua_createtable(L, 0, 4)
    lua_createtable(L, 0, 1)
    vm.pushString("k")
    vm.setRawField(-2, "__mode")
    _ = lua_setmetatable(L, -2)
    vm.refs.pluginTokens = vm.ref()
    PluginAPI.pushPluginMetatable(vm)
    vm.refs.pluginMeta = vm.ref()

    lua_createtable(L, 0, 8)
    let steward = lua_gettop(L)
    vm.pushHost { L in PluginAPI.plugin(L) }
    vm.setRawField(steward, "plugin")
    vm.pushHost { L in ValueAPI.isNull(L) }
    vm.setRawField(steward, "isnull")
    vm.pushHost { L in ValueAPI.map(L) }
    vm.setRawField(steward, "map")
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.null))
    stw_push_get(L)
    vm.setRawField(steward, "get")
    vm.pushHost { L in RunAPI.run(L) }
    vm.setRawField(steward, "run")
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.null))
    vm.setRawField(steward, "null")
    vm.pushString(LuaVM.stewardVersion)
    vm.setRawField(steward, "version")
    LogAPI.pushTable(vm)
    vm.setRawField(steward, "log")
    StatsAPI.pushTable(vm)
    vm.setRawField(steward, "stats")
    lua_pushvalue(L, steward)
    vm.refs.steward = vm.ref()
    stw_push_protected(L, steward)
    vm.setRawField(base, "steward")
    lua_settop(L, steward - 1)
  }

  /// Pushes `table` (fields name → function) as a protected proxy (pushes one).
  static func pushProtectedTable(_ vm: LuaVM, _ functions: [(String, HostFunction)]) {
    lua_createtable(vm.L, 0, Int32(functions.count))
    for (name, function) in functions {
      vm.pushHost(function)
      vm.setRawField(-2, name)
    }
    stw_push_protected(vm.L, -1)
    lua_rotate(vm.L, -2, -1)
    lua_settop(vm.L, -2)
  }
}

extension LuaVM {
  /// Pushes a host function whose upvalue 2 is this VM (unretained: the VM
  /// owns the state, so it outlives every call into it).
  func pushHost(_ function: HostFunction) {
    stw_push_host_function(L, function, Unmanaged.passUnretained(self).toOpaque())
  }

  /// The VM of a running host function.
  static func host(_ L: OpaquePointer) -> LuaVM {
    guard let context = lua_touserdata(L, stw_upvalueindex(2)) else {
      preconditionFailure("host function without its VM upvalue")
    }
    return Unmanaged<LuaVM>.fromOpaque(context).takeUnretainedValue()
  }

  /// Pushes `message` and returns ``hostError`` for the trampoline to raise.
  func raise(_ message: String) -> Int32 {
    lua_settop(L, 0)
    pushString(message)
    return hostError
  }

  /// The number at `index`, if it is a number (strings are not converted).
  func number(at index: Int32) -> Double? {
    lua_type(L, index) == LUA_TNUMBER ? lua_tonumberx(L, index, nil) : nil
  }

  /// The integer at `index`: a Lua integer or a float with an integral value.
  func integer(at index: Int32) -> Int64? {
    guard lua_type(L, index) == LUA_TNUMBER else { return nil }
    if lua_isinteger(L, index) != 0 { return lua_tointegerx(L, index, nil) }
    let d = lua_tonumberx(L, index, nil)
    guard d == d.rounded(), abs(d) < 9.0e15 else { return nil }
    return Int64(d)
  }
}
