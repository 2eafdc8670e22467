"""The one Scrapy item pipeline: a thin adapter around `pipelines.stages.process_page`.

It hands each `PageItem` and its site's seeds entry to the processing chain (extract, dedupe
keys, classify: plain functions that know nothing about Scrapy, and which `jianfu reprocess`
calls the same way), writes the result with `Archive.store`, and opens and closes the run.
What it hands on — and so what Scrapy's feed exports (`-O x.jsonl`) write — is the archived
article (`crawler.items.ArticleItem`); a refused page or another URL of an archived article is
dropped from the export (it is in the archive all the same).
"""

from __future__ import annotations

from dataclasses import asdict

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import ArticleItem
from crawler.middlewares import archive_enabled, crawl_archive
from pipelines import stages
from pipelines.kinds import Outcome


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
        self.archive.save_sites([s.as_config() for s in sites.values()])
        self.run_id = self.archive.start_run(
            seeds=getattr(spider, "seeds_path", ""), sites=spider.run_sites
        )
        self.crawler.stats.set_value("jianfu/run_id", self.run_id)
        # The run is closed on spider_closed, the first moment Scrapy knows the finish reason.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def process_item(self, item):
        site = getattr(self.crawler.spider, "sites", {}).get(item.site)
        processed = stages.process_page(asdict(item), site)
        outcome = self.archive.store(processed, self.run_id)
        self.crawler.stats.inc_value(f"jianfu/outcome/{outcome}")
        if outcome not in (Outcome.ARTICLE, Outcome.UPDATED):
            raise DropItem(f"not exported ({outcome}): {item.url}", log_level="DEBUG")
        article_id = self.archive.archived_article(item.url)
        return ArticleItem.from_row(self.archive.db["articles"].get(article_id), item.url)

    def spider_closed(self, spider, reason):
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                 if isinstance(v, (int, float, str))}
        self.archive.finish_run(self.run_id, stats, reason,
                                self.crawler.settings.getfloat("MAX_ERROR_RATE", 0.5))
        self.archive.close()
