"""The one processing chain (`pipelines.stages.process_page`) and the bugs it fixed: the crawl
and `jianfu reprocess` disagreeing (site rules, the URL after redirects), a mobile URL of an
archived article fetched again, a skip check that wrote, and each article row read twice.

Real SQLite files, real extraction and classification, real Scrapy middleware objects
(`scrapy.utils.test.get_crawler`)."""

from __future__ import annotations

import dataclasses

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.middlewares import SkipArchivedMiddleware
from crawler.sites import Site, load_sites
from crawler.spiders.news import NewsSpider
from pipelines import stages
from pipelines.archive import Archive
from pipelines.cli import reprocess
from pipelines.errors import Rejected, Rejection
from pipelines.kinds import Outcome, RequestKind, Stage

SEEDS = """
[sites.hekou]
display_name = "河口新闻网"
region = "云南省"
lists = ["http://www.hekou.test/list/"]
article_allow = ['/news/\\d+\\.html$']
mobile_hosts = {"m.hekou.test" = "www.hekou.test"}
"""

PARAGRAPHS = [
    "河口县近日召开会议，宣布全县督查检查考核事项由去年的四十二项压减为十一项，凡是能够线上查阅的材料一律不再要求重复报送。",
    "县委办公室负责人说，今后各部门开到乡镇的会议一律合并召开，乡镇干部每月要填写的报表由三十多张减少到十张以内。",
    "多名村干部表示，过去一周有三天在迎接检查，如今可以把更多时间用在走村入户、为群众办实事上。",
]


def html(original_href: str = "") -> bytes:
    link = f'<p>原文链接：<a href="{original_href}">查看原文</a></p>' if original_href else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head><title>河口县压减督查检查考核事项</title></head><body>"
            f"<h1>河口县压减督查检查考核事项</h1><p>发布时间：2024-05-08 10:30　来源：河口日报</p>"
            f"<div class='content'>{paragraphs}</div>{link}</body></html>").encode()


def fetched(url: str, response_url: str = "", body: bytes | None = None, status: int = 200) -> dict:
    return {"url": url, "response_url": response_url or url, "site": "hekou", "status": status,
            "headers": {"content-type": "text/html; charset=utf-8"}, "body": html() if body is None else body,
            "fetched_at": "2024-05-09T08:00:00+08:00", "found_via": "list", "kind": RequestKind.ARTICLE}


@pytest.fixture()
def site(tmp_path) -> Site:
    path = tmp_path / "seeds.toml"
    path.write_text(SEEDS, encoding="utf-8")
    return load_sites(path)["hekou"]


@pytest.fixture()
def archive(tmp_path, site):
    a = Archive(tmp_path / "archive.db")
    a.save_sites([site.as_config()])
    yield a
    a.close()


def test_process_page_is_an_article_with_its_keys_or_a_rejection(site):
    done = stages.process_page(fetched("http://m.hekou.test/news/1.html?from=timeline#top"), site)
    assert done.rejection is None and done.article["outlet"] == "河口日报"
    assert done.verdict["is_burden_reduction"] is True
    # the site's mobile host is folded, the tracking parameter and the fragment dropped
    assert done.keys.canonical_url == "http://www.hekou.test/news/1.html"
    assert done.keys.body_hash == stages.dedupe.body_hash(done.article["body"])
    refused = stages.process_page(fetched("http://www.hekou.test/news/2.html", status=404), site)
    assert (refused.article, refused.rejection) == (None, Rejection(Stage.FETCH, "http_404", "server answered HTTP 404"))
    assert refused.rejection.to_row() == {"stage": "fetch", "reason": "http_404", "detail": "server answered HTTP 404"}
    empty = stages.process_page(fetched("http://www.hekou.test/news/3.html", body=b"<html><body></body></html>"), site)
    assert (empty.rejection.stage, empty.rejection.reason) == ("extract", "empty_body")


def test_a_rejection_survives_the_item_round_trip():
    """`dataclasses.asdict(item)` turns the spider's Rejection into its row; the chain reads it back."""
    from crawler.items import PageItem

    item = PageItem(url="http://www.hekou.test/news/9.html", site="hekou", status=0,
                    rejection=Rejection(Stage.FETCH, "private_address", "points at 127.0.0.1"))
    done = stages.process_page(dataclasses.asdict(item))
    assert done.rejection == Rejection(Stage.FETCH, "private_address", "points at 127.0.0.1")
    exc = Rejected("decode", "not_text", "binary")
    assert exc.rejection.to_row() == {"stage": "decode", "reason": "not_text", "detail": "binary"}
    with pytest.raises(ValueError):
        Rejected("nowhere", "x")  # stages are a closed set


