"""The tables of archive.db and how an archive of any age reaches them: sqlite-utils'
own migrations (`sqlite_utils.migrations.Migrations`, recorded in `_sqlite_migrations`).

Add a change as a new migration at the end, never by editing an applied one: an archive made
by any earlier version is brought up to date when it is opened, in one write transaction
(`BEGIN IMMEDIATE`, so two processes opening a new archive at once cannot both apply it).
The story index (`pipelines.dedupe.index`) and the search index (`pipelines.search`) create
their own tables: they are derived data, rebuilt when their version changes.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("jianfu-archive")

TABLES = """
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
    attempts INTEGER DEFAULT 0  -- runs that ended with it still queued (not counting archive problems)
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


def statements(script: str) -> list[str]:
    """The complete SQL statements of a script, one by one (executescript would commit the
    migration's transaction halfway)."""
    out, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    return out


@MIGRATIONS()
def m001_tables(db: sqlite_utils.Database) -> None:
    """The tables as of the first release with migrations (IF NOT EXISTS: older archives
    already have them)."""
    for statement in statements(TABLES):
        db.execute(statement)


# Columns added to `runs` after its first release.
RUNS_COLUMNS_ADDED = {
    "kind": "TEXT DEFAULT 'crawl'", "finish_reason": "TEXT", "pid": "INTEGER", "requests": "INTEGER",
    "responses": "TEXT", "articles_updated": "INTEGER", "rejections_by_reason": "TEXT", "problems": "TEXT",
    "exit_code": "INTEGER", "log_file": "TEXT",
}


@MIGRATIONS()
def m002_runs_columns(db: sqlite_utils.Database) -> None:
    """An archive from before runs had kinds, finish reasons, problems and exit codes."""
    have = set(db["runs"].columns_dict)
    for name, decl in RUNS_COLUMNS_ADDED.items():
        if name not in have:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {decl}")


# Links Datasette follows: an article's story (its reprints) and its site (label: display_name).
ARTICLE_FOREIGN_KEYS = [("story_id", "stories", "id"), ("site", "sites", "name")]


@MIGRATIONS()
def m003_article_foreign_keys(db: sqlite_utils.Database) -> None:
    """Declare ARTICLE_FOREIGN_KEYS on `articles`. SQLite cannot add a foreign key in place, so
    sqlite-utils rebuilds the table once (indexes kept; the change-log triggers go with the old
    table and `pipelines.search.ensure_search_index`, run after the migrations, recreates them).
    Not enforced (foreign_keys is off): they tell readers such as Datasette what links to what."""
    from pipelines.dedupe.index import STORIES_TABLE
    db.execute(STORIES_TABLE)  # the target must exist; the story index fills it
    have = {(fk.column, fk.other_table) for fk in db["articles"].foreign_keys}
    missing = [fk for fk in ARTICLE_FOREIGN_KEYS if (fk[0], fk[1]) not in have]
    if missing:
        db["articles"].transform(add_foreign_keys=missing)


@MIGRATIONS()
def m004_articles_dedupe_version(db: sqlite_utils.Database) -> None:
    """Each article records the dedupe version (`pipelines.versions.DEDUPE`) its `body_hash` and
    index entries were computed with, beside its extractor and classifier versions."""
    if "dedupe_version" not in db["articles"].columns_dict:
        db.execute("ALTER TABLE articles ADD COLUMN dedupe_version TEXT")


CLAIMS_TABLE = """
CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY,
    article_id INTEGER REFERENCES articles(id),
    paragraph INTEGER,          -- its paragraph in the article body (0-based): the page's anchor
    sentence TEXT,
    subject TEXT,               -- what was reduced, as the sentence names it
    topic TEXT,                 -- its campaign topic (the classifier's taxonomy), NULL outside it
    quantity REAL,              -- shares as percentages (近3/4 -> 75)
    quantity_text TEXT,         -- the figure as written
    qualifier TEXT,             -- approx | at_least | at_most
    unit TEXT,                  -- % or the measure word (个, 件, 项, 名 ...)
    direction TEXT,             -- reduced_by | reduced_to | increased | counted
    period TEXT,                -- the sentence's time phrase (2023年, 今年以来)
    year INTEGER,               -- the period's year, else the article's
    region TEXT,                -- the most specific place the sentence (else the article) is about
    confidence REAL
)"""

