"""`bin/scheduled-crawl`: one unattended crawl, for cron or a systemd timer.

    bin/scheduled-crawl [--seeds PATH] [--site NAME] [--db PATH] [--log-dir DIR] [--keep-logs N]
                        [--max-error-rate R] [-s SETTING=VALUE ...]

What a scheduled run adds to `scrapy crawl news`:
- one run at a time: an exclusive lock on `<db>.lock`; a second start exits at once with
  code 75 and touches neither the archive nor the logs. The kernel drops the lock when the
  process dies, so a killed run never leaves a stale lock behind;
- a log file per run in `--log-dir` (`crawl-YYYYmmdd-HHMMSS.log`), the newest `--keep-logs` kept;
- the run's report and problems on stdout (cron mails it), and an exit code that says what
  went wrong (`pipelines.health`): 0 success, 2 bad arguments or seeds, 3 a site failed
  entirely, 4 too many failed requests, 5 the run was cut short, 6-9 the archive could not be
  written (full, locked, schema, corrupt), 10 --db is not an archive, 75 another run holds the lock.
- with `--redis URL`, this machine's worker of a distributed crawl (crawler/scheduled_worker.py;
  11 Redis unavailable, 12 the writer has not recorded the run in time).

The crawl runs in this process (Scrapy's CrawlerProcess), so SIGTERM from cron or systemd stops
it gracefully (finish reason `shutdown`, exit 5) and SIGKILL leaves the lock free and the
archive consistent; the next run marks the killed run and resumes its queue.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import sqlite3
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.arguments import defaults, setting_problem
from crawler.sites import SeedsError, load_sites
from pipelines import health
from pipelines.archive import Archive, now_iso
from pipelines.archive_checks import open_problem, path_problem
from pipelines.cli import run_report

ROOT = Path(__file__).resolve().parents[1]
LOG_PREFIX = "crawl-"


class RunLock:
    """An exclusive, non-blocking `flock` on a file next to the archive."""

    def __init__(self, path: Path):
        self.path = path
        self.file = None

    def acquire(self) -> bool:
        f = open(self.path, "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            return False
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {now_iso()}\n")
        f.flush()
        self.file = f
        return True

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
            self.file = None


def new_log_file(log_dir: Path, keep: int) -> Path:
    """A fresh log file for this run; older ones beyond the newest `keep` are deleted."""
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = log_dir / f"{LOG_PREFIX}{stamp}.log"
    n = 1
    while path.exists():  # two runs in one second
        n += 1
        path = log_dir / f"{LOG_PREFIX}{stamp}-{n}.log"
    path.touch()
    logs = sorted(log_dir.glob(f"{LOG_PREFIX}*.log"), key=lambda p: p.stat().st_mtime)
    for old in logs[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return path


def log_dir_problem(log_dir: Path) -> str | None:
    """Why run logs cannot be written in `log_dir` (created if missing), or None."""
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=log_dir):
            pass
    except OSError as exc:
        return f"--log-dir {log_dir}: {exc.strerror or exc}"
    return None


def crawl(db: Path, seeds: Path, site: str | None, log_file: Path, max_error_rate: float,
          settings_overrides: dict[str, str]) -> tuple[int | None, dict]:
    """Run `scrapy crawl news` in this process; (the id of its run row, or None if it never opened
    one; Scrapy's stats, which hold an archive problem even when the run row could not be written)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")  # no scrapy.cfg needed in cwd
    settings = get_project_settings()
    settings.set("ARCHIVE_DB", str(db), priority="cmdline")
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    settings.set("LOG_LEVEL", "INFO", priority="cmdline")
    settings.set("MAX_ERROR_RATE", max_error_rate, priority="cmdline")
    for key, value in settings_overrides.items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("news")
    kwargs = {"seeds": str(seeds)}
    if site:
        kwargs["site"] = site
    process.crawl(crawler, **kwargs)
    process.start()
    return crawler.stats.get_value("jianfu/run_id"), crawler.stats.get_stats()


def report_archive_problem(db: Path, run_id: int | None, problem: str, stats: dict, log_file: Path) -> int:
    """Exit code and report for a run stopped by an archive problem. The run row is updated when
    the archive allows it (a lock may be gone by now; a full disk may still take a small update),
    but the exit code never depends on that."""
    code = health.EXIT_PROBLEMS[problem]
    line = f"PROBLEM {problem}: {stats.get('jianfu/archive_problem_detail', '')}"
    report = None
    try:
        archive = Archive(db)
        try:
            if run_id is not None:
                with archive.db.atomic():
                    archive.conn.execute("UPDATE runs SET exit_code = ?, log_file = ? WHERE id = ?",
                                         (code, str(log_file), run_id))
                report = run_report(archive, run_id)
        finally:
            archive.close()
    except (sqlite3.Error, OSError) as exc:
        report = f"(the run could not be recorded in the archive: {exc}; see {log_file})"
    if report is None or f"PROBLEM {problem}:" not in report:  # the run row did not get it
        print(line)
    if report:
        print(report)
    print(f"exit {code}")
    return code


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scheduled-crawl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds" / "sites.toml")
    parser.add_argument("--site", help="crawl only this site of the seeds file")
    parser.add_argument("--db", type=Path, default=ROOT / "archive.db")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "logs")
    parser.add_argument("--keep-logs", type=int, default=30, help="log files to keep (default: %(default)s)")
    parser.add_argument("--max-error-rate", type=float, default=0.5,
                        help="share of failed requests above which the run exits 4 (default: %(default)s)")
    parser.add_argument("--redis", metavar="URL", help="distributed mode: run this machine's worker of the "
                        "crawl whose frontier is in this Redis (crawler/scheduled_worker.py)")
    parser.add_argument("--prefix", default="jianfu", help="Redis key prefix (default: %(default)s)")
    parser.add_argument("--wait-writer", type=float, default=600, metavar="S",
                        help="with --redis: how long the run's last worker waits for the writer's record")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting, e.g. -s CLOSESPIDER_TIMEOUT=3600")
    args = parser.parse_args(argv)
    overrides = {}
    known = defaults()
    for item in args.set:
        name, eq, value = item.partition("=")
        if not eq or not name:
            parser.error(f"-s expects NAME=VALUE, got {item!r}")
        if problem := setting_problem(name, value, known):
            parser.error(problem)
        overrides[name] = value
    if args.keep_logs < 1:
        parser.error(f"--keep-logs {args.keep_logs}: keep at least 1 log (the run's own)")
    return args, overrides


