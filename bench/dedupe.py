"""Dedupe benchmark: pair figures on the shared dev pairs, then a scaling run.

    python bench/dedupe.py                       # pairs + scaling at 10k and 100k
    python bench/dedupe.py --sizes 10000,100000,1000000

The scaling run inserts synthetic articles (generated from a vocabulary) into a real archive
through the same path the crawl uses (StoryIndex.find_story + articles row + StoryIndex.add,
one transaction each), planting a reprint (lead line, cut paragraph, footer) every 50 articles.
At each checkpoint it times 1,000 inserts and reports ms/insert, resident memory, the index's
size on disk, and the share of planted reprints found.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, rss_mb, shared_or_none, synthetic_article, synthetic_vocabulary

from pipelines.dedupe import StoryIndex, body_hash


def pair_figures() -> None:
    data = shared_or_none("corpus", "dedupe-dev.jsonl")
    if data is None:
        return
    print("== pairs: ../shared/eval/score_dedupe.py --fn pipelines.dedupe:is_near_duplicate")
    out = subprocess.run([sys.executable, str(data.parents[1] / "eval" / "score_dedupe.py"),
                          "--fn", "pipelines.dedupe:is_near_duplicate"], cwd=ROOT, capture_output=True, text=True)
    print(out.stdout.strip() or out.stderr.strip())


def reprint_of(rnd: random.Random, body: str) -> str:
    paras = body.split("\n\n")
    if len(paras) > 2:
        paras.pop(rnd.randrange(1, len(paras)))
    return "本文转自：某某日报\n\n" + "\n\n".join(paras) + "\n\n（责任编辑：某某）"


def scaling(sizes: list[int], window: int = 1000) -> None:
    rnd = random.Random(11)
    vocab = synthetic_vocabulary()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.db"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT, body_hash TEXT, story_id INTEGER, "
                     "published_at TEXT, site TEXT, outlet TEXT, title TEXT)")
        index = StoryIndex(conn)
        recent: list[tuple[int, str]] = []
        planted = found = 0
        n = 0
        print(f"== scaling: synthetic articles, a planted reprint every 50 (window of {window} timed inserts)")
        print(f"{'archived':>10} {'ms/insert':>10} {'RSS MB':>8} {'index MB':>9} {'reprint recall':>15}")

        def insert(body: str, expect: int | None) -> None:
            nonlocal n, planted, found
            conn.execute("BEGIN")
            story = index.find_story(body, "2024-05-01T10:00:00+08:00")
            n += 1
            conn.execute("INSERT INTO articles (id, body, body_hash, story_id, published_at) VALUES (?, ?, ?, ?, ?)",
                         (n, body, body_hash(body), story or n, "2024-05-01T10:00:00+08:00"))
            index.add(n, story or n, body, "2024-05-01T10:00:00+08:00")
            conn.execute("COMMIT")
            if expect is not None:
                planted += 1
                found += story == expect
            else:
                recent.append((n, body))
                if len(recent) > 200:
                    recent.pop(0)

        def one() -> None:
            if recent and n % 50 == 49:
                aid, body = rnd.choice(recent)
                insert(reprint_of(rnd, body), aid)
            else:
                insert(synthetic_article(rnd, vocab), None)

        for size in sorted(sizes):
            while n < size - window:
                one()
            planted = found = 0
            start = time.perf_counter()
            for _ in range(window):
                one()
            per = (time.perf_counter() - start) / window * 1000
            index_mb = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'dedupe_bands%'").fetchone()[0] / 1e6 \
                if _has_dbstat(conn) else float("nan")
            print(f"{n:>10,} {per:>10.2f} {rss_mb():>8.0f} {index_mb:>9.0f} {found}/{planted:<13}", flush=True)
        conn.close()


def _has_dbstat(conn) -> bool:
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1")
        return True
    except sqlite3.OperationalError:
        return False


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    pair_figures()
    scaling([int(s) for s in args.sizes.split(",")])
