internal import CLua
internal import CLuaShim
public import StewardCore

/// The level of a message a plugin logs with `steward.log.*`.
public enum LuaLogLevel: String, Sendable, Equatable, CaseIterable {
  case debug, info, warning, error
}

/// One sandboxed Lua 5.4 state: plugins load into it, and the host calls
/// their functions under budgets.
///
/// A VM is confined to one thread (it is not `Sendable`). Every chunk runs in
/// an environment of its own whose globals fall back to the shared, read-only
/// sandbox (``Sandbox``), so two plugins in one VM never see each other's
/// globals. Every call runs under the ``LuaLimits``; after any failure, budget
/// or error, the VM is collected and ready for the next call.
///
/// ```swift
/// let vm = try LuaVM()
/// let plugin = try vm.loadPlugin(source: text, chunkName: "ml-governance.lua")
/// let check = plugin.registrations[0]
/// let results = try vm.call(check.functions["run"]!, [subject, params, ctx])
/// ```
public final class LuaVM {
  /// The version `steward.version` reports.
  public static let stewardVersion = StewardBuild.version

  public let limits: LuaLimits
  /// Runs a command for `steward.run`; nil unless the host grants the
  /// capability (a runbook with `capabilities: { run: … }`). It gets the
  /// argument list and returns `{ exit, output, ok }`, or throws a message.
  public var commandRunner: (([String]) throws -> Value)?
  let L: OpaquePointer
  /// Tells this VM's functions from another's (random, fixed for its life).
  let identity = UInt64.random(in: 1...UInt64.max)
  let instructionBudget: Int64
  let wallClockNanoseconds: Int64
  let log: @Sendable (LuaLogLevel, String) -> Void
  /// Registry references of the values the host API needs.
  var refs = Refs()
  /// Plugins built with `steward.plugin{}` in the chunk being loaded, by token.
  var builders: [Int64: PluginBuilder] = [:]
  var nextToken: Int64 = 1
  /// How many `stw_call`s are running (a host function may call back in).
  var callDepth = 0
  /// The chunk ``loadPlugin(source:chunkName:)`` is running, for marks.
  var loadingChunk: String?
  /// Frames of ``push(_:root:)``, reused by every push.
  let pushStack = PushStack()

  struct Refs {
    var null: Int32 = 0
    var mapMeta: Int32 = 0
    var envMeta: Int32 = 0
    var base: Int32 = 0
    var pluginMeta: Int32 = 0
    var pluginTokens: Int32 = 0
    /// The `steward` table behind its proxy: each environment gets a copy
    /// with a `get` of its own.
    var steward: Int32 = 0
  }

  /// Starts a VM: libraries opened under `pcall`, the sandbox and the
  /// `steward` API installed. `log` receives what plugins log.
  public init(
    limits: LuaLimits = .default,
    log: @escaping @Sendable (LuaLogLevel, String) -> Void = { _, _ in }
  ) throws {
    self.limits = limits
    self.log = log
    instructionBudget = Int64(limits.instructions)
    wallClockNanoseconds = limits.wallClockNanoseconds
    let messages = (
      LuaBudget.instructions(limits.instructions).description,
      LuaBudget.memory(limits.memoryBytes).description,
      LuaBudget.time(limits.wallClock).description
    )
    guard
      let state = stw_newstate(
        max(0, limits.memoryBytes), messages.0, messages.1, messages.2)
    else { throw LuaError.unavailable(message: "cannot create a Lua state") }
    L = state
    // From here every stored property is set, so a throw runs `deinit`,
    // which closes the state: closing it here too would free it twice.
    guard stw_open_libraries(L) == LUA_OK else {
      throw LuaError.unavailable(message: "cannot open the Lua libraries")
    }
    try Sandbox.install(in: self)
    stw_gc_collect(L)
  }

  deinit {
    stw_close(L)
  }

  /// Bytes the VM holds now, as its allocator counts them.
  public var memoryInUse: Int { Int(stw_memory_used(L)) }

  /// A full collection, so that `memoryInUse` counts only what is reachable
  /// (plugins have no `collectgarbage`; the tests of the allocator do).
  func collectGarbage() { stw_collect(L) }

  // MARK: - Loading and running chunks

