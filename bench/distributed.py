"""Distributed mode: crawl throughput with 1, 2, 4 … worker processes, and the writer's rate.

    .venv/bin/python bench/distributed.py [--workers-processes 1,2,4] [--pages 240] [--delay 1.0]
                                          [--concurrency 1] [--writer-pages 400]

A generated local web (sites with sitemaps; article pages written here from word lists, no text
copied from anywhere) answers every article page after `--delay` seconds, as a polite real site
effectively does, so a worker's speed is bounded by its `--concurrency` requests in flight, not
by this machine's CPU. For each worker count: a fresh redis-server, archive and `jianfu writer`,
then N `scrapy crawl news -s JIANFU_MODE=worker` processes; the time from the first worker's
start to the last one's exit is printed, and pages/s while fetching: article pages are held
until all N workers have joined the run, and the clock runs from then to the last article's
answer, compared with N × the one-worker rate. Then the
writer alone: `--writer-pages` processed pages are queued in Redis and the writer's articles/s
is timed from its start to the empty list.

Figures on a shared 2-core machine are noisy: the workers' processing (extraction,
classification) competes for the same two cores as everything else running.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.distributed.keys import Keys  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402  (Debian's redis-server on a free port)

PLACES = ["临江县", "石门市", "青山区", "白河镇", "东坡乡", "南湖街道", "西岭县", "北川市"]
SUBJECTS = ["乡镇干部", "村两委", "县直部门", "街道社区", "基层党组织", "便民服务中心"]
ACTIONS = ["清理了重复报表", "合并了督查检查事项", "精简了会议和文件", "关停了多余的政务应用",
           "取消了不必要的留痕要求", "建立了事项准入清单", "修好了村里的道路", "办起了农产品展销会",
           "开展了防汛演练", "更新了学校的图书室"]
EFFECTS = ["干部有更多时间走访群众", "群众办事少跑了路", "年度考核的指标减少了一半", "节省了大量填表时间",
           "村民收入有了提高", "学生的阅读条件得到改善"]


def article_html(site: int, n: int) -> str:
    rnd = random.Random(site * 100003 + n)
    place = rnd.choice(PLACES)
    title = f"{place}{rnd.choice(SUBJECTS)}{rnd.choice(ACTIONS)}（第{site}-{n}号）"
    paras = [f"{place}的{rnd.choice(SUBJECTS)}今年{rnd.choice(ACTIONS)}，{rnd.choice(EFFECTS)}。"
             f"据统计，相关事项共计{rnd.randint(3, 90)}项，涉及{rnd.randint(2, 40)}个单位，编号{site}-{n}-{k}。"
             for k in range(rnd.randint(5, 9))]
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<html><head><meta charset='utf-8'><title>{title}_示例新闻网</title></head><body>"
            f"<div class='nav'>首页 | 新闻 | 政务</div><h1>{title}</h1>"
            f"<div class='info'>发布时间：2026-11-{1 + n % 28:02d} 09:{n % 60:02d}　来源：示例新闻网</div>"
            f"<div class='article'>{body}</div><div class='footer'>版权所有 示例新闻网</div></body></html>")


class SlowWeb:
    """`sites` sites of `per_site` articles each, listed in each site's sitemap.xml; article pages
    wait `delay` seconds. `hits` counts requests by path."""

    def __init__(self, sites: int, per_site: int, delay: float):
        self.sites, self.per_site, self.delay = sites, per_site, delay
        self.hits: dict[str, int] = {}
        self.times: list[float] = []  # when each article request was let through
        self.gate = threading.Event()
        self.lock = threading.Lock()
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with web.lock:
                    web.hits[self.path] = web.hits.get(self.path, 0) + 1
                parts = self.path.strip("/").split("/")
                try:
                    site = int(parts[0][1:])
                    if parts[1] == "sitemap.xml":
                        locs = "".join(f"<url><loc>{web.base}/s{site}/2026/11/a{n}.html</loc></url>"
                                       for n in range(web.per_site))
                        return self.send(200, f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/"
                                              f"schemas/sitemap/0.9'>{locs}</urlset>", "application/xml")
                    n = int(parts[3][1:].split(".")[0])
                except (ValueError, IndexError):
                    return self.send(404, "<html><body>404</body></html>", "text/html")
                web.gate.wait(timeout=120)  # held until every worker has joined (see crawl_with)
                with web.lock:
                    web.times.append(time.monotonic())
                time.sleep(web.delay)
                return self.send(200, article_html(site, n), "text/html; charset=utf-8")

            def send(self, status, text, ctype):
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def seeds(self, path: Path, concurrency: int) -> Path:
        """Seeds for the generated sites; each is allowed `concurrency` requests in flight (per
        worker process: Scrapy's download slots are per process)."""
        path.write_text("".join(
            f'[sites.s{i}]\ndisplay_name = "示例新闻网{i}"\nregion = "示例省"\n'
            f'sitemaps = ["{self.base}/s{i}/sitemap.xml"]\n'
            f"article_allow = ['/s{i}/2026/11/a\\d+\\.html$']\nconcurrency = {concurrency}\n\n"
            for i in range(self.sites)), encoding="utf-8")
        return path


def crawl_with(workers: int, web: SlowWeb, tmp: Path, concurrency: int) -> dict:
    redis = RedisServer(tmp / f"redis-{workers}").start()
    db = tmp / f"archive-{workers}.db"
    seeds = web.seeds(tmp / "seeds.toml", concurrency)
    py = sys.executable
    writer = subprocess.Popen([py, "-m", "pipelines.cli", "writer", "--redis", redis.url, "--db", str(db)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    web.hits.clear()
    web.times.clear()
    web.gate.clear()
    start = time.monotonic()
    procs = [subprocess.Popen([py, "-m", "scrapy", "crawl", "news", "-a", f"seeds={seeds}", "-s", "JIANFU_MODE=worker",
                               "-s", f"REDIS_URL={redis.url}", "-s", "AUTOTHROTTLE_ENABLED=False",
                               "-s", "LOG_LEVEL=WARNING",
                               "-s", "ROBOTSTXT_OBEY=False"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    client = redis.client()
    # Article pages wait until all N workers have joined the run: processes start over several
    # seconds on a loaded machine, and the rate measured is the one with the whole fleet at work.
    keys = Keys()  # the default prefix, as the workers and the writer use it
    while client.scard(keys.run_workers) < workers and any(p.poll() is None for p in procs):
        time.sleep(0.05)
    opened = time.monotonic()
    web.gate.set()
    codes = [p.wait() for p in procs]
    crawl_s = time.monotonic() - start
    while client.llen(keys.items) or client.llen(keys.processing) or client.exists(keys.run):
        time.sleep(0.2)
    stored_s = time.monotonic() - start
    articles = stop_and_count(writer, redis, db)
    fetched = sum(n for p, n in web.hits.items() if p.endswith(".html"))
    twice = sum(1 for p, n in web.hits.items() if p.endswith(".html") and n > 1)
    # the rate while fetching: from the moment the whole fleet may fetch articles to the last
    # article's answer (the processes' start and their wait for the fleet to finish left out)
    fetching_s = max(web.times) + web.delay - opened
    return {"workers": workers, "codes": codes, "crawl_s": crawl_s, "stored_s": stored_s, "fetched": fetched,
            "twice": twice, "articles": articles, "fetching_s": fetching_s, "pages_per_s": fetched / fetching_s}


def stop_and_count(writer: subprocess.Popen, redis: RedisServer, db: Path) -> int:
    """Stop the writer and Redis; the articles the writer stored."""
    writer.send_signal(signal.SIGTERM)
    writer.wait()
    redis.stop()
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def writer_rate(pages: int, tmp: Path) -> dict:
    """The writer alone: `pages` processed pages queued in Redis, timed until the list is empty."""
    from pipelines import stages
    from pipelines.distributed import messages
    keys = Keys()
    redis = RedisServer(tmp / "redis-writer").start()
    client = redis.client()
    client.lpush(keys.items, messages.encode({"type": "run_start", "run": "bench", "seeds": "", "sites": ["s0"]}))
    t0 = time.monotonic()
    for n in range(pages):
        url = f"http://127.0.0.1:1/s0/2026/11/a{n}.html"
        processed = stages.process_page({"url": url, "site": "s0", "status": 200, "body": article_html(0, n).encode(),
                                         "headers": {"content-type": "text/html; charset=utf-8"},
                                         "fetched_at": "2026-12-03T10:00:00+08:00"})
        client.lpush(keys.items, messages.encode(messages.page_message(processed, "bench", f"bench/{n}")))
    processing_s = time.monotonic() - t0
    db = tmp / "archive-writer.db"
    queued = client.llen(keys.items)
    writer = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "writer", "--redis", redis.url, "--db", str(db)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while client.llen(keys.items) == queued:  # the writer's start (imports, archive open) left out
        time.sleep(0.01)
    start = time.monotonic()
    while client.llen(keys.items) or client.llen(keys.processing):
        time.sleep(0.01)
    elapsed = time.monotonic() - start
    articles = stop_and_count(writer, redis, db)
    return {"pages": pages, "articles": articles, "seconds": elapsed, "articles_per_s": articles / elapsed,
            "processing_per_page_ms": 1000 * processing_s / pages}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers-processes", default="1,2,4", help="worker counts to run (default %(default)s)")
    parser.add_argument("--pages", type=int, default=240, help="article pages in the generated web (default %(default)s)")
    parser.add_argument("--sites", type=int, default=4, help="sites they are spread over (default %(default)s)")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the server waits per article page")
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight per site and worker")
    parser.add_argument("--writer-pages", type=int, default=400, help="pages queued for the writer-alone run")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.workers_processes.split(",")]
    web = SlowWeb(args.sites, args.pages // args.sites, args.delay)
    print(f"generated web: {args.sites} sites x {args.pages // args.sites} articles, {args.delay} s per article "
          f"page, {args.concurrency} requests in flight per site and worker")
    print(f"{'workers':>7} {'run s':>6} {'fetching s':>10} {'pages':>6} {'pages/s':>8} {'x 1 worker':>10} "
          f"{'of linear':>9} {'twice':>5} {'articles':>8} {'stored by':>9}")
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            r = crawl_with(n, web, Path(tmp), args.concurrency)
            base = base or r["pages_per_s"] / n
            speedup = r["pages_per_s"] / base
            print(f"{n:>7} {r['crawl_s']:>6.1f} {r['fetching_s']:>10.1f} {r['fetched']:>6} {r['pages_per_s']:>8.2f} {speedup:>10.2f} "
                  f"{speedup / n:>9.2f} {r['twice']:>5} {r['articles']:>8} {r['stored_s']:>8.1f}s"
                  + ("" if r["codes"] == [0] * n else f"  exit codes {r['codes']}"), flush=True)
        w = writer_rate(args.writer_pages, Path(tmp))
        print(f"writer alone: {w['articles']} articles from {w['pages']} queued pages in {w['seconds']:.1f} s: "
              f"{w['articles_per_s']:.0f} articles/s; the chain took "
              f"{w['processing_per_page_ms']:.0f} ms per page on one core")
    print("(a shared 2-core machine: the workers' processing and the writer compete for the same cores; noisy)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
