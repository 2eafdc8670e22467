"""The one generic news spider: `scrapy crawl news`.

Two kinds of requests, as in zyte-spider-templates' article spider:
- navigation (feeds, sitemaps, list pages and their paging): fetched on every run, to discover;
- article (URLs matching a site's `article_allow`): fetched once; later runs skip them
  (`crawler.middlewares.SkipArchivedMiddleware`), so a recrawl of an unchanged site sends no
  article requests.

Arguments: `-a seeds=PATH` (default seeds/sites.toml), `-a site=NAME` (one site),
`-a url=URL` (just this page, as an article; repeatable with commas; the site is the seeds
entry whose URLs it matches, in this seeds file or another beside it, else its host name).
Article URLs discovered by an earlier run that was killed before fetching them are requested
again at the start (the archive's `queue` table).

A site given only a `home` page is discovered (`crawler/discovery.py`): robots.txt `Sitemap:`
lines (else /sitemap.xml), the feeds the home page announces (else the common feed paths), and
its list pages; articles are told from navigation by URL shape and, for what the shape leaves
open, by page structure.

The callbacks carry `scrapy check` contracts, run against the demo web (`make demo-web`, or
`-s DEMO_WEB=http://127.0.0.1:PORT`); they work on a bare response too (`scrapy parse
--spider news -c parse_article URL`), naming the site from the seeds by the URL.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler import discovery
from crawler.items import PageItem
from crawler.faults import fetch_rejection
from crawler.middlewares import archive_enabled, crawl_archive
from crawler.sites import SeedsError, Site, adhoc_site, home_prefix, load_sites, neighbour_sites, site_for_url
from pipelines.archive import backoff
from pipelines.errors import Rejection
from pipelines.kinds import RequestKind, Stage

SHANGHAI = timezone(timedelta(hours=8))
# Error statuses an article request lets through to the spider, so they become rejections.
ERROR_STATUSES = list(range(400, 600))
NEXT_PAGE_TEXTS = ("下一页", "下页", "后页", "下一頁", "next", "›", "»", ">>")
# A discovered site's list pages (home, sections, their paging) read per run: enough for the
# newest articles of a news site's columns, bounded so a site of thousands of sections is not
# walked whole on every run.
MAX_DISCOVERED_LISTS = 40


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
            self.site_for(u)  # a URL of a site from a neighbouring seeds file joins this run
        self._lists_read: dict[str, int] = {}
        self._not_articles: set[str] = set()  # URLs whose page structure said "not an article"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if settings.get("CONTACT_URL") and \
                (settings.getpriority("USER_AGENT") or 0) < (settings.getpriority("CONTACT_URL") or 0):
            # -s CONTACT_URL=… without -s USER_AGENT=…: the user agent names the new contact
            template = settings.get("USER_AGENT_TEMPLATE") or "jianfu-archive (+{contact})"
            settings.set("USER_AGENT", template.format(contact=settings.get("CONTACT_URL")), priority="spider")
        # Per-site politeness: one download slot per site that sets a delay or a concurrency
        # (settings are still open here; Scrapy freezes them after creating the spider).
        slots = {f"site:{s.name}": {k: v for k, v in (("delay", s.download_delay), ("concurrency", s.concurrency))
                                    if v is not None}
                 for s in spider.sites.values() if s.download_delay is not None or s.concurrency is not None}
        if slots:
            crawler.settings.set("DOWNLOAD_SLOTS", {**crawler.settings.getdict("DOWNLOAD_SLOTS"), **slots},
                                 priority="spider")
        return spider

    async def start(self):
        if self.single_urls:
            for u in self.single_urls:
                yield self.article_request(u, self.site_for(u).name, "url", explicit=True)
            return
        for site in self.sites.values():
            if site.home:
                robots = discovery.site_root(site.home) + "/robots.txt"
                yield self.navigation_request(robots, site, "robots", self.parse_robots, probe=True)
                yield self.navigation_request(site.home, site, "home", self.parse_home)
            for u in site.feeds:
                yield self.navigation_request(u, site, "feed", self.parse_feed)
            for u in site.sitemaps:
                yield self.navigation_request(u, site, "sitemap", self.parse_sitemap)
            for u in site.lists:
                yield self.navigation_request(u, site, "list", self.parse_list, depth=0)
        # Article URLs an earlier (killed) run discovered but never stored: no gap after a kill.
        if not archive_enabled(self.crawler):
            return
        pending = crawl_archive(self.crawler).resume_queue(list(self.sites),
                                                            run_id=self.crawler.stats.get_value("jianfu/run_id"))
        if pending:
            self.logger.info("resuming %d article URLs discovered by an earlier run", len(pending))
        for u, site_name in pending:
            yield self.article_request(u, site_name, "resume")

    def site_for(self, url: str) -> Site:
        """The seeds' site for a URL: this run's, a neighbouring seeds file's, else its host."""
        owner = site_for_url(self.sites, url)
        if owner is None:
            owner = site_for_url(neighbour_sites(self.seeds_path), url) or adhoc_site(url)
            self.sites.setdefault(owner.name, owner)
        return owner

    def site_of(self, response: Response) -> Site:
        """The site a response belongs to: from the request, or (scrapy parse/check) its URL."""
        name = response.meta.get("site")
        return self.sites[name] if name in self.sites else self.site_for(response.url)

    def site_name_for(self, url: str) -> str:
        return self.site_for(url).name

    @property
    def run_sites(self) -> list[str]:
        """The sites this run crawls: with -a url=, only those the URLs belong to."""
        if self.single_urls:
            return list(dict.fromkeys(self.site_name_for(u) for u in self.single_urls))
        return list(self.sites)

    # -- requests ---------------------------------------------------------------------------

    def polite(self, site: Site | None) -> dict:
        """Request meta for a site's own politeness settings and proxy (seeds file)."""
        meta = {}
        if site is not None and (site.download_delay is not None or site.concurrency is not None):
            meta["download_slot"] = f"site:{site.name}"
            meta["autothrottle_dont_adjust_delay"] = True  # the site's delay is a floor
        if site is not None and site.proxy:
            meta["proxy"] = site.proxy
        return meta

    def navigation_request(self, url, site: Site, via: str, callback, depth: int = 0, probe: bool = False):
        """`probe`: a guessed address (robots.txt, /sitemap.xml, /rss.xml): a 404 is no failure."""
        return scrapy.Request(
            url,
            callback=self.navigated,
            cb_kwargs={"parse": callback.__name__},
            errback=self.navigation_failed,
            meta={"kind": RequestKind.NAVIGATION, "site": site.name, "found_via": via, "depth": depth, "probe": probe,
                  "handle_httpstatus_list": ERROR_STATUSES, **self.polite(site)},
            dont_filter=depth == 0 and via not in ("list", "sitemap", "home"),
        )

    def article_request(self, url, site_name: str, via: str, explicit: bool = False, candidate: bool = False,
                        depth: int = 0):
        """`candidate`: a link whose URL shape said nothing but whose text reads like a headline;
        its page structure decides whether it is an article."""
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={
                "kind": RequestKind.ARTICLE,
                "site": site_name,
                "found_via": via,
                "explicit": explicit,
                "candidate": candidate,
                "depth": depth,
                "handle_httpstatus_list": ERROR_STATUSES,
                **self.polite(self.sites.get(site_name)),
            },
            dont_filter=explicit,
        )

    def discovered(self, url: str, site: Site, via: str):
        """A request for a discovered URL if it is one of the site's articles, else None."""
        url = urldefrag(url)[0]
        if site.is_article_url(url) and url not in self._not_articles:
            return self.article_request(url, site.name, via)
        return None

    def list_request(self, url: str, site: Site, depth: int):
        """A list page to read, within the site's paging depth and the per-run bound."""
        if depth >= site.max_list_pages:
            return None
        if site.discovers:
            if self._lists_read.get(site.name, 0) >= MAX_DISCOVERED_LISTS:
                return None
            self._lists_read[site.name] = self._lists_read.get(site.name, 0) + 1
        return self.navigation_request(url, site, "list", self.parse_list, depth)

    # -- navigation -------------------------------------------------------------------------

    def navigated(self, response: Response, parse: str):
        """Every navigation response comes here first: an error status is recorded, not parsed."""
        if response.status >= 400:
            if response.meta.get("probe"):  # a guessed address that is not there: nothing lost
                self.logger.debug("no %s at %s (HTTP %d)", response.meta["found_via"], response.url, response.status)
                return
            retry_after = response.headers.get("Retry-After")  # 429/503: "come back later"
            yield self.navigation_item(response.request, response.status, f"server answered HTTP {response.status}",
                                       retry_after=retry_after.decode("latin-1") if retry_after else None)
            return
        yield from getattr(self, parse)(response)

    def parse_robots(self, response: Response):
        """Sitemaps named in robots.txt (those on the site's own hosts), else /sitemap.xml.

        @demo_url /robots.txt
        @returns requests 1
        """
        site = self.site_of(response)
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        named = [u for u in discovery.robots_sitemaps(text, response.url) if site.owns(u)]
        base = home_prefix(site.home) if site.home else discovery.site_root(response.url) + "/"
        for u in named or [base + discovery.SITEMAP_PATH.lstrip("/")]:
            yield self.navigation_request(u, site, "sitemap", self.parse_sitemap, probe=not named)

    def parse_home(self, response: Response):
        """A home page: the feeds it announces (else the common feed paths), then read as a list.

        @demo_url /difang/
        @returns requests 4
        """
        site = self.site_of(response)
        if not isinstance(response, TextResponse):
            return
        feeds = [u for u in discovery.feed_links(response.text, response.url) if site.owns(u)]
        for u in feeds:
            yield self.navigation_request(u, site, "feed", self.parse_feed)
        if not feeds:
            base = home_prefix(site.home or response.url)
            for path in discovery.COMMON_FEED_PATHS:
                yield self.navigation_request(base + path.lstrip("/"), site, "feed", self.parse_feed, probe=True)
        yield from self.parse_list(response)

    def parse_feed(self, response: Response):
        """An RSS or Atom feed: its items' links that are the site's articles.

        @demo_url /xinwen/rss.xml
        @returns items 0 0
        @returns requests 6
        """
        site = self.site_of(response)
        for link in discovery.feed_entries(response.body, response.url):
            req = self.discovered(link, site, "feed")
            if req:
                yield req

    def parse_sitemap(self, response: Response):
        """A sitemap (news sitemaps too) or a sitemap index, followed on the site's own hosts
        and at most discovery.MAX_SITEMAP_DEPTH levels deep.

        @demo_url /zhengfu/sitemap.xml
        @returns items 0 0
        @returns requests 1 1
        """
        site = self.site_of(response)
        depth = response.meta.get("depth", 0)
        children, pages = discovery.sitemap_entries(response.body, response.url)
        for loc in children:  # a sitemap index
            if depth < discovery.MAX_SITEMAP_DEPTH and site.owns(loc):
                yield self.navigation_request(loc, site, "sitemap", self.parse_sitemap, depth + 1)
        for loc in pages:
            req = self.discovered(loc, site, "sitemap")
            if req:
                yield req

    def parse_list(self, response: Response):
        """A list page: the site's article links, its paging and (discovered sites) its sections.

        @demo_url /xinwen/list/index.html
        @returns items 0 0
        @returns requests 6
        """
        site = self.site_of(response)
        if not isinstance(response, TextResponse):
            return
        depth = response.meta.get("depth", 0)
        for url, text in discovery.page_links(response.text, response.url):
            if url.rstrip("/") == response.url.rstrip("/"):
                continue
            req = self.discovered(url, site, "list")
            if req:
                yield req
                continue
            is_paging = site.is_list_url(url) or (site.owns(url) and text.lower() in NEXT_PAGE_TEXTS)
            if is_paging:
                req = self.list_request(url, site, depth + 1)
            elif site.discovers and site.owns(url) and discovery.url_kind(url) == "unknown" \
                    and discovery.looks_like_headline(text) and url not in self._not_articles:
                req = self.article_request(url, site.name, "list", candidate=True, depth=depth + 1)
            if req:
                yield req

    def navigation_failed(self, failure):
        rejection = fetch_rejection(failure)
        if rejection is None:
            return  # skipped on purpose (crawler/faults.py Skipped); counted in the stats
        if failure.request.meta.get("probe") and rejection.reason not in backoff.COSTLY:
            return  # a guessed address (robots.txt, /sitemap.xml, /rss.xml) not there: nothing lost
        yield self.navigation_item(failure.request, 0, rejection.detail, rejection.reason)

    def navigation_item(self, request, status: int, error: str, reason: str | None = None,
                        retry_after: str | None = None) -> PageItem:
        """A failed feed, sitemap or list page: recorded as a rejection, never silently lost; a
        costly failure, or one with a `Retry-After`, puts the page in back-off
        (pipelines/archive/backoff.py)."""
        self.crawler.stats.inc_value("jianfu/navigation_failed")
        self.logger.warning("navigation page failed: %s (%s)", request.url, error)
        url = request.meta.get("redirect_urls", [request.url])[0]
        return PageItem(url=url, site=request.meta["site"], status=status, fetched_at=now_iso(),
                        found_via=request.meta["found_via"], kind=RequestKind.NAVIGATION, error=error,
                        headers={"retry-after": retry_after} if retry_after else {},
                        rejection=Rejection(Stage.FETCH, reason, f"navigation page: {error}") if reason else None)

    # -- articles ---------------------------------------------------------------------------

    def parse_article(self, response: Response):
        """An article page, handed to the pipelines as raw bytes and headers.

        On a discovered site (no `article_allow`) the page's structure has the last word: a
        list page (a dated URL may be a day's archive) is read for links instead, and a
        candidate link that led to neither is dropped; neither becomes an article.

        @demo_url /xinwen/2024/0508/xw101.html
        @returns items 1 1
        @returns requests 0 0
        @scrapes url site status headers body fetched_at
        @article
        """
        site = self.site_of(response)
        meta = response.meta
        if site.discovers and response.status == 200 and isinstance(response, TextResponse) \
                and not meta.get("explicit"):
            kind = discovery.page_kind(response.text, response.url, url_says_article=not meta.get("candidate"))
            if kind == "list" or (kind == "other" and meta.get("candidate")):
                self.crawler.stats.inc_value(f"jianfu/discovery/not_article/{kind}")
                # an article-shaped URL read as a list is said at INFO: if it was an article, a
                # person can see it and give the site article_allow
                (self.logger.debug if meta.get("candidate") else self.logger.info)(
                    "not stored: %s reads as a %s page, not an article", response.url, kind)
                self._not_articles.add(response.request.url)
                if archive_enabled(self.crawler):
                    crawl_archive(self.crawler).dequeue(response.request.url)
                if kind == "list":
                    yield from self.parse_list(response)
                return
        yield PageItem(
            url=meta.get("redirect_urls", [response.request.url])[0],  # as the link said
            response_url=response.url,
            site=site.name,
            status=response.status,
            headers={k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
                     for k, v in response.headers.items()},
            body=response.body,
            fetched_at=now_iso(),
            found_via=meta.get("found_via", "url"),
        )

    def article_failed(self, failure):
        """A request that ended without a response: a `pages` row (status 0) with its `fetch/<reason>`
        rejection, so it is counted and not requested again next run (crawler/faults.py)."""
        request = failure.request
        rejection = fetch_rejection(failure)
        if rejection is None:
            return  # already archived (crawler/faults.py Skipped); counted in the stats
        # a refusal of ours is said at INFO by the middleware that made it; a failure here
        (self.logger.info if rejection.reason in ("robots_disallowed", "private_address") else self.logger.warning)(
            "article page failed: %s (fetch/%s: %s)", request.url, rejection.reason, rejection.detail)
        yield PageItem(
            url=request.meta.get("redirect_urls", [request.url])[0], site=request.meta["site"], status=0,
            fetched_at=now_iso(), response_url=request.url, found_via=request.meta["found_via"],
            error=rejection.detail, rejection=rejection,
        )
