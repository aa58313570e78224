internal import CLua
internal import CLuaShim
public import StewardCore

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// A value converted into Lua once and kept in its VM's registry, so that
/// many calls can take it without converting it again.
///
/// An audit converts each subject once and hands the same table to every
/// check of that subject: converting a 100-node model card costs more than
/// most checks do. The checks of one subject therefore share the table; a
/// check that modifies its subject is a bug that `steward test` reports (its
/// examples compare the subject before and after the call).
///
/// Like ``LuaFunction``, it belongs to one VM and one thread.
public struct LuaValueRef {
  let handle: LuaFunction.Handle

  /// Drops the registry reference now; later use fails with
  /// ``LuaError/unavailable(message:)``.
  public func release() { handle.release() }
}

/// What ``LuaVM/call(_:arguments:record:)`` read: the record's fields in the
/// order asked for (nil for a field the table does not have), or the first
/// result converted the general way (nil when there was none).
public enum LuaReturn {
  case record([Value?])
  case value(Value?)
}

/// What ``LuaVM/call(_:arguments:record:)`` throws when the function ran
/// but what it returned cannot be read (a function in it, a string that is
/// not UTF-8, a table that mixes keys, a cycle): the reason, and the string
/// fields that could be read, so that the host can tell a result that said
/// it failed (and keep it a failure rather than an error that
/// `errors: ignore` would let through) by the same rule as a readable one.
public struct LuaResultUnreadable: Error, CustomStringConvertible {
  public var underlying: any Error
  /// The string-valued fields of the table returned, read raw.
  public var fields: [LuaStringField] = []
  /// For ``LuaVM/callOverSubjects(_:arguments:)``: those of each entry of
  /// the list returned.
  public var entries: [[LuaStringField]] = []
  /// The reason, as the error it wraps says it.
  public var description: String { "\(underlying)" }
}

/// A string key and its string value in a table, read raw.
public struct LuaStringField: Sendable {
  public var key: String
  public var value: String
}

/// An argument of ``LuaVM/call(_:arguments:)``: a value to convert, or one
/// already in the VM.
public enum LuaArgument {
  case value(Value)
  /// A value converted behind read-only proxies: writing to any of its
  /// tables raises "attempt to modify read-only data".
  case readOnly(Value)
  case reference(LuaValueRef)
}

extension LuaVM {
  /// Converts `value` into Lua once and keeps it for later calls; with
  /// `readOnly`, behind read-only proxies (the checks of a subject share it).
  public func reference(_ value: Value, readOnly: Bool = false) throws -> LuaValueRef {
    guard lua_checkstack(L, 4) != 0 else {
      throw LuaError.conversion(
        path: "value", message: "the Lua stack cannot grow", mark: value.mark)
    }
    try push(value, root: "value", readOnly: readOnly)
    return LuaValueRef(handle: LuaFunction.Handle(vm: self, ref: ref()))
  }

  /// The value behind `reference` as it is now in Lua.
  public func value(of reference: LuaValueRef) throws -> Value {
    try pushReference(reference)
    defer { lua_settop(L, -2) }
    return try toValue(at: lua_gettop(L), root: "value", mark: .unknown)
  }

  /// Calls `f` with arguments that are values or references; like
  /// ``call(_:_:)`` otherwise (budgets, errors, results).
  public func call(_ f: LuaFunction, arguments: [LuaArgument]) throws -> [Value] {
    try calling(f, arguments) { first, count in try results(first, count, of: f) }
  }

  private func results(_ first: Int32, _ count: Int32, of f: LuaFunction) throws -> [Value] {
    try (0..<count).map { i in
      try toValue(at: first + i, root: i == 0 ? "result" : "result \(i + 1)", mark: f.mark)
    }
  }

