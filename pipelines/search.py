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

import functools
import html
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

from pipelines.vocabulary import _t2s, to_simplified, tokenizer

FTS_TABLE = "articles_fts"
# Ids of articles inserted, changed or deleted, in order: lets a reader that keeps columns in
# memory (the Datasette facet store) catch up without rereading the archive.
CHANGES_TABLE = "articles_fts_changes"
# One-character function words carry nothing in a query of several words.
_STOP = set("的了和与及在是对把被为上下中之其也而并或等")
# Characters of article text shown around the first match in a result list (two lines of a
# 560 px column at 15 px type).
SNIPPET_WIDTH = 80


def _is_word(tok, w: str) -> bool:
    return tok.is_word(w)


def _index_tokens(text: str) -> list[str]:
    """Each word jieba cuts, followed by every dictionary word inside it (基层减负 -> 基层, 减负).

    Like jieba's cut_for_search, but for compounds of any length, so a query for any part of a
    compound finds it.
    """
    tok = tokenizer()
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


def fold(text: str) -> str:
    """A query as the index spells it: traditional characters always folded to simplified (a
    query is too short for `to_simplified`'s guess), full-width forms narrowed, lower case."""
    return _t2s().convert(unicodedata.normalize("NFKC", text or "")).lower()


def _words(text: str) -> list[str]:
    tok = tokenizer()
    words = [w for w in tok.cut(fold(text), HMM=True) if re.search(r"\w", w)]
    return [w for w in words if w not in _STOP] or words


@dataclass
class Group:
    """Terms that must all occur (words; quoted phrases, exact) and terms that must not."""
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


# A quoted phrase ("…", “…”, 「…」), an OR, or any other run of non-space characters.
_QUERY_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|“([^”]*)”?|「([^」]*)」?)|(\S+)')
OR_WORDS = {"OR", "|", "或者"}


# Datasette's SQL time limit cannot interrupt a Python function, so the SQL functions below cut
# their arguments first: a 4-million-character argument once ran 14.5 s and held up every other
# visitor. A query is a few words; a snippet comes from the first match near the opening; the
# phrase check reads at most what the crawl stores of an article (pipelines/bounds.py).
MAX_QUERY_CHARS = 200
MAX_SNIPPET_TEXT = 20_000
MAX_MATCH_TEXT = 100_000


def parse_query(query: str) -> list[Group]:
    """A reader's query as OR-groups: `文山会海 OR 一票否决`, `基层 -减负`, `"基层减负工作"`.

    Words are cut by jieba as the index was; `-word` excludes; OR (upper case) or `|` separates
    alternatives; a quoted phrase must occur as written (its words are matched through the
    index, then the exact text is checked, see `text_matches`).
    """
    groups, group = [], Group()
    for m in _QUERY_TOKEN.finditer(unicodedata.normalize("NFKC", (query or "")[:MAX_QUERY_CHARS])):
        minus, quoted, plain = m.group(1), next((g for g in m.group(2, 3, 4) if g is not None), None), m.group(5)
        if quoted is None and plain in OR_WORDS:
            groups.append(group)
            group = Group()
            continue
        if quoted is None and plain.startswith(("-", "－")) and len(plain) > 1:
            minus, plain = "-", plain[1:]
        text = quoted if quoted is not None else plain
        if minus:
            group.excluded.append(fold(re.sub(r"\s+", "", text)))
        elif quoted is not None:
            phrase = re.sub(r"\s+", "", fold(text))
            if phrase:
                group.phrases.append(phrase)
        else:
            group.words += _words(text)
    groups.append(group)
    return [g for g in groups if g.words or g.phrases]


def _word_clause(w: str) -> str:
    """One word: as a word of the index, or (for a longer one) as all its dictionary parts."""
    parts = _parts(w) if len(w) > 2 else [w]
    if len(parts) > 1:
        return f"({_quote(w)} OR ({' AND '.join(_quote(p) for p in parts)}))"
    return _quote(w)


def _excluded_clause(term: str) -> str:
    words = _words(term)
    if len(words) == 1:
        return _quote(words[0])
    return _quote(" ".join(words))  # several words: excluded only as that phrase


def fts_query(query: str) -> str:
    """A reader's query as an FTS5 expression, cut with the index's own jieba dictionary.

    Every word must occur, as a word of the index or as all of its parts; `-word` excludes the
    articles with that word; groups joined by OR; quoted phrases need all their words (the
    exact phrase is checked on the text by `text_matches`). Everything is quoted, so no FTS
    syntax leaks from user input. A query with nothing to look for matches nothing.
    """
    clauses = []
    for g in parse_query(query):
        words = list(dict.fromkeys(g.words + [w for p in g.phrases for w in _words(p)]))
        if not words:
            continue
        expr = " AND ".join(_word_clause(w) for w in words)
        for term in dict.fromkeys(g.excluded):
            if _words(term):
                expr = f"({expr}) NOT {_excluded_clause(term)}"
        clauses.append(f"({expr})")
    if not clauses:
        return '""'
    return clauses[0][1:-1] if len(clauses) == 1 else " OR ".join(clauses)


