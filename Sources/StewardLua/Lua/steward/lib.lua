-- steward.lib: the helpers Steward's shipped plugins share, for every plugin.
--
--   local lib = require "steward.lib"
--   return lib.result("fail", "owner", "no owner is named")
--
-- Steward embeds this file in its binary (decision 0040), so a plugin in any
-- folder can require it. It runs in the sandbox like any plugin, and the
-- table it returns is read-only: one plugin cannot change it under another.
-- docs/lua-api.md ("Modules") documents each function with an example.

local type, ipairs, pairs, next = type, ipairs, pairs, next
local find, format, match = string.find, string.format, string.match
local sort = table.sort
local get = steward.get

---@class steward.lib
local lib = {}

---@alias steward.status "pass"|"fail"|"skip"|"error"

---@class steward.result
---@field status steward.status
---@field at string? the dotted path in the subject the result points at
---@field message string?
---@field evidence table? what the check read, for the report

---A check's result, in the shape `run` returns.
---@param status steward.status
---@param at string? the dotted path the result points at, e.g. "model_details.owners"
---@param message string?
---@param evidence table?
---@return steward.result
function lib.result(status, at, message, evidence)
  return { status = status, at = at, message = message, evidence = evidence }
end

---Whether `v` is a string with at least one character.
---@param v any
---@return boolean
function lib.text(v)
  return type(v) == "string" and v ~= ""
end

---Whether `v` is a string with a character other than white space.
---@param v any
---@return boolean
function lib.filled(v)
  return type(v) == "string" and find(v, "%S") ~= nil
end

---`v` if it is a table, else an empty one: a missing list reads as no entries.
---@param v any
---@return table
function lib.list(v)
  return type(v) == "table" and v or {}
end

---Whether `v` is a date written YYYY-MM-DD. Such dates compare correctly as
---text, so `a < b` orders them (YAML 1.2 reads them as strings).
---@param v any
---@return boolean
function lib.is_date(v)
  return type(v) == "string" and match(v, "^%d%d%d%d%-%d%d%-%d%d$") ~= nil
end

---The string keys of a map in byte order. `pairs` has no order, and a check
---must report the same finding on every run.
---@param t any
---@return string[]
function lib.sorted_keys(t)
  local keys = {}
  if type(t) == "table" then
    for k in pairs(t) do
      if type(k) == "string" then keys[#keys + 1] = k end
    end
  end
  sort(keys)
  return keys
end

---Whether `t` is not a table, or a table with nothing in it.
---@param t any
---@return boolean
function lib.is_empty(t)
  return type(t) ~= "table" or next(t) == nil
end

---A set of the values of a list: `set{ "a", "b" }.a == true`.
---@param values any[]
---@return table<any, true>
function lib.set(values)
  local s = {}
  for _, v in ipairs(values) do s[v] = true end
  return s
end

---The first entry of the list at `path` in `subject` whose `field` is a
---non-empty string, and its index counted from 0 as in paths
---(`owners[0]`); nil when there is none.
---@param subject any
---@param path string a dotted path, e.g. "model_details.owners"
---@param field string a dotted path inside each entry
---@return any entry
---@return integer? index
function lib.first_with(subject, path, field)
  for i, entry in ipairs(lib.list(get(subject, path))) do
    if lib.text(get(entry, field)) then return entry, i - 1 end
  end
  return nil
end

---The value a check read, for its evidence: nil reads as `steward.null`,
---which, unlike nil, keeps its key in the evidence table.
---@param v any
---@return any
function lib.read(v)
  if v == nil then return steward.null end
  return v
end

---The path of entry `i` (counted from 1, as `ipairs` gives it) of the list
---at `path`, counted from 0 as paths are: `lib.item("arms", 2)` is "arms[1]".
---@param path string
---@param i integer
---@return string
function lib.item(path, i)
  return format("%s[%d]", path, i - 1)
end

return lib
