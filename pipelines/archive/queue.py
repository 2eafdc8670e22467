"""The queue of discovered article URLs (`queue`): a killed run's discoveries are fetched by the next.

Scrapy keeps its scheduler in memory; the archive's queue survives a kill. A URL leaves it in
the transaction that stores its page (an article, or a rejection: robots.txt, a failed fetch).
"""

from __future__ import annotations

import sqlite_utils

from pipelines.archive.clock import now_iso
from pipelines.kinds import Stage


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

    def resume(self, sites: list[str], max_attempts: int = 3, run_id: int | None = None) -> list[tuple[str, str]]:
        """(url, site) of article URLs an earlier run discovered but never stored.

        A URL that more than `max_attempts` runs requested without its request ending as a page
        or a rejection (a callback that fails on it every time) is taken off the queue, and that
        is itself recorded: a `fetch/gave_up` rejection in this run, never a silent drop. If a
        list page still links to it, it is discovered, queued and requested again. Attempts are
        counted when a run closes, for the URLs it actually requested (`count_attempt`): a run
        cut short before reaching a URL, or stopped by a full, locked or damaged archive, uses
        up no attempt.
        """
        marks = ",".join("?" * len(sites))
        with self.db.atomic():
            given_up = self.conn.execute(f"SELECT url, site, attempts FROM queue WHERE attempts > ? "
                                         f"AND site IN ({marks})", (max_attempts, *sites)).fetchall()
            self.conn.executemany(
                "INSERT INTO rejections (page_id, url, site, run_id, stage, reason, detail, at) "
                "VALUES (NULL, ?, ?, ?, ?, 'gave_up', ?, ?)",
                [(url, site, run_id, str(Stage.FETCH), f"requested in {attempts} runs without ending as a "
                  "page or a rejection; no longer resumed from the queue", now_iso())
                 for url, site, attempts in given_up])
            self.conn.executemany("DELETE FROM queue WHERE url = ?", [(url,) for url, _, _ in given_up])
            rows = self.conn.execute(f"SELECT url, site FROM queue WHERE site IN ({marks}) ORDER BY rowid",
                                     sites).fetchall()
        return rows

    def count_attempt(self, urls) -> None:
        """A run ended (inside the caller's transaction) after requesting `urls`: one attempt for
        each of them still queued."""
        self.conn.executemany("UPDATE queue SET attempts = attempts + 1 WHERE url = ?", [(u,) for u in urls])
