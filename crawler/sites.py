"""Load and validate a seeds file (`seeds/sites.toml`, `seeds/demo.toml`).

A seeds file says which sites to crawl, where to start and, optionally, which URLs are
articles: an entry may be just a `home` page, and the spider discovers the site's feeds,
sitemaps, list pages and articles (`crawler/discovery.py`); `article_allow` / `list_allow`
regexes override that discovery for a site whose URLs it reads wrongly. It is
checked completely before the spider sends a single request: a typo in a regex or a missing
start point should stop the crawl with a message naming the file, the site and the field,
not surface an hour later as a site that silently yielded nothing.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from cssselect import SelectorError
from lxml.cssselect import CSSSelector

from crawler import discovery
from pipelines.decode import ascii_compatible
from pipelines.dedupe import canonical_url


class SeedsError(ValueError):
    """A seeds file that cannot be used; the message names file, site and field."""


@dataclass(frozen=True)
class Site:
    name: str
    display_name: str
    region: str
    url_prefixes: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    list_allow: tuple[str, ...] = ()
    article_allow: tuple[str, ...] = ()
    article_deny: tuple[str, ...] = ()
    max_list_pages: int = 5
    encoding: str | None = None
    selectors: dict = field(default_factory=dict)
    mobile_hosts: dict = field(default_factory=dict)
    home: str | None = None                 # a home page to discover feeds, sitemaps and lists from
    download_delay: float | None = None     # politeness: seconds between requests to this site
    concurrency: int | None = None          # politeness: parallel requests to this site
    proxy: str | None = None                # an HTTP(S) proxy for this site's requests

    @property
    def discovers(self) -> bool:
        """No `article_allow`: articles are told from navigation by URL shape and page structure."""
        return not self.article_allow

    def canonical(self, url: str) -> str:
        """The one spelling of `url` the archive compares and keys articles by: tracking
        parameters and fragments dropped, this site's mobile hosts folded to the desktop host.
        Every URL comparison (article patterns, the skip check, `article_urls`) goes through it,
        so a mobile link to an archived article is not fetched again."""
        return canonical_url(url, self.mobile_hosts)

    def owns(self, url: str) -> bool:
        return any(url.startswith(p) for p in self.url_prefixes)

    def is_article_url(self, url: str) -> bool:
        """Patterns match the URL as linked or its canonical form (tracking parameters dropped);
        without patterns, the URL's shape decides (`discovery.url_kind`)."""
        if not self.owns(url):
            return False
        forms = (url, self.canonical(url))
        if any(re.search(p, u) for p in self.article_deny for u in forms):
            return False
        if self.discovers:
            return discovery.url_kind(url) == "article"
        return any(re.search(p, u) for p in self.article_allow for u in forms)

    def is_list_url(self, url: str) -> bool:
        if not self.owns(url):
            return False
        if any(re.search(p, url) for p in self.list_allow):
            return True
        return self.discovers and discovery.url_kind(url) == "list"

    def as_config(self) -> dict:
        """The site as plain data, for the `sites` table."""
        return asdict(self)

    @classmethod
    def from_config(cls, config: dict) -> "Site":
        """The site again from `as_config()` (as stored in the `sites` table, JSON lists for
        tuples), so re-processing treats a stored page exactly as the crawl did."""
        known = {f.name for f in fields(cls)}
        values = {k: tuple(v) if k in _STR_LISTS else v for k, v in config.items() if k in known}
        values["selectors"] = dict(values.get("selectors") or {})
        values["mobile_hosts"] = dict(values.get("mobile_hosts") or {})
        return cls(**values)


_STR_LISTS = ("url_prefixes", "feeds", "sitemaps", "lists", "list_allow", "article_allow", "article_deny")
_REGEX_FIELDS = ("list_allow", "article_allow", "article_deny")
_URL_FIELDS = ("url_prefixes", "feeds", "sitemaps", "lists")
_KNOWN = set(_STR_LISTS) | {"display_name", "region", "max_list_pages", "encoding", "selectors", "mobile_hosts",
                             "home", "download_delay", "concurrency", "proxy"}
