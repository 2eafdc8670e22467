"""Scrapy's feed exports write the archived articles: `scrapy crawl news -O x.jsonl -O x.csv` on
the demo web (GBK site included), parsed back."""

import csv
import json
import sqlite3

import pytest

from crawler.demo import crawl, seeds_for
from pipelines.dedupe import canonical_url

FIELDS = {"article_id", "story_id", "site", "url", "canonical_url", "title", "date", "outlet", "author",
          "label", "score", "topics", "regions", "body"}


@pytest.fixture(scope="module")
def exported(demo_web, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    seeds = seeds_for(demo_web.base_url, tmp)
    done = crawl(seeds, tmp / "archive.db", ["-O", str(tmp / "articles.jsonl"), "-O", str(tmp / "articles.csv")])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "not JSON serializable" not in done.stderr
    rows = [json.loads(line) for line in (tmp / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(tmp / "articles.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    return rows, table, tmp / "archive.db"


def test_jsonl_holds_every_article_once_as_archived(exported, demo_web, manifest):
    rows, _, db = exported
    assert all(set(r) == FIELDS for r in rows)
    assert len({r["article_id"] for r in rows}) == len(rows) == len(manifest["articles"])
    by_url = {r["canonical_url"]: r for r in rows}
    with sqlite3.connect(db) as c:
        archived = {i: (s, t) for i, s, t in c.execute("SELECT id, story_id, title FROM articles")}
    for item in manifest["articles"]:
        row = by_url[canonical_url(demo_web.base_url + item["path"])]
        assert row["title"] == item["title"] and row["date"][:16].replace("T", " ") == item["date"]
        assert row["label"] is item["is_burden_reduction"]
        assert archived[row["article_id"]] == (row["story_id"], row["title"])
        assert "<" not in row["body"] and item["body"][0][:12] in row["body"]
    reprints = [r for r in rows if r["story_id"] != r["article_id"]]
    assert reprints  # a reprint carries its original's story id


def test_csv_has_the_same_articles_and_intact_gbk_text(exported, demo_web, manifest):
    rows, table, _ = exported
    assert {int(r["article_id"]) for r in table} == {r["article_id"] for r in rows}
    gbk = manifest["gb18030_page"]["path"]
    row = next(r for r in table if r["canonical_url"] == canonical_url(demo_web.base_url + gbk))
    assert "互助土族自治县" in row["body"] and "\ufffd" not in row["body"]
    for item in (a for a in manifest["articles"] if a["gbk"]):
        r = next(r for r in table if r["canonical_url"] == canonical_url(demo_web.base_url + item["path"]))
        assert r["title"] == item["title"] and r["outlet"] == item["outlet"]
    assert not any("<html" in v or "b'" in v for r in table for v in r.values())
