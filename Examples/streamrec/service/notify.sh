#!/bin/sh
# The escalation hook of the on-call runbook: steward hands it the escalation
# as JSON on stdin and in STEWARD_* variables. Simulated: it prints the page
# it would send, and sends nothing.
set -eu
payload=$(cat)
echo "PAGE $STEWARD_CONTACT: $STEWARD_REASON"
echo "runbook $STEWARD_RUNBOOK run $STEWARD_RUN, escalation JSON of $(printf '%s' "$payload" | wc -c) bytes"
