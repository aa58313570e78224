import Foundation
import StewardCore
import StewardEngine
import StewardLua
import Testing

/// The lua-language-server annotations must declare every function and field
/// the real `steward` table has, so editors never miss an API.
@Suite struct LuaMetaTests {
  /// `steward new plugin` and `steward plugins meta` hand out the binary's
  /// copy; it must be the file this repository documents and edits.
  @Test func theBinaryCarriesTheMetaFile() throws {
    let meta = try String(
      contentsOf: Scratch.packageRoot.appendingPathComponent("docs/lua/steward.meta.lua"),
      encoding: .utf8)
    #expect(
      LuaAnnotations.text == meta,
      "docs/lua/steward.meta.lua changed: run scripts/lua-annotations")
  }

  @Test func metaFileDeclaresTheWholeAPI() throws {
    let meta = try String(
      contentsOf: Scratch.packageRoot.appendingPathComponent("docs/lua/steward.meta.lua"),
      encoding: .utf8)
    let vm = try LuaVM()
    let names = try vm.evaluate(
      """
      local names = {}
      for k, v in pairs(steward) do
        names[#names + 1] = "steward." .. k
        if type(v) == "table" and k ~= "null" then
          for k2 in pairs(v) do names[#names + 1] = "steward." .. k .. "." .. k2 end
        end
      end
      local p = steward.plugin{ name = "x", version = "1" }
      for _, m in ipairs({ "check", "scorer", "rotation", "step", "register" }) do
        assert(type(p[m]) == "function", m)
        names[#names + 1] = "Plugin:" .. m
      end
      table.sort(names)
      return names
      """, chunkName: "meta-test")
    let list = try #require(names.list).compactMap(\.string)
    #expect(list.count > 20)
    for name in list {
      let declared =
        meta.contains("function \(name)(") || meta.contains("\(name) = ")
        || meta.contains("---@field \(name.split(separator: ".").last ?? "") ")
      #expect(declared, "\(name) is not declared in docs/lua/steward.meta.lua")
    }
  }
}
