"""Navigation pages left alone for a while after a costly failure (`backoff`).

Feeds, sitemaps and list pages are read on every run, to discover. One that fails in a way that
costs the crawl — a body over the size limit, a gzip bomb, a redirect loop or chain — would be
paid for again on every scheduled run, and a server that answers "come back later" (HTTP 429 or
503 with `Retry-After`) asked not to be. So the failure is remembered here, with a time before
which the page is not requested (`crawler/backoff.py` skips it): `FIRST_BACKOFF` after the first
failure, twice as long after each further one, at most `MAX_BACKOFF`; or the server's own
`Retry-After`, within the same cap. The first success forgets it, so a page the site has fixed
is read again at most `MAX_BACKOFF` after the fix.

Times are the archive's clock (ISO 8601, +08:00), so they compare as strings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import sqlite_utils

from pipelines.archive.clock import SHANGHAI

# Failures that cost the crawl each time the page is requested (the whole size limit downloaded
# or decompressed, up to 20 redirects followed); an ordinary error (404, 500, DNS) costs one
# cheap request and may be gone by the next run, so it is simply tried again.
COSTLY = frozenset({"too_large", "redirect_loop", "too_many_redirects"})
# A daily cron run retries a page that failed once on the next day (6 h < 24 h), then after 2,
# 4 and 8 days as long as it keeps failing; a fixed page waits at most a week.
FIRST_BACKOFF = timedelta(hours=6)
MAX_BACKOFF = timedelta(days=7)


def retry_after_delay(value: str | None, now: datetime) -> timedelta | None:
    """A `Retry-After` header (seconds, or an HTTP date) as a delay from `now`; None when absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when - now, timedelta(0)) if when.tzinfo else None


class Backoff:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.conn = db.conn

    def failed(self, url: str, site: str | None, reason: str, retry_after: str | None = None,
               now: datetime | None = None) -> str | None:
        """A navigation page failed (inside the caller's transaction). A costly failure, or one the
        server gave a `Retry-After` for, is remembered; returns the time before which the page is
        not requested again, else None."""
        now = now or datetime.now(SHANGHAI)
        asked = retry_after_delay(retry_after, now)
        if reason not in COSTLY and asked is None:
            return None
        row = self.conn.execute("SELECT failures FROM backoff WHERE url = ?", (url,)).fetchone()
        failures = (row[0] if row else 0) + 1
        delay = min(asked if asked is not None else FIRST_BACKOFF * 2 ** (failures - 1), MAX_BACKOFF)
        until = (now + delay).isoformat(timespec="seconds")
        self.conn.execute(
            "INSERT OR REPLACE INTO backoff (url, site, reason, failures, last_failed_at, retry_after) "
            "VALUES (?, ?, ?, ?, ?, ?)", (url, site, reason, failures, now.isoformat(timespec="seconds"), until))
        return until

    def succeeded(self, url: str) -> None:
        """The page answered: forget its failures."""
        with self.db.atomic():
            self.conn.execute("DELETE FROM backoff WHERE url = ?", (url,))

    def all(self) -> dict[str, dict]:
        """url -> {reason, failures, retry_after} for every remembered page."""
        return {url: {"reason": reason, "failures": failures, "retry_after": until}
                for url, reason, failures, until in
                self.conn.execute("SELECT url, reason, failures, retry_after FROM backoff")}