def main(argv: list[str] | None = None) -> int:
    args, overrides = parse_args(argv)
    try:  # a malformed seeds file is refused before the lock, the log or any request
        sites = load_sites(args.seeds)
        if args.site and args.site not in sites:
            raise SeedsError(f"{args.seeds}: no site named '{args.site}' (have: {', '.join(sites)})")
    except SeedsError as exc:
        print(f"scheduled-crawl: {exc}", file=sys.stderr)
        return health.EXIT_USAGE
    if args.redis:  # distributed mode: no archive on this machine
        from crawler import scheduled_worker

        return scheduled_worker.main(args, overrides)
    db = args.db.resolve()
    problem = path_problem(db) or log_dir_problem(args.log_dir)  # before the lock, which lives beside db
    if problem:
        print(f"scheduled-crawl: {problem}", file=sys.stderr)
        return health.EXIT_USAGE
    lock = RunLock(db.with_name(db.name + ".lock"))
    if not lock.acquire():
        print(f"scheduled-crawl: another scheduled crawl of {db} is running ({lock.holder()}); "
              f"exiting without touching the archive", file=sys.stderr)
        return health.EXIT_LOCKED
    try:
        if opened := open_problem(db):  # corrupt, foreign, schema, locked: before any request
            kind, message = opened
            print(f"PROBLEM {kind}: {message}")
            code = health.EXIT_NOT_AN_ARCHIVE if kind == "not_an_archive" else health.EXIT_PROBLEMS[kind]
            print(f"exit {code}")
            return code
        log_file = new_log_file(args.log_dir.resolve(), args.keep_logs)
        print(f"scheduled crawl of {args.seeds}{' site ' + args.site if args.site else ''} into {db}; "
              f"log {log_file}", flush=True)
        try:
            run_id, stats = crawl(db, args.seeds, args.site, log_file, args.max_error_rate, overrides)
        except Exception as exc:  # e.g. a bad -s value: still a clear line and the cut-short code
            print(f"PROBLEM cut_short: the crawl could not run: {type(exc).__name__}: {exc}")
            return health.EXIT_PROBLEMS["cut_short"]
        if problem := stats.get("jianfu/archive_problem"):  # the crawl stopped at a failed write
            return report_archive_problem(db, run_id, problem, stats, log_file)
        if run_id is None:
            print(f"PROBLEM cut_short: the crawl stopped before it opened a run; see {log_file}")
            return health.EXIT_PROBLEMS["cut_short"]
        archive = Archive(db)
        try:
            if archive.runs.get(run_id)["finished_at"] is None:
                # a signal during the engine's start can stop the reactor before the spider
                # closes: the run is closed here, cut short, never left open as if it had succeeded
                archive.finish_run(run_id, {k: v for k, v in stats.items() if isinstance(v, (int, float, str))},
                                   "shutdown", args.max_error_rate)
            problems = archive.runs.get(run_id)["problems"]
            code = health.exit_code(json.loads(problems or "[]"))
            archive.runs.record_exit(run_id, code, str(log_file))
            print(run_report(archive, run_id))
        finally:
            archive.close()
        print(f"exit {code}")
        return code
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main())
