"""Discovery: a site given only its home page is crawled completely, lists never stored as articles.

Unit tests of the plain functions in crawler/discovery.py on real URL shapes and on the demo
web's own pages, then a real crawl of the demo site that has no rules (seeds/demo-discovery.toml).
"""

import json
import sqlite3

import pytest

from crawler import discovery
from crawler.demo import DISCOVERY_SEEDS, crawl, seeds_for
from crawler.sites import load_sites
from demo_web import render

ARTICLE_URLS = [
    "http://politics.people.com.cn/n1/2024/0508/c1001-40231234.html",
    "https://www.ccdi.gov.cn/yaowenn/202405/t20240508_345678.html",
    "https://politics.gmw.cn/2024-05/08/content_37312345.htm",
    "http://www.news.cn/politics/20240508/0a1b2c3d4e5f60718293a4b5c6d7e8f9/c.html",
    "http://www.xinhuanet.com/politics/2019-03/11/c_1124219345.htm",
    "http://www.qinghai.gov.cn/xwdt/system/2024/05/08/010412345.shtml",
    "http://www.songzi100.com/thread-1234567-1-1.html",
    "https://www.zj.gov.cn/art/2024/5/8/art_1554467_60212345.html",
    "https://www.163.com/dy/article/J1ABCDEF05129QAF.html?id=123456",
    "http://www.example.gov.cn/news/show.aspx?id=98765",
    "http://blog.example.com/?p=1700",                       # WordPress post, not page 1700
    "http://blog.example.com/more.asp?name=abc&id=22546",    # an item id outweighs the script name
    "http://www.sohu.com/a/434365209_123753",                # long ids with no extension
    "http://www.bilibili.com/read/cv15249614",
]
LIST_URLS = [
    "http://zzxszy.people.cn/GB/458759/index2.html",
    "https://www.ccdi.gov.cn/yaowenn/index_3.html",
    "https://politics.gmw.cn/node_9844_2.htm",
    "http://www.news.cn/politics/",
    "http://www.qinghai.gov.cn/xwdt/index.shtml",
    "http://www.songzi100.com/forum-2-3.html",
    "http://www.example.cn/news/list.aspx?page=4",
]
OTHER_URLS = [
    "http://www.example.cn/about.html",
    "http://www.example.cn/login.php?id=12345",
    "http://www.example.cn/2024/0508/photo123456.jpg",
    "http://www.example.cn/uploads/2024/05/08/report.pdf",
    "http://www.example.cn/zhuanti/jianfu.html",
]


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_article_urls_by_shape(url):
    assert discovery.url_kind(url) == "article"


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_urls_by_shape(url):
    assert discovery.url_kind(url) == "list"


@pytest.mark.parametrize("url", OTHER_URLS)
def test_other_urls_say_nothing(url):
    assert discovery.url_kind(url) == "unknown"


def test_robots_sitemaps_and_feed_links():
    robots = "User-agent: *\nDisallow: /admin/\nSitemap: https://www.example.cn/sitemap_index.xml\n" \
             "sitemap: /news-sitemap.xml\nSitemap: https://www.example.cn/sitemap_index.xml\n"
    assert discovery.robots_sitemaps(robots, "https://www.example.cn/robots.txt") == [
        "https://www.example.cn/sitemap_index.xml", "https://www.example.cn/news-sitemap.xml"]
    html = ('<html><head><link rel="alternate" type="application/rss+xml" href="/rss/politics.xml">'
            '<link rel="alternate" type="application/atom+xml" href="https://www.example.cn/atom.xml">'
            '<link rel="alternate" hreflang="en" href="/en/"><link rel="stylesheet" href="/a.css"></head></html>')
    assert discovery.feed_links(html, "https://www.example.cn/") == [
        "https://www.example.cn/rss/politics.xml", "https://www.example.cn/atom.xml"]
    assert discovery.feed_links("", "https://www.example.cn/") == []


