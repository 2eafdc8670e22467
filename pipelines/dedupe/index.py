"""The story index inside archive.db: MinHash LSH candidates, verified by the pair rule.

A reprint joins the story of the earliest archived article it matches; a look-alike stays
apart. Candidates come from `dedupe_bands`, looked up per insert, never a scan; each archived
article's normalised text is kept in `dedupe_texts`, so a candidate is compared without
re-reading and re-normalising its body.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from pipelines import versions
from pipelines.dedupe.keys import BANDS, HEAD_BANDS, HEADS, K, ROWS, DedupeKeys, band_keys
from pipelines.dedupe.normalise import normalise
from pipelines.dedupe.pairs import CLOSE, CLOSE_WINDOW_DAYS, COVERAGE, DATE_WINDOW_DAYS, Budget, verdict

# The index holds band keys and normalised texts: it is rebuilt when either would come out
# otherwise, i.e. when `versions.DEDUPE` (a digest of normalisation, the bands and what they
# use) changes; v8: normalised texts kept in `dedupe_texts`.
INDEX_VERSION = (f"minhash-k{K}-b{BANDS}-r{ROWS}-h{HEAD_BANDS}x{'-'.join(map(str, HEADS))}-v8"
                 f"+{versions.DEDUPE.partition('+')[2]}")
CANDIDATES = 50  # most-shared candidates verified per lookup


def _days_apart(a: str | None, b: str | None) -> float:
    """Days between two ISO dates; 0 when either is unknown (no date is no evidence)."""
    if not a or not b:
        return 0.0
    try:
        return abs((datetime.fromisoformat(a[:10]) - datetime.fromisoformat(b[:10])).days)
    except ValueError:
        return 0.0


# One row per reprint cluster (id = its first article); also created by the archive's schema
# migration that points articles.story_id at it.
STORIES_TABLE = ("CREATE TABLE IF NOT EXISTS stories (id INTEGER PRIMARY KEY, title TEXT, size INTEGER, sites TEXT, "
                 "outlets TEXT, source_outlet TEXT, first_published TEXT, last_published TEXT)")


class StoryIndex:
    """Near-duplicate index inside archive.db.

    `dedupe_bands` holds (band key, article id) as a WITHOUT ROWID table keyed on both, so a
    lookup is 32 primary-key range reads and nothing is held in Python memory between calls;
    `dedupe_texts` keeps each indexed article's normalised text, so verifying a candidate is
    one primary-key read and no `normalise()`. Never commits: the caller's transaction covers
    the article, its index rows and its story row together, so a crash leaves all or none.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.execute("CREATE TABLE IF NOT EXISTS dedupe_meta (key TEXT PRIMARY KEY, value TEXT)")
        row = conn.execute("SELECT value FROM dedupe_meta WHERE key = 'index_version'").fetchone()
        stale = row is None or row[0] != INDEX_VERSION
        if stale:
            # an index built with other parameters (or none yet): start it afresh, then fill it
            conn.execute("DROP TABLE IF EXISTS dedupe_bands")
            conn.execute("DROP TABLE IF EXISTS dedupe_texts")
        conn.execute("CREATE TABLE IF NOT EXISTS dedupe_bands (band INTEGER NOT NULL, article_id INTEGER NOT NULL, "
                     "PRIMARY KEY (band, article_id)) WITHOUT ROWID")
        conn.execute("CREATE TABLE IF NOT EXISTS dedupe_texts (article_id INTEGER PRIMARY KEY, normalised TEXT NOT NULL)")
        if stale:  # written only when it changes: opening an archive writes nothing (a full disk can open it)
            conn.execute("INSERT OR REPLACE INTO dedupe_meta (key, value) VALUES ('index_version', ?)", (INDEX_VERSION,))
        conn.execute(STORIES_TABLE)
        if stale and conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone():
            self.rebuild()

    @staticmethod
    def candidates_query(n_keys: int) -> str:
        """The SQL `candidates` issues for `n_keys` band keys (tests EXPLAIN exactly this)."""
        return (f"SELECT article_id FROM dedupe_bands WHERE band IN ({','.join('?' * n_keys)}) "
                f"GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT {CANDIDATES}")

    def candidates(self, bands: list[int]) -> list[int]:
        """Archived articles sharing at least one band, most shared first."""
        if not bands:
            return []
        return [r[0] for r in self.conn.execute(self.candidates_query(len(bands)), bands)]

    def matches(self, keys: DedupeKeys | str, published_at: str | None) -> list[tuple[str, int, int]]:
        """(published_at, article id, story id) of every archived article this text reprints.

        A story is out as soon as one of its articles *conflicts* with the text (shares most of
        it but disagrees on a date, figure or name): otherwise a look-alike could join through a
        member that lacks the distinguishing passage (a reprint with a rewritten lead matches
        both the original and the next sitting of the same meeting). The story's first article
        is always checked, whether or not the index offered it. `keys`: the text's `DedupeKeys`
        (or the raw text, whose keys are computed here).
        """
        keys = _keys(keys)
        nb = keys.normalised
        found, conflicts, checked = [], set(), set()
        budget = Budget()  # all candidates of one lookup together: bounded work per insert

        def check(aid: int) -> int | None:
            checked.add(aid)
            row = self.conn.execute(
                "SELECT a.story_id, a.published_at, t.normalised, CASE WHEN t.normalised IS NULL THEN a.body END "
                "FROM articles a LEFT JOIN dedupe_texts t ON t.article_id = a.id WHERE a.id = ?", (aid,)).fetchone()
            if row is None or row[0] is None:
                return None
            story_id, their_date, normalised, body = row
            days = _days_apart(published_at, their_date)
            ok, _, cover = verdict(nb, normalised if normalised is not None else normalise(body or ""), budget)
            if not ok and cover >= COVERAGE:
                conflicts.add(story_id)
            elif ok and days <= DATE_WINDOW_DAYS and (cover >= CLOSE or days <= CLOSE_WINDOW_DAYS):
                found.append((their_date or "9999", aid, story_id))
            return story_id

        stories = {check(aid) for aid in self.candidates(keys.bands)}
        for story in stories - {None} - checked:
            check(story)
        return sorted(m for m in found if m[2] not in conflicts)

    def find_story(self, keys: DedupeKeys | str, published_at: str | None) -> int | None:
        """story_id of the earliest archived article this text is a reprint of, else None."""
        found = self.matches(keys, published_at)
        return found[0][2] if found else None

    def add(self, article_id: int, keys: DedupeKeys | str) -> None:
        keys = _keys(keys)
        self.conn.executemany("INSERT OR IGNORE INTO dedupe_bands (band, article_id) VALUES (?, ?)",
                              [(k, article_id) for k in keys.bands])
        self.conn.execute("INSERT OR REPLACE INTO dedupe_texts (article_id, normalised) VALUES (?, ?)",
                          (article_id, keys.normalised))

    def remove(self, article_id: int, body: str = "") -> None:
        """Take an article out of the index (before its body is replaced or it is deleted).
        Its bands come from the kept normalised text; `body` only for an article indexed
        without one."""
        row = self.conn.execute("SELECT normalised FROM dedupe_texts WHERE article_id = ?", (article_id,)).fetchone()
        normalised = row[0] if row else normalise(body)
        self.conn.executemany("DELETE FROM dedupe_bands WHERE band = ? AND article_id = ?",
                              [(k, article_id) for k in band_keys(normalised)])
        self.conn.execute("DELETE FROM dedupe_texts WHERE article_id = ?", (article_id,))

    def rebuild(self) -> int:
        """Re-index every article from `articles` (after the parameters change). Story ids are
        kept: rebuilding the index never regroups the archive."""
        self.conn.execute("DELETE FROM dedupe_bands")
        self.conn.execute("DELETE FROM dedupe_texts")
        n, last = 0, -1
        while True:  # in batches of ids: memory stays flat however large the archive
            rows = self.conn.execute("SELECT id, body FROM articles WHERE id > ? AND body IS NOT NULL "
                                     "ORDER BY id LIMIT 500", (last,)).fetchall()
            if not rows:
                return n
            for aid, body in rows:
                self.add(aid, DedupeKeys.of(body))
            n, last = n + len(rows), rows[-1][0]


def _keys(keys: DedupeKeys | str) -> DedupeKeys:
    return DedupeKeys.of(keys) if isinstance(keys, str) else keys


def update_story(conn: sqlite3.Connection, story_id: int) -> None:
    """Recompute one `stories` row from its articles (size, sites, outlets, first/last date)."""
    rows = conn.execute("SELECT id, title, site, outlet, published_at FROM articles WHERE story_id = ? ORDER BY id",
                        (story_id,)).fetchall()
    if not rows:
        conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        return
    dated = sorted((r for r in rows if r[4]), key=lambda r: r[4])
    first = dated[0] if dated else rows[0]
    sites = sorted({r[2] for r in rows if r[2]})
    outlets = sorted({r[3] for r in rows if r[3]})
    conn.execute(
        "INSERT OR REPLACE INTO stories (id, title, size, sites, outlets, source_outlet, first_published, "
        "last_published) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (story_id, first[1], len(rows), json.dumps(sites, ensure_ascii=False), json.dumps(outlets, ensure_ascii=False),
         first[3], dated[0][4] if dated else None, dated[-1][4] if dated else None))