def has_phrases(query: str) -> bool:
    return any(g.phrases for g in parse_query(query))


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def text_matches(title: str, body: str, query: str) -> bool:
    """Do the title and body hold the query's quoted phrases exactly (any OR-group)?

    The index finds the articles with all of a phrase's words; this keeps those where the
    phrase is written as one run of text (spaces ignored, traditional folded). A query
    without quoted phrases is left to the index (always True).
    """
    groups = parse_query(query)
    if not any(g.phrases for g in groups):
        return True
    text = _plain(((title or "") + "\n" + (body or ""))[:MAX_MATCH_TEXT])
    return any(all(w in text for w in g.words + g.phrases) and not any(x in text for x in g.excluded)
               for g in groups)


def highlight_terms(query: str) -> list[str]:
    """What to mark in a result: the phrases, words and the dictionary parts of the words."""
    terms = []
    for g in parse_query(query):
        terms += g.phrases
        for w in g.words:
            terms.append(w)
            if len(w) > 2:
                terms += [p for p in _parts(w) if len(p) > 1]
    return sorted(dict.fromkeys(t for t in terms if t), key=len, reverse=True)


@functools.lru_cache(maxsize=256)
def _highlight_pattern(query: str):
    terms = highlight_terms(query) if query else []
    return re.compile("|".join(re.escape(t) for t in terms)) if terms else None


def snippet(text: str, query: str, width: int = SNIPPET_WIDTH) -> str:
    """About `width` characters of `text` around the first place a query term occurs, as HTML
    with the terms in <mark>; the text's opening when no term occurs (or no query)."""
    text = re.sub(r"\s+", " ", (text or "")[:MAX_SNIPPET_TEXT]).strip()
    # Folded as the index folds article text (OpenCC only for text that looks traditional: it
    # costs about 1 ms per article); one character for one character, so positions carry over.
    folded = unicodedata.normalize("NFKC", to_simplified(text)).lower()
    if len(folded) != len(text):
        text = folded
    pattern = _highlight_pattern(query or "")
    hit = pattern.search(folded) if pattern else None
    start = 0
    if hit is not None:  # begin at the sentence the match is in when it starts close by
        near = max(0, hit.start() - width // 2)
        stop = max(text.rfind(p, near, hit.start()) for p in "。！？；\n ")
        start = stop + 1 if stop >= 0 else (0 if near == 0 else max(0, hit.start() - width // 4))
    piece = text[start:start + width]
    out = []
    last = 0
    for m in (pattern.finditer(folded[start:start + width]) if pattern else ()):
        out.append(html.escape(piece[last:m.start()]))
        out.append("<mark>" + html.escape(piece[m.start():m.end()]) + "</mark>")
        last = m.end()
    out.append(html.escape(piece[last:]))
    return ("…" if start else "") + "".join(out) + ("…" if start + width < len(text) else "")


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


def index_article(conn: sqlite3.Connection, article_id: int, title: str, body: str,
                  segmented: tuple[str, str] | None = None) -> None:
    """(Re)index one article; runs inside the caller's transaction. `segmented`: the title and
    body already cut by `segment` (in a worker process: `stages.Processed.search_text`)."""
    seg_title, seg_body = segmented if segmented is not None else (segment(title), segment(body))
    conn.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (article_id,))
    conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)",
                 (article_id, seg_title, seg_body))


def register_functions(conn: sqlite3.Connection) -> None:
    """The search's SQL functions on a connection: jieba_query(q) (the FTS5 expression),
    jieba_match(title, body, q) (quoted phrases exact) and jieba_snippet(text, q) (HTML)."""
    conn.create_function("jieba_query", 1, fts_query, deterministic=True)
    conn.create_function("jieba_match", 3, lambda t, b, q: int(text_matches(t, b, q)), deterministic=True)
    conn.create_function("jieba_snippet", 2, lambda t, q: snippet(t, q), deterministic=True)


def search(db, query: str, limit: int = 20) -> list[dict]:
    """Best matches first (bm25, title words weighted above body words)."""
    conn = db.conn if hasattr(db, "conn") else db
    rows = conn.execute(
        f"SELECT a.id, a.title, a.published_at, a.body FROM {FTS_TABLE} JOIN articles a ON a.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH ? ORDER BY bm25({FTS_TABLE}, 5.0, 1.0)", (fts_query(query),))
    out = []
    for r in rows:
        if text_matches(r[1], r[3], query):
            out.append({"id": r[0], "title": r[1], "published_at": r[2]})
            if len(out) >= limit:
                break
    return out
