"""Each middleware of the crawl on its own, in a real Scrapy crawler (`scrapy.utils.test.get_crawler`)
with the real `news` spider and a real archive file; whole crawls are in tests/test_crawl.py.

The robots.txt test holds Scrapy's download of robots.txt until several requests to the host
wait on it, which is when Scrapy 2.19's own middleware lets all but the first through.
"""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares import robotstxt
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares import (ArticleQueueMiddleware, RefusedAddress, RefusePrivateAddressesMiddleware,
                                 RobotsTxtMiddleware, SiteStatsMiddleware, SkipArchivedMiddleware)
from crawler.spiders.news import NewsSpider
from pipelines import stages
from pipelines.archive import Archive
from pipelines.kinds import RequestKind

SEEDS = """
[sites.hekou]
display_name = "河口新闻网"
region = "云南省"
lists = ["http://www.hekou.test/list/"]
article_allow = ['/news/\\d+\\.html$']
mobile_hosts = {"m.hekou.test" = "www.hekou.test"}

[sites.local]
display_name = "本机测试站"
region = "云南省"
lists = ["http://127.0.0.1:8765/list/"]
article_allow = ['/a/\\d+\\.html$']
"""


@pytest.fixture()
def crawler(tmp_path):
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(SEEDS, encoding="utf-8")
    crawler = get_crawler(NewsSpider, {"ARCHIVE_DB": str(tmp_path / "archive.db"), "ROBOTSTXT_OBEY": True})
    crawler.spider = crawler._create_spider(seeds=str(seeds))
    yield crawler
    if getattr(crawler, "jianfu_archive", None) is not None:
        crawler.jianfu_archive.close()


def article(url, site="hekou", **meta):
    return Request(url, meta={"kind": RequestKind.ARTICLE, "site": site, "found_via": "list", **meta})


def navigation(url, site="hekou"):
    return Request(url, meta={"kind": RequestKind.NAVIGATION, "site": site, "found_via": "list"})


def archived(crawler, url, status=200):
    """Store one page at `url` the way the crawl does."""
    from tests.test_stages import fetched

    archive = Archive(crawler.settings["ARCHIVE_DB"])
    run = archive.start_run("seeds.toml", ["hekou"])
    archive.store(stages.process_page(fetched(url, status=status), crawler.spider.sites["hekou"]), run)
    archive.finish_run(run, {})
    archive.close()


def test_skip_archived_skips_every_spelling_of_an_archived_article(crawler):
    archived(crawler, "http://www.hekou.test/news/1.html")
    archived(crawler, "http://www.hekou.test/news/2.html", status=404)
    mw = SkipArchivedMiddleware.from_crawler(crawler)
    for url in ("http://www.hekou.test/news/1.html", "http://www.hekou.test/news/1.html?utm_source=wx#top",
                "http://m.hekou.test/news/1.html", "http://www.hekou.test/news/2.html"):
        with pytest.raises(IgnoreRequest):
            mw.process_request(article(url))
    assert crawler.stats.get_value("jianfu/skipped_archived") == 4
    assert mw.process_request(article("http://www.hekou.test/news/3.html")) is None  # new
    assert mw.process_request(navigation("http://www.hekou.test/list/")) is None  # read every run
    assert mw.process_request(article("http://www.hekou.test/news/1.html", explicit=True)) is None  # -a url=


def test_a_redirect_to_an_archived_article_takes_the_linked_url_off_the_queue(crawler):
    """The queued URL is the one a list linked, the first of a redirect chain: when the chain
    ends at an archived article (or one being fetched), that URL leaves the queue with the
    target and is kept as one of the article's URLs; before, it stayed queued, was requested
    again every run and was finally given up as fetch/gave_up."""
    from crawler.middlewares import canonical_for, in_flight

    archived(crawler, "http://www.hekou.test/news/1.html")
    mw = SkipArchivedMiddleware.from_crawler(crawler)
    old, old_5 = "http://www.hekou.test/old/1.html", "http://www.hekou.test/old/5.html"
    for url in (old, old_5):
        mw.archive.enqueue(url, "hekou", "list", None)
    with pytest.raises(IgnoreRequest):
        mw.process_request(article("http://www.hekou.test/news/1.html", redirect_urls=[old]))
    assert crawl_queue(crawler) == [old_5]
    assert mw.archive.archived_article(old) == mw.archive.archived_article("http://www.hekou.test/news/1.html")
    # a chain ending at a page another request is fetching: both its URLs wait for that page
    assert mw.process_request(article("http://www.hekou.test/news/5.html")) is None
    with pytest.raises(IgnoreRequest):
        mw.process_request(article("http://www.hekou.test/news/5.html?utm_source=old", redirect_urls=[old_5]))
    assert in_flight(crawler).done(canonical_for(crawler, "http://www.hekou.test/news/5.html", "hekou")) == [
        old_5, "http://www.hekou.test/news/5.html?utm_source=old"]


def test_skip_archived_retries_rejected_pages_when_asked(crawler):
    archived(crawler, "http://www.hekou.test/news/2.html", status=500)
    crawler.settings.frozen = False
    crawler.settings.set("REFETCH_REJECTED", True)
    mw = SkipArchivedMiddleware.from_crawler(crawler)
    assert mw.process_request(article("http://www.hekou.test/news/2.html")) is None


