"""Extraction evaluation gate: the figures on ../shared/corpus/extraction may not fall.

Runs `extract_page` over the real pages with ground truth through the shared scorer and pins
floors for body F1 (mean and the worst page), headline exact and date, on the dev part (tuned
on) and on the held-out part (only measured) of the one split in bench/extraction_split.py.
The floors sit slightly below the figures measured for extraction 1.7 (in the comments), so a
change that loses a page's headline or date, or half a page's text, cannot land. Skipped, with
a message, only where ../shared is not there (a clone outside the project's workspace).
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "extraction"
SCORER = ROOT.parent / "shared" / "eval" / "score_extraction.py"

# part: (mean body F1, worst page's body F1, headline exact, date) — measured figures in comments
# (1.5 → 1.6: dev unchanged; held out headline 0.79 → 0.84, date 0.88 → 0.94, so those floors rose;
# 1.6 → 1.7: held out headline 0.84 → 0.89, so its floor rose to 0.85: losing one page fails)
FLOORS = {
    "dev": (0.99, 0.95, 0.95, 0.95),        # 0.997, 0.976, 1.00 (23/23), 1.00 (21/21)
    "held-out": (0.985, 0.92, 0.85, 0.90),  # 0.993, 0.948, 0.89 (17/19), 0.94 (16/17)
}


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scored():
    if not CORPUS.exists() or not SCORER.exists():
        pytest.skip(f"{CORPUS} or {SCORER} not found: the extraction gate needs the shared corpus next to the repository")
    from pipelines.extract import extract_page

    scorer = _load(SCORER, "score_extraction")
    split = _load(ROOT / "bench" / "extraction_split.py", "extraction_split")
    rows = scorer.score(CORPUS, lambda html, url: extract_page(html, url), "callable")
    return rows, split


def test_split_is_the_frozen_one(scored):
    _, split = scored
    derived = split.derive(CORPUS)
    # every page the split was made from is still on the side it was put on
    for part in (split.DEV, split.HELD_OUT):
        assert sorted(split.SPLIT[part]) == [p for p in derived[part] if p in split.SPLIT[part]]
        assert set(split.SPLIT[part]) <= set(derived[split.DEV]) | set(derived[split.HELD_OUT])


@pytest.mark.parametrize("part", ["dev", "held-out"])
def test_extraction_floors(scored, part):
    rows, split = scored
    sel = [r for r in rows if split.part_of(r["id"]) == part]
    assert sel, f"no {part} pages found in {CORPUS}"
    f1 = [r["F1"] for r in sel]
    dated = [r["date_ok"] for r in sel if r["date_ok"] is not None]
    figures = (statistics.mean(f1), min(f1), statistics.mean(r["title_exact"] for r in sel), statistics.mean(dated))
    names = ("mean body F1", "worst body F1", "headline exact", "date")
    misses = [r["id"] for r in sel if not r["title_exact"] or r["date_ok"] is False or r["F1"] < 0.9]
    for name, got, floor in zip(names, figures, FLOORS[part]):
        assert got >= floor, f"{part} {name} {got:.3f} < floor {floor} (pages with a miss: {misses})"
