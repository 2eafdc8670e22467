"""archive.db on real SQLite files: outcomes, duplicates, and consistency after a kill."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pipelines import dedupe
from pipelines.archive import Archive

ROOT = Path(__file__).resolve().parents[1]

BODY_A = (
    "河口县近日召开会议，宣布全县督查检查考核事项由去年的四十二项压减为十一项。\n\n"
    "县委办公室负责人说，今后凡是能够线上查阅的材料，一律不再要求乡镇重复报送纸质台账。\n\n"
    "多名乡镇干部表示，过去每月要填写的报表超过三十张，如今减少了一大半，可以把更多时间用在走村入户上。"
)
BODY_B = (
    "清水乡今年起推行村级组织工作事项准入制度，未经审核的事项一律不得交给村里。\n\n"
    "乡党委书记介绍，全乡清理出挂在村部的各类牌子二十三块，只保留了六块。\n\n"
    "村干部说，过去一周有三天在迎检，现在终于能腾出手来办群众的事。"
)


def page(url, body_text, status=200, rejection=None, title="标题"):
    article = None if rejection else {
        "title": title, "body": body_text, "date": "2024-05-08T10:30:00+08:00", "outlet": "示例日报",
        "author": None, "original_url": None, "encoding": "utf-8", "extractor_version": "test",
    }
    html = f"<html><body><h1>{title}</h1><p>{body_text}</p></body></html>".encode()
    return {"url": url, "site": "demo", "status": status, "headers": {"content-type": "text/html"},
            "body": html, "fetched_at": "2024-05-09T08:00:00+08:00", "article": article,
            "verdict": {"is_burden_reduction": True, "score": 0.9, "topics": ["督查检查考核"], "regions": [],
                        "evidence": {}, "classifier_version": "test"},
            "rejection": rejection}


def test_outcomes_and_duplicates(tmp_path):
    archive = Archive(tmp_path / "a.db")
    run = archive.start_run("seeds/demo.toml", ["demo"])
    assert archive.store_page(page("http://x.test/a/1.html", BODY_A), run) == "article"
    # the same article under a tracking parameter: one article, two URLs
    assert archive.store_page(page("http://x.test/a/1.html?utm_source=wx&spm=1.2", BODY_A), run) == "duplicate"
    # the same text at another URL: an exact duplicate, still one article
    assert archive.store_page(page("http://mirror.test/p/9.html", BODY_A), run) == "duplicate"
    assert archive.store_page(page("http://x.test/a/2.html", BODY_B), run) == "article"
    assert archive.store_page(page("http://x.test/a/3.html", "", status=404,
                                   rejection={"stage": "fetch", "reason": "http_404", "detail": "HTTP 404"}),
                              run) == "rejected"
    archive.finish_run(run, {})
    db = archive.db
    assert db["articles"].count == 2
    assert db["pages"].count == 5
    urls = {r["url"]: r["article_id"] for r in db["article_urls"].rows}
    assert len(urls) == 4 and len(set(urls.values())) == 2
    rej = list(db["rejections"].rows)
    assert [(r["stage"], r["reason"], r["url"]) for r in rej] == [("fetch", "http_404", "http://x.test/a/3.html")]
    run_row = db["runs"].get(run)
    assert (run_row["pages"], run_row["articles_new"], run_row["duplicates"], run_row["rejections"]) == (5, 2, 2, 1)
    # every page is an article, a duplicate of one, or a rejection
    assert {r["outcome"] for r in db["pages"].rows} == {"article", "duplicate", "rejected"}
    assert archive.is_fetched("http://x.test/a/1.html#comments")
    assert archive.is_fetched("http://x.test/a/3.html")
    assert not archive.is_fetched("http://x.test/a/3.html", include_rejected=False)
    archive.close()


def test_a_page_fetched_again_with_new_text_updates_its_article(tmp_path):
    archive = Archive(tmp_path / "a.db")
    run = archive.start_run("seeds/demo.toml", ["demo"])
    assert archive.store_page(page("http://x.test/a/1.html", BODY_A), run) == "article"
    archive.finish_run(run, {})
    again = archive.start_run("seeds/demo.toml", ["demo"])
    revised = BODY_A + "\n\n（更正：文中“三十张”应为“三十二张”。）"
    assert archive.store_page(page("http://x.test/a/1.html", revised), again) == "updated"
    assert archive.store_page(page("http://x.test/a/1.html?from=timeline", revised), again) == "duplicate"
    row = archive.finish_run(again, {})
    assert (row["articles_new"], row["articles_updated"], row["duplicates"]) == (0, 1, 1)
    (article,) = archive.db["articles"].rows
    assert article["body"] == revised and article["body_hash"] == dedupe.body_hash(revised)
    assert article["page_id"] == 2  # the article now points at the newer raw page
    # the near-duplicate index and search follow the new text
    assert archive.stories.find_story(revised, article["published_at"]) == article["story_id"]
    assert archive.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '更正'").fetchone()[0] == 1
    archive.close()


WRITER = r"""
import sys
sys.path.insert(0, {root!r})
from tests.test_archive import page
from pipelines.archive import Archive
archive = Archive({db!r})
run = archive.start_run("crash", [])
i = 0
while True:
    i += 1
    body = "第%d次会议决定，精简文件%d件，压减督查检查%d项，基层干部反映负担明显减轻。" % (i, i * 3, i % 17)
    archive.store_page(page("http://x.test/crash/%d.html" % i, body * 3, title="会议%d" % i), run)
