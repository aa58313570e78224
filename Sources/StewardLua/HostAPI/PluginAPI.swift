internal import CLua
internal import CLuaShim
internal import StewardCore

/// `steward.plugin{ name=…, version=… }` and the registration methods
/// `p:check{…}`, `p:scorer{…}`, `p:rotation{…}`, `p:step{…}`,
/// `p:register(kind, {…})`.
enum PluginAPI {
  /// The kinds a plugin can register.
  static let kinds = ["check", "scorer", "rotation", "step"]

  /// The metatable of plugin objects: methods behind a read-only `__index`.
  static func pushPluginMetatable(_ vm: LuaVM) {
    lua_createtable(vm.L, 0, 2)
    HostAPI.pushProtectedTable(
      vm,
      [
        ("check", { L in PluginAPI.register(L, kind: "check") }),
        ("scorer", { L in PluginAPI.register(L, kind: "scorer") }),
        ("rotation", { L in PluginAPI.register(L, kind: "rotation") }),
        ("step", { L in PluginAPI.register(L, kind: "step") }),
        ("register", { L in PluginAPI.register(L, kind: nil) }),
      ])
    vm.setRawField(-2, "__index")
    vm.pushString("steward.plugin")
    vm.setRawField(-2, "__metatable")
  }

  static func plugin(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    guard lua_type(L, 1) == LUA_TTABLE else {
      return vm.raise(
        "steward.plugin expects a table: steward.plugin{ name = \"…\", version = \"…\" }")
    }
    let mark = vm.callerMark()
    let spec: Value
    do {
      spec = try vm.toValue(at: 1, root: "plugin", mark: mark)
    } catch let error as LuaError {
      return vm.raise("steward.plugin: \(error.message)")
    } catch {
      return vm.raise("steward.plugin: \(error)")
    }
    guard let name = spec["name"]?.string, !name.isEmpty else {
      return vm.raise("steward.plugin: name must be a non-empty string")
    }
    guard let version = spec["version"]?.string else {
      return vm.raise("steward.plugin: version must be a string, e.g. version = \"1.0\"")
    }
    let token = vm.nextToken
    vm.nextToken += 1
    vm.builders[token] = PluginBuilder(name: name, version: version, spec: spec, mark: mark)

    lua_createtable(L, 0, 2)
    let object = lua_gettop(L)
    vm.pushString(name)
    vm.setRawField(object, "name")
    vm.pushString(version)
    vm.setRawField(object, "version")
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.pluginMeta))
    _ = lua_setmetatable(L, object)
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(vm.refs.pluginTokens))
    lua_pushvalue(L, object)
    lua_pushinteger(L, token)
    lua_rawset(L, -3)
    lua_settop(L, object)
    return 1
  }

  /// `p:<kind>{spec}` (kind given) or `p:register(kind, spec)` (kind nil).
  static func register(_ L: OpaquePointer?, kind fixedKind: String?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    let method = fixedKind ?? "register"
    guard let token = vm.pluginToken(at: 1) else {
      return vm.raise("p:\(method) must be called on a plugin with ':' (p:\(method){ … })")
    }
    guard let builder = vm.builders[token] else {
      return vm.raise("p:\(method): a plugin can register only while its chunk loads")
    }
    let kind: String
    let specIndex: Int32
    if let fixedKind {
      kind = fixedKind
      specIndex = 2
    } else {
      guard let given = vm.stringIfString(at: 2), kinds.contains(given) else {
        return vm.raise(
          "p:register: the kind must be one of \(kinds.joined(separator: ", ")), got \(vm.display(at: 2))"
        )
      }
      kind = given
      specIndex = 3
    }
    guard lua_type(L, specIndex) == LUA_TTABLE else {
      return vm.raise("p:\(method) expects a table, got \(vm.typeName(at: specIndex))")
    }
    lua_settop(L, specIndex)
    vm.rawField(specIndex, "id")
    guard let id = vm.stringIfString(at: -1), !id.isEmpty else {
      return vm.raise("p:\(method): id must be a non-empty string")
    }
    lua_settop(L, specIndex)
    if let first = builder.registrations.first(where: { $0.kind == kind && $0.id == id }) {
      return vm.raise("duplicate \(kind) id '\(id)' (first registered at \(first.mark))")
    }
    let mark = vm.callerMark()
    var entries: [OrderedMap.Entry] = []
    var functions: [String: LuaFunction] = [:]
    lua_pushnil(L)
    while lua_next(L, specIndex) != 0 {
      guard let key = vm.stringIfString(at: -2) else {
        return vm.raise("\(kind) '\(id)': field names must be strings, got \(vm.typeName(at: -2))")
      }
      if lua_type(L, -1) == LUA_TFUNCTION {
        let defined = vm.functionMark(at: -1)
        lua_pushvalue(L, -1)
        functions[key] = LuaFunction(vm: vm, ref: vm.ref(), mark: defined)
      } else {
        do {
          let value = try vm.toValue(
            at: -1, root: "\(kind) '\(id)'" + LuaVM.pathStep(key), mark: mark)
          entries.append(OrderedMap.Entry(key: key, value: value))
        } catch let error as LuaError {
          return vm.raise(error.message)
        } catch {
          return vm.raise("\(error)")
        }
      }
      lua_settop(L, -2)
    }
    guard functions["run"] != nil else {
      return vm.raise("\(kind) '\(id)': run must be a function")
    }
    entries.sort { LuaVM.byteOrder($0.key, $1.key) }
    builder.registrations.append(
      LuaRegistration(
        kind: kind, id: id, spec: Value(.map(OrderedMap(uniqueEntries: entries)), mark: mark),
        functions: functions, mark: mark))
    lua_settop(L, 1)
    return 1
  }
}

extension LuaVM {
  /// Where the Lua code that called the running host function is.
  func callerMark() -> SourceMark {
    var buffer = [CChar](repeating: 0, count: 256)
    let line = stw_caller_line(L, 1, &buffer, buffer.count)
    return SourceMark(file: chunkFile(buffer), line: Int(line), column: 0)
  }

  /// Where the Lua function at `index` was defined.
  func functionMark(at index: Int32) -> SourceMark {
    var buffer = [CChar](repeating: 0, count: 256)
    let line = stw_function_line(L, index, &buffer, buffer.count)
    return SourceMark(file: chunkFile(buffer), line: Int(line), column: 0)
  }

  /// A short source as a file name; Lua's "...tail" becomes the chunk loading now.
  private func chunkFile(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let short = String(decoding: bytes, as: UTF8.self)
    guard let loading = loadingChunk else { return short }
    return LuaErrorText.fullName(short, chunkName: loading)
  }
}
