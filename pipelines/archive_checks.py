"""Can this path be used as the archive? Checked before a run takes a lock or sends a request.

A `--db` in a directory that does not exist, on a read-only mount, or naming a directory, would
otherwise surface as a traceback deep inside SQLite (`unable to open database file`) after the
crawl had started. `path_problem` names what is wrong in one line; the commands print it and
exit 2 (bad arguments or environment), like a malformed seeds file.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path


def path_problem(db: str | Path) -> str | None:
    """Why `db` cannot be opened for writing as the archive, or None when it can."""
    path = Path(db)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return f"{path} is a directory; give the archive's file name (e.g. {path / 'archive.db'})"
    if not parent.is_dir():
        return f"the directory {parent} does not exist; create it first (mkdir -p {parent})"
    try:  # the archive writes its WAL and lock files beside itself: the directory must be writable
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        return f"cannot write in {parent}: {exc.strerror or exc}"
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except OSError as exc:
            return f"cannot write {path}: {exc.strerror or exc}"
    return None


# ------------------------------------------------------------------ archive problems during a run

# A failed write to the archive is a problem of the run, not of the page: every later page would
# fail the same way. The crawl stops at the first one, the page stays in `queue`, and the run
# exits with the problem's code (pipelines/health.py). SQLite's extended result codes say which.
ARCHIVE_PROBLEMS = ("archive_corrupt", "archive_schema", "archive_full", "archive_locked")
_CODES = {"SQLITE_FULL": "archive_full", "SQLITE_BUSY": "archive_locked", "SQLITE_LOCKED": "archive_locked",
          "SQLITE_CORRUPT": "archive_corrupt", "SQLITE_NOTADB": "archive_corrupt",
          "SQLITE_IOERR": "archive_corrupt"}
_SCHEMA = ("no such table", "no such column", "has no column named", "no column named")
_ADVICE = {
    "archive_full": "free space on the archive's disk, then run again: the page is still queued",
    "archive_locked": "another process holds a write lock on the archive; run again once it is gone",
    "archive_schema": "the archive's tables differ from this version's schema (a dropped or renamed "
                      "column?); restore it from a backup (jianfu backup) or repair the table",
    "archive_corrupt": "the archive file is damaged; restore it from a backup (jianfu backup)",
}


def write_problem(exc: BaseException) -> tuple[str, str] | None:
    """(problem kind, one-line detail) for an exception raised while writing the archive, or None
    when it is not an archive problem (a bug: let it surface)."""
    if isinstance(exc, OSError) and getattr(exc, "errno", None) == 28:  # ENOSPC outside SQLite
        kind = "archive_full"
    elif isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""  # e.g. SQLITE_IOERR_WRITE
        base = "_".join(name.split("_")[:2])
        message = str(exc).lower()
        if any(s in message for s in _SCHEMA):
            kind = "archive_schema"
        elif "disk is full" in message or "disk or database is full" in message:
            kind = "archive_full"
        elif "locked" in message:
            kind = "archive_locked"
        elif "malformed" in message or "not a database" in message:
            kind = "archive_corrupt"
        else:
            kind = _CODES.get(name) or _CODES.get(base)
        if kind is None:
            return None
    else:
        return None
    return kind, f"{type(exc).__name__}: {exc}; {_ADVICE[kind]}"


# Tables and columns this version writes; an archive missing one would fail at its first write.
REQUIRED = {
    "runs": ("id", "kind", "started_at", "finished_at", "finish_reason", "problems", "stats"),
    "pages": ("id", "url", "response_url", "site", "status", "headers", "encoding", "body", "run_id",
              "outcome", "article_id"),
    "articles": ("id", "url", "canonical_url", "site", "title", "published_at", "body", "body_hash",
                 "story_id", "is_burden_reduction", "topics", "regions", "evidence", "page_id"),
    "rejections": ("id", "page_id", "url", "site", "run_id", "stage", "reason", "detail"),
    "article_urls": ("url", "canonical_url", "article_id"),
    "queue": ("url", "site", "attempts"),
    "backoff": ("url", "failures", "retry_after"),
}
# `PRAGMA quick_check` reads every page: run it on archives up to this size (seconds at most on
# this machine); a larger archive gets the header and schema checks at open, and its integrity
# check belongs to a maintenance window (sqlite3 archive.db "PRAGMA quick_check").
QUICK_CHECK_MAX_BYTES = 512 * 1024 * 1024
SQLITE_HEADER = b"SQLite format 3\x00"


def open_problem(db: str | Path, timeout: float = 10.0) -> tuple[str, str] | None:
    """Can a run open this archive? (kind, message) when not: `not_an_archive` for a file that is
    not SQLite or holds another program's tables, else one of ARCHIVE_PROBLEMS. A missing or
    empty file is fine (the run creates the archive)."""
    path = Path(db)
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as f:
        header = f.read(16)
    if header != SQLITE_HEADER:
        return "not_an_archive", f"{path} is not an SQLite file, so not an archive; check --db / ARCHIVE_DB"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=timeout)
        try:
            tables = {name: {c[1] for c in conn.execute(f"PRAGMA table_info('{name}')")}
                      for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and not set(REQUIRED) & set(tables):
                return "not_an_archive", (f"{path} is an SQLite database of something else (tables: "
                                          f"{', '.join(sorted(tables)[:5])}); check --db / ARCHIVE_DB")
            for table, columns in REQUIRED.items():
                if table in tables and (missing := [c for c in columns if c not in tables[table]]):
                    return "archive_schema", (f"{path}: table {table} lacks column {missing[0]}; "
                                              f"{_ADVICE['archive_schema']}")
            if path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                if result != "ok":
                    return "archive_corrupt", f"{path}: integrity check failed ({result}); {_ADVICE['archive_corrupt']}"
            conn.execute("BEGIN IMMEDIATE")  # can this run write? (waits `timeout` for another writer)
            conn.rollback()
        finally:
            conn.close()
        from pipelines.archive import Archive  # opening writes (schema, index version): room for it?

        Archive(path).close()
    except (sqlite3.Error, OSError) as exc:
        problem = write_problem(exc)
        if problem is None:
            return "archive_corrupt", f"{path}: {exc}; {_ADVICE['archive_corrupt']}"
        return problem[0], f"{path}: {problem[1]}"
    return None
