"""Chinese full-text search over articles (first version: jieba-segmented column + FTS5 unicode61).

The text is segmented with jieba (`cut_for_search`) and the space-joined tokens are indexed by
FTS5's plain `unicode61` tokenizer, so any program can open the archive without a custom
tokenizer; queries are segmented the same way before matching.
"""

from __future__ import annotations

import sqlite3

import jieba

jieba.setLogLevel(60)

FTS_TABLE = "articles_fts"


def segment(text: str) -> str:
    """Tokens for the index and for queries, joined by spaces."""
    return " ".join(t for t in jieba.cut_for_search(text or "") if t.strip())


def ensure_search_index(db) -> None:
    db.conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, tokenize='unicode61')"
    )


def index_article(conn: sqlite3.Connection, article_id: int, title: str, body: str) -> None:
    conn.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (article_id,))
    conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)",
                 (article_id, segment(title), segment(body)))


def fts_query(query: str) -> str:
    """A user query as an FTS5 expression: every segmented word must occur, as a phrase per word."""
    words = [w for w in jieba.cut(query or "") if w.strip()]
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(db, query: str, limit: int = 20) -> list[dict]:
    conn = db.conn if hasattr(db, "conn") else db
    rows = conn.execute(
        f"SELECT a.id, a.title FROM {FTS_TABLE} f JOIN articles a ON a.id = f.rowid "
        f"WHERE {FTS_TABLE} MATCH ? ORDER BY rank LIMIT ?", (fts_query(query), limit))
    return [{"id": r[0], "title": r[1]} for r in rows]
