#!/usr/bin/env python3
"""The survey benchmark's comparison: pandas reads the same responses CSV,
then computes per-team means and top-two-box shares (answers 4 or 5 on the
1-5 scale) of every question. Prints one check figure per statistic so the
benchmark can compare it with steward's report.

    python3 survey_scores.py responses.csv
"""
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1])
questions = [c for c in df.columns if c.startswith("q")]
by_team = df.groupby("team")
means = by_team[questions].mean()
top_two = (df[questions] >= 4).groupby(df["team"]).mean()
team = means.index[0]
print(f"teams={len(means)} {team} q01 mean={means.loc[team, 'q01']:.6f} top2={top_two.loc[team, 'q01']:.6f}")
