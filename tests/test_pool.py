"""The CPU stages in worker processes (pipelines/pool.py): the same archive as on the reactor
thread, a worker that dies or hangs costs one recorded rejection, reprocess on N workers.

Real `scrapy crawl` against the demo web on 127.0.0.1, real SQLite archives, real worker
processes (the test-only `STAGE_TEST_FAULTS` setting makes a worker `os._exit` or sleep on the
page whose URL holds the given part)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from crawler.demo import crawl, seeds_for
from pipelines.archive import Archive
from pipelines.pool import StagePool
from tests.conftest import ROOT

CRASH = "xw103"  # an article of the demo web (render.manifest()), made to kill its worker
HANG = "030004"  # one made to hang past the timeout


def archive_contents(db) -> dict:
    """Everything a crawl decides about its pages, keyed by URL (ids and times left out)."""
    c = sqlite3.connect(db)
    try:
        articles = {r[0]: r[1:] for r in c.execute(
            "SELECT a.url, a.title, a.body, a.body_hash, a.published_at, a.is_burden_reduction, round(a.br_score, 6), "
            "a.topics, a.regions, a.evidence, f.title, f.body, t.normalised FROM articles a "
            "JOIN articles_fts f ON f.rowid = a.id JOIN dedupe_texts t ON t.article_id = a.id")}
        stories = {frozenset(r[0].split("\n")) for r in c.execute(
            "SELECT group_concat(url, char(10)) FROM articles GROUP BY story_id")}
        urls = set(c.execute("SELECT u.url, a.url FROM article_urls u JOIN articles a ON a.id = u.article_id"))
        rejections = set(c.execute("SELECT url, stage, reason FROM rejections"))
        bands = c.execute("SELECT count(*) FROM dedupe_bands").fetchone()[0]
        # a second spelling of an article's URL fetched while the first was being processed
        # leaves a `duplicate` page row or none (a race the reactor has too): compared as `urls`
        pages = set(c.execute("SELECT url, outcome FROM pages WHERE outcome != 'duplicate'"))
        run = c.execute("SELECT finish_reason FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        c.close()
    return {"articles": articles, "stories": stories, "urls": urls, "rejections": rejections, "bands": bands,
            "pages": pages, "run": run}


@pytest.fixture(scope="module")
def on_reactor(demo_web, tmp_path_factory):
    """The demo web crawled with the stages on the reactor thread (STAGE_WORKERS=0), as before."""
    tmp = tmp_path_factory.mktemp("reactor")
    db = tmp / "archive.db"
    done = crawl(seeds_for(demo_web.base_url, tmp), db, ["-s", "STAGE_WORKERS=0"])
    assert done.returncode == 0, done.stderr[-3000:]
    return db


def test_the_pool_archives_exactly_what_the_reactor_did(demo_web, on_reactor, tmp_path):
    db = tmp_path / "archive.db"
    done = crawl(seeds_for(demo_web.base_url, tmp_path), db, ["-s", "STAGE_WORKERS=2"])
    assert done.returncode == 0, done.stderr[-3000:]
    pooled, before = archive_contents(db), archive_contents(on_reactor)
    assert len(pooled["articles"]) == 24
    for part in before:
        assert pooled[part] == before[part], part


def test_a_worker_that_dies_or_hangs_costs_one_recorded_rejection(demo_web, on_reactor, tmp_path):
    db = tmp_path / "archive.db"
    faults = json.dumps({"exit": CRASH, "hang": HANG})
    done = crawl(seeds_for(demo_web.base_url, tmp_path), db,
                 ["-s", "STAGE_WORKERS=2", "-s", f"STAGE_TEST_FAULTS={faults}", "-s", "PAGE_TIMEOUT=10"])
    assert done.returncode == 0, done.stderr[-3000:]
    faulty, before = archive_contents(db), archive_contents(on_reactor)
    crashed = {r for r in faulty["rejections"] if r[1] == "process"}
    assert {(CRASH in url, HANG in url, reason) for url, _, reason in crashed} == {
        (True, False, "worker_died"), (False, True, "worker_timeout")}
    lost = {url for url, _, _ in crashed}
    # every other page ends exactly as without the faults, and the run finished normally
    assert set(faulty["articles"]) == set(before["articles"]) - lost
    assert all(faulty["articles"][u] == before["articles"][u] for u in faulty["articles"])
    assert faulty["rejections"] - crashed == before["rejections"]
    assert {(u, o) for u, o in faulty["pages"] if u not in lost} == {(u, o) for u, o in before["pages"] if u not in lost}
    assert {(u, o) for u, o in faulty["pages"] if u in lost} == {(u, "rejected") for u in lost}
    assert faulty["run"] == ("finished",)
    # the pool replaced the dead and the stopped worker: pages after them were processed
    assert len(faulty["articles"]) == len(before["articles"]) - 2


def test_reprocess_on_two_workers_gives_the_archive_one_worker_gives(on_reactor, tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    shutil.copy(on_reactor, one)
    shutil.copy(on_reactor, two)
    archive = Archive(one)  # an older extractor's texts (an editor line kept): re-processing has work to do
    try:
        for row in archive.db.query("SELECT * FROM articles"):
            old = {**row, "date": row["published_at"], "body": row["body"] + "\n责任编辑：某某", "extractor_version": "old"}
            archive.update_article(row["id"], old, {})  # and no verdict yet
    finally:
        archive.close()
    shutil.copy(one, two)
    for db, workers in ((one, "1"), (two, "2")):
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", "reprocess", "--db", str(db),
                               "--workers", workers], cwd=ROOT, text=True, capture_output=True)
        assert done.returncode == 0, done.stderr
        assert "articles/s" in done.stderr and "24/24 articles (100%)" in done.stderr
    a, b = archive_contents(one), archive_contents(two)
    assert a["articles"] and a == b
    assert a["articles"] == archive_contents(on_reactor)["articles"]  # the edited texts were re-extracted


def test_pool_turns_a_dead_worker_into_a_rejection_and_keeps_working():
    page = {"url": "http://127.0.0.1/a/xw103.html", "status": 200, "kind": "article",
            "headers": {"content-type": "text/html; charset=utf-8"},
            "body": "<html><body><article><p>基层减负的一篇短文，说的是会议精简。</p></article></body></html>".encode()}
    with StagePool(1, timeout=30, faults={"exit": "xw103", "raise": "bug"}) as pool:
        dead = pool.submit(page).result(timeout=120)
        buggy = pool.submit({**page, "url": "http://127.0.0.1/a/bug.html"}).result(timeout=120)
        fine = pool.submit({**page, "url": "http://127.0.0.1/a/ok.html"}).result(timeout=120)
    assert (dead.rejection.stage, dead.rejection.reason) == ("process", "worker_died")
    assert dead.page is page
    assert (buggy.rejection.stage, buggy.rejection.reason, buggy.rejection.detail) == (
        "process", "stage_error", "RuntimeError: a stage's bug (test fault)")
    assert fine.rejection is None or fine.rejection.stage != "process"


def test_workers_that_cannot_start_are_one_clear_error_at_start():
    """A worker that fails while starting (here: an import error) is reported once, when the
    pool starts, naming the cause, rather than failing or stalling page after page."""
    import pytest

    from pipelines.pool import StagePool, StageWorkersUnavailable

    with pytest.raises(StageWorkersUnavailable, match="processing workers could not start"):
        StagePool(1, timeout=30, faults={"start": "no module named rjieba"})
