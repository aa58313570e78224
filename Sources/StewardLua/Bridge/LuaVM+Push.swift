internal import CLua
internal import CLuaShim
internal import StewardCore

/// Value → Lua, without recursion.
///
/// - map → table with string keys (an empty map gets the `steward.map`
///   marker metatable so that it comes back as a map);
/// - list → table with keys 1…n;
/// - null → `steward.null`;
/// - int → Lua integer, double → Lua float, string, bool.
///
/// Runs outside Lua code, so the memory cap does not apply and nothing here
/// can raise.
extension LuaVM {
  private enum PushFrame {
    case list([Value], Int)
    case map(OrderedMap, Int)
  }

  /// Pushes `value` (pushes one). On failure the stack is left as it was.
  func push(_ value: Value, root: @autoclosure () -> String) throws {
    let top = lua_gettop(L)
    guard lua_checkstack(L, 4) != 0 else {
      throw LuaError.conversion(
        path: root(), message: "the Lua stack cannot grow", mark: value.mark)
    }
    var frames: [PushFrame] = []
    if pushScalarOrOpen(value, frames: &frames) { return }
    while let last = frames.last {
      let level = frames.count - 1
      switch last {
      case .list(let items, let i):
        if i == items.count {
          frames.removeLast()
          store(into: &frames)
          continue
        }
        if try open(items[i], level: level, frames: &frames, top: top, root: root) {
          store(into: &frames)
        }
      case .map(let map, let i):
        if i == map.count {
          frames.removeLast()
          store(into: &frames)
          continue
        }
        let entry = map.entries[i]
        pushString(entry.key)
        if try open(entry.value, level: level, frames: &frames, top: top, root: root) {
          store(into: &frames)
        }
      }
    }
    assert(lua_gettop(L) == top + 1, "push must leave exactly one value")
  }

  /// Pushes a child; returns true when it is complete (a scalar).
  private func open(
    _ value: Value, level: Int, frames: inout [PushFrame], top: Int32,
    root: () -> String
  ) throws -> Bool {
    if frames.count >= limits.maxDepth || lua_checkstack(L, 4) == 0 {
      switch value.kind {
      case .list, .map:
        lua_settop(L, top)
        throw LuaError.conversion(
          path: root(), message: "nested deeper than \(limits.maxDepth) levels", mark: value.mark)
      default: break
      }
    }
    return pushScalarOrOpen(value, frames: &frames)
  }

  /// Pushes a scalar (true) or an empty table and opens a frame for it (false).
  private func pushScalarOrOpen(_ value: Value, frames: inout [PushFrame]) -> Bool {
    switch value.kind {
    case .null:
      _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.null))
    case .bool(let b):
      lua_pushboolean(L, b ? 1 : 0)
    case .int(let i):
      lua_pushinteger(L, i)
    case .double(let d):
      lua_pushnumber(L, d)
    case .string(let s):
      pushString(s)
    case .list(let items):
      lua_createtable(L, Int32(clamping: items.count), 0)
      if items.isEmpty { return true }
      frames.append(.list(items, 0))
      return false
    case .map(let map):
      lua_createtable(L, 0, Int32(clamping: map.count))
      if map.isEmpty {
        _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.mapMeta))
        _ = lua_setmetatable(L, -2)
        return true
      }
      frames.append(.map(map, 0))
      return false
    }
    return true
  }

  /// Stores the finished value on top into the table of the innermost frame.
  private func store(into frames: inout [PushFrame]) {
    guard let last = frames.last else { return }
    switch last {
    case .list(let items, let i):
      lua_rawseti(L, -2, lua_Integer(i + 1))
      frames[frames.count - 1] = .list(items, i + 1)
    case .map(let map, let i):
      lua_rawset(L, -3)  // key and value popped
      frames[frames.count - 1] = .map(map, i + 1)
    }
  }
}
