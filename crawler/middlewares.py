"""Downloader middlewares: incremental crawling, and no detours to private addresses.

The archive, not Scrapy's JOBDIR, is the record of what was fetched: an article URL that
already has a row in `pages` (or whose canonical form already led to an article) is not
requested again, so a recrawl of an unchanged site sends no article requests.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

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


class RefusePrivateAddressesMiddleware:
    """Do not let a page on the public web steer the crawler to private or loopback addresses.

    A link or a redirect to http://127.0.0.1/, http://10.1.2.3/ or http://localhost/ is refused
    unless the seeds file itself starts there (as the demo web does): the person who wrote the
    seeds chose those hosts, a page did not. Host names are not resolved here (that would block
    the reactor); IP literals and localhost names are what a hostile page would use.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.allowed: set[str] | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _allowed(self) -> set[str]:
        if self.allowed is None:  # the seeds' own hosts, read once the spider exists
            spider = self.crawler.spider
            urls = [u for s in getattr(spider, "sites", {}).values()
                    for u in (*s.feeds, *s.sitemaps, *s.lists, *s.url_prefixes)]
            self.allowed = {urlsplit(u).netloc for u in urls + list(getattr(spider, "single_urls", []))}
        return self.allowed

    def process_request(self, request, spider=None):
        parts = urlsplit(request.url)
        if not is_private_host(parts.hostname or "") or parts.netloc in self._allowed():
            return None
        self.crawler.stats.inc_value("jianfu/refused_private_address")
        raise RefusedAddress(f"{request.url} points at a private or loopback address")


class RefusedAddress(IgnoreRequest):
    """A request refused by RefusePrivateAddressesMiddleware (recorded as a rejection)."""


def is_private_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
