"""Distributed mode end to end: a real redis-server, real `scrapy crawl news -s JIANFU_MODE=worker`
processes and the real `jianfu writer`, against the demo web on 127.0.0.1 (which counts the
requests it receives, so "fetched once" is checked on the server's side).

Each test has its own Redis, demo web and archive; worker heartbeats are shortened
(JIANFU_WORKER_TTL=5) so a killed worker is noticed within seconds.
"""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo import seeds_for
from demo_web import server
from pipelines.distributed.keys import EXIT_REDIS, Keys
from tests.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[1]
KEYS = Keys()
FAST = ["-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "AUTOTHROTTLE_MAX_DELAY=0.5",
        "-s", "JIANFU_HEARTBEAT=0.5", "-s", "JIANFU_WORKER_TTL=5"]


def wait_for(condition, what: str, deadline: float = 120.0, procs=()):
    """Poll `condition` until true; fail naming `what` after `deadline` seconds (or when one of
    `procs` has died meanwhile, with its output)."""
    end = time.monotonic() + deadline
    while not (value := condition()):
        for p in procs:
            assert p.poll() is None, f"{p.args[:6]} exited {p.returncode} while waiting for {what}"
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.1)
    return value


@pytest.fixture()
def web():
    with server.start(0) as w:
        yield w


@pytest.fixture()
def fleet(web, redis_server, tmp_path):
    """Start writers and workers for this test's demo web and Redis; all stopped afterwards."""
    seeds = seeds_for(web.base_url, tmp_path)
    db = tmp_path / "archive.db"
    procs = []

    class Fleet:
        def writer(self):
            p = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "writer", "--redis", redis_server.url,
                                  "--db", str(db)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=open(tmp_path / f"writer-{len(procs)}.log", "w"))
            procs.append(p)
            return p

        def worker(self, name: str, *extra: str):
            p = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"seeds={seeds}",
                                  "-s", "JIANFU_MODE=worker", "-s", f"REDIS_URL={redis_server.url}", *FAST, *extra],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"{name}.log", "w"))
            procs.append(p)
            return p

        def log(self, name: str) -> str:
            return (tmp_path / f"{name}.log").read_text()

    f = Fleet()
    f.db, f.redis, f.client = db, redis_server, redis_server.client()
    yield f
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()


def writer_done(client) -> bool:
    """The writer has stored everything pushed so far and closed the run."""
    return (client.llen(KEYS.items) == 0 and client.llen(KEYS.processing) == 0 and not client.exists(KEYS.run)
            and bool(client.keys(KEYS.run_result("*"))))


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def article_paths(web, manifest):
    return {item["path"] for item in manifest["articles"]}


def assert_every_article_archived_once(db, web, manifest):
    rows = query(db, "SELECT a.title, a.canonical_url FROM articles a")
    assert len(rows) == len(manifest["articles"])
    titles = {t for t, _ in rows}
    for item in manifest["articles"]:
        assert item["title"] in titles, item["path"]
        assert query(db, "SELECT count(DISTINCT article_id) FROM article_urls WHERE url = ?",
                     web.base_url + item["path"])[0][0] == 1, item["path"]


def test_two_workers_and_the_writer_archive_every_article_once_and_fetch_nothing_twice(fleet, web, manifest):
    web.delay = 0.3  # slow article pages: both workers take part
    writer = fleet.writer()
    a = fleet.worker("worker-a")
    b = fleet.worker("worker-b")
    assert a.wait(timeout=300) == 0, fleet.log("worker-a")[-3000:]
    assert b.wait(timeout=300) == 0, fleet.log("worker-b")[-3000:]
    wait_for(lambda: writer_done(fleet.client), "the writer to store everything and close the run", procs=[writer])

    assert_every_article_archived_once(fleet.db, web, manifest)
    # no URL fetched twice by the fleet: robots.txt is read by each process (Scrapy's middleware,
    # outside the scheduler), and the page answering 500 is retried by design
    retried = {p for p, reason in manifest["broken"].items() if reason == "http_500"}
    twice = {p: n for p, n in web.hits.items() if n > 1 and not p.endswith("/robots.txt") and p not in retried}
    assert twice == {}
    for path in article_paths(web, manifest):
        assert web.hits[path] == 1, path
    # one run, recorded with both workers' figures
    (run_id, reason, requests, code, key), = query(fleet.db, "SELECT id, finish_reason, requests, exit_code, "
                                                             "run_key FROM runs")
    assert (reason, code) == ("finished", 0)
    workers = query(fleet.db, "SELECT worker, finish_reason, stats FROM run_workers WHERE run_id = ?", run_id)
    assert len(workers) == 2 and {r for _, r, _ in workers} == {"finished"}
    per_worker = [json.loads(s).get("downloader/request_count", 0) for _, _, s in workers]
    assert all(n > 0 for n in per_worker), per_worker  # both crawled
    assert requests == sum(per_worker)
    sites = dict(query(fleet.db, "SELECT site, requests FROM run_sites WHERE run_id = ?", run_id))
    assert set(sites) == {"xinwen", "zhengfu", "luntan", "kuaizhao"} and all(sites.values())
    result = json.loads(fleet.client.get(KEYS.run_result(key)))
    assert result["exit_code"] == 0 and "new articles stored" in result["report"]
    # nothing left behind in Redis but the archive's URL sets and the run's result
    assert fleet.client.llen(KEYS.frontier) == 0
    assert not fleet.client.keys(KEYS.leases("*")) and not fleet.client.keys(KEYS.dupefilter("*"))


