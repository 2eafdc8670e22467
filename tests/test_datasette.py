"""The archive in Datasette, started with the README's own command and queried over HTTP."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

from pipelines.archive import Archive


def get(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def search_titles(base, q):
    status, rows = get(base, "/archive/articles.json", _search=q, _shape="array", _col="title", _size="max")
    assert status == 200, rows
    return rows


def texts(conn, ids):
    return {r["id"]: (r["title"] or "") + (r["body"] or "")
            for r in conn.execute(f"SELECT id, title, body FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)}


def test_two_character_words_are_found(datasette, conn):
    for q in ("减负", "基层"):
        rows = search_titles(datasette, q)
        assert len(rows) >= 5, q
        assert all(q in t for t in texts(conn, [r["id"] for r in rows]).values()), q
        every = [r[0] for r in conn.execute("SELECT id FROM articles WHERE title LIKE ? OR body LIKE ?",
                                             (f"%{q}%", f"%{q}%"))]
        assert {r["id"] for r in rows} == set(every), q


def test_unspaced_phrases_and_several_words(datasette, conn):
    for q in ("基层减负", "一票否决", "指尖上的形式主义", "基层 干部 台账"):
        rows = search_titles(datasette, q)
        assert rows, q
        words = {"基层减负": ["基层", "减负"], "一票否决": ["一票否决"], "指尖上的形式主义": ["指尖", "形式主义"],
                 "基层 干部 台账": ["基层", "干部", "台账"]}[q]
        for text in texts(conn, [r["id"] for r in rows]).values():
            assert all(w in text for w in words), q
    phrase = [r[0] for r in conn.execute("SELECT id FROM articles WHERE body LIKE '%一票否决%'")]
    assert {r["id"] for r in search_titles(datasette, "一票否决")} == set(phrase)


def test_boilerplate_words_find_nothing(datasette, manifest):
    # headlines of the hot-news boxes are on many raw pages, never in an article
    for q in ("夏粮收购", "热点推荐", "网友评论", "免责声明"):
        assert search_titles(datasette, q) == [], q


def test_canned_search_is_ranked(datasette):
    status, rows = get(datasette, "/archive/search.json", q="基层减负", _shape="array")
    assert status == 200 and len(rows) >= 3
    assert "基层减负" in rows[0]["title"]  # a title hit outranks body-only hits
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))  # a rank, not a bm25 number
    assert all("<mark>" in r["snippet"] for r in rows if "基层减负" in r["snippet"].replace("<mark>", "").replace("</mark>", ""))


def test_table_config_facets_sort_and_hidden_tables(datasette):
    status, data = get(datasette, "/archive/articles.json", _size=50)
    assert status == 200
    dates = [row[data["columns"].index("published_at")] for row in data["rows"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert {"site", "outlet", "month", "is_burden_reduction", "topics", "regions"} <= set(data["facet_results"])
    _, db = get(datasette, "/archive.json")
    hidden = {t["name"] for t in db["tables"] if t["hidden"]}
    assert {"pages", "dedupe_bands", "dedupe_texts", "dedupe_meta", "_sqlite_migrations", "articles_fts",
            "articles_fts_changes"} <= hidden
    visible = {t["name"] for t in db["tables"] if not t["hidden"]}
    assert {"articles", "stories", "rejections", "runs", "sites", "article_urls"} <= visible


def test_canned_queries(datasette):
    def rows(name, **params):
        status, data = get(datasette, f"/archive/{name}.json", _shape="array", **params)
        assert status == 200, data
        return data

    latest = rows("latest_burden_reduction")
    assert latest and [r["published_at"] for r in latest] == sorted((r["published_at"] for r in latest), reverse=True)
    clusters = rows("reprint_clusters")
    assert len(clusters) == 2 and all(r["size"] == 2 and len(json.loads(r["sites"])) == 2 for r in clusters)
    assert all(r["lag_days"] is not None and r["lag_days"] >= 0 for r in clusters)
    topics = rows("monthly_by_topic")
    assert {"文山会海", "督查检查考核", "指尖上的形式主义"} <= {r["topic"] for r in topics if r["stories"]}
    provinces = rows("monthly_by_province")
    assert "青海省" in {r["province"] for r in provinces if r["stories"]}
    assert all(re.search(r"(省|自治区|市)$", r["province"]) for r in provinces)
    health = rows("site_health")
    assert {r["site"] for r in health} == {"xinwen", "zhengfu", "luntan", "kuaizhao"}
    zhengfu = next(r for r in health if r["site"] == "zhengfu" and r["run_id"] == 1)
    assert zhengfu["rejected"] == 1 and 0 < zhengfu["rejection_rate_pct"] < 100 and zhengfu["empty_body"] == 1
    assert zhengfu["responses_ok"] > 0 and zhengfu["alerts"] is None
    second = next(r for r in health if r["site"] == "zhengfu" and r["run_id"] == 2)
    assert second["pages"] == 0 and second["rejection_rate_pct"] is None
    assert rows("site_alerts") == []  # a healthy demo crawl raises none


def test_visitors_cannot_write(datasette):
    status, data = get(datasette, "/archive.json", sql="delete from articles")
    assert status == 400 and "SELECT" in json.dumps(data)


def test_serving_while_a_crawl_writes(crawled, tmp_path):
    """WAL, not immutable: a write during serving succeeds and is visible to the next query.

    On its own copy and its own server, so the article it adds is in no other test's archive
    (the other tests may run in any order)."""
    import sqlite3

    from tests.conftest import serve_archive

    served_db = tmp_path / "archive.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(served_db) as dst:
        src.backup(dst)
    with serve_archive(served_db) as datasette:
        _write_while_serving(datasette, served_db)


def _write_while_serving(datasette, served_db):
    archive = Archive(served_db)
    run = archive.start_run("live-write", [])
    body = "测试写入：巴塘县建立村级事项准入清单，未经审核的事项不得交给村里，村干部从迎检台账中解脱出来。" * 2
    page = {"url": "http://127.0.0.1:9/live/1.html", "site": "xinwen", "status": 200, "headers": {},
            "body": b"<html></html>", "fetched_at": "2024-08-01T09:00:00+08:00",
            "article": {"title": "巴塘县推行村级事项准入", "body": body, "date": "2024-08-01T09:00:00+08:00",
                        "encoding": "utf-8"},
            "verdict": {"is_burden_reduction": True, "score": 0.9}}
    assert search_titles(datasette, "巴塘县") == []
    try:
        assert archive.store_page(page, run) == "article"
        assert [r["title"] for r in search_titles(datasette, "巴塘县")] == ["巴塘县推行村级事项准入"]
        assert api_facets(datasette) == sql_facets(served_db)  # the facet store saw the insert too
    finally:
        archive.close()


def sql_facets(db_path, where="1", params=(), columns=("site", "outlet", "month", "is_burden_reduction"),
               arrays=("topics", "regions")):
    """Facet counts computed the slow, obvious way, in Datasette's order (count desc, value)."""
    import sqlite3
    c = sqlite3.connect(db_path)
    out = {}
    for col in columns:
        out[col] = [list(r) for r in c.execute(
            f"SELECT {col}, count(*) AS n FROM articles WHERE {col} IS NOT NULL AND {where} "
            f"GROUP BY {col} ORDER BY n DESC, {col} LIMIT 30", params)]
    for col in arrays:
        out[col] = [list(r) for r in c.execute(
            f"SELECT j.value, count(DISTINCT a.id) AS n FROM (SELECT * FROM articles WHERE {where}) a, "
            f"json_each(a.{col}) j GROUP BY j.value ORDER BY n DESC, j.value LIMIT 30", params)]
    c.close()
    return out


