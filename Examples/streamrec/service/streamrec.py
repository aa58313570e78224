#!/usr/bin/env python3
"""A stand-in for StreamRec's recommender service, for the on-call runbooks.

Each subcommand prints what the real diagnostic would (key=value lines) for
the state named with --state:

  healthy     everything is fine
  broken      the clickstream feature pipeline stopped: features are hours
              old, so recommendations go stale and click-through drops
  bad-model   the last model release (ranker-v43) errors on 7 % of requests

Nothing is written anywhere: the simulation is a pure function of its
arguments, so runs can go in parallel and leave no state behind.
"""
import argparse
import os
import sys

MODELS = {"healthy": "ranker-v43", "broken": "ranker-v43", "bad-model": "ranker-v43"}


def health(args):
    token = os.environ.get("STREAMREC_API_TOKEN", "")
    print("GET https://recsys.streamrec.internal/healthz")
    print(f"authorization=Bearer {token}" if token else "authorization=none")
    print(f"service=recsys-serving status=up model={MODELS[args.state]} replicas=6/6")


def features(args):
    if args.state == "broken":
        print("feature_view=user_clickstream_24h last_success=2026-11-30T19:40:00Z lag_minutes=317")
        print("upstream=clickstream_etl status=failed error=partition dt=2026-11-30/hr=20 missing")
    else:
        print("feature_view=user_clickstream_24h last_success=2026-11-30T01:05:00Z lag_minutes=12")
        print("upstream=clickstream_etl status=succeeded")


def serving(args):
    if args.state == "bad-model":
        print(f"model={MODELS[args.state]} p99_latency_ms=412 error_rate=0.071 qps=1840")
    else:
        print(f"model={MODELS[args.state]} p99_latency_ms=84 error_rate=0.002 qps=1910")


def quality(args):
    ctr = {"healthy": 0.034, "broken": 0.019, "bad-model": 0.028}[args.state]
    print(f"ctr_1h={ctr:.3f} ctr_baseline=0.033 coverage=0.91")


def fallback(args):
    if args.to != "popularity":
        print(f"no fallback called {args.to}", file=sys.stderr)
        sys.exit(2)
    print("serving_mode=popularity source=top_titles_7d users_affected=all")


def recs(args):
    source = "popularity" if args.mode == "popularity" else "ranker"
    print(f"user={args.user} source={source} items=stranger-things,the-crown,wednesday")


def rollback(args):
    print(f"rolled_back from={MODELS[args.state]} to={args.to} status=serving")


def metrics(args):
    layer = {
        "business": "revenue_per_user_usd=1.42 baseline=1.39 retention_d7=0.61",
        "model": "ndcg_at_10=0.412 baseline=0.405 calibration_error=0.018",
        "data": "freshness_minutes=12 null_rate=0.003 schema_changes=0",
        "system": "p99_latency_ms=84 error_rate=0.002 gpu_utilisation=0.64",
    }
    if args.state == "broken":
        layer["data"] = "freshness_minutes=317 null_rate=0.003 schema_changes=0"
        layer["business"] = "revenue_per_user_usd=1.21 baseline=1.39 retention_d7=0.58"
    print(f"layer={args.layer} {layer[args.layer]}")


def main():
    parser = argparse.ArgumentParser(prog="streamrec")
    parser.add_argument("--state", choices=["healthy", "broken", "bad-model"], default="healthy")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("health").set_defaults(run=health)
    sub.add_parser("features").set_defaults(run=features)
    sub.add_parser("serving").set_defaults(run=serving)
    sub.add_parser("quality").set_defaults(run=quality)
    p = sub.add_parser("fallback")
    p.add_argument("--to", required=True)
    p.set_defaults(run=fallback)
    p = sub.add_parser("recs")
    p.add_argument("--user", default="42")
    p.add_argument("--mode", default="ranker")
    p.set_defaults(run=recs)
    p = sub.add_parser("rollback")
    p.add_argument("--to", required=True)
    p.set_defaults(run=rollback)
    p = sub.add_parser("metrics")
    p.add_argument("--layer", choices=["business", "model", "data", "system"], required=True)
    p.set_defaults(run=metrics)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
