#!/usr/bin/env python3
"""The deployment gate's 14 checks (Playbooks/deployment-gate.yaml with
Plugins/ml-governance.lua) written as a plain Python script, for the gate
benchmark: PyYAML with its C loader (CSafeLoader), one card per file.

Usage: deployment_gate.py CARDS_DIR  -> prints "pass=N fail=N skip=N" (the
same counts steward's JSON summary gives for the same cards).
"""
import glob
import os
import re
import sys

import yaml

TRAINING = {"train", "training", "in-sample", "fit"}
SERVING = {"canary", "production"}
STAGES = {"development", "staging", "canary", "production", "retired"}


# As in the plugin: a ratio or gap that misses its threshold by binary
# rounding alone (0.32 / 0.40 == 0.7999999999999999) counts as on it.
TOLERANCE = 1e-9


def above(x, limit):
    return x - limit > TOLERANCE * max(1, abs(limit))


def below(x, limit):
    return limit - x > TOLERANCE * max(1, abs(limit))


def get(card, path):
    node = card
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def text(v):
    return isinstance(v, str) and v != ""


def has_owner(c):
    return "pass" if text(c.get("owner")) else "fail"


def stage(c):
    return "pass" if c.get("stage") in STAGES else "fail"


def model_name(c):
    v = get(c, "model_details.name")
    return "pass" if v not in (None, "", [], {}) else "fail"


def model_version(c):
    name, date = get(c, "model_details.version.name"), get(c, "model_details.version.date")
    if not text(name):
        return "fail"
    return "pass" if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "fail"


def validation_split(c):
    split = get(c, "evaluation.validation.split")
    if not text(split) or split.lower() in TRAINING:
        return "fail"
    data = get(c, "evaluation.validation.data")
    if text(data) and data == get(c, "training.data"):
        return "fail"
    return "pass" if get(c, "evaluation.validation.disjoint_from_training") is True else "fail"


def offline_held_out(c):
    held = {s for s in (get(c, "evaluation.validation.split"), get(c, "evaluation.test.split"))
            if text(s) and s.lower() not in TRAINING}
    if not held:
        return "skip"
    on = get(c, "evaluation.offline.computed_on")
    if not text(on) or on.lower() in TRAINING or on not in held:
        return "fail"
    return "pass"


def rates(attribute, field):
    values = (attribute or {}).get(field) or {}
    return [values[g] for g in sorted(values) if isinstance(values[g], (int, float))]


def fairness(c, min_ratio=0.8):
    if get(c, "fairness.audited") is not True:
        return "fail"
    attributes = get(c, "fairness.attributes")
    if not attributes:
        return "fail"
    for name in sorted(attributes):
        r = rates(attributes[name], "selection_rates")
        if len(r) < 2 or max(r) == 0:
            return "fail"
        if below(min(r) / max(r), min_ratio):
            return "fail"
    return "pass"


def equal_opportunity(c, max_difference=0.1):
    if get(c, "fairness.audited") is not True:
        return "skip"
    attributes = get(c, "fairness.attributes")
    if not attributes:
        return "fail"
    for name in sorted(attributes):
        t = rates(attributes[name], "true_positive_rates")
        if len(t) < 2 or above(max(t) - min(t), max_difference):
            return "fail"
    return "pass"


def monitoring(c):
    if c.get("stage") not in SERVING:
        return "skip"
    m = c.get("monitoring")
    if not m:
        return "fail"
    for layer in ("business", "model", "data", "system"):
        l = m.get(layer)
        if not l or not text(l.get("owner")) or not l.get("metrics") \
                or not text((l.get("alerting") or {}).get("channel")):
            return "fail"
    return "pass"


def skew(c, max_gap=0.10):
    offline, online = get(c, "evaluation.offline.value"), get(c, "evaluation.online.value")
    if not isinstance(online, (int, float)):
        return "fail" if c.get("stage") in SERVING else "skip"
    if not isinstance(offline, (int, float)) or offline == 0:
        return "fail"
    if get(c, "evaluation.offline.metric") != get(c, "evaluation.online.metric"):
        return "fail"
    return "fail" if above(abs(offline - online) / abs(offline), max_gap) else "pass"


def code_versioned(c):
    if not text(get(c, "code.repository")):
        return "fail"
    commit = get(c, "code.commit")
    return "pass" if isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{7,40}", commit) else "fail"


def code_tested(c):
    return "pass" if get(c, "code.tests.unit") is True and text(get(c, "code.tests.ci")) else "fail"


def reproducible(c):
    r = get(c, "training.reproducibility")
    if not r:
        return "fail"
    return "pass" if all(r.get(f) not in (None, "") for f in ("seed", "environment", "data_snapshot", "pipeline")) else "fail"


def intended_use(c):
    cases = get(c, "considerations.use_cases")
    ok = isinstance(cases, list) and cases and isinstance(cases[0], dict) and isinstance(cases[0].get("description"), str)
    return "pass" if ok else "fail"


CHECKS = [has_owner, stage, model_name, model_version, validation_split, offline_held_out, fairness,
          equal_opportunity, monitoring, skew, code_versioned, code_tested, reproducible, intended_use]


def main():
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
        with open(path) as f:
            card = yaml.load(f, Loader=yaml.CSafeLoader)
        for check in CHECKS:
            counts[check(card)] += 1
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
