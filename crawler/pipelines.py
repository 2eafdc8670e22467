"""The one Scrapy item pipeline: a thin adapter around `pipelines.stages.process_page`.

It hands each `PageItem` and its site's seeds entry to the processing chain (extract, dedupe
keys, classify: plain functions that know nothing about Scrapy, and which `jianfu reprocess`
calls the same way), writes the result with `Archive.store`, and opens and closes the run.
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

from crawler.items import ArticleItem
from crawler.faults import stop_for_archive_problem
from crawler.middlewares import archive_enabled, crawl_archive
from pipelines import stages
from pipelines.kinds import Outcome

logger = logging.getLogger(__name__)


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
        # The run is closed on spider_closed, the first moment Scrapy knows the finish reason.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def process_item(self, item):
        site = getattr(self.crawler.spider, "sites", {}).get(item.site)
        if self.crawler.stats.get_value("jianfu/archive_problem"):
            raise DropItem("the archive cannot be written; the crawl is stopping")  # still queued
        processed = stages.process_page(asdict(item), site)
        try:
            outcome = self.archive.store(processed, self.run_id)
        except (sqlite3.Error, OSError) as exc:  # full, locked, schema, corrupt: a run problem
            if not stop_for_archive_problem(self.crawler, exc):
                raise
            raise DropItem(f"not stored, still queued: {item.url}") from exc
        self.crawler.stats.inc_value(f"jianfu/outcome/{outcome}")
        if outcome not in (Outcome.ARTICLE, Outcome.UPDATED):
            raise DropItem(f"not exported ({outcome}): {item.url}", log_level="DEBUG")
        article_id = self.archive.archived_article(item.url)
        return ArticleItem.from_row(self.archive.db["articles"].get(article_id), item.url)

    def spider_closed(self, spider, reason):
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                 if isinstance(v, (int, float, str))}
        if self.run_id is None:
            self.archive.close()
            return
        try:  # best effort after an archive problem: the run row may not be writable either
            self.archive.finish_run(self.run_id, stats, reason,
                                    self.crawler.settings.getfloat("MAX_ERROR_RATE", 0.5))
        except (sqlite3.Error, OSError) as exc:
            if not stop_for_archive_problem(self.crawler, exc):
                raise
            logger.error("the run could not be recorded in the archive: %s", exc)
        finally:
            self.archive.close()
