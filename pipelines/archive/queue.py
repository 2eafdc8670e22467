"""The queue of discovered article URLs (`queue`): a killed run's discoveries are fetched by the next.

Scrapy keeps its scheduler in memory; the archive's queue survives a kill. A URL leaves it in
the transaction that stores its page (or when robots.txt refuses it for good).
"""

from __future__ import annotations

import sqlite_utils

from pipelines.archive.clock import now_iso


class Queue:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.conn = db.conn

    def add(self, url: str, site: str, found_via: str, run_id: int | None) -> None:
        """Remember a discovered article URL until its page is stored (or refused)."""
        with self.db.atomic():
            self.conn.execute(
                "INSERT OR IGNORE INTO queue (url, site, found_via, run_id, discovered_at) VALUES (?, ?, ?, ?, ?)",
                (url, site, found_via, run_id, now_iso()))

    def remove(self, *urls: str) -> None:
        with self.db.atomic():
            self.conn.executemany("DELETE FROM queue WHERE url = ?", [(u,) for u in urls if u])

    def resume(self, sites: list[str], max_attempts: int = 3) -> list[tuple[str, str]]:
        """(url, site) of article URLs an earlier run discovered but never stored.

        A URL still queued after `max_attempts` runs that ended without an archive problem
        (robots.txt forbids it, or it is a duplicate under another spelling) is dropped from the
        queue. Attempts are counted when a run closes (`count_attempt`, from `Runs.finish`), not
        here, so runs stopped by a full, locked or damaged archive never use up a URL's attempts.
        """
        marks = ",".join("?" * len(sites))
        with self.db.atomic():
            self.conn.execute(f"DELETE FROM queue WHERE attempts > ? AND site IN ({marks})", (max_attempts, *sites))
            rows = self.conn.execute(f"SELECT url, site FROM queue WHERE site IN ({marks}) ORDER BY rowid",
                                     sites).fetchall()
        return rows

    def count_attempt(self, sites: list[str]) -> None:
        """A run of these sites ended (inside the caller's transaction): one attempt for every URL
        of theirs still queued."""
        self.conn.execute(f"UPDATE queue SET attempts = attempts + 1 WHERE site IN ({','.join('?' * len(sites))})",
                          sites)
