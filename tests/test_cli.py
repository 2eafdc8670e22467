"""The commands a user runs: `make demo`'s module twice, and `jianfu` report/reprocess/reclassify."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_demo_twice(tmp_path):
    db = tmp_path / "archive.db"
    port = str(free_port())
    first = run("-m", "crawler.demo", "--db", str(db), "--port", port)
    assert "new articles stored:        24" in first
    assert "fetch/http_404: 1" in first and "fetch/http_500: 1" in first and "extract/empty_body: 1" in first
    assert "2 reprint clusters" in first and "make serve" in first
    assert "refused by robots.txt:      1" in first
    second = run("-m", "crawler.demo", "--db", str(db), "--port", port)
    assert "article pages fetched:      0" in second and "Nothing new" in second


def copy_of(crawled, tmp_path):
    path = tmp_path / "archive.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


def test_reprocess_restores_what_an_older_pipeline_got_wrong(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        good = c.execute("SELECT id, title, body, is_burden_reduction FROM articles WHERE is_burden_reduction = 1 "
                         "ORDER BY id LIMIT 1").fetchone()
        c.execute("UPDATE articles SET title = ?, body = body || '\n\n相关新闻 热点推荐', is_burden_reduction = 0, "
                  "extractor_version = 'old', classifier_version = 'old' WHERE id = ?", (good[1] + "_旧网站", good[0]))
    out = run("-m", "pipelines.cli", "reprocess", "--db", str(db))
    assert "1 texts changed, 1 burden-reduction labels changed" in out
    with sqlite3.connect(db) as c:
        row = c.execute("SELECT title, body, is_burden_reduction, extractor_version, classifier_version "
                        "FROM articles WHERE id = ?", (good[0],)).fetchone()
        assert row[:3] == good[1:] and "old" not in row[3:]
        # the search index follows the re-extracted text
        assert c.execute("SELECT count(*) FROM articles_fts WHERE rowid = ? AND body LIKE '%热点推荐%'",
                         (good[0],)).fetchone()[0] == 0


def test_reclassify_reports_changed_labels(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        c.execute("UPDATE articles SET is_burden_reduction = 1 - is_burden_reduction WHERE id IN (1, 2, 3)")
        before_text = c.execute("SELECT group_concat(body) FROM articles").fetchone()[0]
    out = run("-m", "pipelines.cli", "reclassify", "--db", str(db))
    assert "3 burden-reduction labels changed" in out and "0 texts changed" in out
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT group_concat(body) FROM articles").fetchone()[0] == before_text
    assert "labels changed" in run("-m", "pipelines.cli", "reclassify", "--db", str(db))
    assert "0 burden-reduction labels changed" in run("-m", "pipelines.cli", "reclassify", "--db", str(db))


def test_report_and_missing_archive(crawled, tmp_path):
    out = run("-m", "pipelines.cli", "report", "--db", str(copy_of(crawled, tmp_path)), "--run", "1")
    assert "Run 1" in out and "new articles stored:        24" in out
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "report", "--db", str(tmp_path / "none.db")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "no archive at" in done.stderr