def settled(coroutine):
    """The result of a middleware coroutine that decides without awaiting (IP literals, seeds
    hosts); host names are resolved on the crawl's reactor (tests/test_faults.py covers those)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the middleware waited for a resolver")


def test_private_addresses_are_refused_unless_the_seeds_start_there(crawler):
    mw = RefusePrivateAddressesMiddleware.from_crawler(crawler)
    for url in ("http://10.1.2.3/news/1.html", "http://169.254.169.254/latest/meta-data/",
                "http://localhost/admin", "http://[::1]/x", "http://127.0.0.1:9999/a/1.html"):
        with pytest.raises(RefusedAddress):
            settled(mw.process_request(article(url)))
    assert crawler.stats.get_value("jianfu/refused_private_address") == 5
    assert settled(mw.process_request(article("http://127.0.0.1:8765/a/1.html", site="local"))) is None  # seeds
    assert settled(mw.process_request(article("http://8.8.8.8/news/1.html"))) is None  # a public address


def test_the_queue_keeps_discovered_articles_that_are_not_archived(crawler):
    archived(crawler, "http://www.hekou.test/news/1.html")
    mw = ArticleQueueMiddleware.from_crawler(crawler)
    out = [navigation("http://www.hekou.test/list/2.html"), article("http://www.hekou.test/news/1.html"),
           article("http://m.hekou.test/news/1.html"), article("http://www.hekou.test/news/5.html"),
           article("http://www.hekou.test/news/6.html", explicit=True), {"an": "item"}]
    passed = list(mw.process_spider_output(TextResponse("http://www.hekou.test/list/", body=b""), out))
    assert passed == out  # every result goes on to the engine
    queued = crawl_queue(crawler)
    assert queued == ["http://www.hekou.test/news/5.html"]


def crawl_queue(crawler):
    return [r[0] for r in crawler.jianfu_archive.conn.execute("SELECT url FROM queue ORDER BY rowid")]


def test_site_stats_count_attempts_answers_and_failures_per_site(crawler):
    mw = SiteStatsMiddleware.from_crawler(crawler)
    ok, bad, lost, refused = (article(f"http://www.hekou.test/news/{i}.html") for i in range(4))
    for r in (ok, bad, lost, refused):
        mw.process_request(r)
    mw.process_response(ok, Response(ok.url, status=200))
    mw.process_response(bad, Response(bad.url, status=503))
    mw.process_exception(lost, TimeoutError("timed out"))
    mw.process_exception(refused, IgnoreRequest("robots.txt"))  # a decision, not a failure
    stat = crawler.stats.get_value
    assert [stat(f"jianfu/site/hekou/{k}") for k in ("requests", "responses_ok", "responses_error", "failures")] == \
        [4, 1, 1, 1]


ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class HeldEngine:
    """Stands in for Scrapy's engine in one call only: the robots.txt download, answered when
    the test releases it."""

    def __init__(self):
        self.release = asyncio.Event()
        self.downloads = []

    async def download_async(self, request):
        self.downloads.append(request.url)
        await self.release.wait()
        return TextResponse(request.url, body=ROBOTS, encoding="utf-8")


async def outcome(mw, request) -> str:
    try:
        await mw.process_request(request)
    except IgnoreRequest:
        return "refused"
    return "let through"


def waiting_requests(crawler, cls):
    """Three requests for forbidden pages on one host, all arriving before robots.txt is in."""

    async def run():
        crawler.engine = HeldEngine()
        mw = cls.from_crawler(crawler)
        waiting = [asyncio.ensure_future(outcome(mw, article(f"http://www.hekou.test/private/{i}.html")))
                   for i in range(3)]
        while len(crawler.engine.downloads) < 1 or not all(mw._parsers):  # all three are waiting
            await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert not any(w.done() for w in waiting) and len(crawler.engine.downloads) == 1  # one download
        crawler.engine.release.set()
        return list(await asyncio.gather(*waiting))

    return asyncio.run(run())


def test_every_request_waiting_on_robots_txt_is_refused(crawler):
    assert waiting_requests(crawler, RobotsTxtMiddleware) == ["refused"] * 3
    assert crawler.stats.get_value("robotstxt/forbidden") == 3


def test_scrapys_own_middleware_has_the_race_this_fix_is_for(crawler):
    """The request that started the download and the first waiter are refused; the next waiter
    is told "no robots.txt". If this starts failing, Scrapy fixed the race: the subclass can go
    (see pipelines/compat.py)."""
    assert waiting_requests(crawler, robotstxt.RobotsTxtMiddleware) == ["refused", "refused", "let through"]


def test_a_robots_refusal_is_typed_so_the_spider_records_it(crawler):
    """The refusal is a `RobotsDisallowed`, which the spider records as a `fetch/robots_disallowed`
    rejection (and so takes off the queue: tests/test_crawl.py), not a bare IgnoreRequest."""
    from twisted.python.failure import Failure

    from crawler.faults import RobotsDisallowed, fetch_rejection

    async def run():
        crawler.engine = HeldEngine()
        crawler.engine.release.set()
        try:
            await RobotsTxtMiddleware.from_crawler(crawler).process_request(article("http://www.hekou.test/private/1.html"))
        except RobotsDisallowed:
            return Failure()

    failure = asyncio.run(run())
    assert failure is not None
    assert fetch_rejection(failure).reason == "robots_disallowed"
