"""archive.db: the one place a crawl writes, and what Datasette reads.

`Archive` is the connection and the article store: each fetched page as a `pages` row (raw
bytes kept, zlib-compressed) that ends as an article, a duplicate of one (its URL added to
`article_urls`) or a `rejections` row — one transaction per page, so a kill at any moment
leaves the archive consistent and the next run resumes. Its parts, each a module here:

- `schema`: the tables, and sqlite-utils migrations that bring an archive of any age up to date;
- `runs`: the run lifecycle (`archive.runs`), the only writer of `runs`, `run_sites`, `site_alerts`;
- `queue`: discovered article URLs not yet stored (`archive.queue`);
- `backoff`: navigation pages left alone for a while after a costly failure (`archive.backoff`);
- `selection`: which articles a re-processing reads;
- `reports`: the run report and the re-processing summary, as text.

WAL journal, so Datasette can read while a crawl writes.
"""

from __future__ import annotations

import json
import zlib

from pipelines import dedupe, search, stages, versions
from pipelines.archive import selection
from pipelines.archive.backoff import Backoff
from pipelines.archive.clock import now_iso
from pipelines.archive.queue import Queue
from pipelines.archive.runs import Runs
from pipelines.archive.schema import connect
from pipelines.dedupe import DedupeKeys
from pipelines.errors import Rejection
from pipelines.kinds import Outcome, RequestKind, Stage
from pipelines.stages import Processed