def leased_urls(client, worker: str = "*") -> dict[str, set[str]]:
    """worker -> URLs of the requests it holds."""
    out = {}
    for key in client.keys(KEYS.leases(worker)):
        worker = key.decode().split(":", 2)[2]
        out[worker] = {json.loads(v)["url"] for v in client.hvals(key)}
    return out


def test_a_worker_killed_mid_crawl_has_its_requests_fetched_by_the_other(fleet, web, manifest):
    web.gate.clear()  # article pages are held: the first worker is caught with requests in flight
    writer = fleet.writer()
    a = fleet.worker("worker-a")

    articles = {web.base_url + path for path in article_paths(web, manifest)}

    def in_flight():  # A's leased article requests, once one of them is waiting at the server
        urls = {u for held in leased_urls(fleet.client, f"*:{a.pid}:*").values() for u in held if u in articles}
        return urls if any(web.hits[u.split(web.base_url, 1)[1]] for u in urls) else None

    wait_for(in_flight, "worker A to be fetching article pages", procs=[a, writer])
    b = fleet.worker("worker-b")
    wait_for(lambda: fleet.client.scard(KEYS.run_workers) == 2, "worker B to join the run", procs=[a, b])
    held_articles = wait_for(in_flight, "worker A to be fetching article pages", procs=[a, b])
    a.send_signal(signal.SIGKILL)  # mid-page: the server holds A's request
    a.wait(timeout=30)
    web.gate.set()
    assert b.wait(timeout=300) == 0, fleet.log("worker-b")[-3000:]
    wait_for(lambda: writer_done(fleet.client), "the writer to close the run", procs=[writer])

    assert_every_article_archived_once(fleet.db, web, manifest)
    # A stored nothing (its article pages were held until it died), so B fetched every one of
    # A's requests: those that had reached the server were received twice, each stored once
    for url in held_articles:
        path = url.split(web.base_url, 1)[1]
        assert 1 <= web.hits[path] <= 2, path
        assert query(fleet.db, "SELECT count(*) FROM pages WHERE url = ?", url)[0][0] == 1
    assert any(web.hits[u.split(web.base_url, 1)[1]] == 2 for u in held_articles)
    requeued = re.search(r"stopped answering: (\d+) of its requests went back to the frontier", fleet.log("worker-b"))
    assert requeued and int(requeued.group(1)) >= len(held_articles)
    (run_id, reason), = query(fleet.db, "SELECT id, finish_reason FROM runs")
    assert reason == "finished"  # the run was completed by B
    reasons = dict(query(fleet.db, "SELECT finish_reason, count(*) FROM run_workers WHERE run_id = ? "
                                   "GROUP BY 1", run_id))
    assert reasons == {"killed": 1, "finished": 1}


