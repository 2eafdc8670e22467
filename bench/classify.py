"""Classifier benchmark: the shared scorer's figures and articles per second on one core.

Runs ../shared/eval/score_classify.py --fn pipelines.classify:predict (text only, and with the
title) when the shared corpus is there, then times classify() over the texts it finds (the dev
set, else the demo web's articles) repeated, in this single process.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

from _common import ROOT, shared_or_none

from pipelines.classify import CLASSIFIER_VERSION, classify


def scorer_figures(data) -> None:
    scorer = data.parents[1] / "eval" / "score_classify.py"
    for extra, label in (([], "text only"), (["--with-title"], "title + text")):
        out = subprocess.run([sys.executable, str(scorer), "--fn", "pipelines.classify:predict", *extra],
                             cwd=ROOT, capture_output=True, text=True).stdout
        figures = re.search(r"precision=([\d.]+)\s+recall=([\d.]+)\s+F1=([\d.]+).*?ROC-AUC=([\d.]+)", out, re.S)
        fpr = re.search(r"false-positive rate on hard negatives=([\d.]+)", out)
        if figures and fpr:
            p, r, f1, auc = figures.groups()
            print(f"{label:<14} precision {p}  recall {r}  F1 {f1}  ROC-AUC {auc}  hard-negative FPR {fpr.group(1)}")
        else:
            print(out)


def speed(texts: list[tuple[str, str]]) -> None:
    classify(*texts[0])  # dictionaries load once, outside the timing
    rounds = max(1, 2000 // len(texts))
    start = time.perf_counter()
    for _ in range(rounds):
        for title, body in texts:
            classify(title, body)
    elapsed = time.perf_counter() - start
    chars = sum(len(b) for _, b in texts) / len(texts)
    print(f"speed: {rounds * len(texts) / elapsed:.0f} articles/s on one core (mean {chars:.0f} characters)")


if __name__ == "__main__":
    print(f"classifier {CLASSIFIER_VERSION}")
    data = shared_or_none("corpus", "classify-dev.jsonl")
    if data is not None:
        print("== ../shared/corpus/classify-dev.jsonl")
        scorer_figures(data)
        texts = [(r["title"], r["text"]) for r in map(json.loads, data.read_text(encoding="utf-8").splitlines())]
    else:
        from demo_web import render

        texts = [(a["title"], "\n\n".join(a["body"])) for a in render.manifest()["articles"]]
    speed(texts)
