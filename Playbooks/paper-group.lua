-- The paper reading group as a Lua playbook: the same table as the YAML form
-- of a ritual playbook, built with a little logic. The reading list cycles
-- through themes, one a month, and the presenter never comes from the
-- previous presenter's team (the rotations.cross_team strategy).
--
--   steward run Playbooks/paper-group.lua --ics papers.ics

local themes = {
  "recommendation and ranking",
  "experimentation and causal inference",
  "ML platforms and MLOps",
  "trust, safety and fairness",
}

-- One line per month of the schedule, so the announcement can say what is
-- being read this month and next.
local months = { "December", "January", "February", "March" }
local reading = {}
for i, month in ipairs(months) do
  reading[#reading + 1] = { month = month, theme = themes[(i - 1) % #themes + 1] }
end

local paper_group = {
  id = "paper-group",
  title = "Paper reading group",
  cadence = "weekly on thursday",
  start = "2026-06-04",
  time = "16:00",
  duration = "1h",
  location = "Room Turing and meet.streamrec.example/papers",
  rotation = {
    strategy = "rotations.cross_team",
    teams = { "ML platform", "recommendations", "ads", "trust and safety", "search",
      "business analytics" },
  },
  data = { reading = reading },
  announcement = [[
{{title}}, {{date}} at {{time}} ({{timezone}}).
{{#presenter}}{{name}} ({{team}}) leads.{{/presenter}}
Reading themes: {{#data.reading}}{{month}}: {{theme}}. {{/data.reading}}]],
}

return {
  steward = 1,
  kind = "ritual",
  name = "paper-group",
  title = "StreamRec paper reading group",
  owner = "Maria Okafor (head of data science)",
  plugins = { "../Plugins/rotations.lua" },
  timezone = "Europe/Berlin",
  people = "../Examples/streamrec/org/people.yaml",
  absences = "../Examples/streamrec/rituals/absences.yaml",
  schedule = { from = "2026-12-01", count = 8 },
  rituals = { paper_group },
}
