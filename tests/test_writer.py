"""`jianfu writer` (distributed mode) against a real redis-server and real SQLite: messages made
by the real processing chain from the demo web's pages, the real command in a child process.

What a worker pushes is what `crawler/distributed.py` pushes (`messages.page_message`); the
crawl itself is tested in tests/test_distributed.py.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines import stages
from pipelines.distributed import messages
from pipelines.distributed.keys import EXIT_REDIS, Keys
from pipelines.distributed.writer import merged_stats

ROOT = Path(__file__).resolve().parents[1]
KEYS = Keys()


def wait_for(condition, what: str, deadline: float = 60.0):
    """Poll `condition` until it is true; fail naming `what` after `deadline` seconds."""
    end = time.monotonic() + deadline
    while not (value := condition()):
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


@pytest.fixture(scope="module")
def processed_pages(demo_web, manifest):
    """Each demo article page fetched over HTTP and run through the real chain."""
    out = []
    for item in manifest["articles"]:
        url = demo_web.base_url + item["path"]
        with urllib.request.urlopen(url) as r:
            page = {"url": url, "site": item["site"], "status": r.status, "body": r.read(),
                    "headers": {"content-type": r.headers["content-type"]}, "fetched_at": "2026-12-03T10:00:00+08:00"}
        out.append(stages.process_page(page, None))
    return out


def writer(redis_server, db, *extra):
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "writer", "--redis", redis_server.url,
                             "--db", str(db), *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def push_run(client, processed, run="r1", copies=1):
    """What a run's workers push: run_start, every page (`copies` deliveries each, as after
    re-queued requests), each worker's figures and run_end."""
    client.lpush(KEYS.items, messages.encode({"type": "run_start", "run": run, "seeds": "seeds/demo.toml",
                                              "sites": ["xinwen", "zhengfu", "luntan", "kuaizhao"]}))
    n = 0
    for copy in range(copies):
        for p in processed:
            n += 1
            client.lpush(KEYS.items, messages.encode(messages.page_message(p, run, f"w{copy}/{n}")))
    for w in ("w0", "w1"):
        client.lpush(KEYS.items, messages.encode({"type": "worker_done", "run": run, "worker": w, "reason": "finished",
                                                  "stats": {"downloader/request_count": 20,
                                                            "jianfu/site/xinwen/requests": 5}}))
    client.lpush(KEYS.items, messages.encode({"type": "run_end", "run": run, "reason": "finished"}))
    return n


def drained(client):
    return client.llen(KEYS.items) == 0 and client.llen(KEYS.processing) == 0


def test_writer_stores_each_article_once_and_records_the_run(redis_server, tmp_path, processed_pages, manifest,
                                                             demo_web):
    client = redis_server.client()
    db = tmp_path / "archive.db"
    n = push_run(client, processed_pages, copies=2)  # every page delivered twice
    proc = writer(redis_server, db)
    try:
        wait_for(lambda: drained(client) and client.exists(KEYS.run_result("r1")), "the writer to drain the list")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(manifest["articles"])
        assert conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == n  # the second copies: duplicates
        run = conn.execute("SELECT finish_reason, requests, run_key, pages FROM runs").fetchone()
        assert run == ("finished", 40, "r1", n)  # both workers' requests summed
        assert conn.execute("SELECT requests FROM run_sites WHERE site = 'xinwen'").fetchone()[0] == 10
        assert conn.execute("SELECT count(*) FROM run_workers").fetchone()[0] == 2
    result = json.loads(client.get(KEYS.run_result("r1")))
    assert result["run_id"] == 1 and "new articles stored" in result["report"]
    # the skip check's answers: every article URL is in the exported set
    for item in manifest["articles"]:
        assert client.sismember(KEYS.archived, demo_web.base_url + item["path"])
    assert client.scard(KEYS.fetched) == len(manifest["articles"])


def test_writer_killed_mid_batch_loses_nothing_and_stores_nothing_twice(redis_server, tmp_path, processed_pages,
                                                                        manifest):
    client = redis_server.client()
    db = tmp_path / "archive.db"
    n = push_run(client, processed_pages, copies=4)
    proc = writer(redis_server, db, "--batch", "10")
    # killed while it holds a taken, unacknowledged batch
    wait_for(lambda: client.llen(KEYS.processing) > 0, "the writer to take a batch", deadline=60)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    left = client.llen(KEYS.items) + client.llen(KEYS.processing)
    assert 0 < left, "the kill came after the writer had finished"
    assert client.llen(KEYS.processing) > 0  # the batch in hand survived the kill
    with sqlite3.connect(db) as conn:
        stored_before = conn.execute("SELECT count(*) FROM deliveries").fetchone()[0]
    proc = writer(redis_server, db, "--batch", "10")
    try:
        wait_for(lambda: drained(client) and client.exists(KEYS.run_result("r1")), "the restarted writer to drain")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(manifest["articles"])
        assert conn.execute("SELECT count(DISTINCT canonical_url) FROM articles").fetchone()[0] == len(
            manifest["articles"])
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert stored_before < n


def test_a_message_delivered_again_after_its_commit_is_stored_once(redis_server, tmp_path, processed_pages):
    """A writer killed between its commit and its acknowledgement: the batch is in the
    processing list again, and the next writer recognises every message by its delivery id."""
    client = redis_server.client()
    db = tmp_path / "archive.db"
    push_run(client, processed_pages[:5])
    proc = writer(redis_server, db)
    try:
        wait_for(lambda: drained(client) and client.exists(KEYS.run_result("r1")), "the writer to drain")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    for i, p in enumerate(processed_pages[:5], start=1):
        client.lpush(KEYS.processing, messages.encode(messages.page_message(p, "r1", f"w0/{i}")))
    client.lpush(KEYS.processing, b"not a message")
    proc = writer(redis_server, db)
    try:
        wait_for(lambda: drained(client), "the writer to recover the processing list")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 5
    bad = [json.loads(b) for b in client.lrange(KEYS.bad, 0, -1)]
    assert len(bad) == 1 and "BadMessage" in bad[0]["error"]


def test_writer_exits_11_with_a_clear_message_when_redis_is_down(tmp_path):
    from tests.redis_server import free_port

    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "writer", "--redis",
                           f"redis://127.0.0.1:{free_port()}/0", "--db", str(tmp_path / "a.db")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_REDIS == 11
    assert "redis_unavailable: cannot reach Redis at redis://127.0.0.1:" in done.stderr
    assert not (tmp_path / "a.db").exists()  # nothing was created


def test_merged_stats_sum_numbers_and_count_workers():
    merged = merged_stats([{"a": 1, "t": "x"}, {"a": 2, "b": 1.5, "t": "y"}])
    assert merged == {"a": 3, "b": 1.5, "t": "x", "jianfu/workers": 2}
