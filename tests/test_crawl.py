"""Real Scrapy crawls the real demo web on 127.0.0.1; assertions are on the resulting archive.db."""

import json
import re
import sqlite3
from pathlib import Path

from crawler.demo import crawl, seeds_for
from pipelines.dedupe import canonical_url

ROOT = Path(__file__).resolve().parents[1]


def norm(text):
    return re.sub(r"\s+", "", text or "")


def article_by_path(conn, demo_web, path):
    url = canonical_url(demo_web.base_url + path)
    row = conn.execute(
        "SELECT a.* FROM article_urls u JOIN articles a ON a.id = u.article_id WHERE u.canonical_url = ?", (url,)
    ).fetchone()
    assert row is not None, f"no article archived for {path}"
    return row


def test_every_demo_article_is_archived_once(conn, demo_web, manifest):
    for item in manifest["articles"]:
        row = article_by_path(conn, demo_web, item["path"])
        assert row["title"] == item["title"], item["path"]
        assert row["published_at"][:16].replace("T", " ") == item["date"], item["path"]
    n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert n == len(manifest["articles"])


def test_bodies_are_complete_and_free_of_boilerplate(conn, demo_web, manifest):
    for item in manifest["articles"]:
        body = norm(article_by_path(conn, demo_web, item["path"])["body"])
        for paragraph in item["body"]:
            assert norm(paragraph) in body, (item["path"], paragraph[:20])
        for marker in manifest["boilerplate"]:
            assert marker not in body, (item["path"], marker)


def test_gbk_page_with_gb18030_only_character(conn, demo_web, manifest):
    page = manifest["gb18030_page"]
    row = article_by_path(conn, demo_web, page["path"])
    assert "互助土族自治县" in row["body"] and "\ufffd" not in row["body"]
    raw = conn.execute("SELECT headers, encoding FROM pages WHERE id = ?", (row["page_id"],)).fetchone()
    assert "gbk" in json.loads(raw["headers"])["content-type"]
    assert raw["encoding"].replace("-", "").lower() == "gb18030"
    # the rare character sits in the byline (撰稿), which is not body text but must survive decoding
    assert page["char"] == "䶮"
    assert row["author"] in (None, "马䶮") or "䶮" in (row["author"] or "")


def test_reprints_share_a_story_and_lookalikes_do_not(conn, demo_web, manifest):
    for item in manifest["articles"]:
        if item["reprint_of"]:
            reprint = article_by_path(conn, demo_web, item["path"])
            original = article_by_path(conn, demo_web, item["reprint_of"])
            assert reprint["id"] != original["id"]
            assert reprint["story_id"] == original["story_id"]
    for a, b in manifest["lookalikes"]:
        assert article_by_path(conn, demo_web, a)["story_id"] != article_by_path(conn, demo_web, b)["story_id"]
    story = conn.execute("SELECT * FROM stories WHERE size > 1 ORDER BY id LIMIT 1").fetchone()
    assert story is not None and len(json.loads(story["sites"])) == 2


def test_tracking_parameter_url_is_the_same_article(conn, demo_web, manifest):
    for tracked, plain in manifest["tracking_urls"].items():
        row = conn.execute("SELECT canonical_url, article_id FROM article_urls WHERE url = ?",
                           (demo_web.base_url + tracked,)).fetchone()
        assert row["canonical_url"] == demo_web.base_url + plain  # the feed's link, kept, folded
        assert conn.execute("SELECT count(*) FROM articles WHERE canonical_url = ?",
                            (demo_web.base_url + plain,)).fetchone()[0] == 1
        # the plain link from the list page was recognised as archived and never fetched twice
        both = conn.execute("SELECT DISTINCT article_id FROM article_urls WHERE url IN (?, ?)",
                            (demo_web.base_url + tracked, demo_web.base_url + plain)).fetchall()
        assert len(both) == 1
        # whichever spelling came second was recognised as archived and not fetched again
        fetched = conn.execute("SELECT count(*) FROM pages WHERE url IN (?, ?)",
                               (demo_web.base_url + tracked, demo_web.base_url + plain)).fetchone()[0]
        assert fetched == 1


