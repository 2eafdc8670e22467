"""The archive as readers use it, over HTTP against `make serve`: search syntax, the archived
original, Atom feeds, CSV for Excel, charts by story, foreign keys, `jianfu export`."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipelines.archive import Archive
from pipelines.search import fts_query, parse_query, snippet, text_matches

ROOT = Path(__file__).resolve().parents[1]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture()
def conn(served_db):
    """The archive Datasette serves (other tests add articles to it while it is served)."""
    c = sqlite3.connect(served_db)
    yield c
    c.close()


def fetch(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def ids(base, q):
    _, _, raw = fetch(base, "/archive/articles.json", _search=q, _shape="array", _col="title", _size="max")
    return {r["id"] for r in json.loads(raw)}


def like(conn, word):
    return {r[0] for r in conn.execute("SELECT id FROM articles WHERE title LIKE ? OR body LIKE ?",
                                       (f"%{word}%", f"%{word}%"))}


def test_or_finds_either_word(datasette, conn):
    either = ids(datasette, "文山会海 OR 一票否决")
    assert either == like(conn, "文山会海") | like(conn, "一票否决")
    assert like(conn, "文山会海") - like(conn, "一票否决") and like(conn, "一票否决") - like(conn, "文山会海")


def test_minus_excludes_a_word(datasette, conn):
    got = ids(datasette, "基层 -减负")
    assert got and got == like(conn, "基层") - like(conn, "减负")


def test_traditional_query_is_folded(datasette):
    simplified = ids(datasette, "形式主义")
    assert simplified and ids(datasette, "形式主義") == simplified
    assert ids(datasette, "基層減負") == ids(datasette, "基层减负")


def test_quoted_phrase_must_occur_as_written(datasette, conn):
    words = ids(datasette, "减负 工作")
    phrase = ids(datasette, '"减负工作"')
    assert phrase == like(conn, "减负工作") and phrase < words  # fewer than the words anywhere


def test_query_parser_and_snippet():
    assert [(g.words, g.excluded) for g in parse_query("基层 -减负")] == [(["基层"], ["减负"])]
    assert len(parse_query("文山会海 OR 一票否决")) == 2
    assert fts_query("-减负") == '""'  # nothing to look for matches nothing
    assert fts_query('"a" OR') and '"' in fts_query('abc"')  # stray quotes never break FTS syntax
    assert text_matches("", "推进基层减负工作", '"减负工作"') and not text_matches("", "减负的工作", '"减负工作"')
    html = snippet("开头" * 40 + "为基层减负<b>", "基层减负")
    assert "<mark>基层减负</mark>" in html and "&lt;b&gt;" in html and html.startswith("…")


def test_canned_search_filters(datasette, conn):
    def rows(**params):
        _, _, raw = fetch(datasette, "/archive/search.json", _shape="array", **params)
        return json.loads(raw)
    every = rows(q="减负")
    assert every and {r["article_id"] for r in every} == like(conn, "减负")
    qinghai = rows(q="减负", region="青海省")
    assert qinghai and len(qinghai) < len(every)
    for r in qinghai:
        assert "青海省" in json.loads(conn.execute("SELECT regions FROM articles WHERE id = ?",
                                                   (r["article_id"],)).fetchone()[0])
    yes = rows(q="减负", label="1")
    assert yes and all(r["is_burden_reduction"] == 1 for r in yes) and len(yes) < len(every)
    dated = rows(q="减负", since="2024-06-01", until="2024-06-30")
    assert dated and all("2024-06-01" <= r["date"] <= "2024-06-30" for r in dated)
    assert {r["site"] for r in rows(q="减负", site="zhengfu")} == {"青海政务网（演示）"}


def test_archived_original_is_sanitised_under_csp(datasette, conn):
    article = conn.execute("SELECT id FROM articles WHERE page_id IS NOT NULL LIMIT 1").fetchone()[0]
    status, headers, body = fetch(datasette, f"/-/original/archive/{article}")
    assert status == 200
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    assert b"<script" not in body.lower()
    _, _, page = fetch(datasette, f"/archive/articles/{article}")
    assert b'sandbox=""' in page and b"allow-scripts" not in page


def test_csv_starts_with_a_bom(datasette):
    for path in ("/archive/articles.csv", "/archive/latest_burden_reduction.csv"):
        _, _, raw = fetch(datasette, path, _size="max")
        assert raw.startswith(b"\xef\xbb\xbf"), path
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) > 5 and rows[0][0] in ("id", "article_id")
    _, _, streamed = fetch(datasette, "/archive/articles.csv", _stream="on", _dl="1")
    assert streamed.startswith(b"\xef\xbb\xbf") and streamed.count(b"\xef\xbb\xbf") == 1


def test_atom_feeds(datasette, conn):
    _, headers, raw = fetch(datasette, "/archive/feed_burden_reduction.atom")
    feed = ET.fromstring(raw)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    expected = [r[0] for r in conn.execute("SELECT title FROM articles WHERE is_burden_reduction = 1")]
    assert sorted(titles) == sorted(expected) and len(expected) >= 10
    _, _, raw = fetch(datasette, "/archive/search_feed.atom", q="一票否决")
    entries = list(ET.fromstring(raw).iter(f"{ATOM}entry"))
    assert len(entries) == len(like(conn, "一票否决"))
    _, _, raw = fetch(datasette, "/archive/search_feed.atom", q="不会出现的检索词语")
    assert list(ET.fromstring(raw).iter(f"{ATOM}entry")) == []  # still a valid feed


def test_charts_count_stories_on_a_continuous_month_axis(datasette, conn):
    _, _, raw = fetch(datasette, "/archive/stories_per_month.json", _shape="array")
    months = json.loads(raw)
    stories = conn.execute("SELECT count(DISTINCT story_id) FROM articles WHERE is_burden_reduction = 1 "
                           "AND month IS NOT NULL").fetchone()[0]
    reprinted = conn.execute("SELECT count(*) FROM articles WHERE is_burden_reduction = 1").fetchone()[0]
    assert sum(m["stories"] for m in months) == stories < reprinted  # reprints count once
    keys = [m["month"][:7] for m in months]
    first, last = keys[0], keys[-1]
    y, mo, expect = int(first[:4]), int(first[5:7]), []
    while f"{y}-{mo:02d}" <= last:
        expect.append(f"{y}-{mo:02d}")
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    assert keys == expect and any(m["stories"] == 0 for m in months)  # empty months kept
    _, _, raw = fetch(datasette, "/archive/topics.json", _shape="array")
    per_topic = {r["topic"]: r["stories"] for r in json.loads(raw)}
    multi = conn.execute("SELECT count(DISTINCT story_id) FROM articles a, json_each(a.topics) t "
                         "WHERE a.is_burden_reduction = 1 AND t.value = '一票否决/责任状/属地管理'").fetchone()[0]
    assert per_topic["一票否决/责任状/属地管理"] == multi


def test_article_links_follow_foreign_keys(datasette, conn):
    _, _, raw = fetch(datasette, "/archive/articles.json", _shape="array", _labels="on", _size="5")
    row = json.loads(raw)[0]
    assert isinstance(row["site"], dict) and row["site"]["label"].endswith("（演示）")
    assert isinstance(row["story_id"], dict)


def test_older_archive_gains_foreign_keys(tmp_path):
    path = tmp_path / "old.db"
    Archive(path).close()
    import sqlite_utils
    db = sqlite_utils.Database(path)  # back to the articles table archives had before the change
    db["articles"].transform(drop_foreign_keys=["story_id", "site"])
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_article_foreign_keys'")
    db.execute("INSERT INTO articles (url, canonical_url, site, title, body, story_id) "
               "VALUES ('u', 'u', 'xinwen', 't', 'b', 1)")
    db.conn.commit()
    assert {fk.column for fk in db["articles"].foreign_keys} == {"page_id", "first_seen_run"}
    db.close()
    archive = Archive(path)
    try:
        fks = {(fk.column, fk.other_table, fk.other_column) for fk in archive.db["articles"].foreign_keys}
        assert {("story_id", "stories", "id"), ("site", "sites", "name")} <= fks
        assert archive.conn.execute("SELECT title FROM articles").fetchall() == [("t",)]
        triggers = {r[0] for r in archive.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert len(triggers) == 3  # the change log follows the rebuilt table
        assert "articles_story" in {r[1] for r in archive.conn.execute("PRAGMA index_list(articles)")}
    finally:
        archive.close()


def test_export_command(crawled, tmp_path):
    db = crawled[0]

    def export(*args):
        out = tmp_path / "out"
        proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "export", "--db", str(db), "--out", str(out),
                               *args], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return out.read_bytes()

    with sqlite3.connect(db) as c:
        total = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        since = c.execute("SELECT count(*) FROM articles WHERE published_at >= '2024-06-01'").fetchone()[0]
        either = {r[0] for r in c.execute("SELECT id FROM articles WHERE body LIKE '%文山会海%' OR "
                                          "title LIKE '%文山会海%' OR body LIKE '%一票否决%' OR title LIKE '%一票否决%'")}
    lines = export("--format", "jsonl").decode().splitlines()
    assert len(lines) == total and json.loads(lines[0])["topics"] is not None
    raw = export("--format", "csv", "--since", "2024-06-01")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))) == since
    found = {json.loads(x)["id"] for x in export("--search", "文山会海 OR 一票否决").decode().splitlines()}
    assert found == either
    bad = subprocess.run([sys.executable, "-m", "pipelines.cli", "export", "--db", str(db), "--since", "2024-13-01"],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
