"""The one generic news spider: `scrapy crawl news`.

Two kinds of requests, as in zyte-spider-templates' article spider:
- navigation (feeds, sitemaps, list pages and their paging): fetched on every run, to discover;
- article (URLs matching a site's `article_allow`): fetched once; later runs skip them
  (`crawler.middlewares.SkipArchivedMiddleware`), so a recrawl of an unchanged site sends no
  article requests.

Arguments: `-a seeds=PATH` (default seeds/sites.toml), `-a site=NAME` (one site),
`-a url=URL` (just this page, as an article; repeatable with commas).
Article URLs discovered by an earlier run that was killed before fetching them are requested
again at the start (the archive's `queue` table).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler.items import PageItem
from crawler.middlewares import RefusedAddress, crawl_archive
from crawler.sites import SeedsError, Site, load_sites, site_for_url
from pipelines.errors import Rejection
from pipelines.kinds import RequestKind, Stage

SHANGHAI = timezone(timedelta(hours=8))
# Error statuses an article request lets through to the spider, so they become rejections.
ERROR_STATUSES = list(range(400, 600))
NEXT_PAGE_TEXTS = ("下一页", "下页", "后页", "下一頁", "next", "›", "»", ">>")


def now_iso() -> str:
    return datetime.now(SHANGHAI).isoformat(timespec="seconds")


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, seeds: str = "seeds/sites.toml", site: str | None = None, url: str | None = None, **kw):
        super().__init__(**kw)
        self.seeds_path = seeds
        # Validated here, before the engine starts: a bad seeds file sends no request.
        self.sites: dict[str, Site] = load_sites(seeds)
        if site is not None:
            if site not in self.sites:
                raise SeedsError(f"{seeds}: no site named '{site}' (have: {', '.join(self.sites)})")
            self.sites = {site: self.sites[site]}
        self.single_urls = [u.strip() for u in (url or "").split(",") if u.strip()]
        for u in self.single_urls:
            if urlsplit(u).scheme not in ("http", "https"):
                raise SeedsError(f"-a url: not an absolute http(s) URL: {u!r}")

    async def start(self):
        if self.single_urls:
            for u in self.single_urls:
                yield self.article_request(u, self.site_name_for(u), "url", explicit=True)
            return
        for site in self.sites.values():
            for u in site.feeds:
                yield self.navigation_request(u, site, "feed", self.parse_feed)
            for u in site.sitemaps:
                yield self.navigation_request(u, site, "sitemap", self.parse_sitemap)
            for u in site.lists:
                yield self.navigation_request(u, site, "list", self.parse_list, depth=0)
        # Article URLs an earlier (killed) run discovered but never stored: no gap after a kill.
        pending = crawl_archive(self.crawler).resume_queue(list(self.sites))
        if pending:
            self.logger.info("resuming %d article URLs discovered by an earlier run", len(pending))
        for u, site_name in pending:
            yield self.article_request(u, site_name, "resume")

    def site_name_for(self, url: str) -> str:
        owner = site_for_url(self.sites, url)
        return owner.name if owner else urlsplit(url).hostname or "adhoc"

    @property
    def run_sites(self) -> list[str]:
        """The sites this run crawls: with -a url=, only those the URLs belong to."""
        if self.single_urls:
            return list(dict.fromkeys(self.site_name_for(u) for u in self.single_urls))
        return list(self.sites)

    # -- requests ---------------------------------------------------------------------------

    def navigation_request(self, url, site: Site, via: str, callback, depth: int = 0):
        return scrapy.Request(
            url,
            callback=self.navigated,
            cb_kwargs={"parse": callback.__name__},
            errback=self.navigation_failed,
            meta={"kind": RequestKind.NAVIGATION, "site": site.name, "found_via": via, "depth": depth,
                  "handle_httpstatus_list": ERROR_STATUSES},
            dont_filter=depth == 0 and via != "list",
        )

    def article_request(self, url, site_name: str, via: str, explicit: bool = False):
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={
                "kind": RequestKind.ARTICLE,
                "site": site_name,
                "found_via": via,
                "explicit": explicit,
                "handle_httpstatus_list": ERROR_STATUSES,
            },
            dont_filter=explicit,
        )

    def discovered(self, url: str, site: Site, via: str):
        """A request for a discovered URL if it is one of the site's articles, else None."""
        url = urldefrag(url)[0]
        if site.is_article_url(url):
            return self.article_request(url, site.name, via)
        return None

    # -- navigation -------------------------------------------------------------------------

    def navigated(self, response: Response, parse: str):
        """Every navigation response comes here first: an error status is recorded, not parsed."""
        if response.status >= 400:
            yield self.navigation_item(response.request, response.status, f"server answered HTTP {response.status}")
            return
        yield from getattr(self, parse)(response)

    def parse_feed(self, response: Response):
        site = self.sites[response.meta["site"]]
        sel = response.selector
        sel.remove_namespaces()
        links = sel.xpath("//item/link/text()").getall() + sel.xpath("//entry/link/@href").getall()
        for link in links:
            req = self.discovered(response.urljoin(link.strip()), site, "feed")
            if req:
                yield req

    def parse_sitemap(self, response: Response):
        site = self.sites[response.meta["site"]]
        sel = response.selector
        sel.remove_namespaces()
        for loc in sel.xpath("//sitemap/loc/text()").getall():  # a sitemap index
            yield self.navigation_request(response.urljoin(loc.strip()), site, "sitemap", self.parse_sitemap, 1)
        for loc in sel.xpath("//url/loc/text()").getall():
            req = self.discovered(response.urljoin(loc.strip()), site, "sitemap")
            if req:
                yield req

    def parse_list(self, response: Response):
        site = self.sites[response.meta["site"]]
        if not isinstance(response, TextResponse):
            return
        depth = response.meta["depth"]
        for a in response.css("a[href]"):
            href = a.attrib["href"].strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            url = urldefrag(response.urljoin(href))[0]
            req = self.discovered(url, site, "list")
            if req:
                yield req
                continue
            text = " ".join(a.css("::text").getall()).strip().lower()
            is_paging = site.is_list_url(url) or (site.owns(url) and text in NEXT_PAGE_TEXTS)
            if is_paging and depth + 1 < site.max_list_pages:
                yield self.navigation_request(url, site, "list", self.parse_list, depth + 1)

    def navigation_failed(self, failure):
        if failure.check(IgnoreRequest):
            return  # robots.txt said no; counted in Scrapy's stats
        yield self.navigation_item(failure.request, 0, failure.getErrorMessage())

    def navigation_item(self, request, status: int, error: str) -> PageItem:
        """A failed feed, sitemap or list page: recorded as a rejection, never silently lost."""
        self.crawler.stats.inc_value("jianfu/navigation_failed")
        self.logger.warning("navigation page failed: %s (%s)", request.url, error)
        return PageItem(url=request.url, site=request.meta["site"], status=status, fetched_at=now_iso(),
                        found_via=request.meta["found_via"], kind=RequestKind.NAVIGATION, error=error)

    # -- articles ---------------------------------------------------------------------------

    def parse_article(self, response: Response):
        yield PageItem(
            url=response.meta.get("redirect_urls", [response.request.url])[0],  # as the link said
            response_url=response.url,
            site=response.meta["site"],
            status=response.status,
            headers={k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
                     for k, v in response.headers.items()},
            body=response.body,
            fetched_at=now_iso(),
            found_via=response.meta["found_via"],
        )

    def article_failed(self, failure):
        request = failure.request
        if failure.check(RefusedAddress):  # e.g. a redirect to a private address: recorded
            yield PageItem(
                url=request.meta.get("redirect_urls", [request.url])[0], site=request.meta["site"], status=0,
                fetched_at=now_iso(), response_url=request.url,
                found_via=request.meta["found_via"], error=failure.getErrorMessage(),
                rejection=Rejection(Stage.FETCH, "private_address", failure.getErrorMessage()),
            )
            return
        if failure.check(IgnoreRequest):
            return  # already archived, or robots.txt said no; both counted in stats
        yield PageItem(
            url=request.url, site=request.meta["site"], status=0, fetched_at=now_iso(),
            found_via=request.meta["found_via"], error=f"{failure.type.__name__}: {failure.getErrorMessage()}",
        )