_SELECTOR_KEYS = {"title", "body", "date", "outlet", "author"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def load_sites(path: str | Path) -> dict[str, Site]:
    """Parse and validate a seeds file; return its sites by name, in file order."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedsError(f"{path}: seeds file not found") from None
    except IsADirectoryError:
        raise SeedsError(f"{path}: is a directory, not a seeds file") from None
    except UnicodeDecodeError as exc:
        raise SeedsError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8") from None
    except OSError as exc:
        raise SeedsError(f"{path}: cannot read the seeds file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SeedsError(f"{path}: not valid TOML: {exc}") from None
    tables = raw.get("sites")
    if not isinstance(tables, dict) or not tables:
        raise SeedsError(f"{path}: no [sites.NAME] tables")
    return {name: _site(path, name, entry) for name, entry in tables.items()}


def _site(path: Path, name: str, entry: object) -> Site:
    def fail(fld: str, why: str) -> SeedsError:
        return SeedsError(f"{path}: site '{name}', field '{fld}': {why}")

    if not _NAME.match(name):
        raise fail("name", "use lower-case ascii letters, digits, '-' or '_'")
    if not isinstance(entry, dict):
        raise fail("name", "must be a table")
    unknown = set(entry) - _KNOWN
    if unknown:
        raise fail(sorted(unknown)[0], f"unknown field (known: {', '.join(sorted(_KNOWN))})")
    for key in ("display_name", "region"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise fail(key, "required, a non-empty string")
    values: dict = {}
    for key in _STR_LISTS:
        v = entry.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            raise fail(key, "must be a list of non-empty strings")
        values[key] = tuple(v)
    home = entry.get("home")
    if home is not None and (not isinstance(home, str) or urlsplit(home).scheme not in ("http", "https")
                             or not urlsplit(home).netloc):
        raise fail("home", f"not an absolute http(s) URL: {home!r}")
    for key in _URL_FIELDS:
        for url in values[key]:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise fail(key, f"not an absolute http(s) URL: {url!r}")
    for key in _REGEX_FIELDS:
        for pattern in values[key]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise fail(key, f"bad regular expression {pattern!r}: {exc}") from None
    if not (values["feeds"] or values["sitemaps"] or values["lists"] or home):
        raise fail("feeds", "a site needs at least one start point: home, feeds, sitemaps or lists")
    if not values["url_prefixes"]:
        # Default: the site owns the hosts of its start points; a home page below the root
        # (http://host/difang/) owns only its own directory.
        starts = values["feeds"] + values["sitemaps"] + values["lists"]
        prefixes = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/" for u in starts}
        if home:
            prefixes.add(home_prefix(home))
        values["url_prefixes"] = tuple(sorted(prefixes))
    max_pages = entry.get("max_list_pages", 5)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        raise fail("max_list_pages", "must be a positive integer")
    encoding = entry.get("encoding")
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except (LookupError, TypeError):
            raise fail("encoding", f"unknown encoding {encoding!r}") from None
        if not ascii_compatible(codec):  # utf-16/32: HTML markup is never written in them
            raise fail("encoding", f"{encoding!r} cannot be an HTML page's encoding "
                                   f"(ASCII markup is not ASCII bytes in it); use e.g. 'gbk' or 'utf-8'")
    selectors = entry.get("selectors", {})
    if not isinstance(selectors, dict) or not all(isinstance(v, str) and v for v in selectors.values()):
        raise fail("selectors", "must be a table of CSS selector strings")
    if set(selectors) - _SELECTOR_KEYS:
        raise fail("selectors", f"unknown key {sorted(set(selectors) - _SELECTOR_KEYS)[0]!r} "
                                f"(known: {', '.join(sorted(_SELECTOR_KEYS))})")
    delay = entry.get("download_delay")
    if delay is not None and (not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0):
        raise fail("download_delay", "must be a number of seconds, 0 or more")
    concurrency = entry.get("concurrency")
    if concurrency is not None and (not isinstance(concurrency, int) or isinstance(concurrency, bool)
                                    or concurrency < 1):
        raise fail("concurrency", "must be a positive integer")
    proxy = entry.get("proxy")
    if proxy is not None and (not isinstance(proxy, str) or urlsplit(proxy).scheme not in ("http", "https")
                              or not urlsplit(proxy).netloc):
        raise fail("proxy", f"not a proxy URL like http://user:pass@host:3128: {proxy!r}")
    for key, selector in selectors.items():  # compiled as extraction will (lxml's cssselect)
        try:
            CSSSelector(selector)
        except (SelectorError, ValueError) as exc:
            raise fail(f"selectors.{key}", f"bad CSS selector {selector!r}: {exc}") from None
    mobile_hosts = entry.get("mobile_hosts", {})
    if not isinstance(mobile_hosts, dict) or not all(isinstance(v, str) for v in mobile_hosts.values()):
        raise fail("mobile_hosts", "must be a table mapping a mobile host to its desktop host")
    return Site(
        name=name,
        display_name=entry["display_name"].strip(),
        region=entry["region"].strip(),
        max_list_pages=max_pages,
        encoding=encoding,
        selectors=dict(selectors),
        mobile_hosts=dict(mobile_hosts),
        home=home,
        download_delay=float(delay) if delay is not None else None,
        concurrency=concurrency,
        proxy=proxy,
        **values,
    )


def home_prefix(home: str) -> str:
    """The URL prefix a home page owns: its directory (http://host/ for a site's root)."""
    parts = urlsplit(home)
    directory = parts.path.rsplit("/", 1)[0] + "/" if parts.path else "/"
    return f"{parts.scheme}://{parts.netloc}{directory}"


def adhoc_site(url: str) -> Site:
    """A site for a URL no seeds file names (`scrapy parse URL`, `-a url=` elsewhere): named
    after its host, with no rules, so its pages are read by discovery."""
    parts = urlsplit(url)
    host = (parts.hostname or "adhoc").lower()
    return Site(name=host, display_name=host, region="", url_prefixes=(f"{parts.scheme}://{parts.netloc}/",))


def site_for_url(sites: dict[str, Site], url: str) -> Site | None:
    """The site whose URL prefix is the longest match for `url` (for `-a url=` crawls)."""
    owners = [s for s in sites.values() for p in s.url_prefixes if url.startswith(p)]
    return max(owners, key=lambda s: max(len(p) for p in s.url_prefixes if url.startswith(p)), default=None)


def neighbour_sites(seeds_path: str | Path) -> dict[str, Site]:
    """The sites of every other seeds file beside `seeds_path` (seeds/demo.toml beside
    seeds/sites.toml), to name a URL given with `-a url=` or to `scrapy parse` after its site.
    A file that does not load is skipped here: it is not being crawled."""
    found: dict[str, Site] = {}
    path = Path(seeds_path)
    for other in sorted(path.parent.glob("*.toml")):
        if other.resolve() == path.resolve():
            continue
        try:
            for name, site in load_sites(other).items():
                found.setdefault(name, site)
        except SeedsError:
            continue
    return found
