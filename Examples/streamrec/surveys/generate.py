#!/usr/bin/env python3
"""Writes the StreamRec survey responses (month 0, May 2025; month 18,
November 2026). The CSVs are committed; this script documents how they were
made and remakes them byte for byte: `python3 generate.py` in this folder.

Each team's answers to a question are spread around a target mean chosen to
reproduce the story's levels (docs/survey.md, "The StreamRec surveys"):
MLOps level 1 -> 2 (recommendations approaching 3), experimentation level 2
(walk) for recommendations only -> 3 (run) for every product team and 4
(fly) for recommendations, "3 of 3 would recommend this team to a friend"
(which team eNPS withholds: 3 answers are under its threshold of 5).
Respondent ids are opaque: the example never names who answered what.
"""
import csv
import random

MONTHS = {
    0: "2025-05",
    18: "2026-11",
}

# Who answered the maturity and team-health surveys: product-team members
# (engineers, product managers, data scientists), so teams can reach
# min_group_size. At month 0 trust and safety had 2 respondents and 3 people
# left "team" blank: together they are "other" (5).
ROSTER = {
    0: [("recommendations", 7), ("ads", 6), ("trust and safety", 2), ("", 3)],
    18: [("ML platform", 8), ("recommendations", 9), ("ads", 5), ("trust and safety", 5),
         ("search", 5), ("business analytics", 5)],
}
ROLES = ["engineer", "product manager", "data scientist", "engineer", "data scientist"]

# The data-science org itself (Examples/streamrec/org/people.yaml): 3 at
# month 0, 28 at month 18, with the search and business analytics spokes.
DS_ORG = {
    0: [("recommendations", 2), ("ads", 1)],
    18: [("ML platform", 8), ("recommendations", 6), ("ads", 3), ("trust and safety", 5),
         ("search", 3), ("business analytics", 3)],
}


