"""Classifier benchmark: held-out figures, cross-validated figures, calibration and speed.

With ../shared/corpus present:
- the test part of classify-train.jsonl (months 1, 4, 7, 10; never trained or tuned on; see
  pipelines/classify_train.py), scored with title + text (as the crawl classifies) and text only:
  precision, recall, F1, false-positive rate on hard negatives, recall on positives without 减负;
- grouped 5-fold cross-validation (months as groups) on the train part, F1 and FPR by label
  threshold, and nested CV (each outer fold chooses C and fits the calibration on its own months:
  the honest figure for the whole procedure);
- calibration: mean predicted probability against the observed rate in score bands, on the test
  part and on the out-of-fold train scores;
- the shared scorer on classify-dev.jsonl (part of the training data now: not a held-out figure).
Then articles/s of classify() on one core (this single process), over the corpus texts.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

from _common import ROOT, shared_or_none

from pipelines import classify_train as T
from pipelines.classify import CLASSIFIER_VERSION, LABEL_THRESHOLD, classify


def calibration(name: str, probs: list[float], labels: list[int]) -> None:
    print(f"calibration, {name}: band  items  mean predicted  observed")
    for band, n, pred, obs in T.calibration_table(probs, labels):
        print(f"  {band:<8} {n:>4}   {pred:.3f}   {obs:.3f}")


def held_out(corpus) -> list[tuple[str, str]]:
    f, items, probs = T.evaluate_test(corpus)
    print(T.format_figures("test part, title + text", f))
    text_only = [classify("", i.text).score for i in items]
    print(T.format_figures("test part, text only", T.figures(items, [int(p >= LABEL_THRESHOLD) for p in text_only])))
    calibration("test part (title + text)", probs, [i.label for i in items])
    all_items = T.load_corpus(corpus)
    design = T.Design(all_items)
    rows = [k for k, i in enumerate(all_items) if i.part == "train"]
    cv, _, cv_probs = T.cross_validate(design, rows)
    labels = [all_items[r].label for r in rows]
    print(T.format_figures(f"train part, {T.CV_FOLDS}-fold CV", cv))
    calibration("train part out of fold", cv_probs, labels)
    print("label threshold on the out-of-fold probabilities (train part; the shipped cut is "
          f"{LABEL_THRESHOLD}):")
    for thr in (0.3, 0.4, 0.5, 0.6, 0.7):
        f = T.figures([all_items[r] for r in rows], [int(p >= thr) for p in cv_probs])
        print(f"  {thr:.1f}  P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}  hard-neg FPR {f['hard_fpr']:.3f}")
    nested, _, chosen = T.nested_cross_validate(design, rows)
    print(T.format_figures("train part, nested CV", nested) + f"  (C chosen per fold: {', '.join(f'{c:g}' for c in chosen)})")
    return [(i.title, i.text) for i in all_items]


def dev_scorer(data) -> None:
    scorer = data.parents[1] / "eval" / "score_classify.py"
    out = subprocess.run([sys.executable, str(scorer), "--fn", "pipelines.classify:predict", "--with-title"],
                         cwd=ROOT, capture_output=True, text=True).stdout
    figures = re.search(r"precision=([\d.]+)\s+recall=([\d.]+)\s+F1=([\d.]+).*?ROC-AUC=([\d.]+)", out, re.S)
    if figures:
        p, r, f1, auc = figures.groups()
        print(f"dev transcripts (trained on: not held out)  P {p}  R {r}  F1 {f1}  ROC-AUC {auc}")


def speed(texts: list[tuple[str, str]], name: str) -> None:
    classify("县里", "为基层减负，乡镇干部的会议少了。")  # dictionaries and model load once, outside the timing
    rounds = max(1, 600 // len(texts))
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for title, body in texts:
            classify(title, body)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    chars = sum(len(b) for _, b in texts) / len(texts)
    n = rounds * len(texts)
    # per CPU second is the per-core figure even when other processes share the core (wall time
    # then counts their turns too); both are printed
    print(f"speed, {name}: {n / cpu:.0f} articles per CPU second, {n / elapsed:.0f} articles/s wall clock, one process "
          f"(mean {chars:.0f} characters; the machine is shared, so these figures are noisy)")


if __name__ == "__main__":
    print(f"classifier {CLASSIFIER_VERSION}")
    corpus = shared_or_none("corpus")
    if corpus is not None:
        texts = held_out(corpus)
        dev_scorer(corpus / "classify-dev.jsonl")
        dev = [(r["title"], r["text"]) for r in map(json.loads, (corpus / "classify-dev.jsonl").read_text(
            encoding="utf-8").splitlines())]
        speed(dev, "dev transcripts")
        speed(texts, "all labelled articles")
    else:
        from demo_web import render

        speed([(a["title"], "\n\n".join(a["body"])) for a in render.manifest()["articles"]], "demo web")
