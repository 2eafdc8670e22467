"""Shared fixtures: the real demo news web on a free 127.0.0.1 port, crawled by real Scrapy."""

from __future__ import annotations

import contextlib
import re
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from crawler.demo import crawl, seeds_for
from demo_web import render, server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo_web():
    with server.start(0) as web:
        yield web


@pytest.fixture(scope="session")
def manifest():
    return render.manifest()


@pytest.fixture(scope="session")
def crawled(demo_web, tmp_path_factory):
    """The demo web crawled twice into one archive: (db path, first run, second run)."""
    tmp = tmp_path_factory.mktemp("crawl")
    seeds = seeds_for(demo_web.base_url, tmp)
    db = tmp / "archive.db"
    first = crawl(seeds, db)
    assert first.returncode == 0, first.stderr[-3000:]
    second = crawl(seeds, db)
    assert second.returncode == 0, second.stderr[-3000:]
    return db, first, second


@pytest.fixture()
def conn(crawled):
    c = sqlite3.connect(crawled[0])
    c.row_factory = sqlite3.Row
    yield c
    c.close()


def report_figures(report: str) -> dict[str, int]:
    """The figures of a run report (`  new articles stored:   24` -> {"new articles stored": 24}),
    so tests read values, not the report's column padding."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^ {2,}([^:\n]+):\s+(\d+)$", report, re.M)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served_db(crawled, tmp_path_factory):
    """A copy of the crawled demo archive (SQLite backup API), so writes here touch no other test."""
    path = tmp_path_factory.mktemp("served") / "archive.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


@contextlib.contextmanager
def serve_archive(db: Path):
    """`make serve` on a free port against `db`; yields the base URL, stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen(["make", "-s", "serve", f"DB={db}", f"SERVE_PORT={port}"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:  # ready when it answers, not after a fixed sleep
            assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
            assert time.monotonic() < deadline, "datasette did not start"
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def datasette(served_db):
    """`make serve` on a free port, against the served copy of the demo archive."""
    with serve_archive(served_db) as base:
        yield base


@pytest.fixture()
def redis_server(tmp_path):
    """A real redis-server of its own for one test (tests/redis_server.py)."""
    from tests.redis_server import running

    with running(tmp_path / "redis") as server:
        yield server

