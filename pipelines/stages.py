"""The crawl's stages as plain functions over plain data.

Scrapy's item pipelines (`crawler/pipelines.py`) and the re-processing command
(`jianfu reprocess`) both call these, so a stored raw page goes through exactly the same
steps as a freshly fetched one. Inputs and outputs are dicts of str/bytes/numbers: picklable,
so a CPU-heavy stage could move to a worker process without a redesign.
"""

from __future__ import annotations

from pipelines import classify, dedupe, extract
from pipelines.errors import Rejected


def fetch_and_extract(page: dict, selectors: dict | None = None, encoding: str | None = None):
    """A fetched page -> (article, None) or (None, rejection).

    Refuses transport failures and HTTP errors (stage "fetch"), then runs extraction;
    `encoding` is a seeds-file override for a site whose headers lie about their charset.
    """
    status = page.get("status") or 0
    if status == 0:
        return None, {"stage": "fetch", "reason": "no_response", "detail": page.get("error") or "no response"}
    if status >= 400:
        return None, {"stage": "fetch", "reason": f"http_{status}", "detail": f"server answered HTTP {status}"}
    headers = page.get("headers") or {}
    content_type = headers.get("content-type")
    if encoding:
        content_type = f"text/html; charset={encoding}"
    try:
        article = extract.extract_page(
            page.get("body") or b"", page.get("response_url") or page["url"],
            content_type=content_type, selectors=selectors or None, fetched_at=page.get("fetched_at"),
        )
    except Rejected as exc:
        return None, {"stage": exc.stage, "reason": exc.reason, "detail": exc.detail}
    except Exception as exc:  # a bug in extraction must not stop the crawl: record it
        return None, {"stage": "extract", "reason": "extractor_error", "detail": f"{type(exc).__name__}: {exc}"}
    article = dict(article)
    article["extractor_version"] = extract.EXTRACTOR_VERSION
    if not (article.get("body") or "").strip():
        return None, {"stage": "extract", "reason": "empty_body", "detail": "no article text found"}
    return article, None


def dedupe_keys(article: dict, mobile_hosts: dict | None = None, url: str | None = None) -> dict:
    """Add the URL- and text-level keys the archive dedupes on."""
    article = dict(article)
    article["canonical_url"] = dedupe.canonical_url(url or article.get("url") or "", mobile_hosts)
    article["body_hash"] = dedupe.body_hash(article["body"])
    return article


def classify_article(article: dict) -> dict:
    """The burden-reduction verdict for an extracted article, as plain data."""
    verdict = classify.classify(article.get("title") or "", article["body"]).as_dict()
    verdict["classifier_version"] = classify.CLASSIFIER_VERSION
    return verdict
