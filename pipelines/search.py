"""Chinese full-text search over the archive, usable from Datasette and from any SQLite client.

SQLite's tokenizers cannot cut Chinese into words (unicode61 makes a whole run of characters
one token; trigram cannot match two-character words). So the words are cut before SQLite sees
them: `articles_fts` holds the title and body segmented by jieba (`cut_for_search`, which
emits a compound such as 基层减负 *and* its parts 基层, 减负), indexed by the standard
`unicode61` tokenizer. Any program can open the archive; no custom tokenizer is needed.

Queries are cut the same way (`fts_query`): 减负 and 基层 are words of the index, an unspaced
phrase such as 基层减负 or 指尖上的形式主义 becomes its words, all of which must occur. In
Datasette the project's plugin (`datasette/plugins/jieba_search.py`) installs `fts_query` in
place of Datasette's `escape_fts`, so the table search box, `?_search=` in the JSON API and the
canned `search` query all segment queries exactly as the index was segmented.

The campaign's vocabulary (pipelines/data/jianfu_terms.txt) is in the dictionary, so its
terms stay whole words (一票否决, 文山会海, 小马拉大车).
"""

from __future__ import annotations

import re
import sqlite3

from pipelines.vocabulary import to_simplified, tokenizer

FTS_TABLE = "articles_fts"
# Ids of articles inserted, changed or deleted, in order: lets a reader that keeps columns in
# memory (the Datasette facet store) catch up without rereading the archive.
CHANGES_TABLE = "articles_fts_changes"
# One-character function words carry nothing in a query of several words.
_STOP = set("的了和与及在是对把被为上下中之其也而并或等")


def _is_word(tok, w: str) -> bool:
    return tok.FREQ.get(w, 0) > 0


def _index_tokens(text: str) -> list[str]:
    """Each word jieba cuts, followed by every dictionary word inside it (基层减负 -> 基层, 减负).

    Like jieba's cut_for_search, but for compounds of any length, so a query for any part of a
    compound finds it.
    """
    tok = tokenizer()
    tok.check_initialized()
    out = []
    for w in tok.cut(to_simplified(text or ""), HMM=True):
        if not re.search(r"\w", w):
            continue
        out.append(w.lower())
        for size in range(2, len(w)):
            for i in range(len(w) - size + 1):
                part = w[i:i + size]
                if _is_word(tok, part):
                    out.append(part.lower())
    return out


def _parts(word: str) -> list[str]:
    """A word cut into the largest dictionary words shorter than itself (forward maximum match)."""
    tok = tokenizer()
    parts, i = [], 0
    while i < len(word):
        for size in range(min(len(word) - 1, len(word) - i), 0, -1):
            piece = word[i:i + size]
            if size == 1 or _is_word(tok, piece):
                parts.append(piece)
                i += size
                break
    return [p for p in parts if p not in _STOP] or parts


def segment(text: str) -> str:
    """The text as the index stores it: words (and the words inside them) separated by spaces."""
    return " ".join(_index_tokens(text))


def _quote(w: str) -> str:
    return '"' + w.replace('"', '""') + '"'


def fts_query(query: str) -> str:
    """A reader's query as an FTS5 expression: every word must occur, as a word of the index or
    as all of its parts; quoted, so no FTS syntax leaks from user input."""
    tok = tokenizer()
    words = [w.lower() for w in tok.cut(to_simplified(query or ""), HMM=True) if re.search(r"\w", w)]
    kept = [w for w in words if w not in _STOP] or words
    clauses = []
    for w in dict.fromkeys(kept):
        parts = _parts(w) if len(w) > 2 else [w]
        if len(parts) > 1:
            clauses.append(f"({_quote(w)} OR ({' AND '.join(_quote(p) for p in parts)}))")
        else:
            clauses.append(_quote(w))
    return " AND ".join(clauses) or '""'


def ensure_search_index(db) -> None:
    """The FTS table and the change log of `articles` (filled by triggers, so every writer —
    crawl, reprocess, reclassify, sqlite3 by hand — keeps it without knowing of it)."""
    conn = db.conn if hasattr(db, "conn") else db
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, tokenize='unicode61')")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {CHANGES_TABLE} (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL)")
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone():
        return
    for event, ref in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS {CHANGES_TABLE}_{event.lower()} AFTER {event} ON articles "
            f"BEGIN INSERT INTO {CHANGES_TABLE} (article_id) VALUES ({ref}.id); END")


def index_article(conn: sqlite3.Connection, article_id: int, title: str, body: str) -> None:
    """(Re)index one article; runs inside the caller's transaction."""
    conn.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (article_id,))
    conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)",
                 (article_id, segment(title), segment(body)))


def search(db, query: str, limit: int = 20) -> list[dict]:
    """Best matches first (bm25, title words weighted above body words)."""
    conn = db.conn if hasattr(db, "conn") else db
    rows = conn.execute(
        f"SELECT a.id, a.title, a.published_at FROM {FTS_TABLE} JOIN articles a ON a.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH ? ORDER BY bm25({FTS_TABLE}, 5.0, 1.0) LIMIT ?", (fts_query(query), limit))
    return [{"id": r[0], "title": r[1], "published_at": r[2]} for r in rows]
