"""`jianfu writer --redis URL --db archive.db`: the one process that writes archive.db in
distributed mode.

SQLite takes one writer at a time, so the workers never open the archive: they push what they
processed to a Redis list, and this process stores it with the same `Archive.store` a
single-machine crawl uses. Nothing is lost and nothing is stored twice, whatever is killed when:

- **reliable queue**: messages are moved (LMOVE, atomically) from `<prefix>:items` to
  `<prefix>:items:processing`, stored, committed, and only then removed from the processing
  list. A writer killed mid-batch leaves its batch in the processing list; the next writer
  stores it first (`recover`).
- **idempotent store**: each page message carries a delivery id, written in the same
  transaction as the page (`deliveries`); a message committed but not yet acknowledged when the
  writer died is recognised and skipped the second time.
- **the skip check's answers**: the archive's article URLs (and canonical forms) and fetched
  URLs are exported to Redis sets at start and added to after every commit, so workers on
  other machines skip what is archived without reading archive.db.
- **the queue and back-off, as on one machine**: the archive's `queue` (with each URL's
  attempts) is exported for the run's first worker to resume, again whenever a run starts or
  ends; a run's start gives up URLs requested in too many runs (a `fetch/gave_up` rejection,
  `Queue.resume`) and its end counts an attempt for the queued URLs its workers requested.
  Navigation pages in back-off (`backoff`) are exported as a hash the workers' back-off
  middleware reads, and kept in step after each commit.
- **runs**: `run_start` opens a `runs` row keyed by the run's Redis key; each worker's figures
  go to `run_workers`; `run_end` closes the row with all workers' stats summed, so the run
  record, `run_sites` and site health cover every worker. The result (problems, exit code,
  report) is published to Redis for the workers' `bin/scheduled-crawl` to print.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import Counter

from pipelines import health
from pipelines.archive import Archive, now_iso
from pipelines.archive.reports import run_report
from pipelines.archive_checks import write_problem
from pipelines.distributed import messages
from pipelines.distributed.keys import Keys
from pipelines.kinds import Outcome, RequestKind

logger = logging.getLogger(__name__)

# Messages stored per transaction. One commit per batch instead of per page keeps the writer's
# rate well above what a few crawler machines deliver (bench/crawl.py prints it); a batch is
# small enough that a kill re-does at most this many stores.
BATCH = 100
# How long a finished run's result stays in Redis for the workers' scheduled-crawl to read.
RESULT_TTL = 7 * 24 * 3600
# How many URLs go to Redis per command when the archive's URLs are exported.
EXPORT_CHUNK = 5000
# Runs that may request a queued URL without its ending as a page or a rejection (Queue.resume's
# default, the single-machine rule); the workers' RedisArchiveView applies the same number.
MAX_ATTEMPTS = 3

# LMOVE up to ARGV[1] messages from the items list to the processing list in one round trip.
_TAKE = """
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not v then break end
  out[#out + 1] = v
end
return out
"""


class ArchiveProblem(Exception):
    """A write to the archive failed for a reason no message causes (full, locked, schema,
    corrupt): the writer stops with that problem's exit code; the batch stays unacknowledged."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


# The writer's own tables, in the archives it writes (single-machine archives never need them,
# as the story and search indexes create theirs): each worker's figures for a run, and the
# delivery ids already stored (a message delivered twice — a writer killed between its commit
# and its acknowledgement — is stored once).
TABLES = [
    "CREATE TABLE IF NOT EXISTS run_workers (run_id INTEGER REFERENCES runs(id), worker TEXT, "
    "finish_reason TEXT, finished_at TEXT, stats TEXT, PRIMARY KEY (run_id, worker))",
    "CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, run_id INTEGER, at TEXT)",
    # queued URLs a run's workers requested, until the run ends and counts one attempt each
    "CREATE TABLE IF NOT EXISTS run_attempts (run_id INTEGER, url TEXT, PRIMARY KEY (run_id, url)) WITHOUT ROWID",
    "CREATE UNIQUE INDEX IF NOT EXISTS runs_run_key ON runs(run_key)",
]


class Writer:
    def __init__(self, archive: Archive, client, keys: Keys = Keys(), batch: int = BATCH):
        with archive.db.atomic():
            for statement in TABLES:
                archive.conn.execute(statement)
        self.archive = archive
        self.client = client
        self.keys = keys
        self.batch = batch
        self._take = client.register_script(_TAKE)
        self._run_ids: dict[str, int] = {}
        self.counts: Counter = Counter()  # messages by type, pages by outcome
        self.started = time.monotonic()

    # -- the loop ---------------------------------------------------------------------------

    def run(self, should_stop=lambda: False, timeout: float = 1.0, report_every: float = 30.0) -> None:
        """Store messages until `should_stop()` (checked at least every `timeout` seconds)."""
        recovered = self.recover()
        if recovered:
            logger.info("stored %d messages a killed writer had taken", recovered)
        self.export_urls()
        self.export_queue()
        last_report = time.monotonic()
        while not should_stop():
            self.step(timeout)
            if time.monotonic() - last_report >= report_every:
                logger.info("%s", self.progress())
                last_report = time.monotonic()

    def step(self, timeout: float = 1.0) -> int:
        """Take up to `batch` messages (waiting up to `timeout` s for the first), store them,
        commit, acknowledge. The number of messages handled."""
        first = self.client.blmove(self.keys.items, self.keys.processing, timeout, "RIGHT", "LEFT")
        if first is None:
            return 0
        raws = [first, *self._take(keys=[self.keys.items, self.keys.processing], args=[self.batch - 1])]
        self.store_batch(raws)
        return len(raws)

    def recover(self) -> int:
        """Store what a killed writer left in the processing list (oldest first)."""
        leftovers = self.client.lrange(self.keys.processing, 0, -1)
        for start in range(len(leftovers), 0, -self.batch):
            self.store_batch(list(reversed(leftovers[max(0, start - self.batch):start])))
        return len(leftovers)

    def progress(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        articles = self.counts[f"outcome/{Outcome.ARTICLE}"]
        return (f"writer: {self.counts['messages']} messages, {self.counts['type/page']} pages, "
                f"{articles} new articles ({articles / elapsed:.1f}/s), {self.counts['bad']} bad")

    # -- one batch: one transaction, then the acknowledgement --------------------------------

    def store_batch(self, raws: list[bytes]) -> None:
        archived, fetched, bad, results = set(), set(), [], []
        self._pending: list[tuple[str, str]] = []  # (canonical, url) aliases of articles not stored yet
        self._aliased: set[str] = set()            # canonical URLs whose pending aliases were stored
        self._backoff: set[str] = set()            # navigation URLs whose back-off may have changed
        self._queue_changed = False                # a run started or ended: attempts, given-up URLs
        try:
            with self.archive.db.atomic():
                for raw in raws:
                    try:
                        with self.archive.db.atomic():  # a savepoint: a bad message undoes only itself
                            self.apply(messages.decode(raw), archived, fetched, results)
                    except (sqlite3.Error, OSError) as exc:
                        if (problem := write_problem(exc)) is not None:
                            raise ArchiveProblem(*problem) from exc
                        bad.append((raw, exc))
                    except Exception as exc:  # a malformed message, a bug: kept aside, never retried forever
                        bad.append((raw, exc))
        except (sqlite3.Error, OSError) as exc:  # the commit itself
            if (problem := write_problem(exc)) is not None:
                raise ArchiveProblem(*problem) from exc
            raise
        # committed: tell the workers, keep what could not be stored, then acknowledge
        pipe = self.client.pipeline(transaction=True)
        for key, urls in ((self.keys.archived, archived), (self.keys.fetched, fetched)):
            urls = list(urls)
            for i in range(0, len(urls), EXPORT_CHUNK):
                pipe.sadd(key, *urls[i:i + EXPORT_CHUNK])
        for raw, exc in bad:
            logger.error("a message could not be stored (kept in %s): %s: %s", self.keys.bad, type(exc).__name__, exc)
            pipe.lpush(self.keys.bad, json.dumps({"error": f"{type(exc).__name__}: {exc}", "at": now_iso(),
                                                  "message": raw.hex()}))
        for canonical, url in self._pending:
            pipe.sadd(self.keys.pending_aliases(canonical), url)
        for canonical in self._aliased:
            pipe.delete(self.keys.pending_aliases(canonical))
        for run, result in results:
            pipe.set(self.keys.run_result(run), json.dumps(result, ensure_ascii=False), ex=RESULT_TTL)
        held = self.archive.backoff.all() if self._backoff else {}
        for url in self._backoff:
            if url in held:
                pipe.hset(self.keys.backoff, url, json.dumps(held[url]))
            else:
                pipe.hdel(self.keys.backoff, url)
        for raw in raws:
            pipe.lrem(self.keys.processing, 1, raw)
        pipe.execute()
        if self._queue_changed:
            self.export_queue()
        self.counts["messages"] += len(raws)
        self.counts["bad"] += len(bad)

    def apply(self, message: dict, archived: set, fetched: set, results: list) -> None:
        kind = message["type"]
        handler = {"page": self._page, "alias": self._alias, "run_start": self._run_start,
                   "worker_done": self._worker_done, "run_end": self._run_end,
                   "backoff_over": self._backoff_over}.get(kind)
        if handler is None:
            raise messages.BadMessage(f"unknown message type {kind!r}")
        handler(message, archived, fetched, results)
        self.counts[f"type/{kind}"] += 1

    # -- the message types ------------------------------------------------------------------

    def _page(self, message, archived, fetched, results) -> None:
        conn = self.archive.conn
        if conn.execute("SELECT 1 FROM deliveries WHERE id = ?", (message["id"],)).fetchone():
            self.counts["redelivered"] += 1  # committed before a kill, not acknowledged: once only
            return
        processed = messages.processed_from(message)
        run_id = self.run_id(message["run"])
        outcome = self.archive.store(processed, run_id)
        conn.execute("INSERT INTO deliveries (id, run_id, at) VALUES (?, ?, ?)", (message["id"], run_id, now_iso()))
        self.counts[f"outcome/{outcome}"] += 1
        if processed.kind != RequestKind.NAVIGATION:
            fetched.add(processed.page["url"])
        else:  # a failed navigation page: perhaps in back-off now
            self._backoff.add(processed.page["url"])
        if outcome in (Outcome.ARTICLE, Outcome.UPDATED, Outcome.DUPLICATE) and processed.keys is not None:
            for url, canonical in processed.keys.urls.items():
                archived.update((url, canonical))
            for canonical in set(processed.keys.urls.values()):  # spellings workers did not request
                for url in self.client.smembers(self.keys.pending_aliases(canonical)):
                    self.archive.add_alias(url.decode(), canonical, run_id)
                    archived.add(url.decode())
                    self._aliased.add(canonical)

    def _alias(self, message, archived, fetched, results) -> None:
        if self.archive.add_alias(message["url"], message.get("canonical"), self.run_id(message["run"])):
            archived.add(message["url"])
        elif message.get("canonical"):  # its article is still on its way: added when it is stored
            self._pending.append((message["canonical"], message["url"]))

    def _run_start(self, message, archived, fetched, results) -> None:
        run_id = self.run_id(message["run"], message)
        if message.get("site_configs"):
            self.archive.save_sites(message["site_configs"])
        # URLs requested in too many runs leave the queue on record (fetch/gave_up), as when a
        # single-machine run starts; the seeder left them out by the same rule
        self.archive.queue.resume(message.get("sites") or [], MAX_ATTEMPTS, run_id)
        self._queue_changed = True

    def _backoff_over(self, message, archived, fetched, results) -> None:
        self.archive.backoff.succeeded(message["url"])
        self._backoff.add(message["url"])

    def _worker_done(self, message, archived, fetched, results) -> None:
        self.archive.conn.execute(
            "INSERT OR REPLACE INTO run_workers (run_id, worker, finish_reason, finished_at, stats) VALUES (?,?,?,?,?)",
            (self.run_id(message["run"]), message["worker"], message.get("reason"), message.get("at") or now_iso(),
             json.dumps(message.get("stats") or {}, ensure_ascii=False)))
        self.archive.conn.executemany("INSERT OR IGNORE INTO run_attempts (run_id, url) VALUES (?, ?)",
                                      [(self.run_id(message["run"]), url) for url in message.get("attempted") or []])

    def _run_end(self, message, archived, fetched, results) -> None:
        run_id = self.run_id(message["run"])
        row = self.archive.runs.get(run_id)
        if row["finished_at"] is None:
            stats = merged_stats([json.loads(s or "{}") for (s,) in self.archive.conn.execute(
                "SELECT stats FROM run_workers WHERE run_id = ? ORDER BY worker", (run_id,))])
            attempted = [u for (u,) in self.archive.conn.execute("SELECT url FROM run_attempts WHERE run_id = ?",
                                                                 (run_id,))]
            self.archive.finish_run(run_id, stats, message.get("reason") or "finished",
                                    float(message.get("max_error_rate", 0.5)), attempted=attempted)
            self.archive.conn.execute("DELETE FROM run_attempts WHERE run_id = ?", (run_id,))
            self._queue_changed = True
        problems = json.loads(self.archive.runs.get(run_id)["problems"] or "[]")
        code = health.exit_code(problems)
        self.archive.conn.execute("UPDATE runs SET exit_code = ? WHERE id = ?", (code, run_id))
        results.append((message["run"], {"run_id": run_id, "exit_code": code, "problems": problems,
                                         "report": run_report(self.archive, run_id)}))

    def run_id(self, run: str, start: dict | None = None) -> int:
        """The `runs` row of a distributed run, opened on its first message."""
        if run in self._run_ids:
            return self._run_ids[run]
        row = self.archive.conn.execute("SELECT id FROM runs WHERE run_key = ?", (run,)).fetchone()
        if row is None:
            start = start or {}
            run_id = self.archive.start_run(seeds=start.get("seeds", ""), sites=start.get("sites") or [])
            self.archive.conn.execute("UPDATE runs SET run_key = ?, pid = NULL WHERE id = ?", (run, run_id))
        else:
            run_id = row[0]
        self._run_ids[run] = run_id
        return run_id

    # -- what the workers' skip check reads ---------------------------------------------------

    def export_urls(self) -> None:
        """Replace the Redis sets of archived and fetched URLs with the archive's."""
        conn = self.archive.conn
        sources = {
            self.keys.archived: "SELECT url FROM article_urls UNION SELECT canonical_url FROM article_urls "
                                "UNION SELECT canonical_url FROM articles",
            self.keys.fetched: "SELECT DISTINCT url FROM pages",
        }
        for key, sql in sources.items():
            tmp = f"{key}:loading"
            self.client.delete(tmp)
            cur = conn.execute(sql)
            while rows := cur.fetchmany(EXPORT_CHUNK):
                self.client.sadd(tmp, *[r[0] for r in rows if r[0]])
            if self.client.exists(tmp):
                self.client.rename(tmp, key)
            else:
                self.client.delete(key)

    def export_queue(self) -> None:
        """Replace the resume list with the archive's `queue` (URLs discovered and never stored,
        with their attempts) and the back-off hash with its `backoff` table."""
        pending = self.archive.conn.execute("SELECT url, site, attempts FROM queue ORDER BY rowid").fetchall()
        held = self.archive.backoff.all()
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self.keys.resume, self.keys.backoff)
        if pending:
            pipe.rpush(self.keys.resume, *[json.dumps([u, s, a or 0], ensure_ascii=False) for u, s, a in pending])
        if held:
            pipe.hset(self.keys.backoff, mapping={u: json.dumps(h) for u, h in held.items()})
        pipe.execute()


def merged_stats(per_worker: list[dict]) -> dict:
    """Every worker's Scrapy stats as one run's: numbers summed, the first worker's text kept."""
    out: dict = {}
    for stats in per_worker:
        for key, value in stats.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[key] = out.get(key, 0) + value
            else:
                out.setdefault(key, value)
    out["jianfu/workers"] = len(per_worker)
    return out
