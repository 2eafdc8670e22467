"""The run lifecycle: every write to `runs`, `run_sites` and `site_alerts` goes through here.

A crawl opens a run (`start`), and closes it when Scrapy knows its finish reason (`finish`:
counts, per-site figures, site-health alerts, problems); `bin/scheduled-crawl` then records the
exit code it chose and its log (`record_exit`). A re-processing is a run of kind `reprocess`
(`finish_reprocess`). A run whose process died is closed by the next `start` as `killed`.
"""

from __future__ import annotations

import json
import os

import sqlite_utils

from pipelines import health
from pipelines.archive.clock import now_iso
from pipelines.archive.queue import Queue
from pipelines.kinds import Outcome


# Requests a middleware chose not to send (crawler/faults.py and its users): decisions, not
# failures of the site, so no part of a run's error rate.
DECISIONS = ("IgnoreRequest", "Skipped", "BackedOff", "RobotsDisallowed", "RefusedAddress")


class Runs:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.conn = db.conn

    def get(self, run_id: int) -> dict:
        return self.db["runs"].get(run_id)

    def latest(self, kind: str = "crawl") -> int | None:
        """The newest run of this kind (a crawl by default), or None."""
        return self.conn.execute("SELECT max(id) FROM runs WHERE coalesce(kind, 'crawl') = ?", (kind,)).fetchone()[0]

    def start(self, seeds: str, sites: list[str], kind: str = "crawl") -> int:
        """Open a run row. Runs an earlier, killed process left open are closed first."""
        self.close_stale()
        with self.db.atomic():
            cur = self.conn.execute(
                "INSERT INTO runs (kind, started_at, seeds, sites, pid) VALUES (?, ?, ?, ?, ?)",
                (kind, now_iso(), seeds, _json(sites), os.getpid()),
            )
        return cur.lastrowid

    def close_stale(self) -> list[int]:
        """Mark runs whose process died before finishing (SIGKILL, power cut) as `killed`.

        Their pages are all in the archive (one transaction each), and the article URLs they had
        discovered but not fetched are still in `queue`, so the next crawl resumes them. A
        distributed run (`run_key`) is not a process's: the writer closes it when its workers
        have left (`pipelines.distributed.writer`).
        """
        stale = [(rid, kind) for rid, pid, kind in self.conn.execute(
            "SELECT id, pid, kind FROM runs WHERE finished_at IS NULL AND run_key IS NULL").fetchall() if not _process_alive(pid)]
        for rid, kind in stale:
            if kind == "reprocess":  # no crawl figures or site health to compute
                with self.db.atomic():
                    self.conn.execute("UPDATE runs SET finished_at = ?, finish_reason = 'killed' WHERE id = ?",
                                      (now_iso(), rid))
            else:
                self.finish(rid, {}, "killed")
        return [rid for rid, _ in stale]

    def finish(self, run_id: int, stats: dict, finish_reason: str = "finished",
               max_error_rate: float = 0.5, attempted=()) -> dict:
        """Close a crawl: its counts, per-site figures (`run_sites`), site-health alerts and problems.

        `stats` are Scrapy's stats (or {} for a run closed after its process died); `attempted`
        the article URLs it requested (an attempt for those still queued). Returns the row.
        """
        q = self.conn.execute
        counts = dict(q("SELECT outcome, count(*) FROM pages WHERE run_id = ? GROUP BY outcome", (run_id,)).fetchall())
        by_reason = dict(q("SELECT stage || '/' || reason, count(*) FROM rejections WHERE run_id = ? "
                           "GROUP BY 1 ORDER BY 2 DESC", (run_id,)).fetchall())
        prefix = "downloader/response_status_count/"
        responses = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
        failed = sum(v for k, v in stats.items() if k.startswith("downloader/exception_type_count/")
                     and not k.endswith(DECISIONS))
        if failed:
            responses["error"] = failed
        with self.db.atomic():
            q("UPDATE runs SET finished_at = ?, finish_reason = ?, requests = ?, responses = ?, pages = ?, "
              "articles_new = ?, articles_updated = ?, duplicates = ?, rejections = ?, rejections_by_reason = ?, "
              "stats = ? WHERE id = ?",
              (now_iso(), finish_reason, stats.get("downloader/request_count", 0), _json(responses),
               sum(counts.values()), counts.get(Outcome.ARTICLE, 0), counts.get(Outcome.UPDATED, 0),
               counts.get(Outcome.DUPLICATE, 0), sum(by_reason.values()), _json(by_reason),
               json.dumps(stats, ensure_ascii=False, default=str), run_id))
            self._record_run_sites(run_id, stats)
            if not finish_reason.startswith("archive_"):  # a run stopped by the archive tried nothing
                Queue(self.db).count_attempt(attempted)
            self.judge(run_id, max_error_rate)
        return self.get(run_id)

    def judge(self, run_id: int, max_error_rate: float = 0.5) -> list[dict]:
        """Site-health alerts (`site_alerts`) and the run's problems from its `run_sites` figures
        (`pipelines.health`); returns the problems."""
        with self.db.atomic():
            problems = health.check_run(self.conn, run_id, max_error_rate)
            self.conn.execute("UPDATE runs SET problems = ? WHERE id = ?", (_json(problems), run_id))
        return problems

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
               sum(pages.values()), pages.get(Outcome.ARTICLE, 0), pages.get(Outcome.DUPLICATE, 0), rejections,
               empty, no_date))

    def record_exit(self, run_id: int, exit_code: int, log_file: str | None = None) -> None:
        """What `bin/scheduled-crawl` exited with for this run, and where its log is."""
        with self.db.atomic():
            self.conn.execute("UPDATE runs SET exit_code = ?, log_file = ? WHERE id = ?",
                              (exit_code, log_file, run_id))

    def finish_reprocess(self, run_id: int, finish_reason: str, articles_updated: int, stats: dict) -> None:
        """Close a re-processing run: why it ended, texts changed, and its counts and selection."""
        with self.db.atomic():
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, finish_reason = ?, articles_updated = ?, stats = ? WHERE id = ?",
                (now_iso(), finish_reason, articles_updated, json.dumps(stats, ensure_ascii=False), run_id))


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False)


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
