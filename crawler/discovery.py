"""Finding a site's feeds, sitemaps, list pages and articles without per-site rules.

A seeds entry may be just a home page: these plain functions (no Scrapy in them) are what the
spider and `jianfu check-site` use to find where the articles are, as trafilatura and
news-please do for feeds and sitemaps, and as Zyte's article template tells articles from
navigation:

- feeds: `<link rel="alternate" type="application/rss+xml">` on the home page, else the common
  feed paths (`COMMON_FEED_PATHS`);
- sitemaps: the `Sitemap:` lines of robots.txt, else `/sitemap.xml`; indexes are followed at most
  `MAX_SITEMAP_DEPTH` levels and only on the site's own hosts; news sitemaps are plain sitemaps
  with extra fields;
- article URLs by their shape (`url_kind`): a date in the path, a long numeric id, the
  `content_123`, `t20240508_123`, `c1001-123`, `thread-123` and `.shtml` patterns of Chinese CMSs;
  list pages by theirs (`index_2.html`, `node_123.htm`, a path ending in `/`, `?page=2`);
- and by page structure (`page_kind`): an article has one block of running prose, a list page
  many links and little prose — used when a URL's shape is not conclusive, and to catch a
  date-shaped URL that is in fact an archive page.

The seeds' `article_allow` / `list_allow` regexes, when given, override the URL shapes.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

# Feed paths tried when the home page names no feed (each one costs a request, often a 404,
# so only the two commonest: WordPress-style and plain RSS).
COMMON_FEED_PATHS = ("/rss.xml", "/feed/")
SITEMAP_PATH = "/sitemap.xml"
# A sitemap index (depth 0) may list sitemaps (depth 1), which may be indexes once more
# (depth 2, as news sites split by year and month); deeper chains are not followed.
MAX_SITEMAP_DEPTH = 2
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml")

# Page structure. An article has one block of running, non-link prose of at least
# MIN_ARTICLE_PROSE characters (the shortest article body on the demo web is 136 characters;
# list pages there, with a date beside each link, stay under 40) that outweighs the text of
# links to other articles on the page; a list page links to at least MIN_LIST_LINKS articles
# (the demo web's shortest lists hold two; reading a page with two article links for more
# links costs nothing, storing it as an article would).
MIN_ARTICLE_PROSE = 100
MIN_LIST_LINKS = 2
# A link whose URL shape says nothing is a candidate article when its text reads like a
# headline (navigation links say 首页, 关于我们, 更多 …).
MIN_HEADLINE_CHARS = 8

_PAGE_EXTS = {"", "html", "htm", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "do", "cms"}
_DATE = r"(?:19|20)\d{2}"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_ARTICLE_PATH = [
    re.compile(rf"/{_DATE}[-_/]?{_MONTH}[-_/]?{_DAY}/"),        # /2024/0508/, /2024-05/08/, /20240508/
    re.compile(rf"/{_DATE}[-_/]?{_MONTH}/[^/]*\d[^/]*$"),       # /202405/t…, /2024-05/abc1.html
    re.compile(rf"/t{_DATE}{_MONTH}{_DAY}_\d+"),                # ccdi, government CMS (TRS)
    re.compile(r"/content_\d+"),                                 # gmw, gov.cn
    re.compile(r"/c\d+-\d+\.html?$"),                            # people.cn
    re.compile(r"/c_\d{6,}\.html?$"),                            # xinhuanet
    re.compile(r"/(?:thread|viewthread)-?\d+"),                  # Discuz forums
    re.compile(r"/art_\d+_\d+\.html?$"),                         # Hanweb government CMS
    re.compile(r"/[^/]*\d{5,}[^/]*\.[a-z]+$"),                  # a long numeric id in the file name
    re.compile(r"/\d{5,}/?$"),                                   # … or as the last segment
    re.compile(r"/[^/.]*\d{6,}[^/.]*/?$"),                       # … or in a segment with no extension
]
_ARTICLE_QUERY = re.compile(r"(?:^|&)(?:id|aid|tid|p|articleid|newsid|contentid|itemid|postid)=\d+", re.I)
_LIST_FILE = re.compile(r"^(?:index|default|list|more|node|forum)(?:[-_]?\d+)*(?:\.[a-z]+)?$", re.I)
# (not `p=`: WordPress spells a post `?p=1700`)
_LIST_QUERY = re.compile(r"(?:^|&)(?:page|pn|pageno|start)=\d+", re.I)
_NOT_CONTENT = re.compile(r"/(?:login|logon|register|reg|search|sousuo|member|user|my|tag|tags|rss|feed|"
                          r"about|contact|help|sitemap|lxwm|gywm|wzdt)(?:[/._-]|$)", re.I)


def url_kind(url: str) -> str:
    """'article', 'list' or 'unknown', from the URL's shape alone."""
    parts = urlsplit(url)
    path = parts.path or "/"
    last = path.rsplit("/", 1)[-1]
    ext = last.rsplit(".", 1)[-1].lower() if "." in last else ""
    if ext not in _PAGE_EXTS:
        return "unknown"  # images, documents, feeds: not pages to parse for links
    if _NOT_CONTENT.search(path):
        return "unknown"
    if _LIST_QUERY.search(parts.query):
        return "list"
    if _ARTICLE_QUERY.search(parts.query):  # an item id outweighs the script's name (more.asp?id=…)
        return "article"
    if not last or _LIST_FILE.match(last):
        return "list"
    if any(p.search(path) for p in _ARTICLE_PATH):
        return "article"
    if _ARTICLE_QUERY.search(parts.query):
        return "article"
    if ext == "shtml" and re.search(r"\d{3,}", last):  # TRS/SHTML government sites
        return "article"
    return "unknown"


