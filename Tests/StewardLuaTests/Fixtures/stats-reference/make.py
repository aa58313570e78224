#!/usr/bin/env python3
"""Reference values for steward.stats, computed with scipy and numpy.

Writes reference.json beside this script: for every function of
steward.stats, 200 random inputs (seeded, so the file is reproducible) and
scipy's answer. StatsReferenceTests calls each function through Lua and
requires agreement to 1e-12 relative (1e-300 absolute near 0).

    pip install scipy numpy   # scripts/setup --test installs them
    python3 Tests/StewardLuaTests/Fixtures/stats-reference/make.py
"""
import json
import os

import numpy as np
from scipy import stats

CASES = 200
rng = np.random.default_rng(20261207)


def sample(n_min=1, n_max=40):
    """A list like those steward sees: scores, rates, durations; some mixed-sign."""
    n = int(rng.integers(n_min, n_max + 1))
    kind = rng.integers(0, 4)
    if kind == 0:
        xs = rng.integers(1, 6, n).astype(float)  # Likert answers
    elif kind == 1:
        xs = rng.normal(rng.uniform(-50, 50), rng.uniform(0.1, 20), n)
    elif kind == 2:
        xs = rng.lognormal(rng.uniform(0, 5), 1.0, n)  # durations, counts
    else:
        xs = np.round(rng.uniform(0, 10, n), 1)  # decimals as written: 7.3
    return [float(x) for x in xs]


def case(function, args, expected):
    return {"function": function, "args": args, "expected": expected}


cases = []
for _ in range(CASES):
    xs = sample()
    cases.append(case("mean", [xs], float(np.mean(np.array(xs, dtype=np.longdouble)))))
    cases.append(case("median", [xs], float(np.median(xs))))
    q = float(np.round(rng.uniform(0, 1), 3))
    cases.append(case("quantile", [xs, q], float(np.quantile(xs, q, method="linear"))))
    ys = sample(2)
    cases.append(case("variance", [ys], float(stats.tvar(ys))))
    cases.append(case("stdev", [ys], float(stats.tstd(ys))))
    cases.append(case("zscores", [ys], [float(z) for z in stats.zscore(ys, ddof=1)]))
    trials = int(rng.integers(1, 5000))
    successes = int(rng.integers(0, trials + 1))
    level = float(rng.choice([0.8, 0.9, 0.95, 0.99, 0.999]))
    ci = stats.binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    cases.append(case("wilson", [successes, trials], [ci.low, ci.high, successes / trials]))
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    ci = stats.binomtest(successes, trials).proportion_ci(confidence_level=level, method="wilson")
    cases.append(case("wilson", [successes, trials, z], [ci.low, ci.high, successes / trials]))
    k = int(rng.integers(2, 6))
    weights = [float(w) for w in rng.integers(1, 10, k)]
    total = float(rng.integers(100, 200000))
    probs = np.array(weights) / sum(weights)
    # Observed near the planned split, sometimes off it (an SRM).
    skew = rng.uniform(0.97, 1.03, k) if rng.random() < 0.7 else rng.uniform(0.8, 1.2, k)
    observed = [float(o) for o in np.round(total * probs * skew)]
    expected = np.array(weights) / sum(weights) * sum(observed)
    result = stats.chisquare(observed, expected)
    cases.append(
        case("chisq_gof", [observed, weights], [float(result.statistic), k - 1, float(result.pvalue)])
    )
    answers = [int(a) for a in rng.integers(0, 11, int(rng.integers(1, 60)))]
    a = np.array(answers)
    cases.append(case("enps", [answers], float(100 * (np.mean(a >= 9) - np.mean(a <= 6)))))
    scale = int(rng.choice([4, 5, 7, 10]))
    answers = [int(a) for a in rng.integers(1, scale + 1, int(rng.integers(1, 60)))]
    cases.append(
        case("top_two_box", [answers, scale], float(np.mean(np.array(answers) >= scale - 1)))
    )
    rates = [float(r) for r in np.round(rng.uniform(0.01, 1, int(rng.integers(2, 6))), 2)]
    cases.append(case("disparate_impact", [rates], float(np.min(rates) / np.max(rates))))
    cases.append(
        case("equal_opportunity_difference", [rates], float(np.max(rates) - np.min(rates)))
    )

# Edges the issue names (17, point 7), where scipy's answer is exact.
cases.append(case("zscores", [[7.3] * 7], [0.0] * 7))
cases.append(case("zscores", [[0.1] * 3 + [0.1]], [0.0] * 4))
cases.append(case("wilson", [0, 10], [0.0, float(stats.binomtest(0, 10).proportion_ci(method="wilson").high), 0.0]))
cases.append(case("wilson", [10, 10], [float(stats.binomtest(10, 10).proportion_ci(method="wilson").low), 1.0, 1.0]))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "reference.json"), "w") as f:
    # One case a line, so that a regenerated file diffs by case.
    head = {"generator": "make.py", "scipy": __import__("scipy").__version__,
            "numpy": np.__version__, "z95": float(stats.norm.ppf(0.975))}
    f.write(json.dumps(head)[:-1] + ', "cases": [\n')
    f.write(",\n".join(json.dumps(c) for c in cases))
    f.write("\n]}\n")
print(len(cases), "cases")
