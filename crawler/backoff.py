"""Downloader middleware: a navigation page in back-off is not requested (pipelines/archive/backoff.py).

A feed, sitemap or list page whose last fetch failed in a costly way (too large, a gzip bomb, a
redirect loop or chain) or that the server asked us to leave alone (`Retry-After`) is skipped
until its retry time, with an INFO line saying until when and why; the first response below 400
afterwards forgets the failure. The failure itself is recorded by the archive when the spider
stores the page's `fetch/<reason>` rejection. Workers of a distributed crawl (`JIANFU_MODE=worker`)
ask the writer's copy of the table in Redis (`crawler.distributed.RedisBackoff`) instead.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from crawler.faults import Skipped, archive_write
from crawler.middlewares import archive_enabled, crawl_archive
from pipelines.archive.clock import now_iso
from pipelines.kinds import RequestKind

logger = logging.getLogger(__name__)


class BackedOff(Skipped):
    """A navigation page not requested before its retry time: a decision, counted, not a rejection."""


class NavigationBackoffMiddleware:
    def __init__(self, crawler):
        if not archive_enabled(crawler):
            raise NotConfigured("the archive is off for this command")
        self.crawler = crawler
        self.known: dict[str, dict] | None = None  # read once, at the first request

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _known(self) -> dict[str, dict]:
        if self.known is None:
            self.known = crawl_archive(self.crawler).backoff.all()
        return self.known

    def process_request(self, request, spider=None):
        if request.meta.get("kind") != RequestKind.NAVIGATION or request.meta.get("redirect_urls"):
            return None
        held = self._known().get(request.url)
        if held and held["retry_after"] > now_iso():
            self.crawler.stats.inc_value("jianfu/navigation_backed_off")
            logger.info("not requested before %s: %s (fetch/%s in the last %d attempts)",
                        held["retry_after"], request.url, held["reason"], held["failures"])
            raise BackedOff(f"{request.url} is in back-off until {held['retry_after']}")
        return None

    def process_response(self, request, response, spider=None):
        if request.meta.get("kind") == RequestKind.NAVIGATION and response.status < 300:
            url = request.meta.get("redirect_urls", [request.url])[0]
            if url in self._known():
                with archive_write(self.crawler):
                    crawl_archive(self.crawler).backoff.succeeded(url)
                del self.known[url]
                logger.info("%s answered again: its back-off is over", url)
        return response
