"""Extraction benchmark: our extract_page beside its peers, on the dev and held-out parts.

On ../shared/corpus/extraction (real pages with ground truth) it runs the shared scorer
(../shared/eval/score_extraction.py, imported, so every extractor is timed in this process) for
`pipelines.extract:extract_page` and for plain trafilatura (bytes decoded first, and raw bytes),
readability-lxml and GNE when installed (`pip install -e '.[bench]'`). Figures are given for the
dev part (tuned on), the held-out part (only measured) and each page kind — the split is
`bench/extraction_split.py`. It also scores the demo news web's article pages (written for this
project, never tuned on) against the demo's own ground truth.

    .venv/bin/python bench/extraction.py            # everything
    .venv/bin/python bench/extraction.py --pages    # plus one line per page for our extractor

Speed is wall time of the extractor calls on one core; on a shared machine it is noisy.
"""

from __future__ import annotations

import importlib.util
import json
import re
import statistics
import sys

from _common import ROOT, shared_or_none
from extraction_split import DEV, HELD_OUT, coarse_kind, part_of

PEERS = ["trafilatura-str", "trafilatura", "readability", "gne"]
TARGETS = {"F1": 0.97, "title": 0.95, "date": 0.97, "speed": 0.8}


def load_scorer():
    path = ROOT.parent / "shared" / "eval" / "score_extraction.py"
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(html: bytes, url):
    from pipelines.extract import extract_page

    return extract_page(html, url)


def summary(rows: list[dict]) -> dict:
    f1 = [r["F1"] for r in rows]
    dated = [r["date_ok"] for r in rows if r["date_ok"] is not None]
    secs = sum(r["secs"] for r in rows)
    return {"n": len(rows), "F1": statistics.mean(f1), "median": statistics.median(f1), "min": min(f1),
            "low": sum(f < 0.5 for f in f1), "title": statistics.mean(r["title_exact"] for r in rows),
            "date": statistics.mean(dated) if dated else float("nan"), "dated": len(dated),
            "pages/s": len(rows) / secs if secs else float("nan")}


def line(name: str, s: dict) -> str:
    return (f"{name:<30} {s['n']:>3} {s['F1']:>7.3f} {s['median']:>7.3f} {s['min']:>6.3f} {s['low']:>6} "
            f"{s['title']:>6.2f} {s['date']:>6.2f} {s['pages/s']:>8.1f}")


HEADER = f"{'':<30} {'n':>3} {'F1 mean':>7} {'median':>7} {'min':>6} {'F1<.5':>6} {'title':>6} {'date':>6} {'pages/s':>8}"


def corpus_table(show_pages: bool = False) -> None:
    root = shared_or_none("corpus", "extraction")
    if root is None:
        return
    scorer = load_scorer()
    kinds = {d.name: coarse_kind(json.loads((d / "expected.json").read_text(encoding="utf-8")).get("kind", ""))
             for d in root.iterdir() if (d / "expected.json").exists()}
    first = next(scorer.load_pages(root))
    results = {}
    for name in ["ours (pipelines.extract)", *PEERS]:
        try:
            runner = ours if name.startswith("ours") else scorer.preset(name)
            runner(first[1].read_bytes(), first[2].get("url"))  # warm up (imports, caches)
        except Exception as exc:  # a peer that is not installed
            print(f"{name}: not run ({type(exc).__name__}: {str(exc)[:80]})")
            continue
        results[name] = scorer.score(root, runner, "callable")
    mine = results["ours (pipelines.extract)"]
    print(f"== ../shared/corpus/extraction ({len(mine)} real pages; dev = tuned on, held-out = only measured)")
    print(HEADER)
    for part in (DEV, HELD_OUT, "all"):
        for name, rows in results.items():
            sel = [r for r in rows if part == "all" or part_of(r["id"]) == part]
            print(line(f"{part}: {name}"[:30], summary(sel)))
        print()
    print("our extractor by page kind (dev / held-out)")
    print(HEADER)
    for kind in sorted(set(kinds.values())):
        for part in (DEV, HELD_OUT):
            sel = [r for r in mine if kinds[r["id"]] == kind and part_of(r["id"]) == part]
            if sel:
                print(line(f"{kind} {part}", summary(sel)))
    plain = results.get("trafilatura-str")
    if plain:
        ratio = summary(mine)["pages/s"] / summary(plain)["pages/s"]
        print(f"\nspeed vs plain trafilatura (decoded text): {ratio:.2f}x  (target >= {TARGETS['speed']}x; "
              "one core, shared machine: noisy)")
    for part in (DEV, HELD_OUT):
        s = summary([r for r in mine if part_of(r["id"]) == part])
        misses = [k for k, ok in (("F1", s["F1"] >= TARGETS["F1"] and s["low"] == 0), ("title", s["title"] >= TARGETS["title"]),
                                  ("date", s["date"] >= TARGETS["date"])) if not ok]
        print(f"targets on {part}: " + ("all met" if not misses else "missed: " + ", ".join(misses)))
    if show_pages:
        print(f"\n{'page':<36} {'part':<8} {'kind':<17} {'F1':>5} T  D  title")
        for r in mine:
            d = "-" if r["date_ok"] is None else ("Y" if r["date_ok"] else "N")
            print(f"{r['id'][:36]:<36} {part_of(r['id']):<8} {kinds[r['id']]:<17} {r['F1']:5.3f} "
                  f"{'Y' if r['title_exact'] else 'N'}  {d}  {r['pred_title']}")
    else:
        worst = [r for r in mine if r["F1"] < 0.9 or not r["title_exact"] or r["date_ok"] is False]
        if worst:
            print("pages below F1 0.9, with a wrong headline or a wrong date:")
            for r in worst:
                print(f"  {r['id']:<36} {part_of(r['id']):<8} F1 {r['F1']:.3f}  headline {r['pred_title']!r}  "
                      f"date {r['date_pred']} (true {r['date_true']})")


def demo_table() -> None:
    from demo_web import render
    from pipelines.extract import extract_page

    def squash(s):
        return re.sub(r"[\s\u3000]+", "", s or "")

    base = "http://127.0.0.1:8765"
    n = body_ok = title_ok = date_ok = 0
    for item in render.manifest()["articles"]:
        status, text, _ = render.route(item["path"], base)
        codec = "gb18030" if item["gbk"] else "utf-8"
        out = extract_page(text.encode(codec), base + item["path"],
                           content_type=f"text/html; charset={'gbk' if item['gbk'] else 'utf-8'}")
        n += 1
        body_ok += squash(out["body"]) == "".join(squash(p) for p in item["body"])
        title_ok += out["title"] == item["title"]
        date_ok += (out["date"] or "")[:16].replace("T", " ") == item["date"]
    print(f"== demo news web ({n} article pages written for this project, 4 site layouts)")
    print(f"body exact {body_ok}/{n}, title exact {title_ok}/{n}, date to the minute {date_ok}/{n}")


if __name__ == "__main__":
    corpus_table(show_pages="--pages" in sys.argv)
    demo_table()
