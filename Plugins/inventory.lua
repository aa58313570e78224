-- Checks across a model inventory: rules no single card can answer. One
-- reads a team registry beside the cards (a playbook's `data:`, seen as
-- ctx.data); the other judges every card at once (scope = "all") and
-- reports on each. docs/audit.md ("Data beside subjects") runs them.
local lib = require "steward.lib"
local result, text, list = lib.result, lib.text, lib.list
local get, format = steward.get, string.format

local p = steward.plugin{
  name = "inventory",
  version = "0.1.0",
  description = "Inventory checks: owners are teams of the registry, and a field "
    .. "(the owner, by default) is unique across models.",
}

p:check{
  id = "owner_registered",
  description = "The model's owner is a team of the team registry (a data: file with one row per team).",
  severity = "high",
  remediation = "Set `owner` to a team of the registry, or add the team to the registry.",
  params = {
    registry = { type = "string", default = "teams", description = "the name of the registry under data:" },
    column = { type = "string", default = "team", description = "the registry's column of team names" },
  },
  run = function(card, params, ctx)
    local rows = ctx.data and ctx.data[params.registry]
    if type(rows) ~= "table" then
      return result("error", nil, "the playbook gives no data \"" .. params.registry .. "\" (a team registry)")
    end
    local owner = get(card, "owner")
    if not text(owner) then return result("fail", "owner", "the model names no owner") end
    for _, row in ipairs(list(rows)) do
      if get(row, params.column) == owner then
        return result("pass", "owner", owner .. " is a registered team")
      end
    end
    return result("fail", "owner", owner .. " is not a team of the registry \"" .. params.registry .. "\"",
      { owner = owner })
  end,
  examples = {
    { subject = { owner = "recsys" }, data = { teams = { { team = "recsys" }, { team = "search" } } },
      expect = "pass", at = "owner" },
    { subject = { owner = "growth" }, data = { teams = { { team = "recsys" } } }, expect = "fail", at = "owner" },
    { subject = { name = "m" }, data = { teams = {} }, expect = "fail", at = "owner" },
    { subject = { owner = "recsys" }, expect = "error" },
  },
}

-- One call over every subject: `subjects` is a list of { id =, subject = },
-- and the result a list with one result per subject, each naming it.
p:check{
  id = "unique",
  scope = "all",
  description = "No two models share the value at `path` (by default their owner).",
  severity = "medium",
  remediation = "Give each model its own value, or split the shared one.",
  params = {
    path = { type = "string", default = "owner", description = "the dotted path that must be unique" },
  },
  run = function(subjects, params)
    local holders = {}
    for _, s in ipairs(subjects) do
      local value = get(s.subject, params.path)
      if value ~= nil then
        local key = tostring(value)
        holders[key] = holders[key] or {}
        local ids = holders[key]
        ids[#ids + 1] = s.id
      end
    end
    local out = {}
    for _, s in ipairs(subjects) do
      local value = get(s.subject, params.path)
      local r
      if value == nil then
        r = result("fail", params.path, "no " .. params.path .. " is given")
      else
        local ids = holders[tostring(value)]
        if #ids > 1 then
          r = result("fail", params.path, format("%s %s is shared by %s", params.path, tostring(value),
            table.concat(ids, ", ")), { shared_with = ids })
        else
          r = result("pass", params.path, format("%s %s is this model's alone", params.path, tostring(value)))
        end
      end
      r.subject = s.id
      out[#out + 1] = r
    end
    return out
  end,
  examples = {
    { subjects = { ads = { owner = "ads-engineering" }, pacing = { owner = "ads-engineering" },
                   churn = { owner = "retention" } },
      expect = { ads = "fail", pacing = "fail", churn = "pass" },
      at = { ads = "owner", pacing = "owner", churn = "owner" } },
    { subjects = { a = { name = "x" }, b = { name = "y", owner = "t" } },
      expect = { a = "fail", b = "pass" } },
    { subjects = { a = { name = "x" }, b = { name = "x" } }, params = { path = "name" },
      expect = { a = "fail", b = "fail" } },
  },
}

return p
