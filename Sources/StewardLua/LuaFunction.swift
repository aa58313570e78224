public import StewardCore

/// A Lua function kept alive in its VM's registry, to be called with
/// ``LuaVM/call(_:_:)``.
///
/// It is tied to the VM that made it and to that VM's thread (it is not
/// `Sendable`). The reference is released when the last copy goes away, or
/// explicitly with ``release()``; once the VM is gone, calling it fails.
public struct LuaFunction {
  final class Handle {
    weak var vm: LuaVM?
    /// The VM's identity, compared on every call (cheaper than loading `vm`).
    let owner: UInt64
    var ref: Int32

    init(vm: LuaVM, ref: Int32) {
      self.vm = vm
      self.owner = vm.identity
      self.ref = ref
    }

    func release() {
      if ref > 0, let vm { vm.unref(ref) }
      ref = 0
    }

    deinit { release() }
  }

  let handle: Handle
  /// Where the function was defined (`plugin.lua:LINE`).
  public let mark: SourceMark

  init(vm: LuaVM, ref: Int32, mark: SourceMark) {
    handle = Handle(vm: vm, ref: ref)
    self.mark = mark
  }

  /// Drops the registry reference now; later calls fail with ``LuaError/unavailable(message:)``.
  public func release() { handle.release() }

  /// Whether the function can still be called.
  public var isAlive: Bool { handle.ref > 0 && handle.vm != nil }
}