def test_broken_pages_are_recorded_rejections(conn, demo_web, manifest):
    expected = {"http_404": ("fetch", "http_404"), "http_500": ("fetch", "http_500"),
                "empty_body": ("extract", "empty_body")}
    for path, kind in manifest["broken"].items():
        rows = conn.execute("SELECT stage, reason, detail, page_id FROM rejections WHERE url = ?",
                            (demo_web.base_url + path,)).fetchall()
        assert [(r["stage"], r["reason"]) for r in rows] == [expected[kind]], path
        assert rows[0]["detail"] and rows[0]["page_id"] is not None


def test_every_page_ends_as_article_or_rejection(conn):
    pages = conn.execute("SELECT id, outcome, article_id FROM pages").fetchall()
    rejected = {r[0] for r in conn.execute("SELECT page_id FROM rejections")}
    for p in pages:
        assert (p["outcome"] == "rejected") == (p["id"] in rejected)
        assert (p["outcome"] in ("article", "duplicate")) == (p["article_id"] is not None)


def test_robots_txt_is_obeyed_and_each_refusal_is_a_recorded_rejection(conn, demo_web, manifest):
    for path in manifest["robots_disallowed"]:
        url = demo_web.base_url + path
        # nothing came back (no request was sent), and the refusal is on record, not silently dropped
        pages = conn.execute("SELECT status, body_size, outcome FROM pages WHERE url = ?", (url,)).fetchall()
        assert [tuple(p) for p in pages] == [(0, 0, "rejected")], path
        got = conn.execute("SELECT stage || '/' || reason FROM rejections WHERE url = ?", (url,)).fetchall()
        assert [tuple(r) for r in got] == [("fetch/robots_disallowed",)], path
        assert conn.execute("SELECT count(*) FROM queue WHERE url = ?", (url,)).fetchone()[0] == 0


def test_labels_follow_the_meaning_of_jianfu(conn, demo_web, manifest):
    for item in manifest["articles"]:
        row = article_by_path(conn, demo_web, item["path"])
        assert bool(row["is_burden_reduction"]) == item["is_burden_reduction"], (item["path"], item["title"])
        if item["is_burden_reduction"]:
            assert json.loads(row["evidence"]), item["path"]


def test_recrawl_adds_nothing_and_requests_no_article(crawled, conn):
    runs = conn.execute("SELECT * FROM runs ORDER BY id").fetchall()
    assert len(runs) == 2
    first, second = runs
    assert first["articles_new"] > 0
    assert (second["pages"], second["articles_new"], second["duplicates"], second["rejections"]) == (0, 0, 0, 0)
    stats = json.loads(second["stats"])
    assert stats.get("jianfu/article_requests", 0) == 0
    assert stats["jianfu/skipped_archived"] >= first["pages"] - 1


def test_single_url_run_records_only_its_site(demo_web, manifest, tmp_path):
    seeds = seeds_for(demo_web.base_url, tmp_path)
    db = tmp_path / "archive.db"
    path = next(a["path"] for a in manifest["articles"] if a["site"] == "luntan")
    done = crawl(seeds, db, ["-a", f"url={demo_web.base_url}{path}"])
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT sites, articles_new FROM runs").fetchall() == [('["luntan"]', 1)]
        assert c.execute("SELECT site, pages, articles_new FROM run_sites").fetchall() == [("luntan", 1, 1)]


def test_single_url_is_named_after_the_seeds_site_it_matches(demo_web, manifest, tmp_path):
    """`-a url=` with another seeds file: the demo seeds beside it still name the site."""
    seeds_dir = tmp_path / "seeds"
    seeds_dir.mkdir()
    seeds_for(demo_web.base_url, seeds_dir)  # seeds/demo.toml for this port
    other = seeds_dir / "sites.toml"
    other.write_text((ROOT / "seeds" / "sites.toml").read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "archive.db"
    path = next(a["path"] for a in manifest["articles"] if a["site"] == "zhengfu")
    done = crawl(other, db, ["-a", f"url={demo_web.base_url}{path}"])
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT site FROM articles").fetchall() == [("zhengfu",)]
        assert c.execute("SELECT sites FROM runs").fetchall() == [('["zhengfu"]',)]
