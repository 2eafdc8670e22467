"""Deduplication at three levels (first version): URL, exact text, near-duplicate (reprint).

- `canonical_url`: one spelling per page (host case, default port, fragment, tracking parameters).
- `body_hash`: a hash of the normalised text; equal hashes are one article with several URLs.
- `StoryIndex`: MinHash over character 5-grams with LSH bands stored in SQLite; a candidate is
  confirmed by containment (an excerpt or a cut version still matches).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING = re.compile(r"^(utm_\w+|spm|from|share|share_token|shareid|scene|isappinstalled|wfr|wxfrom|"
                      r"_wv|timestamp|source|f|ref|refer)$", re.I)
INDEX_PAGE = re.compile(r"/(index|default)\.(html?|shtml|php|aspx?)$", re.I)


def canonical_url(url: str, mobile_hosts: dict[str, str] | None = None) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower()
    if mobile_hosts and host in mobile_hosts:
        host = mobile_hosts[host].lower()
    port = parts.port
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    path = parts.path or "/"
    path = INDEX_PAGE.sub("/", path)
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not TRACKING.match(k)))
    return urlunsplit((scheme, netloc, path, query, ""))


_DROP = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Text reduced to what a reprint keeps: NFKC (full/half width), no punctuation or spaces."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def body_hash(body: str) -> str:
    return hashlib.sha1(normalise(body).encode("utf-8")).hexdigest()


K = 5
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
_MASK = (1 << 61) - 1
_SEEDS = [(hashlib.blake2b(str(i).encode(), digest_size=8).digest()) for i in range(NUM_PERM)]


def shingles(text: str) -> set[str]:
    t = normalise(text)
    return {t[i:i + K] for i in range(max(1, len(t) - K + 1))} if t else set()


def containment(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def is_near_duplicate(a: str, b: str) -> bool:
    sa, sb = shingles(a), shingles(b)
    if containment(sa, sb) < 0.8:
        return False
    # template guard: the shorter text's numbers must all occur in the longer one
    na, nb = set(_NUMBERS.findall(normalise(a))), set(_NUMBERS.findall(normalise(b)))
    small, big = (na, nb) if len(sa) <= len(sb) else (nb, na)
    return small <= big


def _minhash(sh: set[str]) -> list[int]:
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in sh]
    sig = []
    for seed in _SEEDS:
        x = int.from_bytes(seed, "little")
        sig.append(min(((h ^ x) * 0x9E3779B97F4A7C15) & _MASK for h in hashes) if hashes else 0)
    return sig


def _bands(sig: list[int]) -> list[int]:
    out = []
    for b in range(BANDS):
        chunk = sig[b * ROWS:(b + 1) * ROWS]
        h = hashlib.blake2b(repr((b, chunk)).encode(), digest_size=8).digest()
        out.append(int.from_bytes(h, "little", signed=True))
    return out


class StoryIndex:
    """LSH band table in archive.db: (band hash -> article id), looked up per insert."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.execute("CREATE TABLE IF NOT EXISTS dedupe_bands (band INTEGER NOT NULL, article_id INTEGER NOT NULL)")
        conn.execute("CREATE INDEX IF NOT EXISTS dedupe_bands_band ON dedupe_bands(band)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS stories (id INTEGER PRIMARY KEY, title TEXT, size INTEGER, sites TEXT, "
            "outlets TEXT, source_outlet TEXT, first_published TEXT, last_published TEXT)")

    def find_story(self, body: str, published_at: str | None) -> int | None:
        bands = _bands(_minhash(shingles(body)))
        marks = ",".join("?" * len(bands))
        ids = [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT article_id FROM dedupe_bands WHERE band IN ({marks}) ORDER BY article_id", bands)]
        for aid in ids:
            row = self.conn.execute("SELECT body, story_id FROM articles WHERE id = ?", (aid,)).fetchone()
            if row and row[1] is not None and is_near_duplicate(body, row[0]):
                return row[1]
        return None

    def add(self, article_id: int, story_id: int, body: str, published_at: str | None) -> None:
        self.conn.executemany("INSERT INTO dedupe_bands (band, article_id) VALUES (?, ?)",
                              [(b, article_id) for b in _bands(_minhash(shingles(body)))])


def update_story(conn: sqlite3.Connection, story_id: int) -> None:
    rows = conn.execute("SELECT id, title, site, outlet, published_at FROM articles WHERE story_id = ? ORDER BY id",
                        (story_id,)).fetchall()
    if not rows:
        conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        return
    dates = sorted(r[4] for r in rows if r[4])
    sites = sorted({r[2] for r in rows if r[2]})
    outlets = sorted({r[3] for r in rows if r[3]})
    conn.execute(
        "INSERT OR REPLACE INTO stories (id, title, size, sites, outlets, source_outlet, first_published, "
        "last_published) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (story_id, rows[0][1], len(rows), json.dumps(sites, ensure_ascii=False),
         json.dumps(outlets, ensure_ascii=False), rows[0][3], dates[0] if dates else None,
         dates[-1] if dates else None))
