-- Model-card completeness: is the card filled in enough for a reviewer to
-- judge the model? The sections are Mitchell et al.'s (FAT* 2019) and the
-- field names the Model Card Toolkit's (model_card.schema.json v0.0.2):
--
--   Mitchell section                 Model Card Toolkit field(s)
--   1 Model details                  model_details.{name, overview, owners, version, licenses}
--   2 Intended use                   considerations.{users, use_cases}
--   3 Factors / 7 Quantitative       quantitative_analysis.performance_metrics[].slice
--   4 Metrics                        quantitative_analysis.performance_metrics[] (+ confidence_interval)
--   5 Evaluation / 6 Training data   model_parameters.data[] (with `sensitive`)
--   8 Ethical considerations         considerations.ethical_considerations[]
--   9 Caveats and recommendations    considerations.{limitations, tradeoffs}
--
-- Each check below is one of the "automatable audit checks" in
-- REFERENCE.md §7. Playbooks/model-card.yaml runs them.
local p = steward.plugin{
  name = "model-card",
  version = "0.1.0",
  description = "Completeness of model cards against the Model Card Toolkit sections "
    .. "(model_details, model_parameters, quantitative_analysis, considerations).",
}

local lib = require "steward.lib"
local result, text, list, first_with = lib.result, lib.text, lib.list, lib.first_with

