"""Downloader middleware for incremental crawling.

The archive, not Scrapy's JOBDIR, is the record of what was fetched: an article URL that
already has a row in `pages` (or whose canonical form already led to an article) is not
requested again, so a recrawl of an unchanged site sends no article requests.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from pipelines.archive import Archive


class SkipArchivedMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.archive = Archive(settings.get("ARCHIVE_DB"))
        self.refetch_rejected = settings.getbool("REFETCH_REJECTED")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        meta = request.meta
        if meta.get("kind") != "article" or meta.get("explicit"):
            return None
        if self.archive.is_fetched(request.url, include_rejected=not self.refetch_rejected):
            self.crawler.stats.inc_value("jianfu/skipped_archived")
            raise IgnoreRequest(f"already archived: {request.url}")
        self.crawler.stats.inc_value("jianfu/article_requests")
        return None