  /// Pushes `f` and its arguments, runs it under the budgets, and hands
  /// `read` the stack index of the first result and their count; the stack
  /// is reset afterwards.
  private func calling<T>(
    _ f: LuaFunction, _ arguments: [LuaArgument], read: (Int32, Int32) throws -> T
  ) throws -> T {
    let base = try pushFunction(f, extraSlots: arguments.count, handler: true)
    defer { lua_settop(L, base) }
    for (i, argument) in arguments.enumerated() {
      switch argument {
      case .value(let v): try push(v, root: "argument \(i + 1)")
      case .readOnly(let v): try push(v, root: "argument \(i + 1)", readOnly: true)
      case .reference(let r): try pushReference(r)
      }
    }
    try run(
      nargs: Int32(arguments.count), nresults: LUA_MULTRET, base: base, chunkName: f.mark.file,
      handled: true)
    let first = base + 2  // the message handler, then the results
    return try read(first, lua_gettop(L) - first + 1)
  }

  /// Calls `f` like ``call(_:arguments:)`` and reads its one result as a
  /// record when it is a table whose keys are all among `fields`: each field
  /// converted on its own, without converting the table around them (a check
  /// returns `{ status =, message =, at =, evidence = }` 140,000 times in a
  /// large audit). Anything else (another result type, another key, several
  /// results, a value that does not convert) comes back as ``LuaReturn/value(_:)``
  /// through the general conversion, with its errors.
  public func call(
    _ f: LuaFunction, arguments: [LuaArgument], record fields: [String]
  ) throws -> LuaReturn {
    try calling(f, arguments) { first, count in
      do {
        if count == 1, let record = try record(at: first, fields: fields, mark: f.mark) {
          return .record(record)
        }
        // Every result converts, as in call(_:arguments:): a second result
        // that cannot is the same error there and here.
        return .value(try results(first, count, of: f).first)
      } catch {
        throw LuaResultUnreadable(
          underlying: error, fields: count >= 1 ? rawStringFields(at: first) : [])
      }
    }
  }

  /// Calls a check over every subject like ``call(_:arguments:)``; when the
  /// list it returned cannot be read, throws ``LuaResultUnreadable`` with
  /// the string fields of each entry, so that the subjects an entry failed
  /// stay failures.
  public func callOverSubjects(_ f: LuaFunction, arguments: [LuaArgument]) throws -> [Value] {
    try calling(f, arguments) { first, count in
      do {
        return try results(first, count, of: f)
      } catch {
        throw LuaResultUnreadable(
          underlying: error, entries: count >= 1 ? rawEntries(at: first) : [])
      }
    }
  }

  /// The string fields of each table in the list at `index`, read raw.
  private func rawEntries(at index: Int32) -> [[LuaStringField]] {
    guard lua_type(L, index) == LUA_TTABLE, lua_checkstack(L, 2) != 0 else { return [] }
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    // Bounded by the list's own length, which the plugin's memory budget bounds.
    let length = lua_Integer(lua_rawlen(L, index))
    var entries: [[LuaStringField]] = []
    var i: lua_Integer = 1
    while i <= length {
      _ = lua_rawgeti(L, index, i)
      entries.append(rawStringFields(at: -1))
      lua_settop(L, top)
      i += 1
    }
    return entries
  }

