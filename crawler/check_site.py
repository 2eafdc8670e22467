"""`jianfu check-site NAME|URL`: try a site before adding it to the seeds and to cron.

Online, politely (the crawl's user agent, robots.txt obeyed, a delay between requests, at most
a few dozen requests), and without writing any archive, it does what the spider would do with
the site: reads robots.txt, the start points (or the home page), the feeds and sitemaps they
lead to and a few list pages; counts the article URLs they hold (by the seeds' patterns, or by
URL shape for a site without them); extracts three articles with the crawl's own chain
(`pipelines.stages.process_page`: title, date, 来源, body length, label); and prints a seeds
entry to paste into seeds/sites.toml. Exit status 0 when at least one article came out, 1 when
nothing usable was found, 2 for bad arguments.

Plain Python over `crawler.discovery`, `crawler.sites` and `pipelines.stages`: no Scrapy, no
archive. Proxies: the standard `HTTPS_PROXY`/`HTTP_PROXY` environment variables, or the site's
`proxy` in the seeds.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler import discovery, settings
from crawler.sites import SeedsError, Site, home_prefix, load_sites, neighbour_sites, site_for_url
from pipelines.kinds import RequestKind

# Bounds on one check: enough to see a site's shape, few enough to stay a visit, not a crawl.
MAX_REQUESTS = 40
MAX_LIST_PAGES = 6
MAX_SITEMAPS = 5
SAMPLE = 3            # articles extracted and shown
SHOW_URLS = 8         # article URLs listed
DEFAULT_DELAY = 1.0   # seconds between requests when the seeds set no download_delay
MAX_BYTES = 5_000_000  # a news page is far smaller; refuse to read more


@dataclass
class Fetched:
    url: str
    status: int
    headers: dict
    body: bytes
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        charset = re.search(r"charset=([\w-]+)", self.headers.get("content-type", ""), re.I)
        codec = (charset.group(1) if charset else "utf-8").lower()
        if codec in ("gb2312", "gbk"):
            codec = "gb18030"
        try:
            return self.body.decode(codec, "replace")
        except LookupError:
            return self.body.decode("utf-8", "replace")


@dataclass
class Fetcher:
    """Polite GETs: robots.txt per host, a delay between requests, a request budget."""

    user_agent: str
    delay: float
    proxy: str | None = None
    requests: int = 0
    refused: list[str] = field(default_factory=list)
    _robots: dict = field(default_factory=dict)
    _last: float = 0.0

    def __post_init__(self):
        handlers = [urllib.request.ProxyHandler({"http": self.proxy, "https": self.proxy})] if self.proxy else []
        self._opener = urllib.request.build_opener(*handlers)  # else HTTP(S)_PROXY from the environment

    def _raw(self, url: str) -> Fetched:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)  # politeness between requests, not synchronisation
        self._last = time.monotonic()
        self.requests += 1
        req = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept-Encoding": "identity"})
        try:
            with self._opener.open(req, timeout=30) as resp:
                return Fetched(resp.geturl(), resp.status, {k.lower(): v for k, v in resp.headers.items()},
                               resp.read(MAX_BYTES))
        except urllib.error.HTTPError as exc:
            return Fetched(url, exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, b"")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return Fetched(url, 0, {}, b"", error=str(getattr(exc, "reason", exc)))

    def robots(self, url: str) -> tuple[urllib.robotparser.RobotFileParser, Fetched | None]:
        root = discovery.site_root(url)
        if root not in self._robots:
            got = self._raw(root + "/robots.txt")
            parser = urllib.robotparser.RobotFileParser()
            parser.parse(got.text.splitlines() if got.ok else [])
            self._robots[root] = (parser, got if got.ok else None)
        return self._robots[root]

    def get(self, url: str) -> Fetched | None:
        """The page, or None when robots.txt forbids it or the budget is spent."""
        if self.requests >= MAX_REQUESTS:
            return None
        parser, _ = self.robots(url)
        if not parser.can_fetch(self.user_agent, url):
            self.refused.append(url)
            return None
        return self._raw(url)


@dataclass
class Findings:
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)     # article URLs by pattern or shape
    candidates: list[str] = field(default_factory=list)   # headline links of no telling shape
    not_articles: list[str] = field(default_factory=list)  # article-shaped URLs whose page is a list
    samples: list[dict] = field(default_factory=list)
    title: str = ""

    def add_articles(self, urls):
        for u in urls:
            if u not in self.articles:
                self.articles.append(u)


def target_site(target: str, seeds: str) -> Site:
    """The seeds entry named `target`, the one whose URLs `target` matches, or a home-only site."""
    known: dict[str, Site] = {}
    if Path(seeds).exists():
        known = {**neighbour_sites(seeds), **load_sites(seeds)}
    if not target.startswith(("http://", "https://")):
        if target not in known:
            raise SeedsError(f"no site named {target!r} in {seeds} (or beside it); give its home page URL instead")
        return known[target]
    if not urlsplit(target).netloc:
        raise SeedsError(f"not an absolute http(s) URL: {target!r}")
    owner = site_for_url(known, target)
    if owner is not None:
        return owner
    host = (urlsplit(target).hostname or "site").lower()
    name = re.sub(r"[^a-z0-9]+", "-", host.removeprefix("www.")).strip("-") or "site"
    return Site(name=name, display_name=host, region="", url_prefixes=(home_prefix(target),), home=target)


def survey(site: Site, fetch: Fetcher) -> Findings:
    """What the spider would find on the site, from its start points or its home page."""
    found = Findings(feeds=list(site.feeds), sitemaps=list(site.sitemaps), lists=list(site.lists))
    base = home_prefix(site.home) if site.home else (site.url_prefixes[0] if site.url_prefixes else "")
    start = site.home or (site.lists or site.feeds or site.sitemaps or (base,))[0]
    _, robots = fetch.robots(start)
    if robots is not None:
        named = [u for u in discovery.robots_sitemaps(robots.text, robots.url) if site.owns(u)]
        found.sitemaps += [u for u in named if u not in found.sitemaps]
    list_queue = ([site.home] if site.home else []) + list(site.lists)
    if site.home:
        home = fetch.get(site.home)
        if home is not None and home.ok:
            found.title = _title(home.text)
            feeds = [u for u in discovery.feed_links(home.text, home.url) if site.owns(u)]
            found.feeds += [u for u in feeds if u not in found.feeds]
            if not found.feeds:  # guessed paths, only kept when they answer with a feed
                for path in discovery.COMMON_FEED_PATHS:
                    got = fetch.get(base + path.lstrip("/"))
                    if got is not None and got.ok and discovery.is_feed(got.body):
                        found.feeds.append(got.url)
            if not found.sitemaps:
                got = fetch.get(base + discovery.SITEMAP_PATH.lstrip("/"))
                if got is not None and got.ok and discovery.is_sitemap(got.body):
                    found.sitemaps.append(got.url)
            _read_list(site, home, found, list_queue)
    for url in found.feeds:
        got = fetch.get(url)
        if got is not None and got.ok:
            found.add_articles(u for u in discovery.feed_entries(got.body, got.url) if site.is_article_url(u))
    todo, seen = [(u, 0) for u in found.sitemaps], 0
    while todo and seen < MAX_SITEMAPS:
        url, depth = todo.pop(0)
        got = fetch.get(url)
        seen += 1
        if got is None or not got.ok:
            continue
        children, pages = discovery.sitemap_entries(got.body, got.url)
        todo += [(c, depth + 1) for c in children if depth < discovery.MAX_SITEMAP_DEPTH and site.owns(c)]
        found.add_articles(u for u in pages if site.is_article_url(u))
    read = {site.home} if site.home else set()
    for url in list_queue:
        if len(read) >= MAX_LIST_PAGES:
            break
        if url in read:
            continue
        read.add(url)
        got = fetch.get(url)
        if got is not None and got.ok:
            _read_list(site, got, found, list_queue)
    found.lists = [u for u in dict.fromkeys(list(site.lists) + [u for u in list_queue if u in read and u != site.home])]
    return found


def _read_list(site: Site, page: Fetched, found: Findings, list_queue: list[str]) -> None:
    for url, text in discovery.page_links(page.text, page.url):
        if not site.owns(url) or url.rstrip("/") == page.url.rstrip("/"):
            continue
        if site.is_article_url(url):
            found.add_articles([url])
        elif site.is_list_url(url) or text.lower() in ("下一页", "下页", "next"):
            if url not in list_queue:
                list_queue.append(url)
        elif site.discovers and discovery.url_kind(url) == "unknown" and discovery.looks_like_headline(text):
            if url not in found.candidates:
                found.candidates.append(url)


def sample_articles(site: Site, found: Findings, fetch: Fetcher) -> None:
    """Extract up to SAMPLE articles with the crawl's own chain; list pages are noted, not kept."""
    from pipelines.stages import process_page  # the extraction stack: loaded only when needed

    for url in found.articles + found.candidates:
        if len(found.samples) >= SAMPLE or fetch.requests >= MAX_REQUESTS:
            break
        got = fetch.get(url)
        if got is None:
            continue
        if site.discovers and got.ok and \
                discovery.page_kind(got.text, got.url, url_says_article=url in found.articles) != "article":
            found.not_articles.append(url)
            continue
        page = {"url": url, "response_url": got.url, "status": got.status, "headers": got.headers,
                "body": got.body, "error": got.error, "fetched_at": "", "kind": RequestKind.ARTICLE}
        done = process_page(page, site)
        if done.article is None:
            found.samples.append({"url": url, "rejected": f"{done.rejection.stage}/{done.rejection.reason}"})
            continue
        art, verdict = done.article, done.verdict or {}
        found.samples.append({"url": url, "title": art.get("title"), "date": art.get("date"),
                              "outlet": art.get("outlet"), "chars": len(art.get("body") or ""),
                              "label": bool(verdict.get("is_burden_reduction")),
                              "topics": verdict.get("topics") or []})


