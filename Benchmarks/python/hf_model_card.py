#!/usr/bin/env python3
"""The hf-model-card pack's 9 checks (Playbooks/hf-model-card.yaml with
Plugins/hf-model-card.lua) as a plain Python script, for the hfcards
benchmark: each card loaded with huggingface_hub's ModelCard (PyPI; in the
.build/bench-venv that `scripts/setup --bench` makes), the same rules.

huggingface_hub does not parse the Markdown body: headings, their text and
tables are read here line by line (ATX headings, fenced code skipped), which
is enough for the generated cards.

Usage: hf_model_card.py CARDS_DIR  -> prints "pass=N fail=N skip=N" (the
same counts steward's JSON summary gives for the same cards).
"""
import glob
import os
import re
import sys

from huggingface_hub import ModelCard
from packaging.licenses._spdx import LICENSES

HUB = set("""apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0
bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc
cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0
cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0
cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1
agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 odc-by odbl openrail++
osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license llama2 llama3 llama3.1
llama3.2 gemma other""".split())
SPDX = {k for k, v in LICENSES.items() if not v["deprecated"]}
TEXT_TASKS = set("""text-classification token-classification table-question-answering question-answering
zero-shot-classification translation summarization feature-extraction text-generation text2text-generation
fill-mask sentence-similarity text-to-speech text-to-audio automatic-speech-recognition conversational
text-ranking text-to-image image-to-text visual-question-answering document-question-answering
image-text-to-text""".split())
FINE_TUNE_TAGS = {"generated_from_trainer", "fine-tuned", "finetuned", "peft", "lora", "adapter"}
PLACEHOLDER = re.compile(r"\[?more information needed\]?", re.I)
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def strings(v):
    if isinstance(v, str):
        return [v] if v.strip() else []
    return [s for s in v if isinstance(s, str) and s.strip()] if isinstance(v, list) else []


def sections(body):
    """Root + headings as a flat list of dicts {title, level, text, cells, parent}."""
    root = {"title": "", "level": 0, "text": [], "cells": [], "children": []}
    stack, fenced = [root], False
    for line in re.sub(r"<!--.*?-->", "", body, flags=re.S).splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m:
            level = len(m.group(1))
            while len(stack) > 1 and stack[-1]["level"] >= level:
                stack.pop()
            s = {"title": m.group(2), "level": level, "text": [], "cells": [], "children": []}
            stack[-1]["children"].append(s)
            stack.append(s)
        elif line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                stack[-1]["cells"].append(cells)
        else:
            stack[-1]["text"].append(line)
    return root


def walk(s):
    for c in s["children"]:
        yield c
        yield from walk(c)


def content(s):
    parts = ["\n".join(s["text"])] + [c for row in s["cells"] for c in row]
    for c in s["children"]:
        parts.append(content(c))
    return " ".join(parts)


def filled(s):
    return re.sub(r"[\s\W_]", "", PLACEHOLDER.sub("", content(s))) != ""


def find_section(root, patterns):
    first = None
    for p in patterns:
        for s in walk(root):
            if re.search(p, s["title"].lower()):
                first = first or s
                if filled(s):
                    return s, True
    return first, False


def results(meta):
    out = []
    for model in meta.get("model-index") or []:
        for r in model.get("results") or []:
            for m in r.get("metrics") or []:
                out.append({"metric": m.get("type"), "name": m.get("name"), "value": m.get("value")})
    return out


def agrees(claim, decimals, value):
    slack = 0.5 * 10 ** -decimals + 1e-9
    return any(abs(claim - value * scale) <= slack for scale in (1, 100, 0.01))


def claims_agree(root, res):
    if not res:
        return "skip"
    words = {}
    for r in res:
        if isinstance(r["value"], (int, float)) and not isinstance(r["value"], bool):
            for w in (r["metric"], r["name"]):
                if isinstance(w, str) and w.strip():
                    for form in {w.lower(), re.sub(r"[_-]", " ", w.lower())}:
                        words.setdefault(form, []).append(r["value"])
    for s in [root] + list(walk(root)):
        for line in "\n".join(s["text"]).lower().splitlines():
            for w, values in words.items():
                for m in re.finditer(r"(?<![A-Za-z0-9])" + re.escape(w) + r"(?![A-Za-z0-9])", line):
                    n = re.match(r"([^\d]{0,40}?)(\d+\.?\d*)", line[m.end():m.end() + 40])
                    if n and not re.search(r"[A-Za-z]{4}", n.group(1)):
                        number = n.group(2)
                        decimals = len(number.split(".")[1]) if "." in number else 0
                        if not any(agrees(float(number), decimals, v) for v in values):
                            return "fail"
        for header, *rows in [s["cells"]] if s["cells"] else []:
            for col, head in enumerate(header):
                w = head.lower() if head.lower() in words else re.sub(r"[_-]", " ", head.lower())
                for row in rows:
                    cell = row[col] if col < len(row) else ""
                    n = re.fullmatch(r"\s*(\d+\.?\d*)\s*%?\s*", cell)
                    if w in words and n:
                        decimals = len(n.group(1).split(".")[1]) if "." in n.group(1) else 0
                        if not any(agrees(float(n.group(1)), decimals, v) for v in words[w]):
                            return "fail"
    return "pass"


def check(card):
    meta = card.data.to_dict()
    root = sections(card.text)
    res = results(meta)
    out = []
    lic = strings(meta.get("license"))
    if not lic or any(l.lower() == "unknown" or (l.lower() not in HUB and l.lower() not in SPDX) for l in lic):
        out.append("fail")
    elif any(l.lower() == "other" for l in lic) and not (meta.get("license_name") and meta.get("license_link")):
        out.append("fail")
    else:
        out.append("pass")
    task = meta.get("pipeline_tag")
    if not isinstance(task, str) or task not in TEXT_TASKS:
        out.append("skip")
    else:
        langs = strings(meta.get("language"))
        ok = langs and all(l == "multilingual" or re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?", l) for l in langs)
        out.append("pass" if ok else "fail")
    out.append("pass" if strings(meta.get("datasets")) else "fail")
    if strings(meta.get("base_model")):
        out.append("pass")
    else:
        tags = [t.lower() for t in strings(meta.get("tags"))]
        prose = content(root).lower()
        tuned = (isinstance(meta.get("base_model_relation"), str) or any(t in FINE_TUNE_TAGS for t in tags)
                 or meta.get("library_name") == "peft"
                 or re.search(r"fine-tuned version of|finetuned version of|fine-tuned from|finetuned from", prose))
        out.append("fail" if tuned else "skip")
    if res:
        out.append("pass")
    else:
        s, ok = find_section(root, ["evaluation", "results", "performance", "benchmark", "metrics"])
        out.append("pass" if s and ok and re.search(r"\d", PLACEHOLDER.sub("", content(s))) else "fail")
    out.append(claims_agree(root, res))
    for patterns in (["intended use", "direct use", r"\buses\b", r"use cases?", "how to use", r"\buse\b"],
                     ["limitation", "bias", "risk", "caveat"],
                     ["training data", "training dataset", "training details", "^data$", "dataset"]):
        s, ok = find_section(root, patterns)
        out.append("pass" if ok else "fail")
    return out


def main():
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*", "README.md"))):
        for status in check(ModelCard.load(path)):
            counts[status] += 1
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
