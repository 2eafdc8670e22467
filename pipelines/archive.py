"""archive.db: the one place a crawl writes, and what Datasette reads.

Invariants this module keeps (see README, "Data model"):
- every fetched article page is one `pages` row (raw HTML kept, zlib-compressed) and ends as
  an article, a duplicate of one (its URL added to `article_urls`) or a `rejections` row;
- one transaction per page: the page, its article, the near-duplicate index, the story row
  and the search index are written together or not at all, so a kill at any moment leaves
  the archive consistent and the next run resumes;
- WAL journal, so Datasette can read while a crawl writes.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlite_utils

from pipelines import dedupe, search

SHANGHAI = timezone(timedelta(hours=8))

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    seeds TEXT,
    sites TEXT,                 -- JSON list of site names crawled
    pages INTEGER,              -- article pages fetched in this run
    articles_new INTEGER,
    duplicates INTEGER,
    rejections INTEGER,
    stats TEXT                  -- JSON: Scrapy's stats
);
CREATE TABLE IF NOT EXISTS sites (
    name TEXT PRIMARY KEY,
    display_name TEXT,
    region TEXT,
    config TEXT                 -- JSON: the seeds entry as loaded
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    response_url TEXT,
    site TEXT,
    status INTEGER,
    headers TEXT,               -- JSON
    encoding TEXT,
    body BLOB,                  -- zlib-compressed raw bytes as received
    body_size INTEGER,
    fetched_at TEXT,
    run_id INTEGER REFERENCES runs(id),
    outcome TEXT,               -- article | duplicate | rejected
    article_id INTEGER
);
CREATE INDEX IF NOT EXISTS pages_url ON pages(url);
CREATE INDEX IF NOT EXISTS pages_run ON pages(run_id);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,
    site TEXT,
    title TEXT,
    published_at TEXT,
    month TEXT,
    outlet TEXT,
    author TEXT,
    original_url TEXT,
    body TEXT,
    body_hash TEXT,
    story_id INTEGER,
    is_burden_reduction INTEGER,
    br_score REAL,
    topics TEXT,
    regions TEXT,
    evidence TEXT,
    extractor_version TEXT,
    classifier_version TEXT,
    page_id INTEGER REFERENCES pages(id),
    first_seen_run INTEGER REFERENCES runs(id),
    fetched_at TEXT
);
CREATE INDEX IF NOT EXISTS articles_body_hash ON articles(body_hash);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_at);
CREATE TABLE IF NOT EXISTS article_urls (
    url TEXT PRIMARY KEY,
    canonical_url TEXT,
    article_id INTEGER REFERENCES articles(id),
    run_id INTEGER REFERENCES runs(id),
    first_seen_at TEXT
);
CREATE INDEX IF NOT EXISTS article_urls_canonical ON article_urls(canonical_url);
CREATE TABLE IF NOT EXISTS rejections (
    id INTEGER PRIMARY KEY,
    page_id INTEGER REFERENCES pages(id),
    url TEXT,
    site TEXT,
    run_id INTEGER REFERENCES runs(id),
    stage TEXT,
    reason TEXT,
    detail TEXT,
    at TEXT
);
CREATE INDEX IF NOT EXISTS rejections_run ON rejections(run_id);
"""


def now_iso() -> str:
    return datetime.now(SHANGHAI).isoformat(timespec="seconds")


