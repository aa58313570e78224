internal import CLua
internal import CLuaShim
internal import StewardCore

/// Lua → Value, without recursion and without metamethods (raw access only;
/// a read-only proxy is read as the table behind it).
///
/// - a table with keys 1…n is a list; with string keys, a map whose keys are
///   sorted in byte order (Lua tables have no order; sorting makes results
///   deterministic);
/// - an empty table is an empty list, unless it carries the `steward.map`
///   marker (`steward.map{}`), then an empty map;
/// - `steward.null` is null; integers stay integers;
/// - mixed keys, holes, other key types, NaN, strings that are not UTF-8,
///   functions, userdata, threads and cycles are errors naming the path
///   (`result.evidence[2].x`, list indices as Lua counts them, from 1);
///   a table referenced twice without a cycle is fine.
extension LuaVM {
  private struct PullFrame {
    /// Absolute stack index of the table.
    var slot: Int32
    var pointer: UnsafeRawPointer?
    var isList: Bool
    var count: Int
    var keys: [String]
    var next = 0
    var items: [Value] = []
    var entries: [OrderedMap.Entry] = []
    /// How the parent reached this table.
    var step: Step
  }

  /// One step of a path, turned into text only when an error needs it.
  private enum Step {
    case root
    case index(Int)
    case key(String)

    var text: String {
      switch self {
      case .root: ""
      case .index(let i): "[\(i)]"
      case .key(let key): LuaVM.pathStep(key)
      }
    }
  }

  /// Converts the value at `index` (the stack is unchanged).
  func toValue(at index: Int32, root: String, mark: SourceMark) throws -> Value {
    if let value = quickValue(at: index, depth: 0) { return value }
    return try convert(at: index, root: root, mark: mark)
  }

  /// The value at `index` converted by plain recursion, for the small,
  /// well-formed tables checks return as evidence: the general converter's
  /// frames, key lists and second lookup of every key cost about 11,000
  /// instructions for a three-field table. Nil for anything the general
  /// converter must judge (mixed or non-string keys, holes, NaN, strings that
  /// are not UTF-8, functions, cycles, more than 16 levels), which then
  /// converts it or reports the error with its path. Leaves the stack as it
  /// was.
  func quickValue(at index: Int32, depth: Int) -> Value? {
    guard lua_type(L, index) == LUA_TTABLE else {
      // A scalar the general conversion refuses (NaN, a function) is left
      // to it, so that it names the path.
      return try? scalar(at: index, mark: .unknown, path: { "" })
    }
    guard depth < 16, lua_checkstack(L, 4) != 0 else { return .none }
    if stw_readonly_target(L, index) != 0 {
      defer { lua_settop(L, -2) }
      return quickTable(at: lua_gettop(L), depth: depth)
    }
    return quickTable(at: lua_absindex(L, index), depth: depth)
  }

  private func quickTable(at slot: Int32, depth: Int) -> Value? {
    // `.none`, never `nil`: Value is itself expressible by `nil` (as null).
    var entries: [OrderedMap.Entry] = []
    var items: [(index: lua_Integer, value: Value)] = []
    lua_pushnil(L)
    while lua_next(L, slot) != 0 {
      // stack: …, key, value
      guard let value = quickValue(at: -1, depth: depth + 1) else {
        lua_settop(L, -3)
        return .none
      }
      if lua_type(L, -2) == LUA_TSTRING, items.isEmpty, let key = validString(at: -2) {
        entries.append(OrderedMap.Entry(key: key, value: value))
      } else if lua_type(L, -2) == LUA_TNUMBER, lua_isinteger(L, -2) != 0, entries.isEmpty {
        items.append((lua_tointegerx(L, -2, nil), value))
      } else {
        lua_settop(L, -3)
        return .none
      }
      lua_settop(L, -2)  // keep the key for lua_next
    }
    if !items.isEmpty {
      items.sort { $0.index < $1.index }
      for (i, item) in items.enumerated() where item.index != lua_Integer(i + 1) { return .none }
      return Value(.list(items.map(\.value)))
    }
    if entries.isEmpty {
      return hasMapMarker(at: slot) ? Value(.map(OrderedMap())) : Value(.list([]))
    }
    entries.sort { LuaVM.byteOrder($0.key, $1.key) }
    return Value(.map(OrderedMap(uniqueEntries: entries)))
  }

