"""Search benchmark: table-view searches over HTTP on a 200k-article archive.

Builds an archive of synthetic articles (generated from a vocabulary mixing random words with the
campaign's terms) through the real schema and the real segmenter (`pipelines.search.segment`,
in worker processes), serves it with the same command as `make serve`, and times Datasette's
table view (`/archive/articles?_search=…`, HTML, with the configured facets) for about a hundred
distinct Chinese queries, each timed the first time the server sees it and once more. Prints
p50/p95 latency per query kind and overall.

    python bench/search.py [--articles 200000] [--keep /tmp/search-bench/archive.db]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _common import ROOT, synthetic_vocabulary

from pipelines.archive import Archive
from pipelines.search import segment
from pipelines.vocabulary import lexicon

QUERIES = {
    "two characters": ["减负", "基层", "台账", "挂牌", "督查"],
    "unspaced phrase": ["基层减负", "一票否决", "指尖上的形式主义", "文山会海", "整治形式主义"],
    "several words": ["基层 干部", "台账 报表", "政务APP 工作群", "调研 基层 负担"],
    "rare word": ["小马拉大车", "表哥表姐", "四不两直"],
}
COMMON = ["基层", "干部", "减负", "乡镇", "村", "群众", "工作", "会议", "负担", "考核", "部门", "服务"]
SITES = ["people-zzxszy", "ccdi", "xinhua", "gmw", "qinghai-gov", "nmgnews", "yunnan", "netease", "csgllb-yuqing", "songzi100"]
TOPICS = ["文山会海", "督查检查考核", "留痕/台账/报表", "指尖上的形式主义", "一票否决/责任状/属地管理"]
REGIONS = ["青海省", "内蒙古自治区", "云南省", "湖北省", "甘肃省", "四川省"]


def make_rows(args):
    start, count, seed = args
    rnd = random.Random(seed)
    vocab = synthetic_vocabulary()
    terms = [t for t in lexicon() if len(t) >= 2]
    rows = []
    for i in range(start, start + count):
        words = []
        for _ in range(rnd.randint(120, 220)):
            r = rnd.random()
            words.append(rnd.choice(terms) if r < 0.03 else rnd.choice(COMMON) if r < 0.12 else rnd.choice(vocab))
            if rnd.random() < 0.08:
                words.append("。")
        body = "".join(words)
        title = "".join(rnd.choice(vocab) for _ in range(4)) + rnd.choice(terms + COMMON)
        day = f"{rnd.randint(2019, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T{rnd.randint(7, 22):02d}:00:00+08:00"
        br = rnd.random() < 0.4
        rows.append((i, f"http://bench.test/{i}.html", f"http://bench.test/{i}.html", rnd.choice(SITES), title, day,
                     day[:7], rnd.choice(["人民网", "新华网", "青海日报", None]), body, str(i), i, int(br),
                     json.dumps(rnd.sample(TOPICS, 2) if br else [], ensure_ascii=False),
                     json.dumps(rnd.sample(REGIONS, 1), ensure_ascii=False), segment(title), segment(body)))
    return rows


def build(path: Path, n: int) -> None:
    archive = Archive(path)
    conn = archive.conn
    started = time.perf_counter()
    chunk = 2000
    jobs = [(s, min(chunk, n - s + 1), s) for s in range(1, n + 1, chunk)]
    with multiprocessing.Pool(max(1, (os.cpu_count() or 2))) as pool:
        for rows in pool.imap(make_rows, jobs):
            with archive.db.atomic():
                conn.executemany(
                    "INSERT INTO articles (id, url, canonical_url, site, title, published_at, month, outlet, body, "
                    "body_hash, story_id, is_burden_reduction, topics, regions) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [r[:14] for r in rows])
                conn.executemany("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                                 [(r[0], r[14], r[15]) for r in rows])
    conn.execute("ANALYZE")
    conn.commit()
    archive.close()
    print(f"built {n:,} articles in {time.perf_counter() - started:.0f}s ({path.stat().st_size / 1e6:.0f} MB)")


def serve(path: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["make", "-s", "serve", f"DB={path}", f"SERVE_PORT={port}"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).close()
            return proc, base
        except OSError:
            time.sleep(0.1)
    raise SystemExit("datasette did not start")


def timed(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
    return (time.perf_counter() - start) * 1000


def query_set(n_per_kind: int, seed: int = 11) -> dict[str, list[str]]:
    """The fixed queries plus more of each kind drawn from the same vocabulary, all distinct,
    so each is timed the first time the server sees it (no result of it is cached anywhere)."""
    rnd = random.Random(seed)
    terms = [t for t in lexicon() if len(t) >= 2 and t.isalnum()]
    two = [t for t in terms if len(t) == 2] + COMMON
    longer = [t for t in terms if len(t) >= 4]
    vocab = synthetic_vocabulary()
    kinds = {k: list(v) for k, v in QUERIES.items()}
    draw = {
        "two characters": lambda: rnd.choice(two),
        "unspaced phrase": lambda: rnd.choice(longer),
        "several words": lambda: " ".join(rnd.sample(sorted(set(COMMON + two)), rnd.choice((2, 3)))),
        "rare word": lambda: rnd.choice(vocab),
    }
    for kind, make in draw.items():
        for _ in range(n_per_kind * 20):
            if len(kinds[kind]) >= n_per_kind:
                break
            q = make()
            if all(q not in qs for qs in kinds.values()):
                kinds[kind].append(q)
    return kinds


def p50_p95(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--keep", help="build (or reuse) the archive at this path, named archive.db")
    parser.add_argument("--queries", type=int, default=25, help="distinct queries per kind")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.keep) if args.keep else Path(tmp.name) / "archive.db"
    if not path.exists():
        build(path, args.articles)
    proc, base = serve(path)
    try:
        def url(q):
            return f"{base}/archive/articles?" + urllib.parse.urlencode({"_search": q})

        started = time.perf_counter()
        timed(f"{base}/archive/articles")  # waits for the facet store to load
        print(f"first page (facet store loaded): {(time.perf_counter() - started) * 1000:.0f} ms")
        for q in ("工作 会议", "部门"):  # warm the process (jieba, templates); not timed
            timed(url(q))
        kinds = query_set(args.queries)
        cold, warm = [], []
        print(f"{'query kind':<16} {'n':>3} {'p50 ms':>7} {'p95 ms':>7}   table view /archive/articles?_search=…, HTML, facets on")
        for kind, queries in kinds.items():
            times = [timed(url(q)) for q in queries]
            cold += times
            warm += [timed(url(q)) for q in queries]
            print(f"{kind:<16} {len(times):>3} {p50_p95(times)[0]:>7.0f} {p50_p95(times)[1]:>7.0f}")
        print(f"{'all, first time':<16} {len(cold):>3} {p50_p95(cold)[0]:>7.0f} {p50_p95(cold)[1]:>7.0f}   target p95 < 200 ms")
        print(f"{'all, repeated':<16} {len(warm):>3} {p50_p95(warm)[0]:>7.0f} {p50_p95(warm)[1]:>7.0f}   (match ids cached per query)")
        for q in ("基层减负", "小马拉大车"):
            hits = json.loads(urllib.request.urlopen(
                f"{base}/archive/articles.json?" + urllib.parse.urlencode({"_search": q, "_size": 1})).read())
            print(f"e.g. {q} matches {hits.get('filtered_table_rows_count'):,} of {args.articles:,} articles")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        tmp.cleanup()


if __name__ == "__main__":
    main()
