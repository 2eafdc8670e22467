"""Scoring claim extraction against hand-written sentences (tests/data/claims_sentences.jsonl).

Each line is a sentence and the claims a reader takes from it (quantity, unit, direction);
a decoy line expects none. An expected claim is right when some extracted claim has the same
unit and direction and the same quantity (to 0.01: 1/3 is 33.3333). Shared by the gate
(tests/test_claims.py) and the benchmark (bench/claims.py), so both print the same figure.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.claims import extract_claims

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data" / "claims_sentences.jsonl"
QUANTITY_TOLERANCE = 0.01


def load(path: Path = FIXTURES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def same(expected: dict, got: dict) -> bool:
    return (got["unit"] == expected["unit"] and got["direction"] == expected["direction"]
            and abs(got["quantity"] - expected["quantity"]) <= QUANTITY_TOLERANCE)


def score(items: list[dict] | None = None) -> dict:
    """Figures over the fixtures: expected claims found (all three fields right), extra claims
    in result sentences, claims in decoys; with the misses for reading."""
    items = load() if items is None else items
    expected = right = extra = decoy_claims = 0
    misses = []
    for item in items:
        got = [c.as_dict() for c in extract_claims(item["sentence"], "2024-06-01")]
        if not item["claims"]:
            decoy_claims += len(got)
            if got:
                misses.append((item["sentence"], [], got))
            continue
        matched = set()
        for e in item["claims"]:
            expected += 1
            hit = next((i for i, g in enumerate(got) if i not in matched and same(e, g)), None)
            if hit is None:
                misses.append((item["sentence"], e, got))
            else:
                matched.add(hit)
                right += 1
        extra += len(got) - len(matched)
    return {"sentences": sum(1 for i in items if i["claims"]), "decoys": sum(1 for i in items if not i["claims"]),
            "expected": expected, "right": right, "share_right": right / expected if expected else 0.0,
            "extra": extra, "decoy_claims": decoy_claims, "misses": misses}
