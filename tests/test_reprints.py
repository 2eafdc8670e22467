"""The reprint graph over the demo web, checked against its manifest: each story's articles in
publication order with outlet, site and lag (`story_articles`), who reprints whom (`reprints`),
and the local stories a national site picked up (`pipelines.reprints`), in SQLite and in
Datasette over HTTP."""

from __future__ import annotations

import sqlite3
import statistics
from datetime import datetime

from pipelines import reprints
from pipelines.reprints import COUNTY, NATIONAL, PREFECTURE, PROVINCE, outlet_level, place_level, site_level
from tests.test_datasette import get


def _hours(a: str, b: str) -> float:
    fmt = "%Y-%m-%d %H:%M"
    return round((datetime.strptime(b, fmt) - datetime.strptime(a, fmt)).total_seconds() / 3600, 1)


def _article_id(conn, path):
    return conn.execute("SELECT article_id FROM article_urls WHERE url LIKE ?", ("%" + path,)).fetchone()[0]


def test_outlet_levels():
    assert place_level("海东市人民政府") == PREFECTURE
    assert place_level("玉树州人民政府") == PREFECTURE
    assert place_level("大通县人民政府") == COUNTY           # 大通回族土族自治县, by its short name
    assert place_level("中共湟源县委组织部") == COUNTY
    assert place_level("中共青海省委组织部") == PROVINCE
    assert place_level("北京市委宣传部") == PROVINCE          # a municipality is provincial
    assert place_level("云溪县融媒体中心") == COUNTY          # not in the gazetteer: by its suffix
    assert place_level("人民日报") is None and place_level("光明网理论频道社区") is None
    # an outlet naming no place has its site's level; 全国 in the seeds is a national site
    assert outlet_level("新闻在线", "全国") == NATIONAL and site_level("全国") == NATIONAL
    assert outlet_level("新闻在线", "青海省") == PROVINCE and outlet_level(None, None) is None


def expected_graph(manifest):
    """From the manifest alone: for each reprint, (original path, its outlet, reprint path,
    reprint site, lag in hours)."""
    by_path = {a["path"]: a for a in manifest["articles"]}
    out = []
    for a in manifest["articles"]:
        if a["reprint_of"]:
            original = by_path[a["reprint_of"]]
            out.append((original["path"], original["outlet"], a["path"], a["site"], _hours(original["date"], a["date"])))
    assert out, "the demo web has reprints"
    return out


def test_story_articles_follow_the_manifest(crawled, manifest):
    conn = sqlite3.connect(crawled[0])
    for original, outlet, reprint, site, lag in expected_graph(manifest):
        o, r = _article_id(conn, original), _article_id(conn, reprint)
        rows = {row[1]: row for row in conn.execute(
            "SELECT story_id, article_id, position, outlet, site, lag_hours, story_size FROM story_articles "
            "WHERE story_id = (SELECT story_id FROM articles WHERE id = ?)", (o,))}
        assert set(rows) == {o, r}  # one story: the original and its reprint, nothing else
        assert (rows[o][2], rows[o][3], rows[o][5]) == (1, outlet, 0)
        assert (rows[r][2], rows[r][4], rows[r][5]) == (2, site, lag)
    # an article that nobody reprinted is position 1 of a story of one
    alone = _article_id(conn, "/xinwen/2024/0508/xw101.html")
    assert conn.execute("SELECT position, story_size, lag_hours FROM story_articles WHERE article_id = ?",
                        (alone,)).fetchone() == (1, 1, 0)


def test_reprints_view_counts_and_median_lag(crawled, manifest):
    conn = sqlite3.connect(crawled[0])
    expected: dict[tuple, list[float]] = {}
    for _, outlet, _, site, lag in expected_graph(manifest):
        expected.setdefault((outlet, site), []).append(lag)
    got = {(r[0], r[1]): (r[2], r[3]) for r in conn.execute(
        "SELECT source_outlet, reprint_site, reprints, median_lag_hours FROM reprints")}
    assert got == {k: (len(v), round(statistics.median(v), 1)) for k, v in expected.items()}


def test_picked_up_local_stories(crawled, manifest):
    conn = sqlite3.connect(crawled[0])
    regions = dict(conn.execute("SELECT name, region FROM sites"))
    expected = {}
    for original, outlet, _, site, lag in expected_graph(manifest):
        first_site = next(a["site"] for a in manifest["articles"] if a["path"] == original)
        if outlet_level(outlet, regions[first_site]) in (COUNTY, PREFECTURE) and regions[site] == "全国":
            story = conn.execute("SELECT story_id FROM articles WHERE id = ?", (_article_id(conn, original),)).fetchone()[0]
            expected[story] = (outlet, [site], lag)
    # the demo: 海东市人民政府's story (a prefecture outlet) was carried by the national snapshot site;
    # 新闻在线's own story, carried by the same site, was national from the start
    assert [v[0] for v in expected.values()] == ["海东市人民政府"]
    got = reprints.picked_up(conn)
    assert {k: (v["source_outlet"], v["national_sites"], v["lag_hours"]) for k, v in got.items()} == expected
    assert reprints.story_timeline(conn, next(iter(got)))[0]["outlet_level"] == PREFECTURE


def test_reprint_graph_in_datasette(datasette, served_db):
    conn = sqlite3.connect(served_db)
    expected = reprints.picked_up(conn)
    status, rows = get(datasette, "/archive/picked_up.json", _shape="array")
    assert status == 200
    assert {r["story_id"]: (r["source_outlet"], r["source_level"]) for r in rows} == \
        {k: (v["source_outlet"], v["source_level"]) for k, v in expected.items()}
    story = next(iter(expected))
    status, rows = get(datasette, "/archive/story_timeline.json", story_id=story, _shape="array")
    assert status == 200 and [r["position"] for r in rows] == [1, 2]
    assert rows[0]["outlet_level"] == PREFECTURE and rows[1]["site_level"] == NATIONAL
    assert rows[1]["lag_hours"] > 0
    status, rows = get(datasette, "/archive/reprints_chart.json", _shape="array")
    assert status == 200 and sum(r["reprints"] for r in rows) == \
        conn.execute("SELECT count(*) FROM story_articles WHERE position > 1").fetchone()[0]
    status, data = get(datasette, "/archive/reprints.json", _shape="array")
    assert status == 200 and data
