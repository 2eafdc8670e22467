"""Thin Scrapy adapters around the plain stage functions in `pipelines/`.

Each adapter moves data between a `PageItem` and a stage function and turns a
`pipelines.errors.Rejected` into a recorded rejection; the domain logic lives in
`pipelines.extract`, `pipelines.dedupe`, `pipelines.classify` and `pipelines.archive`,
which the re-processing command (`jianfu reprocess`) calls directly too.
"""

from __future__ import annotations

from dataclasses import asdict

from scrapy import signals

from crawler.middlewares import crawl_archive
from pipelines import stages


class _Stage:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _site(self, item):
        spider = self.crawler.spider
        return getattr(spider, "sites", {}).get(item.site)


class ExtractPipeline(_Stage):
    def process_item(self, item):
        if item.rejection is None:
            site = self._site(item)
            item.article, item.rejection = stages.fetch_and_extract(
                asdict(item), selectors=site.selectors if site else None,
                encoding=site.encoding if site else None,
            )
        return item


class DedupePipeline(_Stage):
    def process_item(self, item):
        if item.article is not None:
            site = self._site(item)
            item.article = stages.dedupe_keys(item.article, site.mobile_hosts if site else None, url=item.url)
        return item


class ClassifyPipeline(_Stage):
    def process_item(self, item):
        if item.article is not None:
            item.verdict = stages.classify_article(item.article)
        return item


class ArchivePipeline(_Stage):
    """Writes each page, and its article or rejection, in one transaction; opens and closes the run."""

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
        outcome = self.archive.store_page(asdict(item), self.run_id)
        self.crawler.stats.inc_value(f"jianfu/outcome/{outcome}")
        return item

    def spider_closed(self, spider, reason):
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                 if isinstance(v, (int, float, str))}
        self.archive.finish_run(self.run_id, stats, reason,
                                self.crawler.settings.getfloat("MAX_ERROR_RATE", 0.5))
        self.archive.close()
