-- Checks over A/B experiment records, run before anyone reads the results:
-- is the traffic split the one planned (sample ratio mismatch), was the
-- analysis plan written down before launch, and was the experiment sized?
-- Playbooks/experiment-review.yaml runs them over Examples/streamrec/experiments/.
--
-- A record lists its arms with the planned weight and the units observed:
--   arms: [ { name: control, weight: 0.5, users: 45000 }, ... ]
local p = steward.plugin{
  name = "experiments",
  version = "0.1.0",
  description = "Experiment-review checks: sample ratio mismatch (chi-square goodness of fit), "
    .. "pre-registered analysis plan, sample size or power.",
}

-- Dates are YYYY-MM-DD strings (YAML 1.2 reads them as strings), so they
-- compare correctly as text (lib.is_date).
local lib = require "steward.lib"
local result, is_date = lib.result, lib.is_date

-- A p-value below the smallest normal double's neighbourhood comes back as
-- 0: it is not zero, only too small to hold, so it is printed as a bound.
local function format_p(pvalue)
  if pvalue < 1e-300 then return "< 1e-300" end
  return string.format("= %.4g", pvalue)
end

-- SRM: a chi-square goodness-of-fit test of the observed units per arm
-- against the PLANNED weights (E_i = N·w_i, df = k − 1). p < 0.001 is the
-- common default (GrowthBook, Eppo; Statsig alerts below it). On SRM the
-- results are not analysed or corrected: the cause (logging, bots,
-- redirects, assignment) is found first. REFERENCE.md §5.
p:check{
  id = "sample_ratio_mismatch",
  description = "The units observed per arm match the planned split (chi-square goodness of fit, "
    .. "fail at p < alpha).",
  severity = "critical",
  remediation = "Do not analyse the results. Find the cause of the mismatch first: logging, bots, "
    .. "redirects or the assignment itself.",
  params = {
    alpha = { type = "number", default = 0.001, min = 0, max = 1,
              description = "p-value below which the split is a mismatch" },
  },
  run = function(exp, params)
    local arms = steward.get(exp, "arms")
    if type(arms) ~= "table" or #arms < 2 then
      return result("fail", "arms", "the record lists fewer than two arms")
    end
    local observed, weights, total = {}, {}, 0
    for i, arm in ipairs(arms) do
      local users, weight = steward.get(arm, "users"), steward.get(arm, "weight")
      if type(users) ~= "number" or users < 0 then
        return result("fail", string.format("arms[%d]", i - 1), "an arm records no observed units (users)")
      end
      -- A count of units is a whole, finite number; 44000.5 users is a
      -- broken record (an average, a rate), not a count to test.
      if users ~= users or users == math.huge or users ~= math.floor(users) then
        return result("fail", string.format("arms[%d].users", i - 1),
          string.format("arm %s records %s users, not a whole count of units",
            tostring(steward.get(arm, "name")), tostring(users)))
      end
      if type(weight) ~= "number" or weight ~= weight or weight <= 0 or weight == math.huge then
        return result("fail", string.format("arms[%d]", i - 1), "an arm records no planned weight")
      end
      observed[i], weights[i], total = users, weight, total + users
    end
    local test = steward.stats.chisq_gof(observed, weights)
    if test == nil then
      return result("fail", "arms", "no units were observed")
    end
    -- The result points at the arm furthest below its expected count,
    -- relative to it: units that went missing (a redirect, a crash, a
    -- logging gap) are the usual cause, and with two arms both deviate alike.
    local weight_sum, worst, worst_dev, expected = 0, 1, math.huge, {}
    for _, w in ipairs(weights) do weight_sum = weight_sum + w end
    for i = 1, #observed do
      expected[i] = total * weights[i] / weight_sum
      local dev = (observed[i] - expected[i]) / expected[i]
      if dev < worst_dev then worst, worst_dev = i, dev end
    end
    local evidence = { statistic = test.statistic, df = test.df, p = test.p,
                       observed = observed, expected = expected, alpha = params.alpha }
    local message = string.format("chi-square %.2f, df %d, p %s", test.statistic, test.df, format_p(test.p))
    local at = string.format("arms[%d].users", worst - 1)
    -- Strict and without the rounding tolerance ml-governance.lua uses: p is
    -- a continuous tail probability, not a ratio of rates written to two
    -- decimals, so it lands on alpha only by chance, and "p < alpha" is the
    -- test's definition of significance (REFERENCE §5).
    if test.p < params.alpha then
      return result("fail", at, string.format("sample ratio mismatch: %s < %g; %s has %d units, %.0f expected",
        message, params.alpha, tostring(steward.get(arms[worst], "name")), observed[worst], expected[worst]),
        evidence)
    end
    return result("pass", "arms", message, evidence)
  end,
  examples = {
    -- The REFERENCE test vector: 44,000 vs 45,000 on 50/50 gives χ² = 11.24, p ≈ 0.0008.
    { subject = { arms = { { name = "control", weight = 0.5, users = 45000 },
                           { name = "treatment", weight = 0.5, users = 44000 } } },
      expect = "fail", at = "arms[1].users" },
    { subject = { arms = { { name = "control", weight = 0.5, users = 45000 },
                           { name = "treatment", weight = 0.5, users = 44000 } } },
      params = { alpha = 0.0005 }, expect = "pass", at = "arms" },
    { subject = { arms = { { name = "control", weight = 0.5, users = 45000 },
                           { name = "treatment", weight = 0.5, users = 44800 } } },
      expect = "pass", at = "arms" },
    { subject = { arms = { { name = "control", weight = 90, users = 81020 },
                           { name = "treatment", weight = 10, users = 8980 } } },
      expect = "pass", at = "arms" },
    { subject = { arms = { { name = "control", weight = 0.5, users = 45000 } } }, expect = "fail", at = "arms" },
    { subject = { arms = { { name = "control", weight = 0.5, users = 45000 },
                           { name = "treatment", weight = 0.5, users = 44000.5 } } },
      expect = "fail", at = "arms[1].users" },
    { subject = { arms = { { name = "control", weight = 0.5, users = 45000 }, { name = "treatment", users = 1 } } },
      expect = "fail", at = "arms[1]" },
  },
}

