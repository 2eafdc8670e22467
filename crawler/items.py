"""What the spider hands to the item pipelines: one fetched article page.

Plain data only (bytes, str, dict), so every stage can be a plain function and could run in a
worker process. The pipelines fill `article`, `verdict` or `rejection` as the page travels.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    url: str                      # the URL as requested (what the link said)
    site: str                     # seed site name
    status: int                   # HTTP status; 0 when nothing came back (DNS, timeout, refused)
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    fetched_at: str = ""          # ISO 8601, Asia/Shanghai
    found_via: str = ""           # "feed", "sitemap", "list", "url"
    kind: str = "article"         # "navigation" only for a failed feed/sitemap/list fetch
    response_url: str = ""        # after redirects
    error: str = ""               # transport error, when status == 0
    article: dict | None = None   # filled by extract, dedupe
    verdict: dict | None = None   # filled by classify
    rejection: dict | None = None # {"stage", "reason", "detail"} when a stage refused the page
