internal import CLua
internal import CLuaShim
internal import StewardCore

/// Small stack helpers. None of them can raise a Lua error: they use raw
/// access only and never convert numbers to strings.
extension LuaVM {
  /// Pushes `s` as a Lua string (pushes one).
  @inline(__always)
  func pushString(_ s: String) {
    // Native strings (all of them on Linux) are contiguous: no copy, no closure
    // that mutates `s`. Bridged or lazily built strings take the slow path.
    let pushed: Void? = s.utf8.withContiguousStorageIfAvailable { buffer in
      _ = lua_pushlstring(
        L, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count)
    }
    if pushed == nil { pushStringCopy(s) }
  }

  private func pushStringCopy(_ s: String) {
    var s = s
    s.withUTF8 { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        _ = lua_pushlstring(L, chars.baseAddress, chars.count)
      }
    }
  }

  /// The bytes of the string at `index` decoded as UTF-8 (repairing); only
  /// for values whose type is LUA_TSTRING.
  func string(at index: Int32) -> String {
    var length = 0
    guard let chars = lua_tolstring(L, index, &length) else { return "" }
    return chars.withMemoryRebound(to: UInt8.self, capacity: length) {
      String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
  }

  /// The string at `index` if it is one (numbers are not converted).
  func stringIfString(at index: Int32) -> String? {
    lua_type(L, index) == LUA_TSTRING ? string(at: index) : nil
  }

  /// The Lua type name of the value at `index` ("steward.null" for the null sentinel).
  func typeName(at index: Int32) -> String {
    if isNull(at: index) { return "steward.null" }
    return String(cString: lua_typename(L, lua_type(L, index)))
  }

  /// Whether the value at `index` is `steward.null`.
  func isNull(at index: Int32) -> Bool {
    guard lua_type(L, index) == LUA_TUSERDATA else { return false }
    let absolute = lua_absindex(L, index)
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.null))
    defer { lua_settop(L, -2) }
    return lua_rawequal(L, absolute, -1) != 0
  }

  func checkStack(_ n: Int32) throws {
    guard lua_checkstack(L, n) != 0 else {
      throw LuaError.conversion(
        path: "value", message: "the Lua stack cannot grow", mark: .unknown)
    }
  }

  /// Reads the raw field `key` of the table at `index` (pushes one).
  @discardableResult
  func rawField(_ index: Int32, _ key: String) -> Int32 {
    let absolute = lua_absindex(L, index)
    pushString(key)
    return lua_rawget(L, absolute)
  }

  /// Sets the raw field `key` of the table at `index` to the value on top (pops one).
  func setRawField(_ index: Int32, _ key: String) {
    let absolute = lua_absindex(L, index)
    pushString(key)
    lua_rotate(L, -2, 1)
    lua_rawset(L, absolute)
  }
}
