"""Fit the classifier's weights on the labelled corpus: `jianfu train-classifier` (or `make train`).

The corpus is third-party text in `../shared/corpus/`; only weights and a word list reach the
repository (`pipelines/data/classifier_model.json`), never a sentence.

The split, fixed once (issue 12) and never tuned on:
- `classify-train.jsonl` is split **by month**: articles published in January, April, July or
  October (month % 3 == 1) are the *test* part, every other month the *train* part. A whole month
  falls on one side, so reprints and follow-ups of one story (which cluster in days) cannot
  straddle the split, and each document is on exactly one side.
- `classify-dev.jsonl` (54 CCTV transcripts, no dates; the lexicon was tuned on them in the probe
  rounds, so they measure nothing any more) joins the *train* part, except any transcript that
  shares a fifth of its 8-character shingles with a test article (the same story told twice).
Model choices (regularisation C, the bigram list's document-frequency floor, the rules) are made by
cross-validation on the train part only, with months as groups (GroupKFold); `nested_cross_validate`
gives the honest figure for the whole procedure (C and calibration chosen inside each fold). The test part is scored once, for the report
and the gate test (tests/test_classify_gate.py).

Reproducible: no randomness (lbfgs, GroupKFold in a fixed order); the same corpus gives the same
file byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from pipelines import classify as clf

CORPUS_FILES = ("classify-train.jsonl", "classify-dev.jsonl")
TEST_MONTHS = (1, 4, 7, 10)
# Shingle overlap above which a dev transcript counts as the same story as a test article.
SAME_STORY_OVERLAP = 0.2
# A character bigram enters the bag when it appears in at least this many training articles:
# rarer bigrams are a single article's wording, which is what must not be learnt. Grouped CV on the
# train part (lr-2.1): 5 and 10 give the same F1 (0.94-0.95); 10 keeps the model file at ~1,800
# bigrams instead of ~4,700, with a slightly lower log-loss.
MIN_DOC_FREQ = 10
# Dense (named) features are multiplied by this before fitting, so one L2 penalty treats the
# handful of named features and the ~1,800 bigrams fairly (CV among 1, 2, 4: log-loss lowest at 1).
DENSE_SCALE = 1.0
# Inverse regularisation strength of the logistic regression, chosen by grouped CV among C_GRID
# (3, 10, 30: log-loss 0.066, 0.057, 0.053; F1 0.95-0.96) with the rule of `choose_c`: the
# strongest penalty within LOG_LOSS_TOLERANCE of the best log-loss, because a weak one lets the
# bigrams of two or three odd positives decide. Nested CV applies the same rule inside each fold.
C = 10.0
CV_FOLDS = 5


@dataclass
class Item:
    id: str
    title: str
    text: str
    label: int
    hard: bool
    slice: str
    month: str          # YYYY-MM, or "" for the undated dev transcripts
    part: str           # "train" or "test"
    source: str         # corpus file name


def slice_of(rec: dict) -> str:
    why = rec.get("why", "")
    tag = why[why.find("[") + 1: why.find("]")] if "[" in why and "]" in why else ("hard" if rec.get("hard") else "other")
    return ("pos/" if rec["label"] == 1 else "neg/") + tag


def corpus_hashes(corpus: Path) -> dict[str, str]:
    return {name: hashlib.sha256((corpus / name).read_bytes()).hexdigest() for name in CORPUS_FILES}


def _shingles(text: str, n: int = 8) -> set[str]:
    return {text[i:i + n] for i in range(0, max(1, len(text) - n), 4)}


def load_corpus(corpus: Path) -> list[Item]:
    """Both labelled files, each item marked train or test by the fixed rule above."""
    items = []
    for rec in map(json.loads, (corpus / "classify-train.jsonl").read_text(encoding="utf-8").splitlines()):
        month = rec["date"][:7]
        part = "test" if int(month[5:7]) % 3 == 1 else "train"
        items.append(Item(rec["id"], rec["title"], rec["text"], rec["label"], bool(rec.get("hard")),
                          slice_of(rec), month, part, "classify-train.jsonl"))
    test_shingles = [_shingles(i.text) for i in items if i.part == "test"]
    for rec in map(json.loads, (corpus / "classify-dev.jsonl").read_text(encoding="utf-8").splitlines()):
        own = _shingles(rec["text"])
        same = any(len(own & t) / len(own) > SAME_STORY_OVERLAP for t in test_shingles)
        items.append(Item(rec["id"], rec["title"], rec["text"], rec["label"], bool(rec.get("hard")),
                          slice_of(rec), "", "excluded" if same else "train", "classify-dev.jsonl"))
    return items


def group_of(item: Item) -> str:
    return item.month or "dev:" + item.id


# ------------------------------------------------------------------------------- fitting

class Design:
    """Analyses cached per item, and the matrix for a given word list."""

    def __init__(self, items: list[Item]):
        self.items = items
        self.analyses = [clf.analyse(i.title, i.text) for i in items]
        self.bows = [clf.bag_of_bigrams(a) for a in self.analyses]

    def vocabulary(self, rows: list[int], min_df: int) -> tuple[list[str], list[float]]:
        df: dict[str, int] = {}
        for r in rows:
            for w in self.bows[r]:
                df[w] = df.get(w, 0) + 1
        vocab = sorted(w for w, c in df.items() if c >= min_df)
        n = len(rows)
        idf = [math.log((1 + n) / (1 + df[w])) + 1.0 for w in vocab]
        return vocab, idf

    def matrix(self, rows: list[int], vocab: list[str], idf: list[float], dense_scale: float):
        import numpy as np

        index = {w: i for i, w in enumerate(vocab)}
        nf = len(clf.FEATURES)
        x = np.zeros((len(rows), nf + len(vocab)))
        for k, r in enumerate(rows):
            a = self.analyses[r]
            x[k, :nf] = [a.features[f] * dense_scale for f in clf.FEATURES]
            vec = {index[w]: c * idf[index[w]] for w, c in self.bows[r].items() if w in index}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            for i, v in vec.items():
                x[k, nf + i] = v / norm
        return x


def fit(design: Design, rows: list[int], c: float = C, min_df: int = MIN_DOC_FREQ,
        dense_scale: float = DENSE_SCALE) -> dict:
    """A model dict (the JSON's shape, without calibration) fit on `rows`."""
    from sklearn.linear_model import LogisticRegression

    vocab, idf = design.vocabulary(rows, min_df)
    x = design.matrix(rows, vocab, idf, dense_scale)
    y = [design.items[r].label for r in rows]
    lr = LogisticRegression(C=c, solver="lbfgs", max_iter=5000)
    lr.fit(x, y)
    w = lr.coef_[0]
    nf = len(clf.FEATURES)
    return {"features": list(clf.FEATURES), "dense_weights": [float(v) * dense_scale for v in w[:nf]],
            "intercept": float(lr.intercept_[0]), "vocabulary": vocab, "idf": idf,
            "bow_weights": [float(v) for v in w[nf:]], "calibration": [1.0, 0.0]}


def log_odds(design: Design, rows: list[int], m: dict) -> list[float]:
    m = {**m, "_vocab": {w: i for i, w in enumerate(m["vocabulary"])}}
    return [clf.raw_score(design.analyses[r], m)[0] for r in rows]


def folds(design: Design, rows: list[int], k: int = CV_FOLDS) -> list[tuple[list[int], list[int]]]:
    from sklearn.model_selection import GroupKFold

    groups = [group_of(design.items[r]) for r in rows]
    out = []
    for tr, te in GroupKFold(n_splits=k).split(rows, groups=groups):
        out.append(([rows[i] for i in tr], [rows[i] for i in te]))
    return out


def out_of_fold(design: Design, rows: list[int], **params) -> dict[int, float]:
    """Each train-part row's log-odds from a model that did not see its month."""
    scores = {}
    for tr, te in folds(design, rows):
        m = fit(design, tr, **params)
        scores.update(zip(te, log_odds(design, te, m)))
    return scores


def platt(scores: list[float], labels: list[int]) -> list[float]:
    """(a, b) so that 1/(1+exp(-(a*s+b))) is calibrated on held-out scores."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, solver="lbfgs", max_iter=5000)
    lr.fit(np.array(scores).reshape(-1, 1), labels)
    return [float(lr.coef_[0][0]), float(lr.intercept_[0])]


# ------------------------------------------------------------------------------- figures

def figures(items: list[Item], labels_pred: list[int]) -> dict:
    tp = sum(1 for i, p in zip(items, labels_pred) if i.label == 1 and p == 1)
    fp = sum(1 for i, p in zip(items, labels_pred) if i.label == 0 and p == 1)
    fn = sum(1 for i, p in zip(items, labels_pred) if i.label == 1 and p == 0)
    hard = [p for i, p in zip(items, labels_pred) if i.label == 0 and i.hard]
    nokw = [p for i, p in zip(items, labels_pred) if i.label == 1 and "减负" not in i.title + i.text]
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"n": len(items), "positives": tp + fn, "precision": prec, "recall": rec,
            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
            "hard_fpr": sum(hard) / len(hard) if hard else float("nan"), "hard_negatives": len(hard),
            "recall_no_jianfu": sum(nokw) / len(nokw) if nokw else float("nan"), "no_jianfu_positives": len(nokw)}


def calibration_table(probs: list[float], labels: list[int],
                      bands=(0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001)) -> list[tuple[str, int, float, float]]:
    """(band, items, mean predicted probability, observed positive rate) per score band."""
    out = []
    for lo, hi in zip(bands, bands[1:]):
        sel = [(p, y) for p, y in zip(probs, labels) if lo <= p < hi]
        if sel:
            out.append((f"{lo:.1f}-{min(hi, 1.0):.1f}", len(sel), sum(p for p, _ in sel) / len(sel),
                        sum(y for _, y in sel) / len(sel)))
    return out


def format_figures(name: str, f: dict) -> str:
    return (f"{name:<26} n={f['n']:<4} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}  "
            f"hard-neg FPR {f['hard_fpr']:.3f} ({f['hard_negatives']})  "
            f"recall without 减负 {f['recall_no_jianfu']:.3f} ({f['no_jianfu_positives']})")


def cross_validate(design: Design, rows: list[int], **params) -> tuple[dict, list[float], list[float], list[int]]:
    """Grouped-CV figures on the train part: (figures, log-odds out of fold, calibration (a, b),
    probabilities). The Platt mapping is fit on all out-of-fold scores; it is monotone, so it
    moves a label only across LABEL_THRESHOLD, never reorders."""
    oof = out_of_fold(design, rows, **params)
    labels = [design.items[r].label for r in rows]
    cal = platt([oof[r] for r in rows], labels)
    probs = [clf.sigmoid(cal[0] * oof[r] + cal[1]) for r in rows]
    f = figures([design.items[r] for r in rows], [int(p >= clf.LABEL_THRESHOLD) for p in probs])
    return f, cal, probs


# Regularisation grid of the nested cross-validation, and the rule that picks from it: the
# strongest penalty whose log-loss is within this of the best (the choice that set C above).
C_GRID = (3.0, 10.0, 30.0)
LOG_LOSS_TOLERANCE = 0.005


def choose_c(design: Design, rows: list[int]) -> tuple[float, dict[float, float]]:
    """C by grouped CV log-loss on `rows` (the strongest penalty within LOG_LOSS_TOLERANCE of the best)."""
    from sklearn.metrics import log_loss

    labels = [design.items[r].label for r in rows]
    losses = {}
    for c in C_GRID:
        _, _, probs = cross_validate(design, rows, c=c)
        losses[c] = log_loss(labels, probs)
    best = min(losses.values())
    return min(c for c, v in losses.items() if v <= best + LOG_LOSS_TOLERANCE), losses


def nested_cross_validate(design: Design, rows: list[int]) -> tuple[dict, dict[int, float], list[float]]:
    """The honest figure for the whole procedure: each outer fold (months as groups) chooses C and
    fits the calibration on its own train months only, then labels its held-out months.
    Returns (figures, held-out probability per row, C chosen per fold)."""
    probs, chosen = {}, []
    for tr, te in folds(design, rows):
        c, _ = choose_c(design, tr)
        oof = out_of_fold(design, tr, c=c)
        cal = platt([oof[r] for r in tr], [design.items[r].label for r in tr])
        m = fit(design, tr, c=c)
        for r, s in zip(te, log_odds(design, te, m)):
            probs[r] = clf.sigmoid(cal[0] * s + cal[1])
        chosen.append(c)
    f = figures([design.items[r] for r in rows], [int(probs[r] >= clf.LABEL_THRESHOLD) for r in rows])
    return f, probs, chosen


def train(corpus: Path, out: Path | None = None, log=print) -> dict:
    """Fit on the train part, calibrate on its out-of-fold scores, write the model file."""
    items = load_corpus(corpus)
    design = Design(items)
    rows = [k for k, i in enumerate(items) if i.part == "train"]
    cv, cal, probs = cross_validate(design, rows)
    labels = [items[r].label for r in rows]
    log(format_figures(f"cross-validated ({CV_FOLDS} folds)", cv))
    m = fit(design, rows)
    m["calibration"] = cal
    m["trained_on"] = {
        "corpus_sha256": corpus_hashes(corpus),
        "split": "classify-train.jsonl: months 1, 4, 7, 10 are the test part; dev transcripts join "
                 "the train part unless the same story as a test article",
        "train_items": len(rows), "train_positives": sum(labels),
        "params": {"C": C, "min_doc_freq": MIN_DOC_FREQ, "dense_scale": DENSE_SCALE, "cv_folds": CV_FOLDS},
        "cv": {k: round(v, 4) if isinstance(v, float) else v for k, v in cv.items()},
        "cv_calibration": [[band, n, round(p, 3), round(o, 3)] for band, n, p, o in calibration_table(probs, labels)],
    }
    m = _rounded(m)
    out = out or Path(clf.__file__).parent / clf.DATA / clf.MODEL_FILE
    out.write_text(json.dumps(m, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    clf.model.cache_clear()
    log(f"wrote {out} ({out.stat().st_size // 1024} KB: {len(m['features'])} named features, "
        f"{len(m['vocabulary'])} bigrams); classifier_version is now {clf.classifier_version()}")
    return m


def _rounded(m: dict) -> dict:
    r = dict(m)
    for k in ("dense_weights", "idf", "bow_weights", "calibration"):
        r[k] = [round(v, 6) for v in m[k]]
    r["intercept"] = round(m["intercept"], 6)
    return r


def evaluate_test(corpus: Path) -> tuple[dict, list[Item], list[float]]:
    """The shipped model on the held-out test part (title + text, as the crawl classifies)."""
    items = [i for i in load_corpus(corpus) if i.part == "test"]
    probs = [clf.classify(i.title, i.text).score for i in items]
    return figures(items, [int(p >= clf.LABEL_THRESHOLD) for p in probs]), items, probs
