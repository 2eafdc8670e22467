"""The one Scrapy item pipeline: a thin adapter around the worker pool and the sink.

Each `PageItem` and its site's seeds entry go to the processing chain (`pipelines.stages.
process_page`: extract, dedupe keys, classify, search words — plain functions that know nothing
about Scrapy, and which `jianfu reprocess` calls the same way) in a pool of worker processes
(`pipelines.pool.StagePool`), so the reactor keeps fetching while every core works; the
`Processed` that comes back goes to the sink (`pipelines.sink.ArchiveSink`: `Archive.store`, the
single writer, in this process, one transaction per page). A page is only dequeued in the
transaction that stores it, so pages still in a worker when the crawl is killed are fetched by
the next run.

Settings: `STAGE_WORKERS` (worker processes; default one per core, 0 = run the stages on the
reactor thread), `PAGE_TIMEOUT` (seconds a worker may spend on one page before the page becomes
a `process/worker_timeout` rejection and the worker is replaced).

A crawl asked to stop (SIGTERM, a `CLOSESPIDER_*` limit, an archive problem) does not wait for
pages still in a worker: Scrapy's engine would wait for every item in progress, up to
`PAGE_TIMEOUT` for a pathological or stuck page. They are left unprocessed and unstored — still
in the `queue` table (in worker mode: still leased), so the next run fetches them — and the
pool's workers are stopped (`ArchivePipeline.abandon_if_stopping`).

What it hands on — and so what Scrapy's feed exports (`-O x.jsonl`) write — is the archived
article (`crawler.items.ArticleItem`); a refused page or another URL of an archived article is
dropped from the export (it is in the archive all the same).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import asdict

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, reactor, task

from crawler.items import ArticleItem
from crawler.faults import stop_for_archive_problem
from crawler.middlewares import archive_enabled, canonical_for, crawl_archive, in_flight, requested_articles
from pipelines.kinds import Outcome
from pipelines.pool import PAGE_TIMEOUT, StagePool
from pipelines.sink import ArchiveSink

logger = logging.getLogger(__name__)

# How often (seconds) the pipeline looks whether the crawl is stopping while pages are in the
# pool: the delay a stop may add before the pages in progress are given up.
STOP_CHECK = 0.5


class Abandoned(Exception):
    """The crawl is stopping: a page still in the worker pool is given up (not stored, still queued)."""


def stage_pool(settings) -> StagePool:
    """The worker pool the settings ask for (`STAGE_WORKERS`, `PAGE_TIMEOUT`, and the test-only
    `STAGE_TEST_FAULTS`: {"exit": url part, "hang": url part})."""
    workers = settings.get("STAGE_WORKERS")
    return StagePool(None if workers in (None, "") else int(workers),
                     timeout=settings.getfloat("PAGE_TIMEOUT", PAGE_TIMEOUT),
                     faults=settings.getdict("STAGE_TEST_FAULTS") or None)


def as_deferred(future) -> defer.Deferred:
    """A Deferred fired on the reactor thread when a concurrent.futures.Future is done (unless it
    was fired before: a page given up when the crawl stopped)."""
    d = defer.Deferred()

    def fire(result):
        if not d.called:
            d.callback(result)

    future.add_done_callback(lambda f: reactor.callFromThread(fire, f.result()))
    return d


def abandoned_urls(crawler) -> set[str]:
    """URLs of pages given up in the pool when the crawl stopped: in worker mode their requests
    stay leased (`crawler.distributed.Worker.release_finished`), so they go back to the frontier."""
    urls = getattr(crawler, "jianfu_abandoned", None)
    if urls is None:
        urls = crawler.jianfu_abandoned = set()
    return urls


def engine_stopping(crawler) -> bool:
    """Has the engine begun to close the spider (a signal, a limit, an archive problem)? Read
    from its slot's `closing` (private to Scrapy's engine: checked against the release it was
    written for, pipelines/compat.py), the one mark set before it waits for items in progress."""
    slot = getattr(crawler.engine, "_slot", None) if crawler.engine is not None else None
    return getattr(slot, "closing", None) is not None


class ArchivePipeline:
    """Process each page and write it, with its article or rejection, in one transaction."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not archive_enabled(crawler):  # scrapy shell/fetch/view/parse/check: look, never write
            raise NotConfigured("the archive is off for this command")
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        self.pool = None
        self.watch_pool()
        self.archive = crawl_archive(self.crawler)
        sites = getattr(spider, "sites", {})
        self.run_id = None
        try:
            self.archive.save_sites([s.as_config() for s in sites.values()])
            self.run_id = self.archive.start_run(
                seeds=getattr(spider, "seeds_path", ""), sites=spider.run_sites
            )
        except (sqlite3.Error, OSError) as exc:  # no room even for the run row: stop before fetching
            if not stop_for_archive_problem(self.crawler, exc):
                raise
        self.crawler.stats.set_value("jianfu/run_id", self.run_id)
        self.sink = ArchiveSink(self.archive, self.run_id)
        self.pool = stage_pool(self.crawler.settings)  # started once, before the first page
        # The run is closed on spider_closed, the first moment Scrapy knows the finish reason.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    async def process_item(self, item):
        site = getattr(self.crawler.spider, "sites", {}).get(item.site)
        if self.crawler.stats.get_value("jianfu/archive_problem"):
            raise DropItem("the archive cannot be written; the crawl is stopping")  # still queued
        waiting = as_deferred(self.pool.submit(asdict(item), site))
        self.waiting[waiting] = tuple(dict.fromkeys(u for u in (item.url, item.response_url) if u))
        try:
            processed = await maybe_deferred_to_future(waiting)
        except Abandoned as exc:
            raise DropItem(f"not processed, still queued: {item.url} ({exc})") from exc
        finally:
            self.waiting.pop(waiting, None)
        return self.store(processed, item)

    # -- a stop does not wait for the pool ---------------------------------------------------

    def watch_pool(self) -> None:
        """Look every STOP_CHECK seconds whether the crawl is stopping with pages in the pool."""
        from pipelines import compat

        compat.check("scrapy", "crawler/pipelines.py engine_stopping (reads the engine's _slot.closing)")
        self.waiting: dict[defer.Deferred, tuple[str, ...]] = {}  # pages in the pool -> their URLs
        self.watch = task.LoopingCall(self.abandon_if_stopping)
        self.watch.start(STOP_CHECK, now=False)

    def abandon_if_stopping(self) -> None:
        if not self.waiting or not engine_stopping(self.crawler):
            return
        urls = sorted(urls[0] for urls in self.waiting.values())
        abandoned_urls(self.crawler).update(u for urls in self.waiting.values() for u in urls)
        logger.warning("the crawl is stopping: %d pages still being processed are not stored and stay queued "
                       "for the next run: %s", len(urls), ", ".join(urls[:10]) + (" …" if len(urls) > 10 else ""))
        self.crawler.stats.set_value("jianfu/abandoned_in_pool", len(urls))
        for waiting in list(self.waiting):
            waiting.errback(Abandoned("the crawl stopped while it was being processed"))
        if self.pool is not None:
            self.pool.close(wait=False)  # stop the workers (a stuck one included) now

    def store(self, processed, item):
        """Back on the reactor thread: hand the processed page to the sink."""
        if self.crawler.stats.get_value("jianfu/archive_problem"):
            raise DropItem("the archive cannot be written; the crawl is stopping")  # still queued
        try:
            outcome = self.sink.put(processed)
            if outcome is not None:
                self.add_waiting_aliases(item)
        except (sqlite3.Error, OSError) as exc:  # full, locked, schema, corrupt: a run problem
            if not stop_for_archive_problem(self.crawler, exc):
                raise
            raise DropItem(f"not stored, still queued: {item.url}") from exc
        if outcome is None:
            raise DropItem(f"handed on to be stored elsewhere: {item.url}", log_level="DEBUG")
        self.crawler.stats.inc_value(f"jianfu/outcome/{outcome}")
        if processed.rejection is not None and processed.rejection.stage == "process":
            logger.warning("%s: %s (%s)", item.url, processed.rejection.reason, processed.rejection.detail)
        if outcome not in (Outcome.ARTICLE, Outcome.UPDATED):
            raise DropItem(f"not exported ({outcome}): {item.url}", log_level="DEBUG")
        article_id = self.archive.archived_article(item.url)
        return ArticleItem.from_row(self.archive.db["articles"].get(article_id), item.url)

    def add_waiting_aliases(self, item) -> None:
        """Other spellings of this page's URL that came up while it was processed
        (`middlewares.InFlight`): aliases of its article, as if they had come up after."""
        for url in dict.fromkeys(u for u in (item.url, item.response_url) if u):
            canonical = canonical_for(self.crawler, url, item.site)
            for waiting in in_flight(self.crawler).done(canonical):
                self.archive.add_alias(waiting, canonical, self.run_id)
                self.archive.dequeue(waiting)

    def spider_closed(self, spider, reason):
        if self.watch.running:
            self.watch.stop()
        if self.pool is not None:  # every item is done or given up by now
            self.pool.close(wait=False)
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                 if isinstance(v, (int, float, str))}
        if self.run_id is None:
            self.archive.close()
            return
        try:  # best effort after an archive problem: the run row may not be writable either
            self.archive.finish_run(self.run_id, stats, reason,
                                    self.crawler.settings.getfloat("MAX_ERROR_RATE", 0.5),
                                    attempted=requested_articles(self.crawler))
        except (sqlite3.Error, OSError) as exc:
            if not stop_for_archive_problem(self.crawler, exc):
                raise
            logger.error("the run could not be recorded in the archive: %s", exc)
        finally:
            self.archive.close()