def same_site(url: str, hosts: set[str]) -> bool:
    """Whether `url` is on one of the site's hosts (`www.` and no `www.` count as one)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in hosts or host.removeprefix("www.") in {h.removeprefix("www.") for h in hosts}


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# -- robots.txt, feeds, sitemaps -------------------------------------------------------------


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, as absolute URLs, in order, without repeats."""
    found = []
    for line in robots_txt.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip()))
    return list(dict.fromkeys(found))


def _tree(html: str | bytes):
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = html.strip()
    if not html:
        return None
    try:
        return lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def feed_links(html: str | bytes, base_url: str) -> list[str]:
    """Feeds a page announces with `<link rel="alternate" type="application/rss+xml" href=…>`."""
    tree = _tree(html)
    if tree is None:
        return []
    found = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and link.get("href"):
            found.append(urljoin(base_url, link.get("href").strip()))
    return list(dict.fromkeys(found))


def _xml_root(data: str | bytes):
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return lxml.etree.fromstring(data.strip(), parser=lxml.etree.XMLParser(recover=True, resolve_entities=False,
                                                                               no_network=True))
    except lxml.etree.XMLSyntaxError:
        return None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def sitemap_entries(data: str | bytes, base_url: str) -> tuple[list[str], list[str]]:
    """(child sitemaps, page URLs) of a sitemap or sitemap index; news sitemaps included."""
    root = _xml_root(data)
    if root is None:
        return [], []
    children, pages = [], []
    for el in root.iter():
        if _local(el.tag) != "loc" or not (el.text or "").strip():
            continue
        parent = _local(el.getparent().tag) if el.getparent() is not None else ""
        url = urljoin(base_url, el.text.strip())
        (children if parent == "sitemap" else pages).append(url)
    return list(dict.fromkeys(children)), list(dict.fromkeys(pages))


def feed_entries(data: str | bytes, base_url: str) -> list[str]:
    """Item links of an RSS or Atom feed."""
    root = _xml_root(data)
    if root is None:
        return []
    found = []
    for el in root.iter():
        name = _local(el.tag)
        parent = _local(el.getparent().tag) if el.getparent() is not None else ""
        if name == "link" and parent in ("item", "entry"):
            href = el.get("href") if parent == "entry" else None
            value = (href or el.text or "").strip()
            if value:
                found.append(urljoin(base_url, value))
    return list(dict.fromkeys(found))


def is_feed(data: str | bytes) -> bool:
    root = _xml_root(data)
    return root is not None and _local(root.tag) in ("rss", "feed", "rdf")


def is_sitemap(data: str | bytes) -> bool:
    root = _xml_root(data)
    return root is not None and _local(root.tag) in ("urlset", "sitemapindex")


# -- pages -----------------------------------------------------------------------------------


def page_links(html: str | bytes, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, link text) of every <a href> on a page, in order."""
    tree = _tree(html)
    if tree is None:
        return []
    out = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if urlsplit(url).scheme in ("http", "https"):
            out.append((url, " ".join(a.text_content().split())))
    return out


def _prose_blocks(tree) -> int:
    """Characters of the largest block of non-link prose: an element's own text plus its
    direct <p> children's, link text excluded (the density idea of pipelines/extract.py)."""
    best = 0
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "head", "title", "noscript"):
            continue
        n = len((el.text or "").strip())
        for child in el:
            if not isinstance(child.tag, str):
                continue
            n += len((child.tail or "").strip())
            if child.tag == "p":
                links = sum(len(a.text_content().strip()) for a in child.iter("a"))
                n += max(0, len(child.text_content().strip()) - links)
        best = max(best, n)
    return best


def page_kind(html: str | bytes, url: str, url_says_article: bool = False) -> str:
    """'article', 'list' or 'other', from the page's structure (see the constants above).

    `url_says_article`: the URL's shape (or the seeds' pattern) already says article, so a block
    of MIN_ARTICLE_PROSE is enough — portal article pages carry more link text (navigation,
    related and hot-news boxes) than prose, and must not be read as lists (3 of 42 real article
    pages of ../shared/corpus/extraction were, under the plain rule).
    """
    tree = _tree(html)
    if tree is None:
        return "other"
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    prose = _prose_blocks(tree)
    article_links = [(u, t) for u, t in page_links(lxml.html.tostring(tree, encoding="unicode"), url)
                     if u.rstrip("/") != url.rstrip("/")
                     and (url_kind(u) == "article" or (url_kind(u) == "unknown" and looks_like_headline(t)))]
    link_text = sum(len(t) for _, t in article_links)
    if prose >= MIN_ARTICLE_PROSE and (url_says_article or prose >= link_text / 2):
        return "article"
    if len(article_links) >= MIN_LIST_LINKS:
        return "list"
    return "other"


def looks_like_headline(text: str) -> bool:
    return len(re.sub(r"\s", "", text)) >= MIN_HEADLINE_CHARS
