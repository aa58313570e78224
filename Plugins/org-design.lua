-- Checks over a hub-and-spoke data-science org plan: a central platform hub
-- and product-embedded spokes. The order of hiring matters: spokes hired
-- before the hub exists each build their own platform; a team hired before
-- its lead has nobody to set its direction; a spoke without a dotted line to
-- the head of data science drifts from the shared practice.
-- Playbooks/org-design.yaml runs them over Examples/streamrec/org/org-plan.yaml.
--
-- Every person has a `start` date (YYYY-MM-DD); see the example plan.
local p = steward.plugin{
  name = "org-design",
  version = "0.1.0",
  description = "Hub-and-spoke org plan checks: hub staffed before the spokes, each spoke lead "
    .. "before its team, every spoke with a dotted line to the head of data science.",
}

-- Dates are YYYY-MM-DD strings, so text order is date order (lib.is_date).
local lib = require "steward.lib"
local result, is_date, list = lib.result, lib.is_date, lib.list

-- Everyone in a unit (its lead, then its members under `members_key`), with
-- the path of each start date. Returns nil and a failing result when a
-- start date is missing, so every check reports bad data the same way.
local function people(unit, base, members_key)
  local out = {}
  local lead_start = steward.get(unit, "lead.start")
  if not is_date(lead_start) then
    return nil, result("fail", base .. ".lead", base .. " has no lead with a start date (YYYY-MM-DD)")
  end
  out[1] = { start = lead_start, path = base .. ".lead.start", role = "lead" }
  for i, m in ipairs(list(steward.get(unit, members_key))) do
    local path = string.format("%s.%s[%d]", base, members_key, i - 1)
    if not is_date(steward.get(m, "start")) then
      return nil, result("fail", path, path .. " has no start date (YYYY-MM-DD)")
    end
    out[#out + 1] = { start = m.start, path = path .. ".start", role = steward.get(m, "role") or "member" }
  end
  return out
end

local function spoke_name(spoke, i)
  return tostring(steward.get(spoke, "name") or ("spoke " .. i))
end

p:check{
  id = "hub_before_spokes",
  description = "The platform hub is fully staffed before anyone joins a spoke.",
  severity = "high",
  remediation = "Move the first spoke hires after the last hub hire, or hire the hub faster.",
  run = function(plan)
    local hub, bad = people(steward.get(plan, "hub"), "hub", "members")
    if not hub then return bad end
    local staffed = hub[1]
    for _, person in ipairs(hub) do
      if person.start > staffed.start then staffed = person end
    end
    local spokes = list(steward.get(plan, "spokes"))
    if #spokes == 0 then
      return result("fail", "spokes", "the plan has no spokes")
    end
    for i, spoke in ipairs(spokes) do
      local staff, problem = people(spoke, string.format("spokes[%d]", i - 1), "team")
      if not staff then return problem end
      for _, person in ipairs(staff) do
        if person.start <= staffed.start then
          return result("fail", person.path, string.format(
            "%s: the %s starts %s, before the hub is staffed (%s)",
            spoke_name(spoke, i), person.role, person.start, staffed.start),
            { hub_staffed = staffed.start, first_spoke_start = person.start })
        end
      end
    end
    return result("pass", staffed.path, "hub staffed on " .. staffed.start .. ", before every spoke hire",
      { hub_staffed = staffed.start })
  end,
  examples = {
    { subject = { hub = { lead = { start = "2026-01-05" }, members = { { start = "2026-02-02" } } },
                  spokes = { { name = "recs", lead = { start = "2026-03-02" },
                               team = { { start = "2026-04-06" } } } } },
      expect = "pass", at = "hub.members[0].start" },
    { subject = { hub = { lead = { start = "2026-01-05" }, members = { { start = "2026-04-06" } } },
                  spokes = { { name = "recs", lead = { start = "2026-03-02" } } } },
      expect = "fail", at = "spokes[0].lead.start" },
    { subject = { hub = { lead = { start = "2026-01-05" } },
                  spokes = { { lead = { start = "2026-03-02" }, team = { { role = "ds" } } } } },
      expect = "fail", at = "spokes[0].team[0]" },
    { subject = { hub = {} }, expect = "fail", at = "hub.lead" },
  },
}

p:check{
  id = "lead_before_team",
  description = "Each spoke's lead starts before anyone on the spoke's team.",
  severity = "high",
  remediation = "Hire the spoke lead first, so the lead hires and directs the team.",
  run = function(plan)
    local spokes = list(steward.get(plan, "spokes"))
    if #spokes == 0 then
      return result("fail", "spokes", "the plan has no spokes")
    end
    for i, spoke in ipairs(spokes) do
      local staff, problem = people(spoke, string.format("spokes[%d]", i - 1), "team")
      if not staff then return problem end
      local lead = staff[1]
      for k = 2, #staff do
        if staff[k].start <= lead.start then
          return result("fail", staff[k].path, string.format("%s: a %s starts %s, not after the lead (%s)",
            spoke_name(spoke, i), staff[k].role, staff[k].start, lead.start))
        end
      end
    end
    return result("pass", "spokes", #spokes .. " spoke(s), each lead hired before the team")
  end,
  examples = {
    { subject = { spokes = { { lead = { start = "2026-03-02" }, team = { { start = "2026-04-06" } } } } },
      expect = "pass", at = "spokes" },
    { subject = { spokes = {
        { lead = { start = "2026-03-02" }, team = { { start = "2026-04-06" } } },
        { name = "ads", lead = { start = "2026-05-04" }, team = { { role = "ds", start = "2026-04-20" } } } } },
      expect = "fail", at = "spokes[1].team[0].start" },
    { subject = { spokes = { { team = { { start = "2026-04-06" } } } } }, expect = "fail", at = "spokes[0].lead" },
    { subject = { hub = {} }, expect = "fail", at = "spokes" },
  },
}

p:check{
  id = "dotted_line",
  description = "Every spoke has a dotted line to the head of data science.",
  severity = "medium",
  remediation = "Set each spoke's `dotted_line_to: head_of_data_science`, and make sure the plan names that head.",
  params = {
    to = { type = "string", default = "head_of_data_science",
           description = "the key, in the plan, of the person every spoke has a dotted line to" },
  },
  run = function(plan, params)
    if steward.get(plan, params.to .. ".name") == nil then
      return result("fail", params.to, "the plan names no " .. params.to)
    end
    local spokes = list(steward.get(plan, "spokes"))
    if #spokes == 0 then
      return result("fail", "spokes", "the plan has no spokes")
    end
    for i, spoke in ipairs(spokes) do
      if steward.get(spoke, "dotted_line_to") ~= params.to then
        return result("fail", string.format("spokes[%d]", i - 1) ..
          (steward.get(spoke, "dotted_line_to") and ".dotted_line_to" or ""),
          spoke_name(spoke, i) .. " has no dotted line to " .. params.to)
      end
    end
    return result("pass", "spokes", "every spoke has a dotted line to " .. params.to)
  end,
  examples = {
    { subject = { head_of_data_science = { name = "M" }, spokes = { { dotted_line_to = "head_of_data_science" } } },
      expect = "pass", at = "spokes" },
    { subject = { head_of_data_science = { name = "M" },
                  spokes = { { dotted_line_to = "head_of_data_science" }, { dotted_line_to = "cto" } } },
      expect = "fail", at = "spokes[1].dotted_line_to" },
    { subject = { head_of_data_science = { name = "M" }, spokes = { { name = "ads" } } },
      expect = "fail", at = "spokes[0]" },
    { subject = { spokes = { { dotted_line_to = "head_of_data_science" } } },
      expect = "fail", at = "head_of_data_science" },
  },
}

return p
