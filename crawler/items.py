"""What the spider hands to the item pipelines: one fetched article page.

Plain data only (bytes, str, dict), so every stage can be a plain function and could run in a
worker process. `pipelines.stages.process_page` turns it into an article or a rejection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.errors import Rejection
from pipelines.kinds import RequestKind


@dataclass
class PageItem:
    url: str                      # the URL as requested (what the link said)
    site: str                     # seed site name
    status: int                   # HTTP status; 0 when nothing came back (DNS, timeout, refused)
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    fetched_at: str = ""          # ISO 8601, Asia/Shanghai
    found_via: str = ""           # "feed", "sitemap", "list", "url"
    kind: str = RequestKind.ARTICLE  # NAVIGATION only for a failed feed/sitemap/list fetch
    response_url: str = ""        # after redirects
    error: str = ""               # transport error, when status == 0
    rejection: Rejection | None = None  # refused before any processing (a redirect to a private address)


@dataclass
class ArticleItem:
    """What the item pipeline hands on, and so what feed exports write
    (`scrapy crawl news -O articles.jsonl` / `-O articles.csv`): the article as archived,
    text only — never the raw page. Pages that were refused or were another URL of an archived
    article are recorded in the archive and not exported."""

    article_id: int
    story_id: int | None
    site: str
    url: str                      # the URL this crawl fetched
    canonical_url: str
    title: str | None
    date: str | None              # published_at, ISO 8601 (+08:00)
    outlet: str | None            # the 来源 named on the page
    author: str | None
    label: bool                   # about burden reduction (is_burden_reduction)
    score: float | None           # br_score
    topics: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    body: str = ""

    @classmethod
    def from_row(cls, row: dict, url: str) -> "ArticleItem":
        """From an `articles` row (JSON lists as stored)."""
        import json

        def listed(v):
            return json.loads(v) if isinstance(v, str) and v else (v or [])

        return cls(article_id=row["id"], story_id=row.get("story_id"), site=row.get("site") or "", url=url,
                   canonical_url=row.get("canonical_url") or url, title=row.get("title"),
                   date=row.get("published_at"), outlet=row.get("outlet"), author=row.get("author"),
                   label=bool(row.get("is_burden_reduction")), score=row.get("br_score"),
                   topics=listed(row.get("topics")), regions=listed(row.get("regions")),
                   body=row.get("body") or "")