# The reprint graph, as views (always current, plain SQL any SQLite client can read):
# each story's articles in publication order with their lag behind the first, and over the
# archive, which outlet's stories which site carried, how often and how fast.
REPRINT_VIEWS = """
CREATE VIEW IF NOT EXISTS story_articles AS
WITH ordered AS (
  SELECT a.story_id, a.id AS article_id, a.title, a.published_at, a.outlet, a.site,
         row_number() OVER w AS position, first_value(a.published_at) OVER w AS first_published,
         count(*) OVER (PARTITION BY a.story_id) AS story_size
  FROM articles a WHERE a.story_id IS NOT NULL
  WINDOW w AS (PARTITION BY a.story_id ORDER BY a.published_at IS NULL, a.published_at, a.id))
SELECT story_id, position, article_id, title, published_at, outlet, site, story_size,
       round((julianday(substr(published_at, 1, 19)) - julianday(substr(first_published, 1, 19))) * 24, 1) AS lag_hours
FROM ordered;
CREATE VIEW IF NOT EXISTS reprints AS
WITH pairs AS (
  SELECT coalesce(src.outlet, s.display_name, src.site) AS source_outlet, r.site AS reprint_site,
         r.lag_hours, r.story_id
  FROM story_articles r JOIN story_articles src ON src.story_id = r.story_id AND src.position = 1
  LEFT JOIN sites s ON s.name = src.site
  WHERE r.position > 1),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY source_outlet, reprint_site ORDER BY lag_hours) AS k,
         count(*) OVER (PARTITION BY source_outlet, reprint_site) AS n
  FROM pairs)
SELECT source_outlet, reprint_site, max(n) AS reprints, count(DISTINCT story_id) AS stories,
       round(avg(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN lag_hours END), 1) AS median_lag_hours
FROM ranked GROUP BY source_outlet, reprint_site;
"""


@MIGRATIONS()
def m005_claims_and_reprints(db: sqlite_utils.Database) -> None:
    """The figures claimed in burden-reduction articles (`pipelines.claims`), with the version
    that extracted them on each article (`articles.claims_version`), and the reprint graph's
    views `story_articles` and `reprints`."""
    db.execute(CLAIMS_TABLE)
    db.execute("CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id)")
    if "claims_version" not in db["articles"].columns_dict:
        db.execute("ALTER TABLE articles ADD COLUMN claims_version TEXT")
    for statement in statements(REPRINT_VIEWS):
        db.execute(statement)


@MIGRATIONS()
def m006_runs_run_key(db: sqlite_utils.Database) -> None:
    """Distributed mode (`pipelines/distributed/`): a run's key in Redis. Such a run belongs to
    no process (`Runs.close_stale` leaves it to the writer). The writer's own tables
    (`run_workers`, `deliveries`) are created by the writer, in the archives it writes."""
    if "run_key" not in db["runs"].columns_dict:
        db.execute("ALTER TABLE runs ADD COLUMN run_key TEXT")


@MIGRATIONS()
def m007_backoff(db: sqlite_utils.Database) -> None:
    """Navigation pages left alone until `retry_after` after a costly failure
    (`pipelines.archive.backoff`)."""
    db.execute("""CREATE TABLE IF NOT EXISTS backoff (
        url TEXT PRIMARY KEY,
        site TEXT,
        reason TEXT,            -- the fetch rejection's reason: too_large, redirect_loop, http_503 …
        failures INTEGER,       -- costly failures in a row
        last_failed_at TEXT,
        retry_after TEXT        -- not requested before this time (ISO 8601, +08:00)
    )""")


def connect(path: str) -> sqlite_utils.Database:
    """Open (or create) an archive: WAL, so Datasette reads while a crawl writes; a busy timeout
    for the moments two writers meet; every pending migration applied."""
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA busy_timeout = 10000")
    db.enable_wal()
    db.conn.execute("PRAGMA synchronous = NORMAL")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations; their names."""
    if not MIGRATIONS.pending(db):
        return []
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        names = [m.name for m in MIGRATIONS.pending(db)]  # again, now that we hold the write lock
        MIGRATIONS.apply(db)
        db.conn.execute("COMMIT")
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    return names
