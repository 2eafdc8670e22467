"""The crawl's middlewares (order and numbers in `crawler/settings.py`).

- `SkipArchivedMiddleware`: incremental crawling. The archive, not Scrapy's JOBDIR, is the
  record of what was fetched: an article URL that already has a row in `pages` (or whose
  canonical form already led to an article) is not requested again, so a recrawl of an
  unchanged site sends no article requests.
- `ArticleQueueMiddleware` (spider middleware): discovered article URLs wait in the archive's
  `queue`, so a killed run leaves no gap.
- `SiteStatsMiddleware`: requests and responses per site, for `run_sites` and site health.
- `RefusePrivateAddressesMiddleware`: no detours to private or loopback addresses (resolved
  names included, every redirect hop).
- `RobotsTxtMiddleware`: Scrapy's, with a fix for requests that wait on one robots.txt.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares import robotstxt
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.faults import PrivateAddress, RobotsDisallowed, Skipped, archive_write
from crawler.worker_mode import is_worker
from pipelines import compat
from pipelines.archive import Archive
from pipelines.kinds import RequestKind
from pipelines.stages import canonicaliser

logger = logging.getLogger(__name__)


def archive_enabled(crawler) -> bool:
    """False under `scrapy shell/fetch/view/parse/check` (crawler/commands): only a crawl writes."""
    return crawler.settings.getbool("ARCHIVE_ENABLED", True)


def crawl_archive(crawler) -> Archive:
    """The one archive connection a crawl's middlewares, spider and pipelines share.

    They all run in the reactor thread and every write is its own short transaction, so one
    connection serves them all; one per component would repeat the schema and index checks.
    `ArchivePipeline` closes it when the spider closes. In worker mode (`-s JIANFU_MODE=worker`)
    there is no archive here: `crawler.distributed.RedisArchiveView` answers from Redis.
    """
    archive = getattr(crawler, "jianfu_archive", None)
    if archive is None and is_worker(crawler.settings):
        from crawler import distributed  # (it imports the pipelines, which import this module)

        archive = crawler.jianfu_archive = distributed.RedisArchiveView(crawler)
    if archive is None:
        archive = crawler.jianfu_archive = Archive(crawler.settings.get("ARCHIVE_DB"))
    return archive


def requested_articles(crawler) -> set[str]:
    """The article URLs this crawl has requested: a run counts an attempt for those still queued
    when it ends (`Queue.count_attempt`), and only for those."""
    requested = getattr(crawler, "jianfu_requested", None)
    if requested is None:
        requested = crawler.jianfu_requested = set()
    return requested


def canonical_for(crawler, url: str, site_name: str | None) -> str:
    """`url` under the rules of its site (`Site.canonical`: mobile hosts folded), as the
    archive keyed it; the site-less canonical form for a URL of no known site."""
    site = getattr(crawler.spider, "sites", {}).get(site_name) if site_name else None
    return canonicaliser(site)(url)


class InFlight:
    """Article pages requested in this run and not yet stored, by canonical URL.

    With the CPU stages in worker processes a page is stored a moment after its download, so
    a second spelling of its URL (a tracking parameter, the mobile host) can come up before the
    first is archived. It is not fetched a second time: it waits here, and when the first
    spelling's page is stored the pipeline records it as an alias (`ArchivePipeline.store`),
    as the skip check does for an article archived earlier. A crawl stopped before that leaves
    it in the `queue` table for the next run.
    """

    def __init__(self):
        self.pending: dict[str, list[str]] = {}

    def start(self, canonical: str) -> bool:
        """True if no other spelling of this page is being fetched or processed."""
        if canonical in self.pending:
            return False
        self.pending[canonical] = []
        return True

    def wait(self, canonical: str, url: str) -> None:
        self.pending[canonical].append(url)

    def done(self, canonical: str) -> list[str]:
        """The page is stored: the other spellings that waited for it."""
        return self.pending.pop(canonical, [])


def in_flight(crawler) -> InFlight:
    flights = getattr(crawler, "jianfu_in_flight", None)
    if flights is None:
        flights = crawler.jianfu_in_flight = InFlight()
    return flights


class SkipArchivedMiddleware:
    def __init__(self, crawler):
        if not archive_enabled(crawler):
            raise NotConfigured("the archive is off for this command")
        self.crawler = crawler
        settings = crawler.settings
        self.archive = crawl_archive(crawler)
        self.refetch_rejected = settings.getbool("REFETCH_REJECTED")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        meta = request.meta
        if meta.get("kind") != RequestKind.ARTICLE or meta.get("explicit"):
            return None
        canonical = canonical_for(self.crawler, request.url, meta.get("site"))
        # a redirect's target: the URL that was queued and linked is the first of the chain,
        # and it must leave the queue (and be kept as an alias) with the target
        spellings = list(dict.fromkeys([*meta.get("redirect_urls", []), request.url]))
        if self.archive.is_fetched(request.url, include_rejected=not self.refetch_rejected, canonical=canonical):
            self.crawler.stats.inc_value("jianfu/skipped_archived")
            with archive_write(self.crawler):
                for url in spellings:
                    self.archive.add_alias(url, canonical)  # a new spelling of an archived article
                self.archive.dequeue(*spellings)
            raise Skipped(f"already archived: {request.url}")
        if meta.get("in_flight") != canonical:  # not a retry of this very request
            flights = in_flight(self.crawler)
            if not flights.start(canonical):
                for url in spellings:
                    flights.wait(canonical, url)
                self.crawler.stats.inc_value("jianfu/skipped_in_flight")
                raise Skipped(f"being fetched under another spelling: {request.url}")
            meta["in_flight"] = canonical
        self.crawler.stats.inc_value("jianfu/article_requests")
        requested_articles(self.crawler).add(request.url)
        return None


class RefusePrivateAddressesMiddleware:
    """Do not let a page on the public web steer the crawler to private or loopback addresses.

    A link or a redirect (every hop passes here) to http://127.0.0.1/, http://10.1.2.3/,
    http://localhost/ — or to any host *name* that resolves to such an address, such as
    http://127.1/ or a public name pointed at 10.0.0.1 — is refused, unless the seeds file
    itself names that host: the person who wrote the seeds chose it (the demo web on
    127.0.0.1 is allowed that way, and only that way), a page did not. Names are resolved
    with the crawl's own caching resolver (off the reactor thread), so the address checked is
    the address the download then connects to.
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
            # hosts typed on the command line (scrapy shell/fetch/parse URL), or "*" (scrapy check)
            self.allowed |= set(self.crawler.settings.getlist("PRIVATE_HOSTS_ALLOWED"))
        return self.allowed

    async def process_request(self, request, spider=None):
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        allowed = self._allowed()
        if parts.netloc in allowed or "*" in allowed:
            return None
        if is_private_host(host):
            self._refuse(request, host)
        if _is_ip_literal(host) or parts.scheme not in ("http", "https"):
            return None
        from twisted.internet import reactor  # the reactor Scrapy installed, with its DNS cache

        try:
            address = await maybe_deferred_to_future(reactor.resolve(host))
        except Exception:
            return None  # the download reports the DNS failure itself (fetch/dns_failure)
        if is_private_host(address):
            self._refuse(request, f"{host} ({address})")
        return None

    def _refuse(self, request, what: str):
        self.crawler.stats.inc_value("jianfu/refused_private_address")
        logger.info("refused %s: a private or loopback address that neither the seeds nor the "
                    "command line named (%s)", request.url, what)
        raise RefusedAddress(f"{request.url} points at a private or loopback address: {what}")