def test_redis_down_stops_workers_with_exit_11_and_loses_nothing(fleet, web, manifest, tmp_path):
    bad = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-s", "JIANFU_MODE=worker",
                          "-s", f"REDIS_URL=redis://127.0.0.1:{free_port()}/0"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == EXIT_REDIS == 11
    assert "scrapy crawl: redis_unavailable: cannot reach Redis at redis://127.0.0.1:" in bad.stderr

    web.gate.clear()
    writer = fleet.writer()
    a = fleet.worker("worker-a")
    wait_for(lambda: any(leased_urls(fleet.client).values()), "the worker to hold requests", procs=[a, writer])
    fleet.redis.stop()  # Redis goes away mid-crawl
    web.gate.set()
    assert a.wait(timeout=120) == EXIT_REDIS
    assert "stopping the crawl: lost Redis at" in fleet.log("worker-a")
    assert writer.wait(timeout=120) == EXIT_REDIS
    # Redis is back (its append-only file kept everything): a new worker and writer finish the job
    again = RedisServer(fleet.redis.directory, fleet.redis.port).start()
    try:
        writer = fleet.writer()
        b = fleet.worker("worker-b")
        assert b.wait(timeout=300) == 0, fleet.log("worker-b")[-3000:]
        wait_for(lambda: writer_done(again.client()), "the writer to close the run", procs=[writer])
        assert_every_article_archived_once(fleet.db, web, manifest)
        assert query(fleet.db, "SELECT count(*) FROM pages")[0][0] == query(
            fleet.db, "SELECT count(DISTINCT url) FROM pages")[0][0]
    finally:
        writer.send_signal(signal.SIGTERM)
        writer.wait(timeout=60)
        again.stop()


