#!/bin/sh
# A stand-in for StreamRec's recommender service, for the on-call runbooks.
# Each subcommand prints what the real diagnostic would (key=value lines)
# for the state given with --state:
#
#   healthy     everything is fine
#   broken      the clickstream feature pipeline stopped: features are hours
#               old, so recommendations go stale and click-through drops
#   bad-model   the last model release (ranker-v43) errors on 7 % of requests
#
# Nothing is written anywhere: the output is a pure function of the
# arguments, so runs can go in parallel and leave no state behind. POSIX sh,
# so that a step costs about a millisecond.
#
#   streamrec.sh [--state STATE] health|features|serving|quality
#   streamrec.sh [--state STATE] fallback --to popularity
#   streamrec.sh [--state STATE] recs [--user ID] [--mode ranker|popularity]
#   streamrec.sh [--state STATE] rollback --to MODEL
#   streamrec.sh [--state STATE] metrics --layer business|model|data|system
set -eu

state=healthy
if [ "${1:-}" = "--state" ]; then
  state=${2:?--state needs a value}
  shift 2
fi
case $state in
  healthy | broken | bad-model) ;;
  *) echo "streamrec: unknown state $state (healthy, broken, bad-model)" >&2; exit 2 ;;
esac
command=${1:-}
[ $# -gt 0 ] && shift
model=ranker-v43

option() { # option NAME DEFAULT ARGS...: the value after --NAME
  name=$1 value=$2
  shift 2
  while [ $# -gt 1 ]; do
    if [ "$1" = "--$name" ]; then value=$2; fi
    shift
  done
  printf '%s' "$value"
}

case $command in
  health)
    echo "GET https://recsys.streamrec.internal/healthz"
    if [ -n "${STREAMREC_API_TOKEN:-}" ]; then
      echo "authorization=Bearer $STREAMREC_API_TOKEN"
    else
      echo "authorization=none"
    fi
    echo "service=recsys-serving status=up model=$model replicas=6/6"
    ;;
  features)
    if [ "$state" = broken ]; then
      echo "feature_view=user_clickstream_24h last_success=2026-11-30T19:40:00Z lag_minutes=317"
      echo "upstream=clickstream_etl status=failed error=partition dt=2026-11-30/hr=20 missing"
    else
      echo "feature_view=user_clickstream_24h last_success=2026-11-30T01:05:00Z lag_minutes=12"
      echo "upstream=clickstream_etl status=succeeded"
    fi
    ;;
  serving)
    if [ "$state" = bad-model ]; then
      echo "model=$model p99_latency_ms=412 error_rate=0.071 qps=1840"
    else
      echo "model=$model p99_latency_ms=84 error_rate=0.002 qps=1910"
    fi
    ;;
  quality)
    case $state in
      healthy) ctr=0.034 ;;
      broken) ctr=0.019 ;;
      *) ctr=0.028 ;;
    esac
    echo "ctr_1h=$ctr ctr_baseline=0.033 coverage=0.91"
    ;;
  fallback)
    to=$(option to "" "$@")
    if [ "$to" != popularity ]; then
      echo "streamrec: no fallback called '$to'" >&2
      exit 2
    fi
    echo "serving_mode=popularity source=top_titles_7d users_affected=all"
    ;;
  recs)
    user=$(option user 42 "$@")
    mode=$(option mode ranker "$@")
    source=ranker
    [ "$mode" = popularity ] && source=popularity
    echo "user=$user source=$source items=stranger-things,the-crown,wednesday"
    ;;
  rollback)
    to=$(option to "" "$@")
    [ -n "$to" ] || { echo "streamrec: rollback needs --to MODEL" >&2; exit 2; }
    echo "rolled_back from=$model to=$to status=serving"
    ;;
  metrics)
    layer=$(option layer "" "$@")
    case $layer in
      business)
        if [ "$state" = broken ]; then
          echo "layer=business revenue_per_user_usd=1.21 baseline=1.39 retention_d7=0.58"
        else
          echo "layer=business revenue_per_user_usd=1.42 baseline=1.39 retention_d7=0.61"
        fi
        ;;
      model) echo "layer=model ndcg_at_10=0.412 baseline=0.405 calibration_error=0.018" ;;
      data)
        if [ "$state" = broken ]; then
          echo "layer=data freshness_minutes=317 null_rate=0.003 schema_changes=0"
        else
          echo "layer=data freshness_minutes=12 null_rate=0.003 schema_changes=0"
        fi
        ;;
      system) echo "layer=system p99_latency_ms=84 error_rate=0.002 gpu_utilisation=0.64" ;;
      *) echo "streamrec: metrics needs --layer business|model|data|system" >&2; exit 2 ;;
    esac
    ;;
  *)
    echo "streamrec: unknown command '$command'" >&2
    exit 2
    ;;
esac