def _title(html: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
    title = re.sub(r"\s+", " ", m.group(1)).strip() if m else ""
    return re.split(r"\s*[-_|｜—]+\s*", title)[-1] if title else ""  # the site name usually ends it


def seeds_entry(site: Site, found: Findings) -> str:
    """A seeds entry for the site: for a home page, just the home page (each run discovers the
    rest again, so a new feed or section is picked up), what was found noted beside it; for a
    site of the seeds, its entry as it stands."""
    def strings(values):
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    def patterns(values):
        return "[" + ", ".join(f"'{v}'" for v in values) + "]"

    known = bool(site.region)
    lines = [f"[sites.{site.name}]",
             f'display_name = "{site.display_name if known else (found.title or site.display_name)}"',
             f'region = "{site.region or "全国"}"' + ("" if known else "   # check: the province it covers, or 全国")]
    if site.home:
        lines.append(f'home = "{site.home}"')
    for key in ("feeds", "sitemaps", "lists"):
        if getattr(site, key):
            lines.append(f"{key} = {strings(getattr(site, key))}")
    if known and not site.home:
        lines.append(f"url_prefixes = {strings(site.url_prefixes)}")
    for key in ("list_allow", "article_allow", "article_deny"):
        if getattr(site, key):
            lines.append(f"{key} = {patterns(getattr(site, key))}")
    lines.append(f"download_delay = {site.download_delay if site.download_delay is not None else DEFAULT_DELAY}")
    if not known:
        for key, values in (("feeds", found.feeds), ("sitemaps", found.sitemaps)):
            if values:
                lines.append(f"# found {key} (discovered again on each run): {', '.join(values[:3])}")
    return "\n".join(lines)


def report(site: Site, found: Findings, fetch: Fetcher) -> str:
    def block(title, urls, limit=5):
        out = [f"{title}: {len(urls)}"]
        out += [f"  {u}" for u in urls[:limit]]
        if len(urls) > limit:
            out.append(f"  … and {len(urls) - limit} more")
        return out

    how = "URL shape and page structure (no article_allow)" if site.discovers else "the seeds' article_allow"
    lines = [f"site {site.name} ({site.display_name}), {fetch.requests} requests, user agent {fetch.user_agent!r}"]
    lines += block("feeds", found.feeds) + block("sitemaps", found.sitemaps) + block("list pages", found.lists)
    lines += block(f"article URLs matched by {how}", found.articles, SHOW_URLS)
    if found.candidates:
        lines += block("headline links of no telling URL shape (page structure decides)", found.candidates, 3)
    if found.not_articles:
        lines += block("article-shaped URLs that are list pages", found.not_articles, 3)
    if fetch.refused:
        lines += block("refused by robots.txt", fetch.refused, 3)
    lines.append("articles extracted:")
    for s in found.samples:
        if "rejected" in s:
            lines.append(f"  {s['url']}\n    rejected: {s['rejected']}")
        else:
            lines.append(f"  {s['url']}\n    title: {s['title']}\n    date: {s['date'] or '(none)'}   "
                         f"来源: {s['outlet'] or '(none)'}   body: {s['chars']} characters   "
                         f"label: {'burden reduction' if s['label'] else 'other'}"
                         + (f" ({', '.join(s['topics'])})" if s["topics"] else ""))
    if not found.samples:
        lines.append("  (none)")
    return "\n".join(lines)


def usable(found: Findings) -> bool:
    return any("rejected" not in s for s in found.samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jianfu check-site", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="NAME|URL", help="a site of the seeds file, or a home page URL")
    parser.add_argument("--seeds", default="seeds/sites.toml", help="seeds file for NAME (default: %(default)s)")
    parser.add_argument("--delay", type=float, help=f"seconds between requests (default: the site's "
                                                    f"download_delay, else {DEFAULT_DELAY})")
    parser.add_argument("--contact", default=settings.CONTACT_URL, help="contact URL for the user agent")


def run(args: argparse.Namespace) -> int:
    try:
        site = target_site(args.target, args.seeds)
    except SeedsError as exc:
        print(f"jianfu check-site: {exc}", file=sys.stderr)
        return 2
    delay = args.delay if args.delay is not None else (site.download_delay if site.download_delay is not None
                                                        else DEFAULT_DELAY)
    if delay < 0:
        print("jianfu check-site: --delay must be 0 or more", file=sys.stderr)
        return 2
    fetch = Fetcher(settings.USER_AGENT_TEMPLATE.format(contact=args.contact), delay, site.proxy)
    found = survey(site, fetch)
    sample_articles(site, found, fetch)
    print(report(site, found, fetch))
    if not usable(found):
        print(f"\nnothing usable found on {site.home or site.name}: no page read as an article "
              f"(a site behind scripts or a login, a wrong home page, or robots.txt forbids it)", file=sys.stderr)
        return 1
    print("\nproposed seeds entry (paste into seeds/sites.toml; crawl it once with its own archive first):\n")
    print(seeds_entry(site, found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
