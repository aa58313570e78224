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
/// can raise. With `readOnly`, the value is pushed behind a read-only proxy
/// (`stw_make_readonly`), whose tables are wrapped in turn as Lua code reads
/// them: what a check gets as its subject, params and ctx. Six free slots a
/// level: a table, its key and value, and the proxy's three.
extension LuaVM {
  /// One open table: where its children are and the next one to push.
  ///
  /// The children are read in place through pointers into the storage of
  /// the tree's arrays, with no retain or release per node: `push` borrows
  /// the root for its whole run, the tree is immutable (value semantics),
  /// so every nested array's storage is alive and fixed until `push` returns.
  struct PushFrame {
    /// The children of a list (nil for a map).
    var items: UnsafePointer<Value>?
    /// The entries of a map (nil for a list).
    var entries: UnsafePointer<OrderedMap.Entry>?
    var next: Int
    var count: Int
  }

  /// A stack of frames owned by the VM and reused by every push (a push
  /// never runs Lua code, so it cannot re-enter itself).
  final class PushStack {
    private(set) var base: UnsafeMutablePointer<PushFrame>
    private(set) var capacity: Int

    init() {
      capacity = 16
      base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    func grow() {
      let bigger = UnsafeMutablePointer<PushFrame>.allocate(capacity: capacity * 2)
      bigger.moveInitialize(from: base, count: capacity)
      base.deallocate()
      base = bigger
      capacity *= 2
    }
  }

  /// Pushes `value` (pushes one). On failure the stack is left as it was.
  func push(_ value: Value, root: @autoclosure () -> String, readOnly: Bool = false) throws {
    let top = lua_gettop(L)
    guard lua_checkstack(L, 6) != 0 else {
      throw LuaError.conversion(
        path: root(), message: "the Lua stack cannot grow", mark: value.mark)
    }
    let stack = pushStack
    var frames = stack.base
    var depth = 0
    guard let first = open(value) else {
      if readOnly, lua_type(L, -1) == LUA_TTABLE { stw_make_readonly(L) }
      return
    }
    frames[0] = first
    depth = 1
    while depth > 0 {
      let k = depth - 1
      let i = frames[k].next
      if i == frames[k].count {
        depth -= 1
        // Only the root: its tables are wrapped as Lua code reads them.
        if readOnly, depth == 0 { stw_make_readonly(L) }
        if depth > 0 { store(into: frames[depth - 1]) }
        continue
      }
      frames[k].next = i + 1
      let child: UnsafePointer<Value>
      if let entries = frames[k].entries {
        pushString(entries[i].key)
        child = UnsafePointer(entries + i).pointer(to: \.value)!
      } else {
        child = frames[k].items! + i
      }
      if pushScalar(child) {
        store(into: frames[k])
        continue
      }
      if depth >= limits.maxDepth || lua_checkstack(L, 6) == 0 {
        lua_settop(L, top)
        throw LuaError.conversion(
          path: root(), message: "nested deeper than \(limits.maxDepth) levels",
          mark: child.pointee.mark)
      }
      guard let frame = open(child.pointee) else {
        store(into: frames[k])
        continue
      }
      if depth == stack.capacity {
        stack.grow()
        frames = stack.base
      }
      frames[depth] = frame
      depth += 1
    }
    assert(lua_gettop(L) == top + 1, "push must leave exactly one value")
  }

  /// Pushes the value at `p` if it is a scalar (true); false, with nothing
  /// pushed, for a list or map.
  @inline(__always)
  private func pushScalar(_ p: UnsafePointer<Value>) -> Bool {
    switch p.pointee.kind {
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
    case .list, .map:
      return false
    }
    return true
  }

  /// Pushes `value`: a scalar, or a new table (empty when the collection is,
  /// with the map marker for an empty map). Returns the frame that fills a
  /// non-empty table, nil when `value` is complete.
  private func open(_ value: Value) -> PushFrame? {
    switch value.kind {
    case .list(let items):
      lua_createtable(L, Int32(clamping: items.count), 0)
      if items.isEmpty { return nil }
      return PushFrame(
        items: items.withUnsafeBufferPointer { $0.baseAddress }, entries: nil, next: 0,
        count: items.count)
    case .map(let map):
      lua_createtable(L, 0, Int32(clamping: map.count))
      if map.isEmpty {
        _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.mapMeta))
        _ = lua_setmetatable(L, -2)
        return nil
      }
      return PushFrame(
        items: nil, entries: map.entries.withUnsafeBufferPointer { $0.baseAddress }, next: 0,
        count: map.count)
    default:
      withUnsafePointer(to: value) { _ = pushScalar($0) }
      return nil
    }
  }

  /// Stores the finished value on top into the table of `frame` (whose
  /// `next` is already past it).
  @inline(__always)
  private func store(into frame: PushFrame) {
    if frame.entries != nil {
      lua_rawset(L, -3)  // key and value popped
    } else {
      lua_rawseti(L, -2, lua_Integer(frame.next))
    }
  }
}
