"""Extraction benchmark: our extract_page beside its peers, measured in the same run.

On ../shared/corpus/extraction (real pages with ground truth) it runs the shared scorer for
`pipelines.extract:extract_page` and for plain trafilatura (bytes decoded first, and raw bytes),
readability-lxml and GNE when installed (`pip install -e '.[bench]'`), then prints one table.
It also scores the demo news web's article pages (written for this project, never tuned on),
against the demo's own ground truth.
"""

from __future__ import annotations

import re
import subprocess
import sys

from _common import ROOT, shared_or_none

PEERS = ["trafilatura-str", "trafilatura", "readability", "gne"]


def score(args: list[str]) -> dict | None:
    scorer = ROOT.parent / "shared" / "eval" / "score_extraction.py"
    out = subprocess.run([sys.executable, str(scorer), *args], cwd=ROOT, capture_output=True, text=True)
    text = out.stdout
    m = re.search(r"MEAN\s+P=([\d.]+)\s+R=([\d.]+)\s+F1=([\d.]+).*?pages F1<0\.5: (\d+).*?title exact=([\d.]+)"
                  r".*?date day-match=([\d.]+).*?speed: ([\d.]+) pages/s", text, re.S)
    if not m:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1][:100]}
    p, r, f1, low, title, date, speed = m.groups()
    return {"P": float(p), "R": float(r), "F1": float(f1), "F1<0.5": int(low), "title": float(title),
            "date": float(date), "pages/s": float(speed), "report": text}


def corpus_table() -> None:
    if shared_or_none("corpus", "extraction") is None:
        return
    rows = {"ours (pipelines.extract)": score(["--callable", "pipelines.extract:extract_page"])}
    for peer in PEERS:
        rows[peer] = score(["--preset", peer])
    print("== ../shared/corpus/extraction (20 real pages)")
    print(f"{'extractor':<26} {'body P':>7} {'body R':>7} {'body F1':>8} {'F1<0.5':>7} {'title':>6} {'date':>6} {'pages/s':>8}")
    for name, r in rows.items():
        if "error" in r:
            print(f"{name:<26} not run: {r['error']}")
            continue
        print(f"{name:<26} {r['P']:>7.3f} {r['R']:>7.3f} {r['F1']:>8.3f} {r['F1<0.5']:>7} {r['title']:>6.2f} "
              f"{r['date']:>6.2f} {r['pages/s']:>8.1f}")
    ours, plain = rows["ours (pipelines.extract)"], rows["trafilatura-str"]
    if "error" not in ours and "error" not in plain:
        print(f"speed vs plain trafilatura (decoded text): {ours['pages/s'] / plain['pages/s']:.2f}x")
    worst = [line for line in ours.get("report", "").splitlines() if re.match(r"^\S+\s+[\d.]+\s+[\d.]+\s+0\.[0-8]", line)]
    if worst:
        print("pages below F1 0.9:", *worst, sep="\n  ")


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
    corpus_table()
    demo_table()