-- A plan written after the data is in invites choosing the metric that won.
p:check{
  id = "analysis_plan_preregistered",
  description = "An analysis plan (primary metric, decision rule) was registered on or before the launch date.",
  severity = "high",
  remediation = "Register the plan, with its primary metric, before launch; a plan written later is "
    .. "an exploratory analysis, not a test.",
  run = function(exp)
    local launched = steward.get(exp, "launched")
    if not is_date(launched) then
      return result("fail", "launched", "the record has no launch date (YYYY-MM-DD)")
    end
    local registered = steward.get(exp, "analysis_plan.registered")
    if not is_date(registered) then
      return result("fail", "analysis_plan.registered", "no analysis plan registration date is recorded")
    end
    if steward.get(exp, "analysis_plan.primary_metric") == nil then
      return result("fail", "analysis_plan.primary_metric", "the analysis plan names no primary metric")
    end
    local evidence = { registered = registered, launched = launched }
    -- Dates have day precision: a plan registered on launch day counts as before.
    if registered > launched then
      return result("fail", "analysis_plan.registered",
        "the analysis plan was registered on " .. registered .. ", after the launch on " .. launched, evidence)
    end
    return result("pass", "analysis_plan.registered", "registered " .. registered .. ", launched " .. launched,
      evidence)
  end,
  examples = {
    { subject = { launched = "2026-03-02", analysis_plan = { registered = "2026-02-27", primary_metric = "m" } },
      expect = "pass", at = "analysis_plan.registered" },
    { subject = { launched = "2026-03-02", analysis_plan = { registered = "2026-03-02", primary_metric = "m" } },
      expect = "pass", at = "analysis_plan.registered" },
    { subject = { launched = "2026-03-02", analysis_plan = { registered = "2026-03-09", primary_metric = "m" } },
      expect = "fail", at = "analysis_plan.registered" },
    { subject = { launched = "2026-03-02", analysis_plan = { registered = "2026-02-27" } },
      expect = "fail", at = "analysis_plan.primary_metric" },
    { subject = { launched = "2026-03-02" }, expect = "fail", at = "analysis_plan.registered" },
    { subject = { analysis_plan = { registered = "2026-02-27" } }, expect = "fail", at = "launched" },
  },
}

