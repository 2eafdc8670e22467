"""Claim extraction on the 100 hand-written result sentences and 20 decoys
(tests/data/claims_sentences.jsonl) and on the demo web's sentences (tests/data/claims_heldout.jsonl): share of expected claims with quantity, unit and direction
all right, extra claims, claims taken from decoys, and sentences/s. `--misses` lists the misses."""

from __future__ import annotations

import sys
import time

from _common import ROOT  # noqa: F401 (puts the project on sys.path)

from pipelines import claims_eval
from pipelines.claims import extract_claims


def main() -> None:
    result = claims_eval.score()
    print(f"claims: {result['right']}/{result['expected']} expected claims right "
          f"({result['share_right']:.3f}) in {result['sentences']} sentences; "
          f"{result['extra']} extra claims; {result['decoy_claims']} claims from {result['decoys']} decoys")
    if "--misses" in sys.argv:
        for sentence, expected, got in result["misses"]:
            print(" -", sentence, "| expected", expected, "| got",
                  [(g["quantity"], g["unit"], g["direction"], g["subject"], g["topic"]) for g in got])
    demo = claims_eval.score(claims_eval.load(claims_eval.FIXTURES.with_name("claims_heldout.jsonl")))
    print(f"claims on the demo web's figure sentences (another author's text; held out until first scored): "
          f"{demo['right']}/{demo['expected']} right ({demo['share_right']:.3f}); {demo['extra']} extra; "
          f"{demo['decoy_claims']} claims from {demo['decoys']} sentences without a result")
    items = claims_eval.load()
    t0 = time.perf_counter()
    for _ in range(5):
        for item in items:
            extract_claims(item["sentence"])
    dt = time.perf_counter() - t0
    print(f"speed: {5 * len(items) / dt:.0f} sentences/s (one core, noisy on a shared machine)")


if __name__ == "__main__":
    main()