def api_facets(base, **params):
    status, data = get(base, "/archive/articles.json", _size=1, **params)
    assert status == 200, data
    return {name: [[r["value"], r["count"]] for r in f["results"]] for name, f in data["facet_results"].items()}


def test_facet_counts_match_sql(datasette, served_db):
    """The in-memory facet store gives the counts SQL gives: whole table, a broad search, a narrow
    search, a search plus a filter, and a facet asked for in the URL."""
    from pipelines.search import fts_query
    fts = "id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
    assert api_facets(datasette) == sql_facets(served_db)
    for q in ("基层", "减负", "一票否决"):
        got = api_facets(datasette, _search=q)
        assert got == sql_facets(served_db, fts, (fts_query(q),)), q
        assert sum(n for _, n in got["site"]) > 0, q
    got = api_facets(datasette, _search="减负", site="xinwen")
    assert got == sql_facets(served_db, f"{fts} AND site = 'xinwen'", (fts_query("减负"),))
    authors = api_facets(datasette, _facet="author")["author"]
    assert authors == sql_facets(served_db, columns=("author",), arrays=())["author"] and authors


def test_facets_follow_writes(datasette, served_db):
    """The store replays the change log: an edited label shows in the next facet counts."""
    import sqlite3
    before = dict(map(tuple, api_facets(datasette)["topics"]))
    with sqlite3.connect(served_db) as c:
        c.execute("PRAGMA busy_timeout = 10000")
        target = c.execute("SELECT id, topics FROM articles ORDER BY id LIMIT 1").fetchone()
        c.execute("UPDATE articles SET topics = ? WHERE id = ?",
                  (json.dumps(json.loads(target[1] or "[]") + ["测试专题"], ensure_ascii=False), target[0]))
    try:
        after = dict(map(tuple, api_facets(datasette)["topics"]))
        assert after.get("测试专题") == 1 and before.get("测试专题") is None
        assert api_facets(datasette) == sql_facets(served_db)
    finally:
        with sqlite3.connect(served_db) as c:
            c.execute("UPDATE articles SET topics = ? WHERE id = ?", (target[1], target[0]))
    assert "测试专题" not in dict(map(tuple, api_facets(datasette)["topics"]))