class Archive:
    """A connection to archive.db with the few operations the crawl and the CLI need."""

    def __init__(self, path: str | Path = "archive.db"):
        self.path = str(path)
        self.db = sqlite_utils.Database(self.path)
        self.conn: sqlite3.Connection = self.db.conn
        self.conn.execute("PRAGMA busy_timeout = 10000")
        self.db.enable_wal()
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(SCHEMA)
        self.stories = dedupe.StoryIndex(self.conn)
        search.ensure_search_index(self.db)
        self.conn.commit()

    def close(self) -> None:
        self.db.close()

    # -- runs and sites -------------------------------------------------------------------

    def start_run(self, seeds: str, sites: list[str]) -> int:
        with self.db.atomic():
            cur = self.conn.execute(
                "INSERT INTO runs (started_at, seeds, sites) VALUES (?, ?, ?)",
                (now_iso(), seeds, json.dumps(sites, ensure_ascii=False)),
            )
        return cur.lastrowid

    def finish_run(self, run_id: int, stats: dict) -> dict:
        """Close a run with its counts; returns the run row."""
        counts = dict(self.conn.execute(
            "SELECT outcome, count(*) FROM pages WHERE run_id = ? GROUP BY outcome", (run_id,)
        ).fetchall())
        rejected = self.conn.execute("SELECT count(*) FROM rejections WHERE run_id = ?", (run_id,)).fetchone()[0]
        with self.db.atomic():
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, pages = ?, articles_new = ?, duplicates = ?, "
                "rejections = ?, stats = ? WHERE id = ?",
                (now_iso(), sum(counts.values()), counts.get("article", 0), counts.get("duplicate", 0),
                 rejected, json.dumps(stats, ensure_ascii=False, default=str), run_id),
            )
        return self.db["runs"].get(run_id)

    def save_sites(self, sites: list[dict]) -> None:
        with self.db.atomic():
            for s in sites:
                self.conn.execute(
                    "INSERT OR REPLACE INTO sites (name, display_name, region, config) VALUES (?, ?, ?, ?)",
                    (s["name"], s["display_name"], s["region"], json.dumps(s, ensure_ascii=False)),
                )

    # -- incremental crawling -------------------------------------------------------------

    def is_fetched(self, url: str, include_rejected: bool = True) -> bool:
        """Has this article URL (or its canonical form) been fetched before?

        A new spelling of an archived page (another tracking parameter, a fragment) is recorded
        in `article_urls` on the way, so every URL that led to an article is kept.
        """
        canonical = dedupe.canonical_url(url)
        row = self.conn.execute(
            "SELECT url, article_id FROM article_urls WHERE url IN (?, ?) OR canonical_url = ? "
            "ORDER BY url = ? DESC LIMIT 1", (url, canonical, canonical, url),
        ).fetchone()
        if row:
            if row[0] != url:
                with self.db.atomic():
                    self._add_urls([url], row[1], None)
            return True
        if include_rejected:
            return self.conn.execute("SELECT 1 FROM pages WHERE url = ? LIMIT 1", (url,)).fetchone() is not None
        return False

    # -- storing one page -----------------------------------------------------------------

    def store_page(self, page: dict, run_id: int) -> str:
        """Write one fetched page and what became of it, atomically.

        `page` is a `crawler.items.PageItem` as a dict (or the same keys from elsewhere).
        Returns the outcome: "article", "duplicate", "rejected" or "navigation".
        """
        if page.get("kind") == "navigation":
            with self.db.atomic():
                self._reject(None, page, run_id, {"stage": "fetch", "reason": _fetch_reason(page),
                                                   "detail": f"navigation page: {page.get('error', '')}"})
            return "navigation"
        with self.db.atomic():
            article = page.get("article")
            body = page.get("body") or b""
            cur = self.conn.execute(
                "INSERT INTO pages (url, response_url, site, status, headers, encoding, body, body_size, "
                "fetched_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (page["url"], page.get("response_url") or page["url"], page.get("site"), page.get("status"),
                 json.dumps(page.get("headers") or {}, ensure_ascii=False),
                 (article or {}).get("encoding"), zlib.compress(body), len(body),
                 page.get("fetched_at") or now_iso(), run_id),
            )
            page_id = cur.lastrowid
            if page.get("rejection") or article is None:
                rejection = page.get("rejection") or {"stage": "extract", "reason": "no_article", "detail": ""}
                self._reject(page_id, page, run_id, rejection)
                outcome, article_id = "rejected", None
            else:
                outcome, article_id = self._store_article(page_id, page, article, page.get("verdict") or {}, run_id)
            self.conn.execute("UPDATE pages SET outcome = ?, article_id = ? WHERE id = ?", (outcome, article_id, page_id))
        return outcome

    def _reject(self, page_id, page: dict, run_id: int, rejection: dict) -> None:
        self.conn.execute(
            "INSERT INTO rejections (page_id, url, site, run_id, stage, reason, detail, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (page_id, page["url"], page.get("site"), run_id, rejection["stage"], rejection["reason"],
             rejection.get("detail", ""), now_iso()),
        )

    def _existing_article(self, urls: list[str], canonical: str, body_hash: str) -> int | None:
        marks = ",".join("?" * len(urls))
        row = self.conn.execute(
            f"SELECT article_id FROM article_urls WHERE url IN ({marks}) OR canonical_url = ? LIMIT 1",
            (*urls, canonical),
        ).fetchone()
        if row is None:
            row = self.conn.execute("SELECT id FROM articles WHERE canonical_url = ?", (canonical,)).fetchone()
        if row is None:
            row = self.conn.execute("SELECT id FROM articles WHERE body_hash = ? LIMIT 1", (body_hash,)).fetchone()
        return row[0] if row else None

    def _add_urls(self, urls: list[str], article_id: int, run_id: int, mobile_hosts=None) -> None:
        for url in urls:
            self.conn.execute(
                "INSERT OR IGNORE INTO article_urls (url, canonical_url, article_id, run_id, first_seen_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (url, dedupe.canonical_url(url, mobile_hosts), article_id, run_id, now_iso()),
            )

    def _store_article(self, page_id: int, page: dict, article: dict, verdict: dict, run_id: int):
        urls = list(dict.fromkeys(u for u in (page["url"], page.get("response_url")) if u))
        canonical = article.get("canonical_url") or dedupe.canonical_url(page["url"])
        body_hash = article.get("body_hash") or dedupe.body_hash(article["body"])
        existing = self._existing_article(urls, canonical, body_hash)
        if existing is not None:
            self._add_urls(urls, existing, run_id)
            return "duplicate", existing
        published_at = article.get("date")
        cur = self.conn.execute(
            "INSERT INTO articles (url, canonical_url, site, title, published_at, month, outlet, author, "
            "original_url, body, body_hash, is_burden_reduction, br_score, topics, regions, evidence, "
            "extractor_version, classifier_version, page_id, first_seen_run, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (page["url"], canonical, page.get("site"), article.get("title"), published_at,
             (published_at or "")[:7] or None, article.get("outlet"), article.get("author"),
             article.get("original_url"), article["body"], body_hash,
             _as_int(verdict.get("is_burden_reduction")), verdict.get("score"),
             _json(verdict.get("topics", [])), _json(verdict.get("regions", [])),
             _json(verdict.get("evidence", {})), article.get("extractor_version"),
             verdict.get("classifier_version"), page_id, run_id, page.get("fetched_at")),
        )
        article_id = cur.lastrowid
        story_id = self.stories.find_story(article["body"], published_at) or article_id
        self.conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))
        self.stories.add(article_id, story_id, article["body"], published_at)
        dedupe.update_story(self.conn, story_id)
        search.index_article(self.conn, article_id, article.get("title") or "", article["body"])
        self._add_urls(urls, article_id, run_id)
        return "article", article_id

    # -- re-processing --------------------------------------------------------------------

    def article_pages(self):
        """(article id, page dict) for every archived article, for re-extraction."""
        rows = self.conn.execute(
            "SELECT a.id, p.url, p.site, p.status, p.headers, p.body, p.fetched_at "
            "FROM articles a JOIN pages p ON p.id = a.page_id ORDER BY a.id"
        )
        for aid, url, site, status, headers, body, fetched_at in rows:
            yield aid, {"url": url, "site": site, "status": status, "headers": json.loads(headers or "{}"),
                        "body": zlib.decompress(body) if body else b"", "fetched_at": fetched_at}

    def update_article(self, article_id: int, article: dict | None, verdict: dict) -> None:
        """Replace the extracted fields (when `article` is given) and the verdict of one article.

        The story assignment is kept: a reprint stays in its story even if re-extraction trims it.
        """
        with self.db.atomic():
            if article is not None:
                published_at = article.get("date")
                self.conn.execute(
                    "UPDATE articles SET title = ?, published_at = ?, month = ?, outlet = ?, author = ?, "
                    "original_url = ?, body = ?, body_hash = ?, extractor_version = ? WHERE id = ?",
                    (article.get("title"), published_at, (published_at or "")[:7] or None, article.get("outlet"),
                     article.get("author"), article.get("original_url"), article["body"],
                     article.get("body_hash") or dedupe.body_hash(article["body"]),
                     article.get("extractor_version"), article_id),
                )
                search.index_article(self.conn, article_id, article.get("title") or "", article["body"])
            self.conn.execute(
                "UPDATE articles SET is_burden_reduction = ?, br_score = ?, topics = ?, regions = ?, evidence = ?, "
                "classifier_version = ? WHERE id = ?",
                (_as_int(verdict.get("is_burden_reduction")), verdict.get("score"), _json(verdict.get("topics", [])),
                 _json(verdict.get("regions", [])), _json(verdict.get("evidence", {})),
                 verdict.get("classifier_version"), article_id),
            )


def _fetch_reason(page: dict) -> str:
    status = page.get("status") or 0
    return f"http_{status}" if status else "no_response"


def _as_int(v):
    return None if v is None else int(bool(v))


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False)