  /// Runs a plugin chunk in a fresh environment under the budgets; the chunk
  /// must return a plugin built with `steward.plugin{...}`.
  public func loadPlugin(source: String, chunkName: String) throws -> LuaPlugin {
    let base = lua_gettop(L)
    builders.removeAll()
    loadingChunk = chunkName
    defer {
      builders.removeAll()
      loadingChunk = nil
      lua_settop(L, base)
    }
    try loadChunk(source, chunkName: chunkName)
    pushEnvironment()
    _ = lua_setupvalue(L, -2, 1)  // _ENV of the main chunk
    try run(nargs: 0, nresults: 1, base: base, chunkName: chunkName)
    // stack: result
    guard let token = pluginToken(at: -1), let builder = builders[token] else {
      let got = lua_type(L, -1) == LUA_TTABLE ? "a table" : typeName(at: -1)
      throw LuaError.invalidPlugin(
        message: "the chunk must return a plugin built with steward.plugin{...}, got \(got)",
        mark: SourceMark(file: chunkName, line: 0, column: 0))
    }
    return builder.plugin()
  }

  /// Runs `source` in a fresh environment and converts its first result.
  ///
  /// An expression (`subject.rows > 10`) is evaluated as `return <expr>`; a
  /// chunk of statements runs as is. The entries of `env`, a map, become
  /// globals of the environment.
  ///
  /// ```swift
  /// try vm.evaluate("x * 2", chunkName: "inline", env: ["x": 21])  // 42
  /// ```
  public func evaluate(_ source: String, chunkName: String, env: Value? = nil) throws -> Value {
    try evaluating(source, chunkName: chunkName, env: env) { top in
      try toValue(at: top, root: "result", mark: SourceMark(file: chunkName, line: 0, column: 0))
    }
  }

  /// The result of `source` converted both ways, to hold the quick
  /// conversion to the general one (tests).
  func evaluateBothWays(_ source: String) throws -> (
    quick: Value?, general: Result<Value, any Error>
  ) {
    try evaluating(source, chunkName: "both.lua", env: nil) { top in
      (
        quickValue(at: top, depth: 0),
        Result { try convert(at: top, root: "result", mark: .unknown) }
      )
    }
  }

  private func evaluating<R>(
    _ source: String, chunkName: String, env: Value?, read: (Int32) throws -> R
  ) throws -> R {
    let base = lua_gettop(L)
    defer { lua_settop(L, base) }
    do {
      try loadChunk("return " + source, chunkName: chunkName)
    } catch {
      lua_settop(L, base)
      try loadChunk(source, chunkName: chunkName)
    }
    pushEnvironment()
    if let map = env?.map {
      for entry in map {
        try checkStack(3)
        pushString(entry.key)
        try push(entry.value, root: entry.key)
        lua_rawset(L, -3)
      }
    } else if let env, !env.isNull {
      throw LuaError.conversion(
        path: "env", message: "expected a map, got \(env.typeName)", mark: env.mark)
    }
    _ = lua_setupvalue(L, -2, 1)
    try run(nargs: 0, nresults: 1, base: base, chunkName: chunkName)
    return try read(lua_gettop(L))
  }

  /// Calls `f` with `args` under fresh budgets and converts its results.
  public func call(_ f: LuaFunction, _ args: [Value]) throws -> [Value] {
    try call(f, arguments: args.map(LuaArgument.value))
  }

  /// Compiles `source` without running it; nil when it is valid.
  public func checkSyntax(source: String, chunkName: String) -> LuaError? {
    let base = lua_gettop(L)
    defer { lua_settop(L, base) }
    do {
      try loadChunk(source, chunkName: chunkName)
      return nil
    } catch let error as LuaError {
      return error
    } catch {
      return .unavailable(message: "\(error)")
    }
  }

  // MARK: - Internals

