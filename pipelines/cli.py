"""`jianfu`: work on an existing archive without crawling.

    jianfu report     [--db archive.db] [--run ID]     what the last crawl (or a given run) did
    jianfu reprocess  [--db archive.db] [SELECTION] [--workers N]
                                                       re-run extraction, dedupe and classification over stored raw pages
                                                       (in N worker processes; default: one per core)
    jianfu reclassify [--db archive.db] [SELECTION]    re-run only the classifier; report labels that changed
    jianfu export     [--db archive.db] [--format jsonl|csv] [--since D] [--until D] [--search Q]
                                                       articles for analysis elsewhere (pipelines/export.py)
    jianfu backup     [--db archive.db] --to PATH [--keep N]
                                                       consistent copy of a live archive (SQLite's backup API)
    jianfu check-site NAME|URL [--seeds PATH] [--delay S]
                                                       try a site online before adding it (crawler/check_site.py)
    jianfu writer     --redis URL [--db archive.db]  distributed mode: the one process writing the archive
                                                       (pipelines/distributed/)
    jianfu train-classifier [--corpus ../shared/corpus] [--out PATH]
                                                       fit the classifier's weights on the labelled corpus
                                                       (writes pipelines/data/classifier_model.json)

SELECTION (default: every article):
    --site NAME         only this site's articles (repeatable)
    --since YYYY-MM-DD  only articles published on or after this day
    --until YYYY-MM-DD  ... on or before this day (articles without a date are left out of any date range)
    --stale             only articles whose stored versions are not the current ones (`pipelines.versions`):
                        extractor, dedupe or classifier for reprocess, classifier for reclassify

Re-processing sends no request: it reads the raw pages kept in `pages`. Progress goes to stderr,
the summary to stdout, and each re-processing is recorded as a `runs` row (kind = 'reprocess').
`backup --to DIR/` writes DIR/archive-YYYYmmdd-HHMMSS.db; `--keep N` then deletes all but the
newest N such files there. Bad arguments (a malformed date, an unknown site) exit with status 2.

Plain Python over `pipelines.*` and the seeds' `crawler.sites.Site`; nothing here imports Scrapy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import signal
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path

from crawler.sites import Site
from pipelines import claims, classify, export, health, stages, versions
from pipelines.archive import Archive
from pipelines.pool import StagePool, default_workers
from pipelines.archive.reports import reprocess_report, run_report, summary_line  # noqa: F401 (the commands' text)
from pipelines.archive_checks import open_problem, path_problem


class UsageError(Exception):
    """A bad argument that could only be checked against the archive: exit status 2."""


# ------------------------------------------------------------------------------------ re-processing

class Progress:
    """`reprocess: 1200/5000 articles (24%), 85.3 articles/s, ETA 45 s` lines on a stream
    (stderr): every 5% or every 500 articles, whichever gives fewer lines, and always a final
    line (with the overall rate)."""

    def __init__(self, label: str, total: int, stream=None, clock=time.monotonic):
        self.label, self.total, self.stream = label, total, stream or sys.stderr
        self.every = max(500, math.ceil(total / 20))
        self.clock, self.started = clock, clock()

    def line(self, done: int, note: str = "", eta: bool = True) -> None:
        pct = done * 100 // self.total if self.total else 100
        elapsed = self.clock() - self.started
        rate = ""
        if done and elapsed > 0:
            per_s = done / elapsed
            rate = f", {per_s:.1f} articles/s"
            if eta and done < self.total:
                rate += f", ETA {_duration((self.total - done) / per_s)}"
        print(f"{self.label}: {done}/{self.total} articles ({pct}%){rate}{note}", file=self.stream, flush=True)

    def update(self, done: int) -> None:
        if done % self.every == 0 and done < self.total:
            self.line(done)

    def finish(self, done: int, reason: str = "finished") -> None:
        self.line(done, "" if reason == "finished" else f", {reason}", eta=False)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds // 60 % 60:02d} min"


def _count_flip(flips: dict, old: dict, verdict: dict) -> None:
    """The slice of a changed label is the topic of whichever verdict says burden-reduction."""
    gained = bool(verdict["is_burden_reduction"])
    topics = verdict.get("topics") if gained else json.loads(old.get("topics") or "[]")
    for topic in topics or ["(no topic)"]:
        f = flips.setdefault(topic, {"gained": 0, "lost": 0})
        f["gained" if gained else "lost"] += 1


def reprocess(archive: Archive, extract: bool = True, sites: list[str] | None = None,
              since: str | None = None, until: str | None = None, progress=None, stale: bool = False,
              workers: int | None = 0) -> dict:
    """Re-run extraction (optional), dedupe and classification over the selected archived articles.

    Uses the stored raw pages, so no request is sent. Selection: `sites`, and `since`/`until`
    (inclusive YYYY-MM-DD days of `published_at`); with `stale`, only the articles whose stored
    versions differ from the current ones (those this command would change). Every article is updated in its own
    transaction, so an interrupted re-processing leaves the archive consistent. Recorded as a
    `runs` row of kind 'reprocess' (counts, selection and versions in `stats`). Progress lines
    go to `progress` (default stderr). Returns the counts, with the run's id as `run_id`.

    With `extract`, the pages are processed by `workers` worker processes (`pipelines.pool`, the
    crawl's own pool; None: one per core, 0: in this process) and written here, in order; a page
    whose worker died or hung keeps its old text, like a page extraction refuses.
    """
    command = "reprocess" if extract else "reclassify"
    site_rules = stored_sites(archive)
    sites = list(dict.fromkeys(sites)) if sites else None
    selected = sites or [r[0] for r in archive.conn.execute(
        "SELECT DISTINCT site FROM articles WHERE site IS NOT NULL ORDER BY site")]
    counts = {"articles": 0, "text_changed": 0, "labels_changed": 0, "classifier_versions_updated": 0,
              "extractor_versions_updated": 0, "stories_joined": 0, "extract_failed": 0, "label_flips": {}}
    wanted = (versions.current(classify.CLASSIFIER_VERSION) if extract
              else {"classifier_version": classify.CLASSIFIER_VERSION}) if stale else None
    total = archive.count_article_pages(sites, since, until, stale=wanted)
    last_id = archive.conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
    bar = Progress(command, total, progress)
    run_id = archive.start_run(seeds="", sites=selected, kind="reprocess")
    reason = "failed"
    pool = StagePool(workers if extract else 0)
    try:
        def selected_pages():
            for old, page in archive.article_pages(sites, since, until, stale=wanted):
                if old["id"] > last_id:  # stored by a crawl running meanwhile: already current
                    return
                yield old, page

        done = pool.map(selected_pages(), site_rules) if extract else ((o, None) for o, _ in selected_pages())
        for old, processed in done:
            counts["articles"] += 1
            new_article = keys = verdict = search_text = None
            if extract:  # the crawl's own chain, with the site's rules as the crawl applied them
                if processed.rejection is not None:
                    counts["extract_failed"] += 1  # keep the old text: never lose an article on re-run
                else:
                    new_article, keys, verdict = processed.article, processed.keys, processed.verdict
                    search_text = processed.search_text
                    if new_article["body"] != old["body"] or new_article.get("title") != old["title"]:
                        counts["text_changed"] += 1
                    if new_article.get("extractor_version") != old["extractor_version"]:
                        counts["extractor_versions_updated"] += 1
            if verdict is None:
                verdict = stages.classify_article({"title": old["title"], "body": old["body"]})
            if int(bool(verdict["is_burden_reduction"])) != old["is_burden_reduction"]:
                counts["labels_changed"] += 1
                _count_flip(counts["label_flips"], old, verdict)
            if verdict["classifier_version"] != old["classifier_version"]:
                counts["classifier_versions_updated"] += 1
            found = (processed.claims if new_article is not None
                     else claims.claims_for({"body": old["body"], "date": old["published_at"]}, verdict))
            if archive.update_article(old["id"], new_article, verdict, rejoin=extract, keys=keys,
                                      old=(old["body"], old["story_id"]), claims=found,
                                      search_text=search_text) is not None:
                counts["stories_joined"] += 1
            bar.update(counts["articles"])
        reason = "finished"
    except KeyboardInterrupt:
        reason = "interrupted"
        raise
    finally:
        pool.close(wait=reason == "finished")
        bar.finish(counts["articles"], reason)
        stats = {"command": command, **counts,
                 "selection": {"sites": sites, "since": since, "until": until, "stale": stale},
                 "extractor_version": versions.EXTRACTOR if extract else None,
                 "dedupe_version": versions.DEDUPE if extract else None,
                 "classifier_version": classify.CLASSIFIER_VERSION}
        archive.runs.finish_reprocess(run_id, reason, counts["text_changed"], stats)
    return {**counts, "run_id": run_id}


def stored_sites(archive: Archive) -> dict[str, Site]:
    """The sites as the crawl loaded them (the `sites` table), so re-processing applies the same
    selectors, encoding and mobile hosts. A row an older version wrote without some field is
    left out: its pages are processed as a page of no known site."""
    out = {}
    for row in archive.db["sites"].rows:
        try:
            out[row["name"]] = Site.from_config(json.loads(row["config"] or "{}"))
        except (TypeError, ValueError):
            continue
    return out


def check_sites(archive: Archive, sites: list[str] | None) -> None:
    """Refuse a --site the archive has never heard of (a typo would otherwise re-process nothing)."""
    if not sites:
        return
    known = {r[0] for r in archive.conn.execute(
        "SELECT name FROM sites UNION SELECT DISTINCT site FROM articles WHERE site IS NOT NULL")}
    unknown = [s for s in dict.fromkeys(sites) if s not in known]
    if unknown:
        raise UsageError(f"--site: unknown site {', '.join(map(repr, unknown))} "
                         f"(sites in the archive: {', '.join(sorted(known)) or 'none'})")


def _workers(value: str) -> int:
    """argparse type for --workers: a count of processes, 0 or more."""
    if value.isdigit():
        return int(value)
    raise argparse.ArgumentTypeError(f"{value!r} is not a number of worker processes (0 or more)")


def _day(value: str) -> str:
    """argparse type for --since/--until: a calendar day, YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            datetime.strptime(value, "%Y-%m-%d")
            return value
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)")


