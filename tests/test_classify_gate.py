"""Evaluation gate: the shipped classifier on the held-out test part of ../shared/corpus.

A change to the rules, the terms or the model cannot land if it lowers these figures. The floors
are the figures of classifier lr-2.0 on the test part (months 1, 4, 7, 10 of classify-train.jsonl,
scored once, never tuned on), rounded down; lr-2.1 scored the same (F1 0.973, FPR 0.020), so they
stand. Floors are only ever raised. The corpus' hash is pinned: a changed corpus must be
looked at (and the floors re-set on purpose), not silently absorbed.
"""

import hashlib
import json
from pathlib import Path

import pytest

from pipelines import classify as clf
from pipelines import classify_train as T

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS_SHA256 = {
    "classify-train.jsonl": "8237ffec69fa9402d986d2d821dad0f9da7b75262adb9e260b8915078282a0e3",
    "classify-dev.jsonl": "f7e3f24b92a1901f6755f5e223d5bb717ca1bf70d0e637102709cf1a9a72d496",
}
F1_FLOOR = 0.97            # lr-2.0: 0.973 (title + text; P 0.947, R 1.000)
HARD_FPR_CEILING = 0.021   # lr-2.0: 1 of 49 hard negatives (0.0204)
RECALL_FLOOR = 0.94        # lr-2.0: 18 of 18

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} absent: the evaluation gate needs ../shared/corpus")


@needs_corpus
def test_corpus_is_the_one_the_floors_were_set_on():
    got = {name: hashlib.sha256((CORPUS / name).read_bytes()).hexdigest() for name in CORPUS_SHA256}
    assert got == CORPUS_SHA256, "the labelled corpus changed: re-run `make train`, re-measure, re-pin floors and hashes"


@needs_corpus
def test_held_out_figures_stay_above_the_floors():
    f, items, _ = T.evaluate_test(CORPUS)
    assert f["n"] == 74 and f["positives"] == 18 and f["hard_negatives"] == 49, f
    assert f["f1"] >= F1_FLOOR, T.format_figures("test part", f)
    assert f["hard_fpr"] <= HARD_FPR_CEILING, T.format_figures("test part", f)
    assert f["recall"] >= RECALL_FLOOR, T.format_figures("test part", f)


@needs_corpus
def test_the_split_is_by_month_and_fixed():
    items = T.load_corpus(CORPUS)
    test_months = {i.month for i in items if i.part == "test"}
    train_months = {i.month for i in items if i.part == "train" and i.month}
    assert test_months and not test_months & train_months
    assert all(int(m[5:7]) in T.TEST_MONTHS for m in test_months)
    assert not {i.id for i in items if i.part == "test"} & {i.id for i in items if i.part == "train"}


@needs_corpus
def test_shipped_model_is_what_training_reproduces(tmp_path):
    """Same corpus, same code -> the same file byte for byte: the shipped weights are not stale
    (a rule or term changed without `make train`) and training has no hidden randomness."""
    out = tmp_path / "model.json"
    T.train(CORPUS, out, log=lambda *a: None)
    shipped = Path(clf.__file__).parent / clf.DATA / clf.MODEL_FILE
    assert out.read_bytes() == shipped.read_bytes(), "pipelines/data/classifier_model.json is stale: run `make train`"
    assert json.loads(out.read_text())["trained_on"]["corpus_sha256"] == CORPUS_SHA256
