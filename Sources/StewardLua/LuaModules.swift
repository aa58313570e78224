internal import CLua
internal import CLuaShim

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// `require`: the modules a plugin loads from its own folder, and
/// `steward.lib` (decision 0040).
///
/// `require "checks.owners"` runs `lib/checks/owners.lua` in the plugin's
/// folder, once per VM and folder: later calls, from any plugin of that
/// folder, get the same value. A module runs in a fresh environment of the
/// sandbox, under the budget of the call that required it, and may require
/// the modules of its folder in turn. A table it returns comes back
/// read-only, so that no plugin changes it under another.
///
/// Refused, each as an error at the `require` line: a name that is not
/// words of letters, digits and `_` joined by dots (so no `..`, no `/`, no
/// absolute path), a file that resolves outside the folder's `lib/` (a link
/// out of it), anything but a regular text file of at most ``maxBytes``
/// (there is no loader for C modules or precompiled chunks), and a module
/// that requires itself, directly or through others.
final class LuaModules {
  /// The largest module file read: a plugin's helpers, not a data set.
  static let maxBytes = 1 << 20
  /// The name of the module Steward ships.
  static let library = "steward.lib"

  /// The `require` maker (a registry reference), made on first use.
  var maker: Int32 = 0
  /// The Lua side of `require`: one function and one cache per folder.
  /// `find` returns the module's chunk, or nil, a message and whether the
  /// message already names its place (a syntax error in the module). The
  /// chunk is called plainly, so that its errors, budget errors included,
  /// keep the module's file and line; a module that failed is not cached,
  /// and the next `require` runs it again. While it runs, the frame of its
  /// `require` stays on the stack at ``chunkLine``: that is how `find`
  /// tells a cycle, even through a module's tail call.
  static let makerSource = """
    local find, seal = ...
    local error = error
    local made = {}
    return function(folder)
      if made[folder] then return made[folder] end
      local cache = {}
      local function require(name)
        local value = cache[name]
        if value ~= nil then return value end
        local chunk, problem, placed = find(folder, name)
        if not chunk then error(problem, placed and 0 or 2) end
        value = chunk()
        if value == nil then value = true end
        value = seal(value)
        cache[name] = value
        return value
      end
      made[folder] = require
      return require
    end
    """

  /// The line of ``makerSource`` where `require` calls a module's chunk.
  static let chunkLine: Int32 = {
    let lines = makerSource.split(separator: "\n", omittingEmptySubsequences: false)
    return Int32((lines.firstIndex { $0.contains("value = chunk()") } ?? -1) + 1)
  }()

  /// The folder whose `lib/` a chunk's `require` reads: the folder of a
  /// plugin file (`Plugins/a.lua` → `Plugins`); "" (none) for a chunk that
  /// is not a `.lua` file, such as an inline expression of a playbook.
  static func folder(ofChunk chunkName: String) -> String {
    guard chunkName.hasSuffix(".lua") else { return "" }
    guard let slash = chunkName.lastIndex(of: "/") else { return "." }
    let folder = String(chunkName[..<slash])
    return folder.isEmpty ? "/" : folder
  }

  /// Whether `name` is words of ASCII letters, digits and `_` (not starting
  /// with a digit) joined by single dots.
  static func isModuleName(_ name: String) -> Bool {
    guard !name.isEmpty, name.utf8.count <= 200 else { return false }
    return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { word in
      guard let first = word.utf8.first, !(48...57).contains(first) else { return false }
      return word.utf8.allSatisfy { c in
        (65...90).contains(c) || (97...122).contains(c) || (48...57).contains(c) || c == 95
      }
    }
  }

  /// `name` fit to quote in a message: printable ASCII, at most 60 bytes.
  static func quoted(_ name: String) -> String {
    var shown = String(
      String.UnicodeScalarView(
        name.unicodeScalars.prefix(60).map {
          $0.isASCII && $0.value >= 32 && $0.value < 127 ? $0 : "?"
        }))
    if name.unicodeScalars.count > 60 { shown += "…" }
    return "\"" + shown + "\""
  }