# ------------------------------------------------------------------------------------ backup

BACKUP_NAME = re.compile(r"^archive-(\d{8}-\d{6})(?:-(\d+))?\.db$")


def backup(db: str | Path, to: str | Path, keep: int | None = None) -> tuple[Path, int, list[Path]]:
    """Copy a (possibly live) archive with SQLite's backup API: a consistent snapshot even while
    a crawl writes, unlike `cp`, which can copy a half-written file or miss the WAL.

    `to` is a file, or a directory (existing, or ending in "/") that receives
    `archive-YYYYmmdd-HHMMSS.db`; with `keep`, only the newest `keep` such files stay there.
    Returns (path of the copy, its article count, backups deleted).
    """
    src, to_dir = Path(db), str(to).endswith(("/", os.sep)) or Path(to).is_dir()
    if keep is not None and not to_dir:
        raise UsageError("--keep: only with --to a directory (e.g. --to backups/)")
    if to_dir:
        directory = Path(to)
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target, n = directory / f"archive-{stamp}.db", 0
        while target.exists() or target.with_name(target.name + ".partial").exists():  # several in one second
            n += 1
            target = directory / f"archive-{stamp}-{n}.db"
    else:
        target = Path(to)
        if not target.parent.is_dir():
            raise UsageError(f"--to: the directory {target.parent} does not exist (end --to with / to create it)")
    if target.resolve() == src.resolve() or (target.exists() and os.path.samefile(target, src)):
        raise UsageError(f"--to: {target} is the archive itself; back up to another file or a directory")
    partial = target.with_name(target.name + ".partial")  # never a half-written file under the final name
    partial.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(src)) as s, contextlib.closing(sqlite3.connect(partial)) as d:
            s.execute("PRAGMA busy_timeout = 10000")
            s.backup(d)
            d.execute("PRAGMA journal_mode = DELETE")  # the copy is one self-contained file
            articles = d.execute("SELECT count(*) FROM articles").fetchone()[0]
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    removed = []
    if keep is not None:
        backups = sorted((m.group(1), int(m.group(2) or 0), p) for p in target.parent.iterdir()
                         if (m := BACKUP_NAME.match(p.name)) and p.is_file())
        for *_, old in backups[:max(0, len(backups) - keep)]:
            if old != target and not os.path.samefile(old, src):
                old.unlink()
                removed.append(old)
    return target, articles, removed