class RefusedAddress(PrivateAddress):
    """A request refused by RefusePrivateAddressesMiddleware (recorded as fetch/private_address)."""


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_private_host(host: str) -> bool:
    """A loopback name, or an IP literal that is not a public address."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global or address.is_multicast


class ArticleQueueMiddleware:
    """Spider middleware: every article URL the spider discovers is written to the archive's `queue`.

    Scrapy keeps its own scheduler queue in memory, so a run killed halfway forgets what it had
    discovered but not yet fetched; an article that has meanwhile dropped off its list page
    would never be seen again. The archive's queue survives the kill: the page's transaction
    removes its URL, and the next run's `start()` requests whatever is left.
    """

    def __init__(self, crawler):
        if not archive_enabled(crawler):
            raise NotConfigured("the archive is off for this command")
        self.crawler = crawler
        self.archive = crawl_archive(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _note(self, result):
        meta = getattr(result, "meta", None)
        if meta and meta.get("kind") == RequestKind.ARTICLE and not meta.get("explicit"):
            if not self.archive.is_fetched(result.url, canonical=canonical_for(self.crawler, result.url,
                                                                                 meta.get("site"))):
                with archive_write(self.crawler):
                    self.archive.enqueue(result.url, meta["site"], meta.get("found_via", ""),
                                         self.crawler.stats.get_value("jianfu/run_id"))

    def process_spider_output(self, response, result, spider=None):
        for r in result:
            self._note(r)
            yield r

    async def process_spider_output_async(self, response, result, spider=None):
        async for r in result:
            self._note(r)
            yield r


class SiteStatsMiddleware:
    """Downloader middleware: requests and responses per site, for `run_sites` and site health.

    Sits next to the downloader, so each attempt (retries included) is counted once.
    """

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request, spider=None):
        if site := request.meta.get("site"):
            self.stats.inc_value(f"jianfu/site/{site}/requests")

    def process_response(self, request, response, spider=None):
        if site := request.meta.get("site"):
            kind = "responses_ok" if response.status < 400 else "responses_error"
            self.stats.inc_value(f"jianfu/site/{site}/{kind}")
        return response

    def process_exception(self, request, exception, spider=None):
        # IgnoreRequest is a middleware's decision (robots.txt, already archived), not a failure;
        # the refusals among them are recorded as rejections by the spider
        if (site := request.meta.get("site")) and not isinstance(exception, IgnoreRequest):
            self.stats.inc_value(f"jianfu/site/{site}/failures")


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every waiter getting the parser.

    In Scrapy 2.19 the requests that arrive while a host's robots.txt is still downloading all
    await one Deferred; the first waiter's callback returns None, so every later one is told
    "no robots.txt" and let through. A run's start requests (several start points on one
    host, resumed article URLs) arrive exactly then. Once the download has finished the parser
    is in `_parsers`, so a waiter handed None looks there.
    """

    HOOK = "crawler/middlewares.py RobotsTxtMiddleware (reads Scrapy's private RobotsTxtMiddleware._parsers)"

    def __init__(self, crawler):
        compat.check("scrapy", self.HOOK)  # refuse to start on a Scrapy the fix was not written for
        super().__init__(crawler)
        if not isinstance(getattr(self, "_parsers", None), dict):
            raise compat.IncompatibleVersion(f"{self.HOOK}: this Scrapy has no _parsers dict")

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            parser = self._parsers.get(urlparse_cached(request).netloc)
        return parser

    def process_request_2(self, rp, request):
        """A refusal is a typed `RobotsDisallowed`: the spider records it as a `fetch/robots_disallowed`
        rejection (crawler/faults.py), whose page row also takes the URL off the queue."""
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            logger.info("refused %s: forbidden by robots.txt", request.url)
            raise RobotsDisallowed(f"{request.url} is forbidden by robots.txt") from exc