def spread(rng, n, mean, low=1, high=5):
    """n integer answers in [low, high] whose mean is round(mean * n) / n."""
    total = round(mean * n)
    base, extra = divmod(total, n)
    values = [base + 1 if i < extra else base for i in range(n)]
    # Move a point from one answer to another a few times: same mean, some spread.
    for _ in range(n // 2):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j and values[i] < high and values[j] > low:
            values[i] += 1
            values[j] -= 1
    rng.shuffle(values)
    return values


def respondents(month, roster, prefix):
    rows = []
    k = 0
    for team, count in roster:
        for i in range(count):
            k += 1
            rows.append({
                "respondent": f"{prefix}-{month:02d}-{k:02d}",
                "team": team,
                "role": ROLES[(k + i) % len(ROLES)],
                "date": f"{MONTHS[month]}-{10 + k % 15:02d}",
            })
    return rows


def write(name, month, rows, columns):
    with open(f"{name}-month-{month:02d}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)


def likert_survey(name, prefix, targets, seed):
    """targets[month][team or "*"][question] = mean."""
    for month in MONTHS:
        rng = random.Random(f"{seed}-{month}")
        rows = respondents(month, ROSTER[month], prefix)
        questions = list(targets[month]["*"].keys())
        # Questions of one level differ a little (the team overrides do not:
        # they sit where the story puts them).
        jitter = {q: rng.uniform(-0.2, 0.2) for q in questions}
        for team, count in ROSTER[month]:
            members = [r for r in rows if r["team"] == team]
            for q in questions:
                mean = targets[month].get(team, {}).get(q)
                if mean is None:
                    mean = targets[month]["*"][q] + jitter[q]
                for r, v in zip(members, spread(rng, count, mean)):
                    r[q] = v
        write(name, month, rows, ["respondent", "team", "role", "date"] + questions)


# Microsoft MLOps maturity: level 1 needs an automatic data pipeline and
# automated application releases; 2 tracked experiments, versioned models,
# managed compute and repeatable jobs; 3 CI/CD releases and model tests;
# 4 retraining triggered by production metrics.
MS = {
    0: {
        "*": {
            "repeatable_jobs": 2.0, "data_pipeline": 3.9, "managed_compute": 2.6,
            "experiments_tracked": 2.2, "models_versioned": 2.4, "scoring_versioned": 2.5,
            "cicd_release": 1.6, "model_tests": 1.8, "integration_tests": 2.8,
            "app_releases_automated": 4.0, "production_metrics": 1.5, "retraining_triggered": 1.2,
        },
        "recommendations": {"experiments_tracked": 3.0, "models_versioned": 2.9},
    },
    18: {
        "*": {
            "repeatable_jobs": 3.9, "data_pipeline": 4.4, "managed_compute": 4.0,
            "experiments_tracked": 4.2, "models_versioned": 4.1, "scoring_versioned": 3.9,
            "cicd_release": 2.6, "model_tests": 2.9, "integration_tests": 3.6,
            "app_releases_automated": 4.5, "production_metrics": 2.5, "retraining_triggered": 1.8,
        },
        # Approaching level 3: model tests are there, CI/CD releases not quite.
        "recommendations": {
            "cicd_release": 3.42, "model_tests": 3.8, "production_metrics": 3.2,
            "retraining_triggered": 2.4,
        },
    },
}

# Google: level 1 (ML pipeline automation, continuous training) needs
# orchestrated experiments, continuous training and metadata tracking; level
# 2 (CI/CD pipeline automation) pipeline CI, pipeline CD and a model registry.
GOOGLE = {
    0: {
        "*": {
            "orchestrated_experiments": 2.1, "continuous_training": 1.6, "same_pipeline": 1.8,
            "data_validation": 2.0, "model_validation": 2.2, "metadata_tracking": 2.0,
            "pipeline_ci": 1.5, "pipeline_cd": 1.3, "model_registry": 1.8, "monitoring": 1.9,
        },
    },
    18: {
        "*": {
            "orchestrated_experiments": 4.2, "continuous_training": 3.9, "same_pipeline": 3.7,
            "data_validation": 3.8, "model_validation": 3.6, "metadata_tracking": 4.1,
            "pipeline_ci": 2.8, "pipeline_cd": 2.3, "model_registry": 3.9, "monitoring": 3.4,
        },
        "recommendations": {"pipeline_ci": 3.4, "pipeline_cd": 2.9},
    },
}

# Experimentation growth model: walk, run and fly questions per dimension.
EXP_WALK = ["platform_analysis", "more_kinds_of_tests", "teams_set_up", "oec_guardrails"]
EXP_RUN = ["platform_alerting", "most_features", "teams_analyse", "oec_tuned"]
EXP_FLY = ["platform_auto_shutdown", "every_change", "teams_independent", "oec_stable"]


def exp(walk, run, fly):
    d = {}
    for qs, v in ((EXP_WALK, walk), (EXP_RUN, run), (EXP_FLY, fly)):
        for q in qs:
            d[q] = v
    return d


EXPERIMENTATION = {
    0: {"*": exp(2.0, 1.4, 1.1), "recommendations": exp(3.9, 2.3, 1.4), "ads": exp(2.8, 1.8, 1.2)},
    18: {"*": exp(4.3, 3.9, 2.4), "recommendations": exp(4.6, 4.3, 3.9)},
}

CARDS = [
    "easy_to_release", "suitable_process", "tech_quality", "value", "speed", "mission",
    "fun", "learning", "support", "pawns_or_players", "teamwork",
]


def team_health():
    # Chances of green and yellow per month (red is the rest); month 0's
    # worst cards (release, speed, tech quality) are redder.
    for month in MONTHS:
        rng = random.Random(f"health-{month}")
        rows = respondents(month, ROSTER[month], "th")
        for r in rows:
            for card in CARDS:
                green, yellow = (0.25, 0.5) if month == 0 else (0.7, 0.25)
                if month == 0 and card in ("easy_to_release", "speed", "tech_quality"):
                    green, yellow = 0.05, 0.4
                x = rng.random()
                r[card] = "green" if x < green else "yellow" if x < green + yellow else "red"
            worst = [c for c in CARDS if r[c] == "red"] or [c for c in CARDS if r[c] == "yellow"]
            r["act_on"] = ";".join(sorted(worst[:2])) if worst else ""
        write("team-health", month, rows, ["respondent", "team", "role", "date"] + CARDS + ["act_on"])


def team_enps():
    comments = {
        0: ["Small team, big scope.", "We ship and learn fast.", ""],
        18: [
            "Great support from the platform team.", "", "More pairing across spokes, please.",
            "", "Review standards are the same everywhere now.", "",
            "On-call for models is still heavy.", "", "I learn something every week.", "",
            "Hiring is fast but onboarding is thin.", "", "Clear career paths would help.", "",
        ],
    }
    for month in MONTHS:
        rng = random.Random(f"enps-{month}")
        rows = respondents(month, DS_ORG[month], "en")
        for i, r in enumerate(rows):
            r["role"] = "data science"
            if month == 0:
                r["recommend"] = [10, 9, 9][i]  # 3 of 3 would recommend
            else:
                r["recommend"] = rng.choice([10, 10, 9, 9, 9, 8, 8, 7, 6])
            r["comment"] = comments[month][i % len(comments[month])]
        write("team-enps", month, rows, ["respondent", "team", "role", "date", "recommend", "comment"])


def listening_tour():
    # The tour at the start (month 0): 16 stakeholders, by function.
    rng = random.Random("tour")
    functions = [("product", 6), ("engineering", 5), ("leadership", 2), ("marketing", 2), ("finance", 1)]
    perceptions = ["black box", "service desk", "bottleneck", "partner"]
    needs = ["faster delivery", "trustworthy metrics", "self-serve data", "experimentation support",
             "model quality"]
    themes = ["silos", "slow handoffs", "no experimentation", "data quality", "unclear ownership",
              "tooling"]
    notes = [
        "Models arrive late and nobody can say why they work.",
        "We would test more ideas if a test took days, not weeks.",
        "Every team has its own revenue number.",
        "The data scientists are great, but we never see them.",
        "",
        "Nobody owns the data we report to the board.",
        "Ads and recommendations fight over the same users.",
        "I want to try ideas without waiting for a data scientist.",
        "",
        "Fraud and abuse models need clearer thresholds.",
        "Our dashboards disagree with finance.",
        "",
    ]
    rows = []
    k = 0
    for function, count in functions:
        for i in range(count):
            k += 1
            rows.append({
                "respondent": f"lt-{k:02d}", "stakeholder": function,
                "date": f"2025-05-{5 + k:02d}",
                "perception": rng.choice(perceptions[:3]) if k % 4 else "partner",
                "primary_need": needs[(k * 3) % len(needs)],
                "themes": ";".join(sorted(rng.sample(themes, 2 + k % 2))),
                "notes": notes[k % len(notes)],
            })
    write("listening-tour", 0, rows,
          ["respondent", "stakeholder", "date", "perception", "primary_need", "themes", "notes"])


likert_survey("mlops-maturity", "mm", MS, "ms")
likert_survey("mlops-maturity-google", "mg", GOOGLE, "google")
likert_survey("experimentation-maturity", "ex", EXPERIMENTATION, "exp")
team_health()
team_enps()
listening_tour()
