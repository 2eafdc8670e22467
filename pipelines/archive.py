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
import os
import sqlite3
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlite_utils

from pipelines import dedupe, health, search, stages
from pipelines.errors import Rejection
from pipelines.kinds import Outcome, RequestKind, Stage
from pipelines.stages import DedupeKeys, Processed

SHANGHAI = timezone(timedelta(hours=8))

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    kind TEXT DEFAULT 'crawl',  -- crawl | reprocess
    started_at TEXT NOT NULL,
    finished_at TEXT,
    finish_reason TEXT,         -- finished | shutdown (signal) | closespider_* | killed | ...
    seeds TEXT,
    sites TEXT,                 -- JSON list of site names crawled
    pid INTEGER,                -- the process that ran it (an unfinished run whose process is gone was killed)
    requests INTEGER,           -- requests sent (navigation + article)
    responses TEXT,             -- JSON: responses by HTTP status, plus "error" for no response
    pages INTEGER,              -- article pages fetched in this run
    articles_new INTEGER,
    articles_updated INTEGER,   -- a re-fetched article whose text changed
    duplicates INTEGER,
    rejections INTEGER,
    rejections_by_reason TEXT,  -- JSON: {"fetch/http_500": 3, ...}
    problems TEXT,              -- JSON list: why the run was not a success (see pipelines/health.py)
    exit_code INTEGER,          -- what bin/scheduled-crawl exited with
    log_file TEXT,
    stats TEXT                  -- JSON: Scrapy's stats, or the re-processing counts
);
CREATE TABLE IF NOT EXISTS run_sites (
    run_id INTEGER REFERENCES runs(id),
    site TEXT,
    requests INTEGER,           -- requests sent to the site
    responses_ok INTEGER,       -- responses with status < 400
    responses_error INTEGER,    -- responses with status >= 400
    failures INTEGER,           -- no response at all (DNS, timeout, refused)
    pages INTEGER,              -- article pages stored
    articles_new INTEGER,
    duplicates INTEGER,
    rejections INTEGER,
    empty_body INTEGER,         -- extract/empty_body rejections
    no_date INTEGER,            -- new articles without a publication date
    PRIMARY KEY (run_id, site)
);
CREATE TABLE IF NOT EXISTS site_alerts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    site TEXT,
    alert TEXT,                 -- site_failed | no_new_articles | empty_bodies_rising | dates_failing
    detail TEXT
);
CREATE INDEX IF NOT EXISTS site_alerts_run ON site_alerts(run_id);
-- Article URLs discovered but not yet stored: a killed run's discoveries are fetched by the next.
CREATE TABLE IF NOT EXISTS queue (
    url TEXT PRIMARY KEY,
    site TEXT,
    found_via TEXT,
    run_id INTEGER,
    discovered_at TEXT,
    attempts INTEGER DEFAULT 0  -- runs that tried to resume it
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
        _add_missing_columns(self.conn, "runs", RUNS_COLUMNS_ADDED)
        self.stories = dedupe.StoryIndex(self.conn)
        search.ensure_search_index(self.db)
        self.conn.commit()

    def close(self) -> None:
        self.db.close()

    # -- runs and sites -------------------------------------------------------------------

    def start_run(self, seeds: str, sites: list[str], kind: str = "crawl") -> int:
        """Open a run row. Runs an earlier, killed process left open are closed first."""
        self.close_stale_runs()
        with self.db.atomic():
            cur = self.conn.execute(
                "INSERT INTO runs (kind, started_at, seeds, sites, pid) VALUES (?, ?, ?, ?, ?)",
                (kind, now_iso(), seeds, json.dumps(sites, ensure_ascii=False), os.getpid()),
            )
        return cur.lastrowid

    def close_stale_runs(self) -> list[int]:
        """Mark runs whose process died before finishing (SIGKILL, power cut) as `killed`.

        Their pages are all in the archive (one transaction each), and the article URLs they had
        discovered but not fetched are still in `queue`, so the next crawl resumes them.
        """
        stale = [(rid, kind) for rid, pid, kind in self.conn.execute(
            "SELECT id, pid, kind FROM runs WHERE finished_at IS NULL").fetchall() if not _process_alive(pid)]
        for rid, kind in stale:
            if kind == "reprocess":  # no crawl figures or site health to compute
                with self.db.atomic():
                    self.conn.execute("UPDATE runs SET finished_at = ?, finish_reason = 'killed' WHERE id = ?",
                                      (now_iso(), rid))
            else:
                self.finish_run(rid, {}, "killed")
        return [rid for rid, _ in stale]

    def finish_run(self, run_id: int, stats: dict, finish_reason: str = "finished",
                   max_error_rate: float = 0.5) -> dict:
        """Close a run: its counts, per-site figures (`run_sites`), site-health alerts and problems.

        `stats` are Scrapy's stats (or {} for a run closed after its process died). Returns the row.
        """
        q = self.conn.execute
        counts = dict(q("SELECT outcome, count(*) FROM pages WHERE run_id = ? GROUP BY outcome", (run_id,)).fetchall())
        by_reason = dict(q("SELECT stage || '/' || reason, count(*) FROM rejections WHERE run_id = ? "
                           "GROUP BY 1 ORDER BY 2 DESC", (run_id,)).fetchall())
        prefix = "downloader/response_status_count/"
        responses = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
        failed = sum(v for k, v in stats.items() if k.startswith("downloader/exception_type_count/")
                     and not k.endswith(("IgnoreRequest", "RefusedAddress")))  # decisions, not failures
        if failed:
            responses["error"] = failed
        with self.db.atomic():
            q("UPDATE runs SET finished_at = ?, finish_reason = ?, requests = ?, responses = ?, pages = ?, "
              "articles_new = ?, articles_updated = ?, duplicates = ?, rejections = ?, rejections_by_reason = ?, "
              "stats = ? WHERE id = ?",
              (now_iso(), finish_reason, stats.get("downloader/request_count", 0), _json(responses),
               sum(counts.values()), counts.get(Outcome.ARTICLE, 0), counts.get(Outcome.UPDATED, 0), counts.get(Outcome.DUPLICATE, 0),
               sum(by_reason.values()), _json(by_reason), json.dumps(stats, ensure_ascii=False, default=str), run_id))
            self._record_run_sites(run_id, stats)
            problems = health.check_run(self.conn, run_id, max_error_rate)
            q("UPDATE runs SET problems = ? WHERE id = ?", (_json(problems), run_id))
        return self.db["runs"].get(run_id)

    def _record_run_sites(self, run_id: int, stats: dict) -> None:
        """One `run_sites` row per site of the run: what was asked of it and what came back."""
        sites = json.loads(self.conn.execute("SELECT sites FROM runs WHERE id = ?", (run_id,)).fetchone()[0] or "[]")
        q = self.conn.execute
        for site in sites:
            def stat(name):
                return stats.get(f"jianfu/site/{site}/{name}", 0)
            pages = dict(q("SELECT outcome, count(*) FROM pages WHERE run_id = ? AND site = ? GROUP BY outcome",
                           (run_id, site)).fetchall())
            rejections, empty = q("SELECT count(*), coalesce(sum(reason = 'empty_body'), 0) FROM rejections "
                                  "WHERE run_id = ? AND site = ?", (run_id, site)).fetchone()
            no_date = q("SELECT count(*) FROM articles WHERE first_seen_run = ? AND site = ? AND published_at IS NULL",
                        (run_id, site)).fetchone()[0]
            q("INSERT OR REPLACE INTO run_sites (run_id, site, requests, responses_ok, responses_error, failures, "
              "pages, articles_new, duplicates, rejections, empty_body, no_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
              (run_id, site, stat("requests"), stat("responses_ok"), stat("responses_error"), stat("failures"),
               sum(pages.values()), pages.get(Outcome.ARTICLE, 0), pages.get(Outcome.DUPLICATE, 0), rejections, empty, no_date))

    def save_sites(self, sites: list[dict]) -> None:
        with self.db.atomic():
            for s in sites:
                self.conn.execute(
                    "INSERT OR REPLACE INTO sites (name, display_name, region, config) VALUES (?, ?, ?, ?)",
                    (s["name"], s["display_name"], s["region"], json.dumps(s, ensure_ascii=False)),
                )

    # -- incremental crawling -------------------------------------------------------------

    def archived_article(self, url: str, canonical: str | None = None) -> int | None:
        """The article this URL (or its canonical form) already led to, else None. Reads only."""
        canonical = canonical or dedupe.canonical_url(url)
        row = self.conn.execute(
            "SELECT article_id FROM article_urls WHERE url IN (?, ?) OR canonical_url = ? "
            "ORDER BY url = ? DESC LIMIT 1", (url, canonical, canonical, url),
        ).fetchone()
        return row[0] if row else None

    def is_fetched(self, url: str, include_rejected: bool = True, canonical: str | None = None) -> bool:
        """Has this article URL (or its canonical form) been fetched before? Reads only.

        `canonical` is the URL under its site's rules (`Site.canonical`: mobile hosts folded);
        without it, the site-less canonical form. With `include_rejected`, a URL whose fetch was
        refused counts as fetched too.
        """
        if self.archived_article(url, canonical) is not None:
            return True
        if include_rejected:
            return self.conn.execute("SELECT 1 FROM pages WHERE url = ? LIMIT 1", (url,)).fetchone() is not None
        return False

    def add_alias(self, url: str, canonical: str | None = None, run_id: int | None = None) -> bool:
        """Record a new spelling of an archived article's URL (another tracking parameter, a
        fragment, its mobile host) in `article_urls`, so every URL that led to an article is kept.
        True when the URL belongs to an archived article."""
        canonical = canonical or dedupe.canonical_url(url)
        article_id = self.archived_article(url, canonical)
        if article_id is None:
            return False
        with self.db.atomic():
            self._add_urls({url: canonical}, article_id, run_id)
        return True

    # -- the queue of discovered article URLs -------------------------------------------

    def enqueue(self, url: str, site: str, found_via: str, run_id: int | None) -> None:
        """Remember a discovered article URL until its page is stored (or refused)."""
        with self.db.atomic():
            self.conn.execute(
                "INSERT OR IGNORE INTO queue (url, site, found_via, run_id, discovered_at) VALUES (?, ?, ?, ?, ?)",
                (url, site, found_via, run_id, now_iso()))

    def dequeue(self, *urls: str) -> None:
        with self.db.atomic():
            self.conn.executemany("DELETE FROM queue WHERE url = ?", [(u,) for u in urls if u])

    def resume_queue(self, sites: list[str], max_attempts: int = 3) -> list[tuple[str, str]]:
        """(url, site) of article URLs an earlier run discovered but never stored.

        Each call counts an attempt; a URL still not stored after `max_attempts` runs (robots.txt
        forbids it, or it is a duplicate under another spelling) is dropped from the queue.
        """
        marks = ",".join("?" * len(sites))
        with self.db.atomic():
            self.conn.execute(f"DELETE FROM queue WHERE attempts >= ? AND site IN ({marks})", (max_attempts, *sites))
            rows = self.conn.execute(f"SELECT url, site FROM queue WHERE site IN ({marks}) ORDER BY rowid",
                                     sites).fetchall()
            self.conn.execute(f"UPDATE queue SET attempts = attempts + 1 WHERE site IN ({marks})", sites)
        return rows

    # -- storing one page -----------------------------------------------------------------

    def store(self, processed: Processed, run_id: int) -> Outcome:
        """Write one fetched page and what the chain made of it (`pipelines.stages.Processed`),
        atomically: the page, its article (near-duplicate story, search index, URLs) or its
        rejection. Returns the outcome.
        """
        page = processed.page
        if processed.kind == RequestKind.NAVIGATION:
            with self.db.atomic():
                self._reject(None, page, run_id, processed.rejection)
            return Outcome.NAVIGATION
        with self.db.atomic():
            article = processed.article
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
            if processed.rejection is not None or article is None:
                self._reject(page_id, page, run_id,
                             processed.rejection or Rejection(Stage.EXTRACT, "no_article"))
                outcome, article_id = Outcome.REJECTED, None
            else:
                outcome, article_id = self._store_article(page_id, page, processed, run_id)
            self.conn.execute("UPDATE pages SET outcome = ?, article_id = ? WHERE id = ?",
                              (str(outcome), article_id, page_id))
            self.dequeue(page["url"], page.get("response_url"))  # no longer pending
        return outcome

    def store_page(self, page: dict, run_id: int) -> Outcome:
        """`store` for a page dict that already carries its `article` and `verdict`, or its
        `rejection` (tests, benchmarks, imports): the dedupe keys are computed here."""
        if page.get("kind") == RequestKind.NAVIGATION:
            return self.store(stages.process_page(page), run_id)
        if page.get("rejection") or not page.get("article"):
            rejection = Rejection.coerce(page.get("rejection")) or Rejection(Stage.EXTRACT, "no_article")
            return self.store(Processed(page, rejection=rejection), run_id)
        return self.store(stages.finish(page, page["article"], verdict=page.get("verdict") or {}), run_id)

    def _reject(self, page_id, page: dict, run_id: int, rejection: Rejection) -> None:
        row = rejection.to_row()
        self.conn.execute(
            "INSERT INTO rejections (page_id, url, site, run_id, stage, reason, detail, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (page_id, page["url"], page.get("site"), run_id, row["stage"], row["reason"], row["detail"], now_iso()),
        )

    def _existing_article(self, keys: DedupeKeys) -> int | None:
        urls = list(keys.urls)
        marks = ",".join("?" * len(urls))
        canonicals = list(dict.fromkeys(keys.urls.values()))
        cmarks = ",".join("?" * len(canonicals))
        row = self.conn.execute(
            f"SELECT article_id FROM article_urls WHERE url IN ({marks}) OR canonical_url IN ({cmarks}) LIMIT 1",
            (*urls, *canonicals),
        ).fetchone()
        if row is None:
            row = self.conn.execute(f"SELECT id FROM articles WHERE canonical_url IN ({cmarks}) LIMIT 1",
                                    canonicals).fetchone()
        if row is None:
            row = self.conn.execute("SELECT id FROM articles WHERE body_hash = ? LIMIT 1", (keys.body_hash,)).fetchone()
        return row[0] if row else None

    def _add_urls(self, urls: dict[str, str], article_id: int, run_id: int | None) -> None:
        """`urls`: each URL that led to the article -> its canonical form under its site's rules."""
        for url, canonical in urls.items():
            self.conn.execute(
                "INSERT OR IGNORE INTO article_urls (url, canonical_url, article_id, run_id, first_seen_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (url, canonical, article_id, run_id, now_iso()),
            )

    def _store_article(self, page_id: int, page: dict, processed: Processed, run_id: int):
        article, verdict, keys = processed.article, processed.verdict or {}, processed.keys
        canonical = keys.canonical_url
        existing = self._existing_article(keys)
        if existing is not None:
            self._add_urls(keys.urls, existing, run_id)
            same_page, old_body, old_hash, story_id = self.conn.execute(
                "SELECT canonical_url = ?, body, body_hash, story_id FROM articles WHERE id = ?",
                (canonical, existing)).fetchone()
            if same_page and old_hash != keys.body_hash:  # the page was fetched again and its text changed
                self.update_article(existing, article, verdict, keys=keys, old=(old_body, story_id))
                self.conn.execute("UPDATE articles SET page_id = ? WHERE id = ?", (page_id, existing))
                return Outcome.UPDATED, existing
            return Outcome.DUPLICATE, existing
        published_at = article.get("date")
        cur = self.conn.execute(
            "INSERT INTO articles (url, canonical_url, site, title, published_at, month, outlet, author, "
            "original_url, body, body_hash, is_burden_reduction, br_score, topics, regions, evidence, "
            "extractor_version, classifier_version, page_id, first_seen_run, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (page["url"], canonical, page.get("site"), article.get("title"), published_at,
             (published_at or "")[:7] or None, article.get("outlet"), article.get("author"),
             article.get("original_url"), article["body"], keys.body_hash,
             _as_int(verdict.get("is_burden_reduction")), verdict.get("score"),
             _json(verdict.get("topics", [])), _json(verdict.get("regions", [])),
             _json(verdict.get("evidence", {})), article.get("extractor_version"),
             verdict.get("classifier_version"), page_id, run_id, page.get("fetched_at")),
        )
        article_id = cur.lastrowid
        story_id = self.stories.find_story(article["body"], published_at, normalised=keys.normalised,
                                           bands=keys.bands) or article_id
        self.conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))
        self.stories.add(article_id, story_id, article["body"], published_at, bands=keys.bands)
        dedupe.update_story(self.conn, story_id)
        search.index_article(self.conn, article_id, article.get("title") or "", article["body"])
        self._add_urls(keys.urls, article_id, run_id)
        return Outcome.ARTICLE, article_id

    # -- re-processing --------------------------------------------------------------------

    def _selection(self, sites=None, since: str | None = None, until: str | None = None):
        """SQL condition and parameters selecting articles by site and by day of publication.

        `since`/`until` are inclusive days (YYYY-MM-DD) compared with `published_at`'s day (its
        own +08:00 day); an article without a date is outside every date range.
        """
        clauses, params = [], []
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

    def count_article_pages(self, sites=None, since: str | None = None, until: str | None = None) -> int:
        """How many articles `article_pages` yields with the same filters."""
        where, params = self._selection(sites, since, until)
        return self.conn.execute(
            f"SELECT count(*) FROM articles a JOIN pages p ON p.id = a.page_id{where}", params).fetchone()[0]

    def article_pages(self, sites=None, since: str | None = None, until: str | None = None, batch: int = 200):
        """(article row, page dict) for every archived article, for re-extraction: the article's
        columns that re-processing compares and its raw page, read together in one query.

        Optionally only the articles of `sites` and/or published from `since` to `until`
        (inclusive days, YYYY-MM-DD). Reads in batches of ids, so memory stays flat however
        large the archive, and no cursor stays open while the caller writes.
        """
        where, params = self._selection(sites, since, until)
        where = (where + " AND" if where else " WHERE") + " a.id > ?"
        last = -1
        while True:
            rows = self.conn.execute(
                f"SELECT {', '.join('a.' + c for c in _REPROCESS_COLUMNS)}, "
                "p.url, p.response_url, p.site, p.status, p.headers, p.body, p.fetched_at "
                f"FROM articles a JOIN pages p ON p.id = a.page_id{where} ORDER BY a.id LIMIT {int(batch)}",
                (*params, last)).fetchall()
            if not rows:
                return
            n = len(_REPROCESS_COLUMNS)
            for row in rows:
                url, response_url, site, status, headers, body, fetched_at = row[n:]
                yield dict(zip(_REPROCESS_COLUMNS, row[:n])), {
                    "url": url, "response_url": response_url or url, "site": site, "status": status,
                    "headers": json.loads(headers or "{}"), "body": zlib.decompress(body) if body else b"",
                    "fetched_at": fetched_at}
            last = rows[-1][0]

    def update_article(self, article_id: int, article: dict | None, verdict: dict,
                       rejoin: bool = False, keys: DedupeKeys | None = None,
                       old: tuple[str, int] | None = None) -> int | None:
        """Replace the extracted fields (when `article` is given) and the verdict of one article.

        A changed text is re-indexed for search and near-duplicate lookup and gets a new
        `body_hash`; the story assignment is kept, so a reprint stays in its story even if
        re-extraction trims it (and `story_id`s stay stable for users who cite them).

        With `rejoin` (re-processing), an article whose text changed and that is alone in its
        story joins the story its new text is a reprint of, if any: the story an older extractor
        kept it out of. Returns the story it joined, else None. All in one transaction.
        `keys` are the new text's dedupe keys and `old` the (body, story_id) stored, when the
        caller has read them already.
        """
        joined = None
        with self.db.atomic():
            if article is not None:
                published_at = article.get("date")
                if keys is None:
                    keys = stages.DedupeKeys.of(article["body"], [], dedupe.canonical_url)
                new_hash = keys.body_hash
                old_body, story_id = old or self.conn.execute(
                    "SELECT body, story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
                self.conn.execute(
                    "UPDATE articles SET title = ?, published_at = ?, month = ?, outlet = ?, author = ?, "
                    "original_url = ?, body = ?, body_hash = ?, extractor_version = ? WHERE id = ?",
                    (article.get("title"), published_at, (published_at or "")[:7] or None, article.get("outlet"),
                     article.get("author"), article.get("original_url"), article["body"], new_hash,
                     article.get("extractor_version"), article_id),
                )
                if old_body != article["body"]:
                    self.stories.remove(article_id, old_body or "")
                    self.stories.add(article_id, story_id, article["body"], published_at, bands=keys.bands)
                    if rejoin and self.conn.execute("SELECT count(*) FROM articles WHERE story_id = ?",
                                                    (story_id,)).fetchone()[0] == 1:
                        joined = next((m[2] for m in self.stories.matches(
                            article["body"], published_at, normalised=keys.normalised, bands=keys.bands)
                                       if m[1] != article_id and m[2] != story_id), None)
                search.index_article(self.conn, article_id, article.get("title") or "", article["body"])
                if joined is not None:
                    self.conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (joined, article_id))
                    dedupe.update_story(self.conn, joined)
                dedupe.update_story(self.conn, story_id)  # deletes the old story row when it is left empty
            self.conn.execute(
                "UPDATE articles SET is_burden_reduction = ?, br_score = ?, topics = ?, regions = ?, evidence = ?, "
                "classifier_version = ? WHERE id = ?",
                (_as_int(verdict.get("is_burden_reduction")), verdict.get("score"), _json(verdict.get("topics", [])),
                 _json(verdict.get("regions", [])), _json(verdict.get("evidence", {})),
                 verdict.get("classifier_version"), article_id),
            )
        return joined


# The article columns re-processing compares with its new result (id first).
_REPROCESS_COLUMNS = ("id", "title", "body", "story_id", "is_burden_reduction", "extractor_version",
                      "classifier_version")


def _as_int(v):
    return None if v is None else int(bool(v))


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False)


# Columns added to `runs` after its first release: an older archive gains them on open.
RUNS_COLUMNS_ADDED = {
    "kind": "TEXT DEFAULT 'crawl'", "finish_reason": "TEXT", "pid": "INTEGER", "requests": "INTEGER",
    "responses": "TEXT", "articles_updated": "INTEGER", "rejections_by_reason": "TEXT", "problems": "TEXT",
    "exit_code": "INTEGER", "log_file": "TEXT",
}


def _add_missing_columns(conn: sqlite3.Connection, table: str, columns: dict[str, str]) -> None:
    have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    for name, decl in columns.items():
        if name not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")


def _process_alive(pid) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