# ------------------------------------------------------------------------------------ main

def train_classifier(corpus: str, out: str | None) -> int:
    """`jianfu train-classifier`: see pipelines/classify_train.py for the split and the choices."""
    from pipelines import classify_train

    missing = [name for name in classify_train.CORPUS_FILES if not (Path(corpus) / name).is_file()]
    if missing:
        print(f"jianfu train-classifier: {', '.join(missing)} not found in {corpus} (pass --corpus DIR)", file=sys.stderr)
        return 2
    classify_train.train(Path(corpus), Path(out) if out else None)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# What a command gets when the reader of its output went away (`jianfu report | head`): the
# status of a program killed by SIGPIPE (128 + 13), as `seq 100000 | head` gives.
EXIT_BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    """`jianfu`; a reader that stops reading (`| head`) ends the command quietly, not in a
    BrokenPipeError traceback."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at interpreter exit, where a broken pipe cannot be caught
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own exit flush must not fail again
        return EXIT_BROKEN_PIPE


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jianfu", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    subs = {}
    for name, help_ in [("report", "summarise a run"),
                        ("reprocess", "re-extract, re-dedupe and re-classify stored pages"),
                        ("reclassify", "re-classify archived articles"),
                        ("backup", "consistent copy of the archive (SQLite backup API)"),
                        ("train-classifier", "fit the classifier on the labelled corpus")]:
        p = subs[name] = sub.add_parser(name, help=help_)
        if name == "train-classifier":
            p.add_argument("--corpus", default="../shared/corpus", help="labelled corpus directory (default: %(default)s)")
            p.add_argument("--out", help="model file to write (default: the one the classifier loads)")
            continue
        p.add_argument("--db", default="archive.db", help="path to archive.db (default: %(default)s)")
        if name == "report":
            p.add_argument("--run", type=int, help="run id (default: the latest crawl)")
        if name in ("reprocess", "reclassify"):
            p.add_argument("--site", action="append", metavar="NAME", help="only this site (repeatable)")
            p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="only articles published on or after")
            p.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="only articles published on or before")
            p.add_argument("--stale", action="store_true",
                           help="only articles whose stored versions are not the current ones")
        if name == "reprocess":
            p.add_argument("--workers", type=_workers, metavar="N", default=None,
                           help=f"worker processes for the CPU stages (default: one per core, here "
                                f"{default_workers()}; 0: in this process)")
        if name == "backup":
            p.add_argument("--to", required=True, help="file, or directory (ending in /) for archive-<time>.db")
            p.add_argument("--keep", type=int, metavar="N", help="keep only the newest N backups in the directory")
    from crawler import check_site  # online and archive-free: its own module (crawler/check_site.py)

    check_site.add_arguments(sub.add_parser("check-site", help="try a site before adding it to the seeds "
                                                              "(online, polite, never writes an archive)"))
    export.add_parser(sub)
    from pipelines.distributed import command as writer_command  # distributed mode (pipelines/distributed/)

    writer_command.add_arguments(sub.add_parser("writer", help="the one process writing the archive in "
                                                               "distributed mode: stores what workers push to Redis"))
    args = parser.parse_args(argv)
    if args.command == "writer":
        return writer_command.run(args)
    if args.command == "check-site":
        return check_site.run(args)
    if args.command == "export":
        return export.run(args)
    if args.command in ("reprocess", "reclassify") and args.since and args.until and args.since > args.until:
        subs[args.command].error(f"--since {args.since} is after --until {args.until}")
    if args.command == "backup" and args.keep is not None and args.keep < 1:
        subs["backup"].error("--keep: must be at least 1")
    if args.command == "train-classifier":
        return train_classifier(args.corpus, args.out)
    if not Path(args.db).exists():
        print(f"jianfu: no archive at {args.db}; run a crawl first (make demo, or scrapy crawl news)", file=sys.stderr)
        return 2
    problem = path_problem(args.db) if args.command != "backup" else None  # the others write the archive
    if problem:
        print(f"jianfu {args.command}: {problem}", file=sys.stderr)
        return 2
    if args.command != "backup" and (opened := open_problem(args.db)):  # the crawl's exit codes
        kind, message = opened
        print(f"jianfu {args.command}: {kind}: {message}", file=sys.stderr)
        return health.EXIT_NOT_AN_ARCHIVE if kind == "not_an_archive" else health.EXIT_PROBLEMS[kind]
    try:
        if args.command == "backup":
            path, articles, removed = backup(args.db, args.to, args.keep)
            print(f"backed up {args.db} to {path}: {articles} articles")
            for old in removed:
                print(f"removed older backup {old}")
            return 0
        archive = Archive(args.db)
        try:
            if args.command == "report":
                print(run_report(archive, args.run))
                return 0
            check_sites(archive, args.site)
            signal.signal(signal.SIGTERM, _interrupt)  # cron/systemd stop: record the run as interrupted
            extract = args.command == "reprocess"
            counts = reprocess(archive, extract, args.site, args.since, args.until, stale=args.stale,
                               workers=getattr(args, "workers", 0))
            print(summary_line(counts, extract))
        finally:
            archive.close()
    except UsageError as exc:
        print(f"jianfu {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise  # the reader went away: main() ends quietly
    except OSError as exc:  # e.g. backup --to a read-only place: one line, not a traceback
        print(f"jianfu {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"jianfu {args.command}: interrupted; every article done so far is saved", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