-- Runs `requirements` ({ path, test, what } triples) in order and reports
-- every one that fails, pointing at the first; one message lists them all so
-- the author fixes the card in one pass.
local function require_all(card, section, requirements)
  local missing, first_at = {}, nil
  for _, r in ipairs(requirements) do
    if not r.test(card) then
      missing[#missing + 1] = r.what
      first_at = first_at or r.path
    end
  end
  if #missing > 0 then
    return result("fail", first_at, section .. " lacks " .. table.concat(missing, ", "), { missing = missing })
  end
  return result("pass", section, section .. " is complete")
end

local function has_text(path)
  return function(card) return text(steward.get(card, path)) end
end

p:check{
  id = "model_details",
  description = "model_details has a name, an overview, an owner with a contact, a dated version and a license.",
  severity = "high",
  remediation = "Fill model_details: name, overview, owners[{name, contact}], version{name, date}, "
    .. "licenses[{identifier (SPDX) or custom_text}].",
  run = function(card)
    return require_all(card, "model_details", {
      { path = "model_details.name", what = "a name", test = has_text("model_details.name") },
      { path = "model_details.overview", what = "an overview", test = has_text("model_details.overview") },
      { path = "model_details.owners", what = "an owner with a contact",
        test = function(c) return first_with(c, "model_details.owners", "contact") ~= nil end },
      { path = "model_details.version", what = "a dated version", test = function(c)
          return text(steward.get(c, "model_details.version.name"))
            and text(steward.get(c, "model_details.version.date")) end },
      { path = "model_details.licenses", what = "a license", test = function(c)
          return first_with(c, "model_details.licenses", "identifier") ~= nil
            or first_with(c, "model_details.licenses", "custom_text") ~= nil end },
    })
  end,
  examples = {
    { subject = { model_details = { name = "m", overview = "o", owners = { { name = "t", contact = "t@x" } },
        version = { name = "1.0", date = "2025-01-01" }, licenses = { { identifier = "Apache-2.0" } } } },
      expect = "pass", at = "model_details" },
    { subject = { model_details = { name = "m", overview = "o", owners = { { name = "t" } },
        version = { name = "1.0", date = "2025-01-01" }, licenses = { { custom_text = "internal" } } } },
      expect = "fail", at = "model_details.owners" },
    { subject = { model_details = { name = "m", owners = { { name = "t", contact = "t@x" } } } },
      expect = "fail", at = "model_details.overview" },
  },
}

p:check{
  id = "model_parameters",
  description = "model_parameters names the architecture and at least one dataset, and every dataset "
    .. "says what sensitive data it holds (an empty list states there is none).",
  severity = "medium",
  remediation = "Fill model_parameters.model_architecture and data[]{name, link, sensitive{sensitive_data[]}}.",
  run = function(card)
    if not text(steward.get(card, "model_parameters.model_architecture")) then
      return result("fail", "model_parameters.model_architecture", "the architecture is not described")
    end
    local data = list(steward.get(card, "model_parameters.data"))
    if #data == 0 then
      return result("fail", "model_parameters.data", "no dataset is listed")
    end
    for i, d in ipairs(data) do
      if steward.get(d, "sensitive.sensitive_data") == nil then
        local at = string.format("model_parameters.data[%d]", i - 1)
        return result("fail", at, string.format("dataset %s does not say what sensitive data it holds",
          tostring(steward.get(d, "name") or i)))
      end
    end
    return result("pass", "model_parameters.data", #data .. " dataset(s) described")
  end,
  examples = {
    { subject = { model_parameters = { model_architecture = "gbdt",
        data = { { name = "train", sensitive = { sensitive_data = { "region" } } } } } },
      expect = "pass", at = "model_parameters.data" },
    { subject = { model_parameters = { model_architecture = "gbdt", data = { { name = "train" } } } },
      expect = "fail", at = "model_parameters.data[0]" },
    { subject = { model_parameters = { data = {} } }, expect = "fail", at = "model_parameters.model_architecture" },
    { subject = { model_parameters = { model_architecture = "gbdt" } }, expect = "fail", at = "model_parameters.data" },
  },
}

-- The headline metric is the first performance metric without a slice.
local function headline(card)
  for i, m in ipairs(list(steward.get(card, "quantitative_analysis.performance_metrics"))) do
    if steward.get(m, "slice") == nil then return m, i - 1 end
  end
  return nil
end

p:check{
  id = "headline_metric",
  description = "quantitative_analysis reports a headline metric (no slice) with a confidence "
    .. "interval around its value.",
  severity = "medium",
  remediation = "Add a performance metric without `slice` and its confidence_interval{lower_bound, upper_bound}.",
  run = function(card)
    local m, i = headline(card)
    if not m then
      return result("fail", "quantitative_analysis.performance_metrics", "no overall (unsliced) metric is reported")
    end
    local at = string.format("quantitative_analysis.performance_metrics[%d]", i)
    local value = tonumber(steward.get(m, "value"))
    local lower = steward.get(m, "confidence_interval.lower_bound")
    local upper = steward.get(m, "confidence_interval.upper_bound")
    if type(lower) ~= "number" or type(upper) ~= "number" then
      return result("fail", at, "the headline metric has no confidence interval")
    end
    -- Values compared as read, with no arithmetic: a bound written equal to
    -- the value parses to the same double, so no rounding tolerance is needed.
    if value == nil or lower > value or value > upper then
      return result("fail", at .. ".confidence_interval", "the confidence interval does not contain the value",
        { value = value, lower = lower, upper = upper })
    end
    return result("pass", at, string.format("%s = %s [%s, %s]", tostring(steward.get(m, "type")),
      tostring(value), tostring(lower), tostring(upper)))
  end,
  examples = {
    { subject = { quantitative_analysis = { performance_metrics = {
        { type = "auc", value = 0.81, confidence_interval = { lower_bound = 0.80, upper_bound = 0.82 } } } } },
      expect = "pass", at = "quantitative_analysis.performance_metrics[0]" },
    { subject = { quantitative_analysis = { performance_metrics = {
        { type = "auc", value = 0.79, slice = "es" }, { type = "auc", value = 0.81 } } } },
      expect = "fail", at = "quantitative_analysis.performance_metrics[1]" },
    { subject = { quantitative_analysis = { performance_metrics = {
        { type = "auc", value = 0.81, confidence_interval = { lower_bound = 0.82, upper_bound = 0.85 } } } } },
      expect = "fail", at = "quantitative_analysis.performance_metrics[0].confidence_interval" },
    { subject = { quantitative_analysis = {} }, expect = "fail", at = "quantitative_analysis.performance_metrics" },
  },
}

-- ML Test Score M6 ("quality is sufficient on important data slices") and M7
-- (inclusion) need per-slice numbers on the card.
p:check{
  id = "sliced_metrics",
  description = "At least one performance metric is reported on a data slice (ML Test Score M6, M7).",
  severity = "medium",
  remediation = "Report the headline metric on the slices that matter (language, region, new members) with `slice`.",
  run = function(card)
    local m, i = first_with(card, "quantitative_analysis.performance_metrics", "slice")
    if not m then
      return result("fail", "quantitative_analysis.performance_metrics", "no metric is reported on a slice")
    end
    return result("pass", string.format("quantitative_analysis.performance_metrics[%d].slice", i),
      "sliced on " .. m.slice)
  end,
  examples = {
    { subject = { quantitative_analysis = { performance_metrics = {
        { type = "auc", value = 0.81 }, { type = "auc", value = 0.79, slice = "language=es" } } } },
      expect = "pass", at = "quantitative_analysis.performance_metrics[1].slice" },
    { subject = { quantitative_analysis = { performance_metrics = { { type = "auc", value = 0.81 } } } },
      expect = "fail", at = "quantitative_analysis.performance_metrics" },
  },
}

p:check{
  id = "considerations",
  description = "considerations lists at least one user, one use case and one limitation, each with a description.",
  severity = "medium",
  remediation = "Add considerations.users, use_cases and limitations as lists of {description}.",
  run = function(card)
    local function entry(field)
      local path = "considerations." .. field
      return { path = path, what = field,
               test = function(c) return first_with(c, path, "description") ~= nil end }
    end
    return require_all(card, "considerations", { entry("users"), entry("use_cases"), entry("limitations") })
  end,
  examples = {
    { subject = { considerations = { users = { { description = "u" } }, use_cases = { { description = "c" } },
                                     limitations = { { description = "l" } } } },
      expect = "pass", at = "considerations" },
    { subject = { considerations = { use_cases = { { description = "c" } } } },
      expect = "fail", at = "considerations.users" },
    { subject = { considerations = { users = { { description = "u" } }, use_cases = { {} } } },
      expect = "fail", at = "considerations.use_cases" },
  },
}

p:check{
  id = "ethical_considerations",
  description = "At least one ethical consideration is named, each with a mitigation strategy.",
  severity = "medium",
  remediation = "Add considerations.ethical_considerations[{name, mitigation_strategy}].",
  run = function(card)
    local items = list(steward.get(card, "considerations.ethical_considerations"))
    if #items == 0 then
      return result("fail", "considerations.ethical_considerations", "no ethical consideration is named")
    end
    for i, item in ipairs(items) do
      if not text(steward.get(item, "mitigation_strategy")) then
        return result("fail", string.format("considerations.ethical_considerations[%d]", i - 1),
          "\"" .. tostring(steward.get(item, "name")) .. "\" has no mitigation strategy")
      end
    end
    return result("pass", "considerations.ethical_considerations", #items .. " consideration(s), each mitigated")
  end,
  examples = {
    { subject = { considerations = { ethical_considerations = { { name = "n", mitigation_strategy = "m" } } } },
      expect = "pass", at = "considerations.ethical_considerations" },
    { subject = { considerations = { ethical_considerations = {
        { name = "a", mitigation_strategy = "m" }, { name = "b" } } } },
      expect = "fail", at = "considerations.ethical_considerations[1]" },
    { subject = { considerations = {} }, expect = "fail", at = "considerations.ethical_considerations" },
  },
}

return p