def test_sitemaps_feeds_and_news_sitemaps_are_read():
    base = "http://127.0.0.1:8765"
    children, pages = discovery.sitemap_entries(render.zhengfu_sitemap_index(base), base)
    assert children == [f"{base}/zhengfu/sitemap_2024.xml"] and pages == []
    children, pages = discovery.sitemap_entries(render.difang_news_sitemap(base), base)
    assert children == [] and pages == [f"{base}/difang/news/2024-06/12/content_50101.htm",
                                        f"{base}/difang/zwgk/t20240618_50102.html"]
    assert discovery.is_sitemap(render.difang_news_sitemap(base))
    rss = render.xinwen_rss()
    assert len(discovery.feed_entries(rss, base)) == len(render.site_articles("xinwen")) and discovery.is_feed(rss)
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/a/2024/0508/1.html"/></entry>'
            '<entry><link rel="alternate" href="http://x.cn/b/2.html"/></entry></feed>')
    assert discovery.feed_entries(atom, "http://x.cn/") == ["http://x.cn/a/2024/0508/1.html", "http://x.cn/b/2.html"]
    assert discovery.sitemap_entries(b"<html>not a sitemap", base) == ([], [])


def test_page_structure_tells_articles_from_lists(manifest):
    base = "http://127.0.0.1:8765"
    for item in manifest["articles"] + manifest["discovery"]["articles"]:
        status, text, _ = render.route(item["path"], base)
        assert discovery.page_kind(text, base + item["path"]) == "article", item["path"]
    for path in ("/xinwen/list/index.html", "/zhengfu/zwdt/index.html", "/kuaizhao/index.html", "/difang/", "/difang/news/", render.DIFANG_ZT):
        status, text, _ = render.route(path, base)
        assert discovery.page_kind(text, base + path) == "list", path
    assert discovery.page_kind(render.difang_about(), base + "/difang/about.html") == "other"
    assert discovery.page_kind("", base + "/x.html") == "other"


def test_home_only_entry_loads(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[sites.x]\ndisplay_name = "某县"\nregion = "浙江省"\nhome = "http://www.x.cn/county/"\n',
                    encoding="utf-8")
    site = load_sites(path)["x"]
    assert site.discovers and site.url_prefixes == ("http://www.x.cn/county/",)
    assert site.is_article_url("http://www.x.cn/county/2024/0508/12.html")
    assert not site.is_article_url("http://www.x.cn/other/2024/0508/12.html")  # not this site's
    assert site.is_list_url("http://www.x.cn/county/news/index_2.html")


@pytest.fixture(scope="module")
def discovered(demo_web, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discovery")
    seeds = seeds_for(demo_web.base_url, tmp, DISCOVERY_SEEDS)
    db = tmp / "archive.db"
    runs = [crawl(seeds, db), crawl(seeds, db)]
    for done in runs:
        assert done.returncode == 0, done.stderr[-3000:]
    c = sqlite3.connect(db)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


def test_site_without_rules_is_crawled_completely(discovered, demo_web, manifest):
    expected = manifest["discovery"]["articles"]
    rows = {r["url"]: r for r in discovered.execute(
        "SELECT u.url, a.title, a.published_at, a.outlet, a.site FROM article_urls u JOIN articles a ON a.id = u.article_id")}
    assert set(rows) == {demo_web.base_url + a["path"] for a in expected}
    for a in expected:
        row = rows[demo_web.base_url + a["path"]]
        assert (row["title"], row["published_at"][:16].replace("T", " "), row["outlet"], row["site"]) == \
               (a["title"], a["date"], a["outlet"], "difang")
    assert discovered.execute("SELECT count(*) FROM articles").fetchone()[0] == len(expected)


def test_no_navigation_page_is_stored(discovered, demo_web, manifest):
    nav = [demo_web.base_url + p for p in manifest["discovery"]["navigation"]]
    stored = {r[0] for r in discovered.execute("SELECT url FROM pages")}
    assert not stored & set(nav)
    assert discovered.execute("SELECT count(*) FROM rejections").fetchone()[0] == 0
    assert discovered.execute("SELECT count(*) FROM queue").fetchone()[0] == 0  # nothing left pending


def test_recrawl_of_discovered_site_adds_nothing(discovered):
    first, second = discovered.execute("SELECT * FROM runs ORDER BY id").fetchall()
    assert first["articles_new"] == 5 and (second["pages"], second["articles_new"]) == (0, 0)
    stats = json.loads(second["stats"])
    assert stats["jianfu/skipped_archived"] == 5
    # every request found its page: no probe of a guessed feed or sitemap path was needed
    assert json.loads(second["responses"]) == {"200": stats["downloader/request_count"]}