  /// Pushes the function of `f`; returns the stack top before it.
  func pushFunction(_ f: LuaFunction, extraSlots: Int, handler: Bool = false) throws -> Int32 {
    guard f.handle.owner == identity, f.handle.ref > 0 else {
      throw LuaError.unavailable(
        message: "the function belongs to another VM or was released")
    }
    let base = lua_gettop(L)
    guard lua_checkstack(L, Int32(clamping: extraSlots + 5)) != 0 else {
      throw LuaError.conversion(
        path: "arguments", message: "too many arguments", mark: f.mark)
    }
    if handler { stw_push_message_handler(L) }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(f.handle.ref))
    return base
  }

  /// Compiles a text chunk; pushes the function or throws a syntax error.
  func loadChunk(_ source: String, chunkName: String) throws {
    var text = source
    let status = text.withUTF8 { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        stw_load(L, chars.baseAddress, chars.count, "=" + chunkName)
      }
    }
    guard status == LUA_OK else {
      let error = failure(status: status, chunkName: chunkName)
      lua_settop(L, -2)
      throw error
    }
  }

  /// Runs the function below `nargs` arguments under the budgets; on failure
  /// the stack is reset to `base`, the state collected, and the error thrown.
  /// `chunkName` names the place of an error that has none (out of memory).
  /// With `handled`, the caller pushed the message handler below the function.
  func run(
    nargs: Int32, nresults: Int32, base: Int32, chunkName: String, handled: Bool = false
  ) throws {
    if callDepth == 0 {
      stw_budget_begin(L, instructionBudget, wallClockNanoseconds)
      stw_readonly_forget(L)
    }
    callDepth += 1
    let status =
      handled ? stw_call_handled(L, nargs, nresults) : stw_call(L, nargs, nresults)
    callDepth -= 1
    if status != LUA_OK {
      let error = failure(status: status, chunkName: chunkName)
      lua_settop(L, base)
      if callDepth == 0 { stw_gc_collect(L) }
      throw error
    }
    // A budget is spent for the whole call, whatever the plugin did with its
    // error: `return pcall(loop)` or a tail-called `coroutine.resume` caught
    // it and returned before the re-armed hook could raise it again. The
    // clock is read once more at the end: one C call that ran past the
    // deadline (a sort of long strings) never met the hook in between.
    if callDepth == 0 { _ = stw_budget_spend(L, 0) }
    // A refused write the plugin caught with pcall is still the result.
    if callDepth == 0, stw_readonly_refused(L) != 0 {
      // The message, pushed on top, goes down to base + 1 over the results.
      lua_rotate(L, base + 1, 1)
      lua_settop(L, base + 1)
      let error = failure(status: LUA_ERRRUN, chunkName: chunkName)
      lua_settop(L, base)
      stw_gc_collect(L)
      throw error
    }
    if stw_budget_exhausted(L) != Int32(STW_BUDGET_NONE) {
      lua_settop(L, base)
      pushString(String(cString: stw_budget_where(L)) + "budget spent")
      let error = failure(status: LUA_ERRRUN, chunkName: chunkName)
      lua_settop(L, base)
      if callDepth == 0 { stw_gc_collect(L) }
      throw error
    }
  }

  /// A fresh environment table (its `__index` is the sandbox base), on top.
  ///
  /// It has a `steward` of its own, whose `get` caches parsed paths for this
  /// chunk alone: with one cache for the VM, a plugin that filled it took
  /// memory from every other plugin's checks.
  func pushEnvironment() {
    lua_createtable(L, 0, 4)
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.envMeta))
    _ = lua_setmetatable(L, -2)
    pushString("_G")
    lua_pushvalue(L, -2)
    lua_rawset(L, -3)
    pushString("steward")
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.steward))
    let shared = lua_gettop(L)
    lua_createtable(L, 0, 12)
    lua_pushnil(L)
    while lua_next(L, shared) != 0 {
      lua_pushvalue(L, -2)
      lua_rotate(L, -2, 1)
      lua_rawset(L, -4)
    }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.null))
    stw_push_get(L)
    setRawField(-2, "get")
    stw_push_protected(L, -1)
    lua_rotate(L, shared, 1)  // the proxy below the two tables
    lua_settop(L, shared)
    lua_rawset(L, -3)
  }

  /// The error on top of the stack as a ``LuaError``.
  func failure(status: Int32, chunkName: String?) -> LuaError {
    let text = lua_type(L, -1) == LUA_TSTRING ? string(at: -1) : "(error object is not a string)"
    let parts = LuaErrorText(text, chunkName: chunkName)
    switch stw_budget_exhausted(L) {
    case Int32(STW_BUDGET_INSTRUCTIONS):
      return .budget(
        .instructions(limits.instructions), mark: parts.mark, traceback: parts.traceback)
    case Int32(STW_BUDGET_MEMORY):
      return .budget(.memory(limits.memoryBytes), mark: parts.mark, traceback: parts.traceback)
    case Int32(STW_BUDGET_TIME):
      return .budget(.time(limits.wallClock), mark: parts.mark, traceback: parts.traceback)
    default: break
    }
    switch status {
    case LUA_ERRSYNTAX:
      return .syntax(message: parts.message, mark: parts.mark)
    case LUA_ERRMEM:
      return .budget(.memory(limits.memoryBytes), mark: parts.mark, traceback: parts.traceback)
    default:
      return .runtime(message: parts.message, mark: parts.mark, traceback: parts.traceback)
    }
  }

  /// The plugin token of the table at `index`, if it is a plugin object.
  func pluginToken(at index: Int32) -> Int64? {
    guard lua_type(L, index) == LUA_TTABLE else { return nil }
    let absolute = lua_absindex(L, index)
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(refs.pluginTokens))
    lua_pushvalue(L, absolute)
    defer { lua_settop(L, -3) }
    guard lua_rawget(L, -2) == LUA_TNUMBER else { return nil }
    return lua_tointegerx(L, -1, nil)
  }

  /// Takes a registry reference to the value on top (popped).
  func ref() -> Int32 { luaL_ref(L, stw_registryindex()) }

  func unref(_ ref: Int32) { luaL_unref(L, stw_registryindex(), ref) }
}
