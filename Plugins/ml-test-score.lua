-- The ML Test Score (Breck, Cai, Nielsen, Salib, Sculley, IEEE BigData 2017):
-- 28 tests in four sections, each scored 0 (not done), 0.5 (done by hand,
-- results documented and shared) or 1 (automated and run repeatedly). A
-- section scores the sum of its 7 tests; the final score is the MINIMUM of
-- the four section sums, because the weakest area caps the whole system.
--
-- This is the 2017 rubric. The 2016 NIPS workshop version (1 point for
-- manual plus 1 for automated, bands 0 / 1-2 / 3-4 / 5-6 / 7-10 / 12+) is a
-- different scale; do not mix them (REFERENCE.md §1). The rubric has no
-- "not applicable", and neither do these checks.
--
-- A subject is one team's record (Examples/streamrec/ml-test-score/):
--   tests: { data: { D1: automated, ... }, model: { M1: ... },
--            infrastructure: { I1: ... }, monitoring: { Mon1: ... } }
-- with each test `none`, `manual` or `automated`.
local p = steward.plugin{
  name = "ml-test-score",
  version = "0.1.0",
  description = "The 28-test ML Test Score (Breck et al. 2017): record completeness, section sums, "
    .. "final score (minimum of the sections) and its band.",
}

-- Section key in the record, test-id prefix, and the 7 test names, in the paper's order.
local SECTIONS = {
  { key = "data", prefix = "D", title = "Data", tests = {
      "Feature expectations are captured in a schema",
      "All features are beneficial",
      "No feature's cost is too much",
      "Features adhere to meta-level requirements",
      "The data pipeline has appropriate privacy controls",
      "New features can be added quickly",
      "All input feature code is tested" } },
  { key = "model", prefix = "M", title = "Model", tests = {
      "Model specs are reviewed and submitted",
      "Offline and online metrics correlate",
      "All hyperparameters have been tuned",
      "The impact of model staleness is known",
      "A simpler model is not better",
      "Model quality is sufficient on important data slices",
      "The model is tested for considerations of inclusion" } },
  { key = "infrastructure", prefix = "I", title = "ML infrastructure", tests = {
      "Training is reproducible",
      "Model specs are unit tested",
      "The ML pipeline is integration tested",
      "Model quality is validated before serving",
      "The model is debuggable",
      "Models are canaried before serving",
      "Serving models can be rolled back" } },
  { key = "monitoring", prefix = "Mon", title = "Monitoring", tests = {
      "Dependency changes result in notification",
      "Data invariants hold for training and serving inputs",
      "Training and serving are not skewed",
      "Models are not too stale",
      "Models are numerically stable",
      "Computing performance has not regressed",
      "Prediction quality has not regressed" } },
}

-- 2017 points per test.
-- Sums of these are exact in binary floating point, so the band and
-- fail_at_or_below comparisons below need no rounding tolerance.
local POINTS = { none = 0, manual = 0.5, automated = 1 }

-- Table V of the paper: upper bound (inclusive) of each band and its meaning.
local BANDS = {
  { upto = 0, range = "0", meaning = "More a research project than a productionized system" },
  { upto = 1, range = "(0, 1]", meaning = "Not totally untested, but serious holes in reliability are possible" },
  { upto = 2, range = "(1, 2]", meaning = "A first pass at basic productionization; more investment may be needed" },
  { upto = 3, range = "(2, 3]", meaning = "Reasonably tested; more could be automated" },
  { upto = 5, range = "(3, 5]", meaning = "Strong automated testing and monitoring, fit for mission-critical systems" },
  { upto = math.huge, range = "> 5", meaning = "Exceptional levels of automated testing and monitoring" },
}

local function band(score)
  for _, b in ipairs(BANDS) do
    if score <= b.upto then return b end
  end
end

local result = require("steward.lib").result

-- Path of one test in the record, e.g. tests.monitoring.Mon3.
local function test_path(section, i)
  return "tests." .. section.key .. "." .. section.prefix .. i
end