  /// The general conversion, with the path of whatever cannot be converted.
  func convert(at index: Int32, root: String, mark: SourceMark) throws -> Value {
    let top = lua_gettop(L)
    let slot = lua_absindex(L, index)
    defer { lua_settop(L, top) }
    if lua_type(L, slot) != LUA_TTABLE {
      return try scalar(at: slot, mark: mark) { root }
    }
    var frames: [PullFrame] = []
    func path(_ extra: Step = .root) -> String {
      var steps = frames.map(\.step.text) + [extra.text]
      if steps.count > 12 { steps = steps.prefix(5) + ["…"] + steps.suffix(5) }
      return root + steps.joined()
    }
    lua_pushvalue(L, slot)
    stw_readonly_unwrap_top(L)
    frames.append(try openTable(step: .root, mark: mark, path: { path() }))
    while true {
      let k = frames.count - 1
      if frames[k].next == frames[k].count {
        let done = frames.removeLast()
        let value: Value
        if done.isList {
          value = Value(.list(done.items))
        } else {
          value = Value(.map(OrderedMap(uniqueEntries: done.entries)))
        }
        lua_settop(L, -2)  // the finished table
        guard !frames.isEmpty else { return value }
        append(value, to: &frames[frames.count - 1])
        continue
      }
      let i = frames[k].next
      let step: Step
      if frames[k].isList {
        _ = lua_rawgeti(L, frames[k].slot, lua_Integer(i + 1))
        step = .index(i + 1)
      } else {
        let key = frames[k].keys[i]
        pushString(key)
        _ = lua_rawget(L, frames[k].slot)
        step = .key(key)
      }
      // stack: …, table, child
      if lua_type(L, -1) == LUA_TTABLE {
        stw_readonly_unwrap_top(L)
        let pointer = lua_topointer(L, -1)
        if frames.contains(where: { $0.pointer == pointer }) {
          throw LuaError.conversion(
            path: path(step), message: "the table contains itself (a cycle)", mark: mark)
        }
        if frames.count >= limits.maxDepth || lua_checkstack(L, 4) == 0 {
          throw LuaError.conversion(
            path: path(step), message: "nested deeper than \(limits.maxDepth) levels",
            mark: mark)
        }
        frames.append(try openTable(step: step, mark: mark, path: { path(step) }))
      } else {
        let value = try scalar(at: -1, mark: mark) { path(step) }
        lua_settop(L, -2)
        append(value, to: &frames[k])
      }
    }
  }

  private func append(_ value: Value, to frame: inout PullFrame) {
    if frame.isList {
      frame.items.append(value)
    } else {
      frame.entries.append(OrderedMap.Entry(key: frame.keys[frame.next], value: value))
    }
    frame.next += 1
  }

