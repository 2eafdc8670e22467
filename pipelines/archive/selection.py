"""Which archived articles a re-processing reads, with their raw pages.

`--site`, `--since`, `--until` become one SQL condition; the articles come in batches of ids
(memory stays flat however large the archive, and no cursor stays open while the caller writes),
each with the columns re-processing compares and its stored page, read in one query.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import datetime, timedelta

from pipelines import versions

# The article columns re-processing compares with its new result (id first).
COLUMNS = ("id", "title", "body", "story_id", "is_burden_reduction", "extractor_version", "classifier_version",
           "topics", "published_at")


def where(sites=None, since: str | None = None, until: str | None = None,
          stale: dict[str, str] | None = None) -> tuple[str, list]:
    """SQL condition and parameters selecting articles `a` by site and by day of publication.

    `since`/`until` are inclusive days (YYYY-MM-DD) compared with `published_at`'s day (its
    own +08:00 day); an article without a date is outside every date range. With `stale`
    (column -> version, `pipelines.versions.current`), only articles with a stored version
    that differs.
    """
    clauses, params = [], []
    if stale:
        cond, values = versions.stale_condition(stale, "a")
        clauses.append(cond)
        params += values
    if sites:
        clauses.append(f"a.site IN ({','.join('?' * len(sites))})")
        params += list(sites)
    if since:
        clauses.append("a.published_at >= ?")
        params.append(since)
    if until:  # before the next day: the whole of `until` counts, at any time of it
        clauses.append("a.published_at < ?")
        params.append((datetime.strptime(until, "%Y-%m-%d") + timedelta(days=1)).strftime("%Y-%m-%d"))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count(conn: sqlite3.Connection, sites=None, since: str | None = None, until: str | None = None,
          stale: dict[str, str] | None = None) -> int:
    """How many articles `article_pages` yields with the same filters."""
    cond, params = where(sites, since, until, stale)
    return conn.execute(f"SELECT count(*) FROM articles a JOIN pages p ON p.id = a.page_id{cond}", params).fetchone()[0]


def article_pages(conn: sqlite3.Connection, sites=None, since: str | None = None, until: str | None = None,
                  batch: int = 200, stale: dict[str, str] | None = None):
    """(article columns, page dict) for every selected article, in id order."""
    cond, params = where(sites, since, until, stale)
    cond = (cond + " AND" if cond else " WHERE") + " a.id > ?"
    last = -1
    n = len(COLUMNS)
    while True:
        rows = conn.execute(
            f"SELECT {', '.join('a.' + c for c in COLUMNS)}, "
            "p.url, p.response_url, p.site, p.status, p.headers, p.body, p.fetched_at "
            f"FROM articles a JOIN pages p ON p.id = a.page_id{cond} ORDER BY a.id LIMIT {int(batch)}",
            (*params, last)).fetchall()
        if not rows:
            return
        for row in rows:
            url, response_url, site, status, headers, body, fetched_at = row[n:]
            yield dict(zip(COLUMNS, row[:n])), {
                "url": url, "response_url": response_url or url, "site": site, "status": status,
                "headers": json.loads(headers or "{}"), "body": zlib.decompress(body) if body else b"",
                "fetched_at": fetched_at}
        last = rows[-1][0]