def test_a_mobile_url_of_an_archived_article_is_known_without_a_write(archive, site):
    run = archive.start_run("seeds.toml", ["hekou"])
    desktop = "http://www.hekou.test/news/1.html"
    assert archive.store(stages.process_page(fetched(desktop), site), run) == Outcome.ARTICLE
    mobile = "http://m.hekou.test/news/1.html"
    changes = archive.conn.total_changes
    assert archive.is_fetched(mobile, canonical=site.canonical(mobile))
    assert archive.conn.total_changes == changes  # the skip check reads only
    assert not archive.is_fetched(mobile)  # without the site's rules it is another URL
    # recording the new spelling is its own, explicit step
    assert archive.add_alias(mobile, site.canonical(mobile), run)
    assert archive.db["article_urls"].get(mobile)["canonical_url"] == desktop


def test_the_crawl_skips_a_mobile_link_to_an_archived_article(archive, site, tmp_path):
    run = archive.start_run("seeds.toml", ["hekou"])
    archive.store(stages.process_page(fetched("http://www.hekou.test/news/1.html"), site), run)
    archive.finish_run(run, {})
    seeds = tmp_path / "seeds.toml"
    crawler = get_crawler(NewsSpider, {"ARCHIVE_DB": archive.path})
    crawler.spider = crawler._create_spider(seeds=str(seeds))
    middleware = SkipArchivedMiddleware.from_crawler(crawler)
    meta = {"kind": RequestKind.ARTICLE, "site": "hekou", "found_via": "list"}
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("http://m.hekou.test/news/1.html", meta=meta))
    assert middleware.process_request(Request("http://m.hekou.test/news/2.html", meta=meta)) is None
    assert crawler.stats.get_value("jianfu/skipped_archived") == 1
    crawler.jianfu_archive.close()
    # the mobile spelling is now one of the article's URLs
    assert archive.db["article_urls"].get("http://m.hekou.test/news/1.html")["article_id"] == 1


def test_a_mobile_page_stored_keys_its_urls_under_the_sites_rules(archive, site):
    run = archive.start_run("seeds.toml", ["hekou"])
    assert archive.store(stages.process_page(fetched("http://m.hekou.test/news/1.html"), site), run) == "article"
    assert archive.db["article_urls"].get("http://m.hekou.test/news/1.html")["canonical_url"] == \
        "http://www.hekou.test/news/1.html"
    # the desktop page of the same article, fetched later, is that article
    assert archive.store(stages.process_page(fetched("http://www.hekou.test/news/1.html"), site), run) == "duplicate"
    assert archive.db["articles"].count == 1


def test_reprocess_treats_a_stored_page_as_the_crawl_did(archive, site):
    """A redirected page's relative 原文链接 resolves against the URL the page came from, in the
    crawl and in `jianfu reprocess` alike (re-processing used to resolve it against the link)."""
    run = archive.start_run("seeds.toml", ["hekou"])
    page = fetched("http://www.hekou.test/news/1.html", response_url="http://www.hekou.test/2024/05/1.html",
                   body=html(original_href="../source/88.html"))
    assert archive.store(stages.process_page(page, site), run) == Outcome.ARTICLE
    archive.finish_run(run, {})
    (before,) = archive.db["articles"].rows
    assert before["original_url"] == "http://www.hekou.test/2024/source/88.html"
    counts = reprocess(archive, progress=open("/dev/null", "w"))
    (after,) = archive.db["articles"].rows
    assert (counts["articles"], counts["text_changed"], counts["extract_failed"]) == (1, 0, 0)
    assert {k: after[k] for k in ("title", "body", "original_url", "outlet", "published_at", "body_hash")} == \
        {k: before[k] for k in ("title", "body", "original_url", "outlet", "published_at", "body_hash")}


def test_reprocess_reads_each_article_once(archive, site):
    run = archive.start_run("seeds.toml", ["hekou"])
    for i in range(3):
        body = html().replace("四十二项".encode(), f"{40 + i}项".encode())
        archive.store(stages.process_page(fetched(f"http://www.hekou.test/news/{i}.html", body=body), site), run)
    archive.finish_run(run, {})
    statements = []
    archive.conn.set_trace_callback(statements.append)
    try:
        counts = reprocess(archive, progress=open("/dev/null", "w"))
    finally:
        archive.conn.set_trace_callback(None)
    assert counts["articles"] == 3
    single_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")
                    and "FROM ARTICLES WHERE ID" in " ".join(s.upper().split())]
    assert single_reads == []