def test_scheduled_crawl_in_worker_mode_reports_the_whole_run_from_its_last_worker(fleet, web, manifest, tmp_path):
    from tests.conftest import report_figures

    seeds = seeds_for(web.base_url, tmp_path)

    def scheduled(n, redis_url):
        return subprocess.Popen([str(ROOT / "bin" / "scheduled-crawl"), "--seeds", str(seeds), "--redis", redis_url,
                                 "--log-dir", str(tmp_path / f"logs-{n}"), *FAST], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    down = scheduled(0, f"redis://127.0.0.1:{free_port()}/0")
    out, _ = down.communicate(timeout=120)
    assert down.returncode == EXIT_REDIS and "PROBLEM redis_unavailable: cannot reach Redis" in out

    web.delay = 0.2
    writer = fleet.writer()
    machines = [scheduled(1, fleet.redis.url), scheduled(2, fleet.redis.url)]
    outputs = [m.communicate(timeout=300)[0] for m in machines]
    assert [m.returncode for m in machines] == [0, 0], outputs
    reports = [o for o in outputs if "new articles stored" in o]
    assert len(reports) == 1, outputs  # the last worker out prints the run's report
    assert report_figures(reports[0])["new articles stored"] == len(manifest["articles"])
    others = [o for o in outputs if o not in reports]
    assert "other workers are still in the run" in others[0]
    (code, workers), = query(fleet.db, "SELECT exit_code, (SELECT count(*) FROM run_workers) FROM runs")
    assert (code, workers) == (0, 2)
    assert writer.poll() is None


def test_workers_keep_the_queue_and_the_back_off_as_one_machine_does(fleet, web, manifest):
    """Worker mode under the single-machine rules (crawler/backoff.py, pipelines/archive/queue.py):
    a navigation page in back-off is not requested and one whose back-off is over is forgotten
    once it answers; a queued URL requested in too many runs is given up on record; a run
    counts an attempt for the queued URLs its workers requested; and a page still in the worker
    pool when a worker is stopped stays queued and leased (back to the frontier), not lost."""
    from pipelines.archive import Archive

    base = web.base_url
    feed, sitemap = base + "/xinwen/rss.xml", base + "/zhengfu/sitemap.xml"
    poison = base + "/xinwen/2024/0101/poison.html"  # requested in 4 runs without an end: given up
    held_path = "/xinwen/2024/0508/xw101.html"  # hangs in its worker when the worker is stopped
    held = base + held_path
    archive = Archive(fleet.db)
    with archive.db.atomic():
        archive.backoff.failed(feed, "xinwen", "too_large")  # 6 hours from now
        archive.backoff.failed(sitemap, "zhengfu", "redirect_loop")
        archive.conn.execute("UPDATE backoff SET retry_after = '2000-01-01T00:00:00+08:00' WHERE url = ?", (sitemap,))
        archive.enqueue(poison, "xinwen", "list", None)
        archive.enqueue(held, "xinwen", "list", None)
        archive.conn.execute("UPDATE queue SET attempts = 4 WHERE url = ?", (poison,))
    archive.close()

    writer = fleet.writer()
    hang = json.dumps({"hang": held_path})
    a = fleet.worker("worker-a", "-s", "STAGE_WORKERS=2", "-s", f"STAGE_TEST_FAULTS={hang}", "-s", "PAGE_TIMEOUT=600")
    wait_for(lambda: f"STAGE_TEST_FAULTS: a worker hangs on {held}" in fleet.log("worker-a"),
             "the worker to be processing the held page", procs=[a, writer])
    a.send_signal(signal.SIGTERM)
    a.wait(timeout=60)  # not PAGE_TIMEOUT: the page in the pool is given up
    wait_for(lambda: writer_done(fleet.client), "the writer to close the run", procs=[writer])

    (run_id, reason, stats), = query(fleet.db, "SELECT id, finish_reason, stats FROM runs")
    assert reason == "shutdown"
    assert json.loads(stats)["jianfu/navigation_backed_off"] == 1
    assert web.hits["/xinwen/rss.xml"] == 0 and web.hits["/zhengfu/sitemap.xml"] == 1
    assert [u for (u,) in query(fleet.db, "SELECT url FROM backoff")] == [feed]  # the sitemap answered
    assert query(fleet.db, "SELECT run_id, stage, reason FROM rejections WHERE url = ?", poison) == [
        (run_id, "fetch", "gave_up")]
    assert web.hits["/xinwen/2024/0101/poison.html"] == 0
    assert query(fleet.db, "SELECT url, attempts FROM queue") == [(held, 1)]  # requested once, not stored
    assert query(fleet.db, "SELECT count(*) FROM pages WHERE url = ?", held) == [(0,)]
    assert held in {json.loads(r)["url"] for r in fleet.client.lrange(KEYS.frontier, 0, -1)}  # not lost
    assert json.loads(fleet.client.hget(KEYS.backoff, feed))["reason"] == "too_large"

    b = fleet.worker("worker-b")  # the next run, with no worker stuck
    assert b.wait(timeout=300) == 0, fleet.log("worker-b")[-3000:]
    wait_for(lambda: writer_done(fleet.client) and len(query(fleet.db, "SELECT id FROM runs")) == 2,
             "the writer to close the second run", procs=[writer])
    assert query(fleet.db, "SELECT outcome FROM pages WHERE url = ?", held) == [("article",)]
    assert query(fleet.db, "SELECT count(*) FROM queue") == [(0,)]
    assert web.hits["/xinwen/rss.xml"] == 0  # still in back-off


def test_a_worker_takes_only_requests_it_can_fetch_now(redis_server):
    """The frontier's pop skips requests whose download slot is full in the asking worker (its
    site allows one request at a time and one is in flight), taking the oldest other one; with
    no full slot it takes the oldest; a request it cannot read is never stuck."""
    from crawler.distributed import _POP, POP_WINDOW, RequestJSON

    client = redis_server.client()
    pop = client.register_script(_POP)
    frontier, leases = "t:frontier", "t:leases:w1"

    def request(url, slot=None):
        meta = {"site": "s", **({"download_slot": slot} if slot else {})}
        return RequestJSON.dumps({"url": url, "meta": meta, "method": "GET"})

    # LPUSH: the oldest is at the right end
    for data in (request("http://a.example/1.html", "site:a"), request("http://a.example/2.html", "site:a"),
                 request("http://B.example/3.html"), request("http://c.example/4.html", "site:c")):
        client.lpush(frontier, data)
    taken = pop(keys=[frontier, leases], args=["1", POP_WINDOW, "site:a"])
    assert json.loads(taken)["url"] == "http://B.example/3.html"  # the oldest whose slot has room
    taken = pop(keys=[frontier, leases], args=["2", POP_WINDOW, "site:a", "b.example"])  # hosts lower-cased
    assert json.loads(taken)["url"] == "http://c.example/4.html"
    assert pop(keys=[frontier, leases], args=["3", POP_WINDOW, "site:a", "site:c"]) is None
    taken = pop(keys=[frontier, leases], args=["4", POP_WINDOW])
    assert json.loads(taken)["url"] == "http://a.example/1.html"  # nothing full: plain FIFO
    assert client.llen(frontier) == 1 and client.hlen(leases) == 3
    client.rpush(frontier, b"not json")
    assert pop(keys=[frontier, leases], args=["5", POP_WINDOW, "site:a"]) == b"not json"
