"""Growth of the writer's cost with the archive's size: the full `Archive.store` path at 10k,
100k, 1M archived articles (issue 17 target: at 1M at most 1.5x its cost at 10k).

    python bench/growth.py --sizes 10000,100000,1000000
    python bench/crawl.py --only growth --sizes 10000,100000     # the same, from the crawl bench

How the archive is built (fast, and honest about what the store path reads): synthetic articles
whose text is generated from the 10,000 most frequent words of jieba's dictionary plus the
crawl bench's burden-reduction sentences (so same-topic articles share shingles and band keys as
real ones do), inserted in bulk, one transaction per 5,000, straight into the tables the store
path reads: `articles` (with `body_hash`, `story_id`), `article_urls`, `dedupe_bands` with the real
MinHash band keys and `dedupe_texts` with the real normalised text (`DedupeKeys.of`, computed in
one process per core), `stories`, and `articles_fts` rows (the generated words, space-separated:
what `search.segment` makes of such text, without jieba's cost). `pages` rows (raw pages) are
left out: the store path only appends to that table.

At each size, 300 new pages of the crawl bench's news web (10 % reprints among them) are
processed first (`process_page`, not timed) and then stored one by one with `Archive.store`
(page row, exact-duplicate and near-duplicate lookup, story, search row, URLs: one transaction
each), which is timed. Printed: ms/page (mean, median, 90th percentile), candidates per lookup.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT  # noqa: F401 (puts the repository on sys.path)

import newsweb

from pipelines import dedupe, search, stages, versions
from pipelines.archive import Archive
from pipelines.dedupe import DedupeKeys

CHUNK = 5000
SAMPLE = 300


def synthetic(i: int) -> tuple[str, str, list[str]]:
    """Article i: (title, body, its words), deterministic in i."""
    rnd = random.Random(i * 7919 + 17)
    words = newsweb._words()
    paragraphs, all_words = [], []
    for _ in range(rnd.randint(3, 6)):
        sentences = []
        for _ in range(rnd.randint(2, 4)):
            if rnd.random() < 0.15:
                s = newsweb._fill(rnd, rnd.choice(newsweb.BURDEN))
                sentences.append(s)
                all_words.append(s[:-1])
            else:
                ws = [rnd.choice(words) for _ in range(rnd.randint(8, 14))]
                all_words += ws
                sentences.append("".join(ws[:5]) + "，" + "".join(ws[5:]) + "。")
        paragraphs.append("".join(sentences))
    title_words = [rnd.choice(words) for _ in range(4)]
    return "".join(title_words), "\n\n".join(paragraphs), title_words + all_words


def rows_for(start: int, stop: int) -> list[tuple]:
    out = []
    for i in range(start, stop):
        title, body, words = synthetic(i)
        keys = DedupeKeys.of(body)
        out.append((i + 1, title, body, keys.body_hash, keys.normalised, keys.bands, " ".join(words)))
    return out


def grow(archive: Archive, start: int, stop: int) -> None:
    """Add synthetic articles start+1 .. stop (ids = their number)."""
    conn = archive.conn
    # bulk load: no fsync per chunk and a large page cache (the random band keys touch the whole
    # index); the timed stores below run with the archive's own settings again
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    ctx = multiprocessing.get_context("fork")
    bounds = [(a, min(a + CHUNK, stop)) for a in range(start, stop, CHUNK)]
    with ctx.Pool(len(os.sched_getaffinity(0))) as pool:
        for rows in pool.imap(_rows, bounds):
            with archive.db.atomic():
                arts, urls, bands, texts, fts, stories = [], [], [], [], [], []
                for aid, title, body, body_hash, normalised, keys, segmented in rows:
                    url = f"http://synthetic.example/{aid}.html"
                    day = f"20{10 + aid % 15}-{1 + aid % 12:02d}-{1 + aid % 28:02d}"
                    arts.append((aid, url, url, "synthetic", title, day, day[:7], "合成报", body, body_hash, 0, 0.1,
                                 "[]", "[]", "{}", "bench", versions.DEDUPE, "bench", aid, day))
                    urls.append((url, url, aid, day))
                    bands += [(k, aid) for k in keys]
                    texts.append((aid, normalised))
                    fts.append((aid, title, segmented))
                    stories.append((aid, title, 1, '["synthetic"]', '["合成报"]', "合成报", day, day))
                conn.executemany(
                    "INSERT INTO articles (id, url, canonical_url, site, title, published_at, month, outlet, body, body_hash, "
                    "is_burden_reduction, br_score, topics, regions, evidence, extractor_version, dedupe_version, "
                    "classifier_version, story_id, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arts)
                conn.executemany("INSERT INTO article_urls (url, canonical_url, article_id, first_seen_at) VALUES (?, ?, ?, ?)", urls)
                conn.executemany("INSERT OR IGNORE INTO dedupe_bands (band, article_id) VALUES (?, ?)", sorted(bands))
                conn.executemany("INSERT INTO dedupe_texts (article_id, normalised) VALUES (?, ?)", texts)
                conn.executemany(f"INSERT INTO {search.FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)", fts)
                conn.executemany("INSERT INTO stories (id, title, size, sites, outlets, source_outlet, first_published, "
                                 "last_published) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", stories)


def _rows(bounds: tuple[int, int]) -> list[tuple]:
    return rows_for(*bounds)


def sample_pages(seed: int) -> list[stages.Processed]:
    from pipelines.pool import StagePool

    pages, articles, sites = newsweb.build(SAMPLE, seed=seed)
    pool = StagePool(0)  # in this process, a stage's exception made a rejection as in the crawl
    out = []
    for path in articles:
        body, ctype = pages[path]
        url = f"http://growth-{seed}.example{path}"
        out.append(pool.submit({"url": url, "status": 200, "headers": {"content-type": ctype}, "body": body,
                                "site": path.split("/")[1], "kind": "article",
                                "fetched_at": "2024-12-01T00:00:00+00:00"}).result())
    return out


def measure(archive: Archive, processed: list[stages.Processed], run_id: int) -> dict:
    candidates = [len(archive.stories.candidates(p.keys.bands)) for p in processed if p.keys is not None]
    times, cpu = [], 0.0
    for p in processed:
        start, start_cpu = time.perf_counter(), time.process_time()
        archive.store(p, run_id)
        times.append((time.perf_counter() - start) * 1000)
        cpu += time.process_time() - start_cpu
    times.sort()
    # CPU time beside wall time: on a shared machine the CPU figure is the steadier of the two
    return {"mean": statistics.mean(times), "median": statistics.median(times), "cpu": cpu * 1000 / len(processed),
            "p90": times[int(len(times) * 0.9)], "candidates": statistics.mean(candidates) if candidates else 0}


def run(sizes: list[int]) -> None:
    print("\n### growth: Archive.store at each archive size (synthetic archive; see bench/growth.py)")
    print(f"{'archived':>10} {'build s':>8} {'mean ms':>8} {'median':>7} {'p90':>7} {'candidates':>10} {'db MB':>7} {'CPU ms':>7}")
    stages.warm_up()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "growth.db"
        archive = Archive(db)
        run_id = archive.start_run("bench", ["synthetic"])
        have = 0
        for n, size in enumerate(sorted(sizes)):
            start = time.perf_counter()
            grow(archive, have, size)
            archive.conn.execute("PRAGMA synchronous = NORMAL")
            archive.conn.execute("PRAGMA cache_size = -2000")
            built = time.perf_counter() - start
            have = size
            processed = sample_pages(seed=100 + n)
            r = results[size] = measure(archive, processed, run_id)
            have_rows = archive.conn.execute("SELECT max(id) FROM articles").fetchone()[0]
            have = max(have, have_rows)  # the sample's articles took the next ids
            print(f"{size:>10,} {built:8.0f} {r['mean']:8.2f} {r['median']:7.2f} {r['p90']:7.2f} {r['candidates']:10.1f} "
                  f"{db.stat().st_size / 1e6:7.0f} {r['cpu']:7.2f}", flush=True)
        archive.close()
    first, last = min(results), max(results)
    if first != last:
        print(f"cost at {last:,} / cost at {first:,}: mean {results[last]['mean'] / results[first]['mean']:.2f}, "
              f"median {results[last]['median'] / results[first]['median']:.2f}, "
              f"CPU {results[last]['cpu'] / results[first]['cpu']:.2f}   (target <= 1.5)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="archive sizes (default %(default)s)")
    args = parser.parse_args(argv)
    print("(2-core machine shared with other work: the figures are noisy)")
    run([int(s) for s in args.sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
