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
