-- Presenter-rotation strategies for ritual playbooks.
--
-- A ritual names one with `rotation: { strategy: rotations.cross_team }`.
-- Steward calls `run(people, n, ctx)` for each occurrence from the ritual's
-- first day on: `people` are the people who can present that day (in roster
-- order, nobody on leave), each { id, name, team, presented, last };
-- `n` counts occurrences from 0; `ctx` is { ritual, date, previous, params }.
-- The strategy returns one of the people (or their id).
local p = steward.plugin{
  name = "rotations",
  version = "1.0",
  description = "Presenter rotations that mix teams",
}

-- Whoever presented longest ago (never first), then fewest turns, then
-- roster order.
local function least_recent(people)
  local best
  for _, person in ipairs(people) do
    if best == nil then
      best = person
    else
      local a = steward.isnull(person.last) and "" or person.last
      local b = steward.isnull(best.last) and "" or best.last
      if a < b or (a == b and person.presented < best.presented) then
        best = person
      end
    end
  end
  return best
end

p:rotation{
  id = "cross_team",
  description = "Least recently presented, but never from the previous presenter's team",
  run = function(people, _, ctx)
    local others = {}
    for _, person in ipairs(people) do
      if steward.isnull(ctx.previous) or person.team ~= ctx.previous.team then
        others[#others + 1] = person
      end
    end
    if #others == 0 then
      others = people
    end
    return least_recent(others)
  end,
}

return p