  /// The text of the regular file at `path`, read through one descriptor,
  /// or why not.
  static func readModule(_ path: String, shown: String) -> Result<String, ModuleProblem> {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { return .failure(.init("cannot read \(shown)")) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
      return .failure(.init("\(shown) is not a regular file"))
    }
    guard Int(info.st_size) <= maxBytes else {
      return .failure(
        .init("\(shown) is \(info.st_size) bytes; a module may have at most \(maxBytes)"))
    }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
    var count = 0
    while count < bytes.count {
      let n = bytes.withUnsafeMutableBytes { buffer in
        read(fd, buffer.baseAddress! + count, buffer.count - count)
      }
      if n < 0, errno == EINTR { continue }
      guard n >= 0 else { return .failure(.init("cannot read \(shown)")) }
      if n == 0 { break }
      count += n
    }
    // The file grew while it was read: refuse what was not measured.
    guard count <= maxBytes, count < bytes.count else {
      return .failure(.init("\(shown) is over \(maxBytes) bytes; a module may have at most that"))
    }
    return .success(String(decoding: bytes[..<count], as: UTF8.self))
  }

  /// The real path of `path` (links resolved), if it exists.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The path of module `name` of `folder`, as messages and errors show it.
  static func shownPath(_ name: String, folder: String) -> String {
    if name == library { return library }
    let relative = "lib/" + name.split(separator: ".").joined(separator: "/") + ".lua"
    return folder == "." ? relative : (folder == "/" ? "/" : folder + "/") + relative
  }

  /// Where module `name` of `folder` is, as shown and as opened, or why
  /// it cannot be required.
  static func locate(_ name: String, folder: String) -> Result<
    (shown: String, real: String), ModuleProblem
  > {
    let shown = shownPath(name, folder: folder)
    let libFolder = folder == "." ? "lib" : (folder == "/" ? "/lib" : folder + "/lib")
    guard let realFolder = realPath(folder), let realLib = realPath(libFolder) else {
      return .failure(
        .init(
          "require: no module \(quoted(name)): there is no \(libFolder) folder beside the plugin (looked for \(shown))"
        ))
    }
    guard realLib.hasPrefix(realFolder == "/" ? "/" : realFolder + "/") else {
      return .failure(
        .init("require \(quoted(name)): \(libFolder) leads outside the plugin's folder"))
    }
    guard let realFile = realPath(shown) else {
      return .failure(.init("require: no module \(quoted(name)) (looked for \(shown))"))
    }
    guard realFile.hasPrefix(realLib + "/") else {
      return .failure(
        .init("require \(quoted(name)): \(shown) leads outside the plugin's lib folder"))
    }
    return .success((shown, realFile))
  }

  struct ModuleProblem: Error {
    var message: String
    /// Whether the message starts with its own `file:LINE:` (a syntax error).
    var placed = false
    init(_ message: String, placed: Bool = false) {
      self.message = message
      self.placed = placed
    }
  }

  // MARK: - Host functions

  /// `find(folder, name)`: the module's chunk in a fresh environment, or
  /// nil, a message and whether it is placed.
  static func find(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    let folder = lua_type(L, 1) == LUA_TSTRING ? vm.string(at: 1) : ""
    guard lua_type(L, 2) == LUA_TSTRING else {
      return vm.refuse(.init("require expects a module name (a string), got \(vm.typeName(at: 2))"))
    }
    let name = vm.string(at: 2)
    let source: String
    let chunkName: String
    if name == library {
      source = String(decoding: PackageResources.lib_lua, as: UTF8.self)
      chunkName = library
    } else {
      guard isModuleName(name) else {
        return vm.refuse(
          .init(
            "require \(quoted(name)): not a module name; a name is words of letters, digits and _ "
              + "joined by dots (\"checks.owners\" is lib/checks/owners.lua in the plugin's folder)"
          ))
      }
      guard name != "steward", !name.hasPrefix("steward.") else {
        return vm.refuse(
          .init(
            "require: no module \(quoted(name)): the steward names are Steward's, which ships only steward.lib"
          ))
      }
      guard !folder.isEmpty else {
        return vm.refuse(
          .init(
            "require \(quoted(name)): only steward.lib can be required here; other modules are "
              + "lib/NAME.lua in a plugin's folder"))
      }
      let place: (shown: String, real: String)
      switch locate(name, folder: folder) {
      case .success(let found): place = found
      case .failure(let problem): return vm.refuse(problem)
      }
      switch readModule(place.real, shown: place.shown) {
      case .success(let text): source = text
      case .failure(let problem): return vm.refuse(problem)
      }
      chunkName = place.shown
    }
    // A cycle is a module being loaded below on the stack: the stack says
    // so whatever a plugin caught with pcall before.
    let loading = vm.modulesLoading().filter { $0.folder == folder }.map(\.name)
    if let first = loading.firstIndex(of: name) {
      let cycle = loading[first...] + [name]
      let message = "require cycle: \(cycle.joined(separator: " → "))"
      // A module that tail-called require has left the stack: name its file.
      guard vm.callerIsRequire(), let last = loading.last else { return vm.refuse(.init(message)) }
      return vm.refuse(.init("\(shownPath(last, folder: folder)): \(message)", placed: true))
    }
    var text = source
    let status = text.withUTF8 { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        stw_load(L, chars.baseAddress, chars.count, "=" + chunkName)
      }
    }
    guard status == LUA_OK else {
      let message = lua_type(L, -1) == LUA_TSTRING ? vm.string(at: -1) : "\(chunkName): cannot load"
      return vm.refuse(.init(message, placed: true))
    }
    let chunk = lua_gettop(L)
    vm.pushEnvironment()
    do {
      try vm.pushRequire(folder: folder)
    } catch {
      return vm.refuse(.init("require \(quoted(name)): \(error)"))
    }
    vm.setRawField(-2, "require")
    _ = lua_setupvalue(L, chunk, 1)
    lua_settop(L, chunk)
    return 1
  }

  /// `seal(value)`: a table as a read-only proxy; anything else as it is.
  static func seal(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    lua_settop(L, 1)
    if lua_type(L, 1) == LUA_TTABLE, stw_is_protected(L, 1) == 0 {
      stw_push_protected(L, 1)
    }
    return 1
  }
}

