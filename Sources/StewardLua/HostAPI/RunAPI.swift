internal import CLua
internal import CLuaShim
internal import StewardCore

/// `steward.run{ "cmd", "arg", … }`: runs a command through the host.
///
/// Plugin code never starts a process itself (there is no `os.execute` or
/// `io.popen` in the sandbox). The host decides: a runbook that grants
/// `capabilities: { run: [python3] }` installs a ``LuaVM/commandRunner``
/// that checks the executable against the grant, runs it with the runbook's
/// timeout, redaction and process-group control, and returns
/// `{ exit = 0, output = "…", ok = true }`. Without a grant, the call fails.
enum RunAPI {
  static func run(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let vm = LuaVM.host(L)
    guard lua_type(L, 1) == LUA_TTABLE else {
      return vm.raise("steward.run expects a list of strings: steward.run{ \"echo\", \"hi\" }")
    }
    let value: Value
    do {
      value = try vm.toValue(at: 1, root: "arguments", mark: vm.callerMark())
    } catch let error as LuaError {
      return vm.raise("steward.run: \(error.message)")
    } catch {
      return vm.raise("steward.run: \(error)")
    }
    guard let list = value.list, !list.isEmpty, list.allSatisfy({ $0.string != nil }) else {
      return vm.raise("steward.run expects a non-empty list of strings")
    }
    guard let runner = vm.commandRunner else {
      return vm.raise(
        "steward.run: running commands needs the \"run\" capability, granted by the playbook (capabilities: { run: [\(list[0].string ?? "")] })"
      )
    }
    let result: Value
    do {
      result = try runner(list.compactMap(\.string))
    } catch {
      return vm.raise("steward.run: \(error)")
    }
    lua_settop(L, 0)
    do {
      try vm.push(result, root: "result")
    } catch {
      return vm.raise("steward.run: \(error)")
    }
    return 1
  }
}
