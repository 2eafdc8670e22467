"""Shared fixtures: the real demo news web on a free 127.0.0.1 port, crawled by real Scrapy."""

from __future__ import annotations

import sqlite3
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