extension LuaVM {
  /// Pushes nil, the problem's message and whether it is placed: what
  /// `find` returns for a module it refuses.
  fileprivate func refuse(_ problem: LuaModules.ModuleProblem) -> Int32 {
    lua_settop(L, 0)
    lua_pushnil(L)
    pushString(problem.message)
    lua_pushboolean(L, problem.placed ? 1 : 0)
    return 3
  }

  /// Whether the function that called `require` (level 2 from `find`)
  /// is gone from the stack: it tail-called `require`, and the level holds
  /// the `require` that loads it.
  func callerIsRequire() -> Bool {
    var info = lua_Debug()
    guard lua_getstack(L, 2, &info) != 0, lua_getinfo(L, "S", &info) != 0,
      let source = info.source
    else { return false }
    return String(cString: source) == "=require"
  }

  /// The modules being loaded, outermost first: each `require` frame that
  /// is calling a module's chunk, with its `name` and its `folder`.
  func modulesLoading() -> [(folder: String, name: String)] {
    var found: [(folder: String, name: String)] = []
    var info = lua_Debug()
    var level: Int32 = 0
    while lua_getstack(L, level, &info) != 0 {
      level += 1
      guard lua_getinfo(L, "Sl", &info) != 0, info.currentline == LuaModules.chunkLine,
        let source = info.source, String(cString: source) == "=require",
        lua_checkstack(L, 2) != 0
      else { continue }
      guard let local = lua_getlocal(L, &info, 1) else { continue }
      let name = lua_type(L, -1) == LUA_TSTRING ? string(at: -1) : ""
      lua_settop(L, -2)
      _ = lua_getinfo(L, "f", &info)
      var folder = ""
      var index: Int32 = 1
      while let upvalue = lua_getupvalue(L, -1, index) {
        defer { lua_settop(L, -2) }
        index += 1
        if String(cString: upvalue) == "folder", lua_type(L, -1) == LUA_TSTRING {
          folder = string(at: -1)
        }
      }
      lua_settop(L, -2)
      _ = local
      found.append((folder, name))
    }
    return found.reversed()
  }

  /// Pushes the `require` of `folder` ("" for none): the same function for
  /// every chunk of that folder, so they share its modules.
  func pushRequire(folder: String) throws {
    let base = lua_gettop(L)
    try checkStack(8)
    if modules.maker == 0 {
      try loadChunk(LuaModules.makerSource, chunkName: "require")
      pushHost { L in LuaModules.find(L) }
      pushHost { L in LuaModules.seal(L) }
      try run(nargs: 2, nresults: 1, base: base, chunkName: "require")
      modules.maker = ref()
    }
    _ = lua_rawgeti(L, stw_registryindex(), lua_Integer(modules.maker))
    pushString(folder)
    try run(nargs: 1, nresults: 1, base: base, chunkName: "require")
  }
}