class Archive:
    """A connection to archive.db with the operations the crawl and the `jianfu` command need."""

    def __init__(self, path="archive.db"):
        self.path = str(path)
        self.db = connect(self.path)
        self.conn = self.db.conn
        self.runs = Runs(self.db)
        self.queue = Queue(self.db)
        self.backoff = Backoff(self.db)
        self.stories = dedupe.StoryIndex(self.conn)
        search.ensure_search_index(self.db)
        self.conn.commit()

    def close(self) -> None:
        self.db.close()

    # -- the crawl's calls on runs and the queue (their modules own the SQL) ----------------

    def start_run(self, seeds: str, sites: list[str], kind: str = "crawl") -> int:
        return self.runs.start(seeds, sites, kind)

    def finish_run(self, run_id: int, stats: dict, finish_reason: str = "finished",
                   max_error_rate: float = 0.5, attempted=()) -> dict:
        return self.runs.finish(run_id, stats, finish_reason, max_error_rate, attempted)

    def close_stale_runs(self) -> list[int]:
        return self.runs.close_stale()

    def enqueue(self, url: str, site: str, found_via: str, run_id: int | None) -> None:
        self.queue.add(url, site, found_via, run_id)

    def dequeue(self, *urls: str) -> None:
        self.queue.remove(*urls)

    def resume_queue(self, sites: list[str], max_attempts: int = 3, run_id: int | None = None) -> list[tuple[str, str]]:
        return self.queue.resume(sites, max_attempts, run_id)

    def save_sites(self, sites: list[dict]) -> None:
        """The seeds as loaded (`Site.as_config()`), so re-processing applies the same rules."""
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
                self.backoff.failed(page["url"], page.get("site"), processed.rejection.reason,
                                    (page.get("headers") or {}).get("retry-after"))
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
            self.queue.remove(page["url"], page.get("response_url"))  # no longer pending
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
                self.update_article(existing, article, verdict, keys=keys, old=(old_body, story_id),
                                    claims=processed.claims, search_text=processed.search_text)
                self.conn.execute("UPDATE articles SET page_id = ? WHERE id = ?", (page_id, existing))
                return Outcome.UPDATED, existing
            return Outcome.DUPLICATE, existing
        published_at = article.get("date")
        cur = self.conn.execute(
            "INSERT INTO articles (url, canonical_url, site, title, published_at, month, outlet, author, "
            "original_url, body, body_hash, is_burden_reduction, br_score, topics, regions, evidence, "
            "extractor_version, dedupe_version, classifier_version, page_id, first_seen_run, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (page["url"], canonical, page.get("site"), article.get("title"), published_at,
             (published_at or "")[:7] or None, article.get("outlet"), article.get("author"),
             article.get("original_url"), article["body"], keys.body_hash,
             _as_int(verdict.get("is_burden_reduction")), verdict.get("score"),
             _json(verdict.get("topics", [])), _json(verdict.get("regions", [])),
             _json(verdict.get("evidence", {})), article.get("extractor_version"), versions.DEDUPE,
             verdict.get("classifier_version"), page_id, run_id, page.get("fetched_at")),
        )
        article_id = cur.lastrowid
        story_id = self.stories.find_story(keys, published_at) or article_id
        self.conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))
        self.stories.add(article_id, keys)
        dedupe.update_story(self.conn, story_id)
        search.index_article(self.conn, article_id, article.get("title") or "", article["body"],
                             processed.search_text)
        self.replace_claims(article_id, processed.claims)
        self._add_urls(keys.urls, article_id, run_id)
        return Outcome.ARTICLE, article_id

    # -- re-processing --------------------------------------------------------------------

    def count_article_pages(self, sites=None, since: str | None = None, until: str | None = None,
                            stale: dict[str, str] | None = None) -> int:
        return selection.count(self.conn, sites, since, until, stale)

    def article_pages(self, sites=None, since: str | None = None, until: str | None = None, batch: int = 200,
                      stale: dict[str, str] | None = None):
        """(article columns, page dict) for the selected articles (`selection.article_pages`);
        with `stale` (column -> version), only articles whose stored versions differ."""
        return selection.article_pages(self.conn, sites, since, until, batch, stale)

    def update_article(self, article_id: int, article: dict | None, verdict: dict,
                       rejoin: bool = False, keys: DedupeKeys | None = None,
                       old: tuple[str, int] | None = None, claims: list[dict] | None = None,
                       search_text: tuple[str, str] | None = None) -> int | None:
        """Replace the extracted fields (when `article` is given) and the verdict of one article.

        A changed text is re-indexed for search and near-duplicate lookup and gets a new
        `body_hash`; the story assignment is kept, so a reprint stays in its story even if
        re-extraction trims it (and `story_id`s stay stable for users who cite them).

        With `rejoin` (re-processing), an article whose text changed and that is alone in its
        story joins the story its new text is a reprint of, if any: the story an older extractor
        kept it out of. Returns the story it joined, else None. All in one transaction.
        `keys` are the new text's dedupe keys and `old` the (body, story_id) stored, when the
        caller has read them already. `claims` (when given) replace the article's claims;
        `search_text` is its segmented title and body (`Processed.search_text`).
        """
        joined = None
        with self.db.atomic():
            if article is not None:
                published_at = article.get("date")
                if keys is None:
                    keys = DedupeKeys.of(article["body"])
                new_hash = keys.body_hash
                old_body, story_id = old or self.conn.execute(
                    "SELECT body, story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
                self.conn.execute(
                    "UPDATE articles SET title = ?, published_at = ?, month = ?, outlet = ?, author = ?, "
                    "original_url = ?, body = ?, body_hash = ?, extractor_version = ?, dedupe_version = ? WHERE id = ?",
                    (article.get("title"), published_at, (published_at or "")[:7] or None, article.get("outlet"),
                     article.get("author"), article.get("original_url"), article["body"], new_hash,
                     article.get("extractor_version"), versions.DEDUPE, article_id),
                )
                if old_body != article["body"]:
                    self.stories.remove(article_id, old_body or "")
                    self.stories.add(article_id, keys)
                    if rejoin and self.conn.execute("SELECT count(*) FROM articles WHERE story_id = ?",
                                                    (story_id,)).fetchone()[0] == 1:
                        joined = next((m[2] for m in self.stories.matches(keys, published_at)
                                       if m[1] != article_id and m[2] != story_id), None)
                search.index_article(self.conn, article_id, article.get("title") or "", article["body"],
                                     search_text)
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
            if claims is not None:
                self.replace_claims(article_id, claims)
        return joined

    def replace_claims(self, article_id: int, claims: list[dict]) -> None:
        """The article's claims (`pipelines.claims`) and the claims version that extracted them;
        inside the caller's transaction."""
        self.conn.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
        for c in claims:
            self.conn.execute(
                f"INSERT INTO claims (article_id, {', '.join(CLAIM_COLUMNS)}) "
                f"VALUES (?, {', '.join('?' * len(CLAIM_COLUMNS))})",
                (article_id, *(c.get(k) for k in CLAIM_COLUMNS)))
        self.conn.execute("UPDATE articles SET claims_version = ? WHERE id = ?", (versions.CLAIMS, article_id))


CLAIM_COLUMNS = ("paragraph", "sentence", "subject", "topic", "quantity", "quantity_text", "qualifier", "unit",
                 "direction", "period", "year", "region", "confidence")


def _as_int(v):
    return None if v is None else int(bool(v))


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False)
