"""The one processing chain: a fetched page -> `Processed` (an article with its verdict and
dedupe keys, or a `Rejection`), which `Archive.store` writes.

Both paths call `process_page`: the crawl (`crawler/pipelines.py`, one thin Scrapy pipeline)
and re-processing (`jianfu reprocess`, over the raw pages kept in `pages`), so a stored page goes
through exactly the same steps, with the same site rules (selectors, encoding, mobile hosts), as
a freshly fetched one. Plain data in and out (dicts, bytes, dataclasses): picklable, so a
CPU-heavy stage could move to a worker process without a redesign.

    page ─ fetch check ─ extract ─ dedupe keys ─ classify ─ search words ─> Processed ─> sink
             (status)    (trafilatura  (canonical URLs,   (verdict)  (jieba, for
                          + cleanup)    normalised text,              articles_fts)
                                        body hash, bands)

Everything up to `Processed` is CPU work on one page and runs in a worker process
(`pipelines.pool`); the sink (`pipelines.sink`: `Archive.store` in the main process) only writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from pipelines import bounds, claims, classify, dedupe, extract, search, versions
from pipelines.dedupe import DedupeKeys
from pipelines.errors import Rejected, Rejection
from pipelines.kinds import RequestKind, Stage

if TYPE_CHECKING:  # crawler.sites knows no Scrapy either; imported for the type only
    from crawler.sites import Site


@dataclass
class Processed:
    """What the chain made of one fetched page: exactly one of `article` (with `verdict` and
    `keys`) or `rejection`. `page` is the page as fetched (raw bytes, headers, status), which the
    archive keeps whatever the outcome."""

    page: dict
    article: dict | None = None
    verdict: dict | None = None
    keys: DedupeKeys | None = None
    rejection: Rejection | None = None
    kind: RequestKind = field(default=RequestKind.ARTICLE)
    claims: list[dict] = field(default_factory=list)  # figures claimed (burden-reduction articles only)
    # (title, body) as `articles_fts` stores them (`search.segment`): cut here, in the worker,
    # so the single writer does no jieba work
    search_text: tuple[str, str] | None = None


def canonicaliser(site: "Site | None") -> Callable[[str], str]:
    """The site's `canonical` (its mobile hosts folded), or the site-less default."""
    return site.canonical if site is not None else dedupe.canonical_url


def process_page(page: dict, site: "Site | None" = None) -> Processed:
    """Run the whole chain over one fetched page.

    `page` has `crawler.items.PageItem`'s fields (url, status, headers, body, response_url,
    fetched_at, kind, error, and a `rejection` a spider may already have recorded); `site` is
    the page's seeds entry (None for a page of no known site).
    """
    kind = RequestKind(page.get("kind") or RequestKind.ARTICLE)
    if kind == RequestKind.NAVIGATION:  # a failed feed/sitemap/list fetch: recorded, never parsed
        return Processed(page, rejection=Rejection.coerce(page.get("rejection")) or Rejection(
            Stage.FETCH, fetch_reason(page), f"navigation page: {page.get('error', '')}"), kind=kind)
    rejection = Rejection.coerce(page.get("rejection"))
    if rejection is not None:  # refused before the fetch (e.g. a redirect to a private address)
        return Processed(page, rejection=rejection, kind=kind)
    article, rejection = fetch_and_extract(page, site)
    if rejection is not None:
        return Processed(page, rejection=rejection, kind=kind)
    return finish(page, article, site)


def finish(page: dict, article: dict, site: "Site | None" = None, verdict: dict | None = None) -> Processed:
    """Dedupe keys and (unless given) the verdict for an extracted article."""
    keys = DedupeKeys.of(article["body"], [page["url"], page.get("response_url")], canonicaliser(site))
    keys.bands  # computed now (a cached property): in a worker, the writer gets them ready-made
    verdict = verdict if verdict is not None else classify_article(article)
    return Processed(page, article=article, verdict=verdict, keys=keys, claims=claims.claims_for(article, verdict),
                     search_text=search_text(article))


def search_text(article: dict) -> tuple[str, str]:
    """The article's title and body segmented for the full-text index."""
    return search.segment(article.get("title") or ""), search.segment(article["body"])


def warm_up() -> None:
    """Load what the stages load lazily (jieba's dictionary, the classifier's model and rules,
    the gazetteer), by processing a small built-in article once."""
    classify_article({"title": "基层减负", "body": "北京市朝阳区为基层减负，精简会议文件。"})
    search.segment("基层减负")


def fetch_reason(page: dict) -> str:
    status = page.get("status") or 0
    return f"http_{status}" if status else "no_response"


def fetch_and_extract(page: dict, site: "Site | None" = None) -> tuple[dict | None, Rejection | None]:
    """A fetched page -> (article, None) or (None, rejection).

    Refuses transport failures and HTTP errors (stage "fetch"), then runs extraction with the
    site's selectors and its `encoding` override (for a site whose headers lie about the charset).
    """
    status = page.get("status") or 0
    if status == 0:
        return None, Rejection(Stage.FETCH, "no_response", page.get("error") or "no response")
    if status >= 400:
        return None, Rejection(Stage.FETCH, f"http_{status}", f"server answered HTTP {status}")
    headers = page.get("headers") or {}
    content_type = headers.get("content-type")
    if site is not None and site.encoding:
        content_type = f"text/html; charset={site.encoding}"
    try:
        article = extract.extract_page(
            page.get("body") or b"", page.get("response_url") or page["url"],
            content_type=content_type, selectors=(site.selectors if site is not None else None) or None,
            fetched_at=page.get("fetched_at"),
        )
    except Rejected as exc:
        return None, exc.rejection
    except Exception as exc:  # a bug in extraction must not stop the crawl: record it
        return None, Rejection(Stage.EXTRACT, "extractor_error", f"{type(exc).__name__}: {exc}")
    article = dict(article)
    article["extractor_version"] = versions.EXTRACTOR
    if not (article.get("body") or "").strip():
        return None, Rejection(Stage.EXTRACT, "empty_body", "no article text found")
    try:
        bounds.check_body(article["body"])  # dedupe, classify and search grow with the text
    except Rejected as exc:
        return None, exc.rejection
    return article, None


def classify_article(article: dict) -> dict:
    """The burden-reduction verdict for an extracted article, as plain data."""
    verdict = classify.classify(article.get("title") or "", article["body"]).as_dict()
    verdict["classifier_version"] = classify.CLASSIFIER_VERSION
    return verdict