-- Scores the record: section sums (a missing or unknown answer counts 0, as
-- "not done"), the final score, the weakest section, and the problems found.
local function score(record)
  local sums, problems, weakest = {}, {}, nil
  for _, section in ipairs(SECTIONS) do
    local sum = 0
    for i = 1, #section.tests do
      local path = test_path(section, i)
      local answer = steward.get(record, path)
      local points = POINTS[answer]
      if points == nil then
        problems[#problems + 1] = { path = path, test = section.tests[i], answer = answer }
        points = 0
      end
      sum = sum + points
    end
    sums[section.key] = sum
    if weakest == nil or sum < sums[weakest.key] then weakest = section end
  end
  return { sums = sums, final = sums[weakest.key], weakest = weakest, problems = problems }
end

-- Builds a record for the examples: answers per section, as strings of
-- a (automated), m (manual) and - (none), one letter per test.
local function record(answers)
  local letters = { a = "automated", m = "manual", ["-"] = "none" }
  local tests = {}
  for s, section in ipairs(SECTIONS) do
    tests[section.key] = {}
    for i = 1, #section.tests do
      tests[section.key][section.prefix .. i] = letters[answers[s]:sub(i, i)]
    end
  end
  return { team = "example", tests = tests }
end

-- The paper's test vector (REFERENCE.md §1): sections 4.0, 3.0, 5.0 and 1.5
-- give a final score of 1.5, in the (1, 2] band.
local VECTOR = record{ "aaaa---", "aaa----", "aaaaa--", "a-m----" }
local STRONG = record{ "aaaaaam", "aaaaamm", "aaaaaaa", "aaaaam-" }
local WEAK = record{ "aaaammm", "aam----", "aaam---", "mm-----" }

p:check{
  id = "record_complete",
  description = "Every one of the 28 tests is answered none, manual or automated (the rubric has no N/A).",
  severity = "medium",
  remediation = "Answer each test D1-D7, M1-M7, I1-I7, Mon1-Mon7 with none, manual or automated.",
  run = function(rec)
    local problems = score(rec).problems
    if #problems > 0 then
      local names = {}
      for _, pr in ipairs(problems) do names[#names + 1] = pr.path:match("[^.]+$") end
      return result("fail", problems[1].path, string.format(
        "%d of 28 tests have no valid answer (%s); they count as not done",
        #problems, table.concat(names, ", ")), { unanswered = names })
    end
    return result("pass", "tests", "all 28 tests answered")
  end,
  examples = {
    { subject = VECTOR, expect = "pass", at = "tests" },
    { subject = { tests = { data = { D1 = "automated" } } }, expect = "fail", at = "tests.data.D2" },
    { subject = { tests = { data = { D1 = "n/a" } } }, expect = "fail", at = "tests.data.D1" },
  },
}

p:check{
  id = "score",
  description = "The final ML Test Score (minimum of the four section sums) is above fail_at_or_below; "
    .. "reports the section sums, the score and its band as evidence.",
  severity = "high",
  remediation = "Invest in the weakest section first: the final score is capped by it.",
  params = {
    fail_at_or_below = { type = "number", default = 1, min = 0, max = 7,
      description = "final scores at or below this fail; 1 ends the band 'serious holes in reliability are possible'" },
  },
  run = function(rec, params)
    local s = score(rec)
    local b = band(s.final)
    local evidence = {
      sections = s.sums, final = s.final, weakest = s.weakest.key,
      band = b.range, meaning = b.meaning,
    }
    local message = string.format("final score %.1f (%s: %s); sections data %.1f, model %.1f, "
      .. "infrastructure %.1f, monitoring %.1f; weakest: %s", s.final, b.range, b.meaning,
      s.sums.data, s.sums.model, s.sums.infrastructure, s.sums.monitoring, s.weakest.title)
    local at = "tests." .. s.weakest.key
    if s.final <= params.fail_at_or_below then
      return result("fail", at, message, evidence)
    end
    return result("pass", at, message, evidence)
  end,
  examples = {
    { subject = VECTOR, expect = "pass", at = "tests.monitoring" },
    { subject = STRONG, expect = "pass", at = "tests.monitoring" },
    { subject = WEAK, expect = "fail", at = "tests.monitoring" },
    { subject = VECTOR, params = { fail_at_or_below = 2 }, expect = "fail", at = "tests.monitoring" },
    { subject = { tests = {} }, expect = "fail", at = "tests.data" },
  },
}

-- Mon3 is the test the paper calls the most important and the least
-- implemented; it is also the one StreamRec's ad model lacked (~20 % loss).
p:check{
  id = "skew_monitored",
  description = "Mon3, 'Training and serving are not skewed', is at least checked by hand.",
  severity = "medium",
  params = {
    at_least = { type = "string", default = "manual", description = "the lowest accepted answer: manual or automated" },
  },
  remediation = "Log the features at serving time and compare them with training (ML Test Score Mon3).",
  run = function(rec, params)
    local path = "tests.monitoring.Mon3"
    local answer = steward.get(rec, path)
    local need = POINTS[params.at_least] or POINTS.manual
    if (POINTS[answer] or 0) < need then
      return result("fail", path, string.format("training-serving skew is %s (need %s)",
        tostring(answer or "not answered"), params.at_least), { answer = answer })
    end
    return result("pass", path, "training-serving skew is checked (" .. answer .. ")")
  end,
  examples = {
    { subject = STRONG, expect = "pass", at = "tests.monitoring.Mon3" },
    { subject = VECTOR, expect = "pass", at = "tests.monitoring.Mon3" },
    { subject = VECTOR, params = { at_least = "automated" }, expect = "fail", at = "tests.monitoring.Mon3" },
    { subject = WEAK, expect = "fail", at = "tests.monitoring.Mon3" },
  },
}

return p
