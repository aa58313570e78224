-- ML governance checks over model cards: the rules StreamRec learnt from the
-- audit of a contractor-built ad model (evaluated on its training data, no
-- fairness audit, no monitoring, a training-serving skew that cost ~20 %).
local p = steward.plugin{
  name = "ml-governance",
  version = "0.1.0",
  description = "Model-card checks: ownership, validation split, fairness, monitoring, versioning.",
}

p:check{
  id = "has_owner",
  description = "Every model names the team that answers for it.",
  severity = "high",
  run = function(card)
    local owner = steward.get(card, "owner")
    if type(owner) ~= "string" or owner == "" then
      return { status = "fail", message = "the card names no owning team", at = "owner" }
    end
    return { status = "pass", at = "owner", evidence = { owner = owner } }
  end,
  examples = {
    { subject = { id = "m1", owner = "recsys" }, expect = "pass" },
    { subject = { id = "m2" }, expect = "fail", at = "owner" },
  },
}

-- Splits that mean "scored on the data it was fitted on".
local training_splits = { train = true, training = true, ["in-sample"] = true }

p:check{
  id = "validation_split",
  description = "The reported metrics come from data the model was not trained on.",
  severity = "critical",
  run = function(card)
    local split = steward.get(card, "evaluation.validation.split")
    if split == nil then
      return { status = "fail", message = "no validation split is recorded",
               at = "evaluation.validation.split" }
    end
    if training_splits[string.lower(tostring(split))] then
      return { status = "fail", at = "evaluation.validation.split",
               message = "the model was evaluated on its training data",
               evidence = { split = split } }
    end
    return { status = "pass", at = "evaluation.validation.split", evidence = { split = split } }
  end,
  examples = {
    { subject = { evaluation = { validation = { split = "holdout" } } }, expect = "pass" },
    { subject = { evaluation = { validation = { split = "train" } } }, expect = "fail",
      at = "evaluation.validation.split" },
    { subject = { evaluation = {} }, expect = "fail", at = "evaluation.validation.split" },
  },
}

p:check{
  id = "fairness_audit",
  description = "A fairness audit ran and the disparate-impact ratio clears the four-fifths rule.",
  severity = "high",
  params = {
    min_ratio = { type = "number", default = 0.8,
                  description = "lowest acceptable selection-rate ratio between groups" },
  },
  run = function(card, params)
    if steward.get(card, "fairness.audited") ~= true then
      return { status = "fail", message = "no fairness audit is recorded", at = "fairness.audited" }
    end
    local ratio = steward.get(card, "fairness.disparate_impact")
    if type(ratio) ~= "number" then
      return { status = "fail", message = "the audit reports no disparate-impact ratio",
               at = "fairness.disparate_impact" }
    end
    if ratio < params.min_ratio then
      return { status = "fail", at = "fairness.disparate_impact",
               message = string.format("disparate impact %.2f is below %.2f", ratio, params.min_ratio),
               evidence = { ratio = ratio, min_ratio = params.min_ratio } }
    end
    return { status = "pass", at = "fairness.disparate_impact", evidence = { ratio = ratio } }
  end,
  examples = {
    { subject = { fairness = { audited = true, disparate_impact = 0.91 } }, expect = "pass" },
    { subject = { fairness = { audited = true, disparate_impact = 0.62 } }, expect = "fail",
      at = "fairness.disparate_impact" },
    { subject = { fairness = { audited = false } }, expect = "fail", at = "fairness.audited" },
  },
}

p:check{
  id = "monitoring",
  description = "A model in production is monitored, with at least one alert.",
  severity = "high",
  run = function(card)
    if steward.get(card, "stage") ~= "production" then
      return { status = "skip", message = "not in production", at = "stage" }
    end
    if steward.get(card, "monitoring.enabled") ~= true then
      return { status = "fail", message = "production model without monitoring",
               at = "monitoring.enabled" }
    end
    return { status = "pass", at = "monitoring.enabled" }
  end,
  examples = {
    { subject = { stage = "production", monitoring = { enabled = true } }, expect = "pass" },
    { subject = { stage = "production" }, expect = "fail", at = "monitoring.enabled" },
    { subject = { stage = "staging" }, expect = "skip" },
  },
}

p:check{
  id = "training_serving_skew",
  description = "Online performance is within a tolerance of the offline estimate.",
  severity = "medium",
  params = {
    max_drop = { type = "number", default = 0.05,
                 description = "largest accepted relative drop from offline to online" },
  },
  run = function(card, params)
    local offline = steward.get(card, "evaluation.validation.auc")
    local online = steward.get(card, "evaluation.online.auc")
    if type(offline) ~= "number" or type(online) ~= "number" then
      return { status = "skip", message = "offline and online AUC are not both recorded",
               at = "evaluation" }
    end
    local drop = (offline - online) / offline
    if drop > params.max_drop then
      return { status = "fail", at = "evaluation.online.auc",
               message = string.format("online AUC is %.0f%% below offline", drop * 100),
               evidence = { offline = offline, online = online } }
    end
    return { status = "pass", at = "evaluation.online.auc" }
  end,
  examples = {
    { subject = { evaluation = { validation = { auc = 0.80 }, online = { auc = 0.64 } } },
      expect = "fail", at = "evaluation.online.auc" },
    { subject = { evaluation = { validation = { auc = 0.80 }, online = { auc = 0.79 } } },
      expect = "pass" },
  },
}

return p
