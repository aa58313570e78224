#!/usr/bin/env python3
"""The escalation hook of the on-call runbook: reads the escalation (JSON on
stdin) and 'pages' the contact. Simulated: it prints the page, sends nothing."""
import json
import sys

escalation = json.load(sys.stdin)
print(f"PAGE {escalation['contact']}: {escalation['reason']}")
print(f"runbook {escalation['runbook']} run {escalation['run']}, {len(escalation['context'])} steps of context")
