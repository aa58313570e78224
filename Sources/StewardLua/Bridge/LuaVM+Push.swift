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
  /// One open table: its children and the next one to push. Frames are
  /// mutated in place so that walking a node costs no array copy.
  private struct PushFrame {
    var items: [Value]
    var entries: [OrderedMap.Entry]
    var isMap: Bool
    var next: Int
    var count: Int
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
    while !frames.isEmpty {
      let k = frames.count - 1
      let i = frames[k].next
      if i == frames[k].count {
        frames.removeLast()
        store(into: frames)
        continue
      }
      frames[k].next = i + 1
      let child: Value
      if frames[k].isMap {
        let entry = frames[k].entries[i]
        pushString(entry.key)
        child = entry.value
      } else {
        child = frames[k].items[i]
      }
      switch child.kind {
      case .list, .map:
        if frames.count >= limits.maxDepth || lua_checkstack(L, 4) == 0 {
          lua_settop(L, top)
          throw LuaError.conversion(
            path: root(), message: "nested deeper than \(limits.maxDepth) levels",
            mark: child.mark)
        }
      default: break
      }
      if pushScalarOrOpen(child, frames: &frames) { store(into: frames) }
    }
    assert(lua_gettop(L) == top + 1, "push must leave exactly one value")
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
      frames.append(PushFrame(items: items, entries: [], isMap: false, next: 0, count: items.count))
      return false
    case .map(let map):
      lua_createtable(L, 0, Int32(clamping: map.count))
      if map.isEmpty {
        _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.mapMeta))
        _ = lua_setmetatable(L, -2)
        return true
      }
      frames.append(
        PushFrame(items: [], entries: map.entries, isMap: true, next: 0, count: map.count))
      return false
    }
    return true
  }

  /// Stores the finished value on top into the table of the innermost frame
  /// (whose `next` is already past it).
  private func store(into frames: [PushFrame]) {
    guard let k = frames.indices.last else { return }
    if frames[k].isMap {
      lua_rawset(L, -3)  // key and value popped
    } else {
      lua_rawseti(L, -2, lua_Integer(frames[k].next))
    }
  }
}