  /// Classifies the table on top: list (keys 1…n) or map (string keys).
  private func openTable(step: Step, mark: SourceMark, path: () -> String) throws -> PullFrame {
    let slot = lua_gettop(L)
    var keys: [String] = []
    var integerKeys = 0
    var maxInteger: lua_Integer = 0
    lua_pushnil(L)
    while lua_next(L, slot) != 0 {
      // stack: table, key, value
      switch lua_type(L, -2) {
      case LUA_TSTRING:
        guard let key = validString(at: -2) else {
          throw LuaError.conversion(
            path: path(), message: "a key is not valid UTF-8", mark: mark)
        }
        keys.append(key)
      case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
        let k = lua_tointegerx(L, -2, nil)
        guard k >= 1 else {
          throw LuaError.conversion(
            path: path(), message: "list index \(k) is not in 1…n", mark: mark)
        }
        integerKeys += 1
        maxInteger = max(maxInteger, k)
      case LUA_TNUMBER:
        throw LuaError.conversion(
          path: path(), message: "a table key is a non-integer number", mark: mark)
      default:
        throw LuaError.conversion(
          path: path(), message: "a table key is a \(typeName(at: -2)) (keys must be strings)",
          mark: mark)
      }
      lua_settop(L, -2)  // pop the value, keep the key
    }
    if !keys.isEmpty && integerKeys > 0 {
      throw LuaError.conversion(
        path: path(), message: "the table mixes string keys and list indices", mark: mark)
    }
    let pointer = lua_topointer(L, slot)
    if integerKeys > 0 {
      guard maxInteger == lua_Integer(integerKeys) else {
        throw LuaError.conversion(
          path: path(),
          message: "the list has holes (\(integerKeys) elements, highest index \(maxInteger))",
          mark: mark)
      }
      var frame = PullFrame(
        slot: slot, pointer: pointer, isList: true, count: integerKeys, keys: [], step: step)
      frame.items.reserveCapacity(integerKeys)
      return frame
    }
    if keys.isEmpty {
      return PullFrame(
        slot: slot, pointer: pointer, isList: !hasMapMarker(at: slot), count: 0, keys: [],
        step: step)
    }
    keys.sort(by: LuaVM.byteOrder)
    var frame = PullFrame(
      slot: slot, pointer: pointer, isList: false, count: keys.count, keys: keys, step: step)
    frame.entries.reserveCapacity(keys.count)
    return frame
  }

  func hasMapMarker(at slot: Int32) -> Bool {
    guard lua_getmetatable(L, slot) != 0 else { return false }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.mapMeta))
    defer { lua_settop(L, -3) }
    return lua_rawequal(L, -1, -2) != 0
  }

  func scalar(at index: Int32, mark: SourceMark, path: () -> String) throws -> Value {
    switch lua_type(L, index) {
    case LUA_TNIL:
      return .null
    case LUA_TBOOLEAN:
      return Value(.bool(lua_toboolean(L, index) != 0))
    case LUA_TNUMBER:
      if lua_isinteger(L, index) != 0 { return Value(.int(lua_tointegerx(L, index, nil))) }
      let d = lua_tonumberx(L, index, nil)
      if d.isNaN {
        throw LuaError.conversion(path: path(), message: "NaN is not a value", mark: mark)
      }
      return Value(.double(d))
    case LUA_TSTRING:
      guard let s = validString(at: index) else {
        throw LuaError.conversion(
          path: path(), message: "the string is not valid UTF-8", mark: mark)
      }
      return Value(.string(s))
    default:
      if isNull(at: index) { return .null }
      throw LuaError.conversion(
        path: path(), message: "a \(typeName(at: index)) cannot be converted (only data can)",
        mark: mark)
    }
  }

  /// The string at `index` if its bytes are valid UTF-8.
  func validString(at index: Int32) -> String? {
    var length = 0
    guard let chars = lua_tolstring(L, index, &length) else { return nil }
    let bytes = UnsafeRawBufferPointer(start: chars, count: length)
    var ascii = true
    for byte in bytes where byte >= 0x80 {
      ascii = false
      break
    }
    if !ascii {
      var iterator = bytes.makeIterator()
      var parser = Unicode.UTF8.ForwardParser()
      scan: while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid: continue
        case .emptyInput: break scan
        case .error: return nil
        }
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Whether `a` sorts before `b` by their UTF-8 bytes.
  static func byteOrder(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { pa in
      b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
        let n = min(pa.count, pb.count)
        for i in 0..<n where pa[i] != pb[i] { return pa[i] < pb[i] }
        return pa.count < pb.count
      }
    }
    if let fast, let result = fast { return result }
    return a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  /// `.key`, or `["key"]` when the key is not an identifier.
  static func pathStep(_ key: String) -> String {
    var identifier = !key.isEmpty
    for (n, byte) in key.utf8.enumerated() {
      let letter = (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || byte == 95
      let digit = byte >= 48 && byte <= 57
      if !(letter || (digit && n > 0)) {
        identifier = false
        break
      }
    }
    return identifier ? "." + key : "[\"" + key + "\"]"
  }
}