  /// The fields of the table at `index` whose key and value are both
  /// strings (valid UTF-8), read raw: no metamethod of the plugin's runs
  /// outside its protected call.
  private func rawStringFields(at index: Int32) -> [LuaStringField] {
    guard lua_type(L, index) == LUA_TTABLE, lua_checkstack(L, 3) != 0 else { return [] }
    let index = lua_absindex(L, index)
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    var fields: [LuaStringField] = []
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      if lua_type(L, -2) == LUA_TSTRING, lua_type(L, -1) == LUA_TSTRING,
        let key = validString(at: -2), let value = validString(at: -1)
      {
        fields.append(LuaStringField(key: key, value: value))
      }
      lua_settop(L, -2)  // keep the key for lua_next
    }
    return fields
  }

  /// The table at `index` read as a record of `fields`, or nil when it is not
  /// one (the caller then converts it the general way).
  private func record(at index: Int32, fields: [String], mark: SourceMark) throws -> [Value?]? {
    guard lua_type(L, index) == LUA_TTABLE, lua_checkstack(L, 4) != 0,
      stw_is_readonly(L, index) == 0
    else { return nil }
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    // Filled by appending: `Array(repeating:count:)` for `Value?` is not
    // specialised and cost about a thousand instructions a call.
    var values: [Value?] = []
    values.reserveCapacity(fields.count)
    for _ in fields { values.append(.none) }
    var found = 0
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      // stack: …, key, value
      guard lua_type(L, -2) == LUA_TSTRING else { return nil }
      var length = 0
      guard let key = lua_tolstring(L, -2, &length) else { return nil }
      guard
        let slot = fields.firstIndex(where: { name in
          var name = name
          return name.utf8.count == length
            && name.withUTF8 { name in
              guard let bytes = name.baseAddress else { return length == 0 }
              return memcmp(bytes, key, length) == 0
            }
        })
      else { return nil }
      switch lua_type(L, -1) {
      case LUA_TSTRING:
        guard let text = validString(at: -1) else { return nil }
        values[slot] = Value(.string(text))
      case LUA_TTABLE:
        values[slot] = try toValue(at: -1, root: "result." + fields[slot], mark: mark)
      case LUA_TBOOLEAN, LUA_TNUMBER:
        guard let value = try? scalar(at: -1, mark: mark, path: { "" }) else { return nil }
        values[slot] = value
      default:
        guard isNull(at: -1) else { return nil }
        values[slot] = .null
      }
      found += 1
      lua_settop(L, -2)  // keep the key for lua_next
    }
    return found > 0 ? values : nil
  }

  /// Names the check the next calls run for: a write to read-only data
  /// raises an error that names it (nil: "a check").
  public func setCurrentCheck(_ id: String?) {
    if let id { pushString(id) } else { lua_pushnil(L) }
    lua_setfield(L, stw_registryindex(), STW_CURRENT_CHECK_KEY)
  }

  /// Sets `table[key] = text` in a referenced table, without converting the
  /// table again (an audit's context changes only its `check` per call).
  public func set(_ key: String, to text: String, in reference: LuaValueRef) throws {
    try set(key, in: reference) { pushString(text) }
  }

  /// Sets `table[key] = flag` in a referenced table (an audit's context
  /// changes its `deferred` per call too).
  public func set(_ key: String, to flag: Bool, in reference: LuaValueRef) throws {
    try set(key, in: reference) { lua_pushboolean(L, flag ? 1 : 0) }
  }

  /// Sets `check` and `deferred` of an audit's context, which change per
  /// call, in one visit to the table: two `set` calls pushed and unwrapped
  /// it twice, for each of 120,000 calls in a large audit.
  public func setContext(check: String, deferred: Bool, in reference: LuaValueRef) throws {
    try set("check", in: reference) {
      pushString(check)
      lua_rawset(L, -3)
      pushString("deferred")
      lua_pushboolean(L, deferred ? 1 : 0)
    }
  }

  /// Sets `table[key]` to another referenced value in a referenced table
  /// (an audit's context holds its `data`, converted once per worker).
  public func set(_ key: String, to value: LuaValueRef, in reference: LuaValueRef) throws {
    guard value.handle.owner == identity, value.handle.ref > 0 else {
      throw LuaError.unavailable(message: "the value belongs to another VM or was released")
    }
    try set(key, in: reference) {
      _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(value.handle.ref))
    }
  }

  private func set(_ key: String, in reference: LuaValueRef, push: () -> Void) throws {
    guard lua_checkstack(L, 3) != 0 else {
      throw LuaError.conversion(path: key, message: "the Lua stack cannot grow", mark: .unknown)
    }
    try pushReference(reference)
    defer { lua_settop(L, -2) }
    guard lua_type(L, -1) == LUA_TTABLE else {
      throw LuaError.conversion(path: key, message: "not a table", mark: .unknown)
    }
    stw_readonly_unwrap_top(L)
    pushString(key)
    push()
    lua_rawset(L, -3)
  }

  private func pushReference(_ reference: LuaValueRef) throws {
    guard reference.handle.owner == identity, reference.handle.ref > 0 else {
      throw LuaError.unavailable(message: "the value belongs to another VM or was released")
    }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(reference.handle.ref))
  }
}