-- The analysis plan is reviewed by a data scientist before launch (the
-- StreamRec story): the card records who signed it off and when, and the
-- playbook names the data scientists (its roster's data-scientist role).
p:check{
  id = "analysis_plan_signed_off",
  description = "A data scientist signed off the analysis plan on or before the launch date.",
  severity = "high",
  remediation = "Have a data scientist review the plan before launch and record "
    .. "analysis_plan.signed_off_by and analysis_plan.signed_off.",
  params = {
    signers = { type = "list", default = {},
                description = "the data scientists who may sign off a plan" },
  },
  run = function(exp, params)
    local launched = steward.get(exp, "launched")
    if not is_date(launched) then
      return result("fail", "launched", "the record has no launch date (YYYY-MM-DD)")
    end
    local who = steward.get(exp, "analysis_plan.signed_off_by")
    if type(who) ~= "string" or who == "" then
      return result("fail", "analysis_plan", "nobody signed off the analysis plan")
    end
    local known = false
    for _, name in ipairs(params.signers) do
      if name == who then known = true end
    end
    if not known then
      return result("fail", "analysis_plan.signed_off_by",
        who .. " is not a data scientist who may sign off a plan")
    end
    local on = steward.get(exp, "analysis_plan.signed_off")
    if not is_date(on) then
      return result("fail", "analysis_plan.signed_off", "the sign-off has no date (YYYY-MM-DD)")
    end
    local evidence = { signed_off_by = who, signed_off = on, launched = launched }
    if on > launched then
      return result("fail", "analysis_plan.signed_off",
        who .. " signed off the plan on " .. on .. ", after the launch on " .. launched, evidence)
    end
    return result("pass", "analysis_plan.signed_off",
      "signed off by " .. who .. " on " .. on .. ", launched " .. launched, evidence)
  end,
  examples = {
    { subject = { launched = "2026-03-02",
                  analysis_plan = { signed_off_by = "Lena", signed_off = "2026-02-27" } },
      params = { signers = { "Lena" } }, expect = "pass", at = "analysis_plan.signed_off" },
    { subject = { launched = "2026-03-02",
                  analysis_plan = { signed_off_by = "Lena", signed_off = "2026-03-03" } },
      params = { signers = { "Lena" } }, expect = "fail", at = "analysis_plan.signed_off" },
    { subject = { launched = "2026-03-02",
                  analysis_plan = { signed_off_by = "Pat", signed_off = "2026-02-27" } },
      params = { signers = { "Lena" } }, expect = "fail", at = "analysis_plan.signed_off_by" },
    { subject = { launched = "2026-03-02", analysis_plan = {} },
      params = { signers = { "Lena" } }, expect = "fail", at = "analysis_plan" },
  },
}

p:check{
  id = "sample_size_recorded",
  description = "The record states a planned sample size per arm or a power analysis "
    .. "(power and minimum detectable effect).",
  severity = "medium",
  remediation = "Run a power analysis before launch and record power.sample_size_per_arm, or power.power "
    .. "with power.mde.",
  run = function(exp)
    local n = steward.get(exp, "power.sample_size_per_arm")
    if n ~= nil then
      if math.type(n) ~= "integer" or n <= 0 then
        return result("fail", "power.sample_size_per_arm", "the sample size per arm is not a positive integer")
      end
      return result("pass", "power.sample_size_per_arm", "planned " .. n .. " units per arm", { n = n })
    end
    local power, mde = steward.get(exp, "power.power"), steward.get(exp, "power.mde")
    if type(power) == "number" and power > 0 and power < 1 and type(mde) == "number" and mde > 0 then
      return result("pass", "power.power", string.format("power %.2f for an effect of %g", power, mde))
    end
    return result("fail", "power", "no sample size or power analysis is recorded")
  end,
  examples = {
    { subject = { power = { sample_size_per_arm = 40000 } }, expect = "pass", at = "power.sample_size_per_arm" },
    { subject = { power = { power = 0.8, mde = 0.01 } }, expect = "pass", at = "power.power" },
    { subject = { power = { sample_size_per_arm = 0 } }, expect = "fail", at = "power.sample_size_per_arm" },
    { subject = { power = { power = 0.8 } }, expect = "fail", at = "power" },
    { subject = { name = "x" }, expect = "fail", at = "power" },
  },
}

return p