"""


def test_kill_mid_crawl_leaves_archive_consistent(tmp_path):
    db_path = tmp_path / "crash.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), db=str(db_path))])
    try:
        # wait for real progress (200 stores), then kill without warning. The writer's pace
        # depends on the machine's load, so the deadline is for progress, not for the 200: it
        # fails only when no article is stored for a minute (a stalled writer).
        count, stalled_after = 0, time.monotonic() + 60
        while count < 200:
            assert proc.poll() is None, "writer died on its own"
            assert time.monotonic() < stalled_after, f"writer made no progress for 60 s after {count} articles"
            time.sleep(0.2)  # a poll interval, not a synchronisation: polling flat out slows the writer
            if db_path.exists():
                try:
                    with sqlite3.connect(db_path, timeout=5) as c:
                        now = c.execute("SELECT count(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:
                    now = 0
                if now > count:
                    count, stalled_after = now, time.monotonic() + 60
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # also when an assertion failed: never wait on a live writer
        proc.wait()
    archive = Archive(db_path)  # reopening recovers from the WAL
    c = archive.conn
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    pages = c.execute("SELECT count(*) FROM pages").fetchone()[0]
    articles = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert pages == articles >= 200
    assert c.execute("SELECT count(*) FROM pages WHERE outcome IS NULL").fetchone()[0] == 0
    assert c.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 0
    # the story rows and the search index agree with the articles that exist
    assert c.execute("SELECT coalesce(sum(size), 0) FROM stories").fetchone()[0] == articles
    last = archive.db["articles"].get(articles)
    assert archive.stories.find_story(last["body"], last["published_at"]) == last["story_id"]
    # and the next run goes on where the last stopped
    run = archive.start_run("resume", [])
    assert archive.store_page(page("http://x.test/crash/after.html", "重启之后写入的新文章，内容与之前完全不同，涉及挂牌清理。" * 3), run) == "article"
    archive.close()


def test_opening_an_existing_archive_writes_nothing(tmp_path):
    """So an archive on a full disk still opens, and the run reports the problem at its first
    write (exit 6) instead of failing inside Scrapy's start-up (a traceback, exit 5)."""
    Archive(tmp_path / "a.db").close()
    archive = Archive(tmp_path / "a.db")
    try:
        assert archive.conn.total_changes == 0
        assert os.path.getsize(tmp_path / "a.db-wal") == 0
    finally:
        archive.close()
