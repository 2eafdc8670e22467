"""Archive faults are run problems: bin/scheduled-crawl against the real demo web, with the archive
full, locked by another process, missing a column, damaged, or not an archive at all.

Each stops the crawl at the first failed write (or refuses to start), exits with its documented
code, and loses no page: the next healthy run archives every article of the demo web.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from crawler.demo import seeds_for
from demo_web import server
from pipelines import health
from tests.test_scheduled import FAST, ROOT, count, query, wait_until


@pytest.fixture()
def web():
    with server.start(0) as w:
        yield w


def run(seeds, db, logs, *extra, timeout=300):
    return subprocess.run([str(ROOT / "bin" / "scheduled-crawl"), "--seeds", str(seeds), "--db", str(db),
                           "--log-dir", str(logs), *FAST, *extra], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def start(seeds, db, logs):
    return subprocess.Popen([str(ROOT / "bin" / "scheduled-crawl"), "--seeds", str(seeds), "--db", str(db),
                             "--log-dir", str(logs), *FAST], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def assert_everything_archived(db, web, manifest):
    expected = sorted(web.base_url + a["path"] for a in manifest["articles"])
    assert sorted(u for (u,) in query(db, "SELECT canonical_url FROM articles")) == expected
    assert query(db, "SELECT url FROM pages GROUP BY url HAVING count(*) > 1") == []
    assert query(db, "SELECT count(*) FROM queue") == [(0,)]
    assert query(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_lock_held_by_another_process_stops_the_run_and_loses_nothing(web, tmp_path, manifest):
    seeds, db, logs = seeds_for(web.base_url, tmp_path), tmp_path / "archive.db", tmp_path / "logs"
    web.gate.clear()  # article pages wait until the lock is taken
    crawl = start(seeds, db, logs)
    wait_until(lambda: count(db, "SELECT count(*) FROM queue") >= 5, crawl)
    holder = sqlite3.connect(db, timeout=30)
    holder.execute("BEGIN EXCLUSIVE")  # another program writing for a long time
    web.gate.set()
    log = lambda: "".join(p.read_text() for p in logs.glob("*.log"))  # noqa: E731
    wait_until(lambda: "the archive cannot be written (archive_locked)" in log(), crawl, timeout=120)
    holder.rollback()  # the other program is done: the run can at least record why it stopped
    holder.close()
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == health.EXIT_PROBLEMS["archive_locked"] == 7, out + err
    assert "PROBLEM archive_locked:" in out
    (reason, problems, code), = query(db, "SELECT finish_reason, problems, exit_code FROM runs")
    assert (reason, code) == ("archive_locked", 7)
    assert json.loads(problems)[0]["kind"] == "archive_locked"
    # the crawl stopped: far fewer pages were stored than there are articles, none lost
    assert count(db, "SELECT count(*) FROM articles") < len(manifest["articles"])
    assert count(db, "SELECT count(*) FROM queue WHERE attempts > 0") == 0
    again = run(seeds, db, logs)
    assert again.returncode == 0, again.stdout + again.stderr
    assert_everything_archived(db, web, manifest)


def full_disk_size(tmp_path) -> int:
    """Bytes of a filesystem that holds a new archive and a few articles, then fills up during
    the first run: three times a freshly created archive (while it is created its tables are
    written twice, to the write-ahead log and then to the file) and 512 KiB (a stored article
    writes 100-200 KiB to the log: 3 of the demo web's articles fit on the machine it was
    measured on). Sized from a fresh archive, not a constant, so a schema that grows does not
    turn it into a test of an archive that cannot even open (as a constant 640 KiB would).
    """
    from pipelines.archive import Archive

    Archive(tmp_path / "fresh.db").close()
    fresh = sum(p.stat().st_size for p in tmp_path.glob("fresh.db*"))
    return -(-(3 * fresh + 512 * 1024) // 4096) * 4096


def test_a_full_disk_stops_the_run_and_the_next_run_archives_everything(web, tmp_path, manifest):
    if os.geteuid() != 0:
        pytest.fail("this test mounts a small tmpfs: run the suite as root (as CI does)")
    seeds, logs = seeds_for(web.base_url, tmp_path), tmp_path / "logs"
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={full_disk_size(tmp_path)}", "tmpfs", str(disk)],
                   check=True)
    try:
        db = disk / "archive.db"
        done = run(seeds, db, logs)
        assert done.returncode == health.EXIT_PROBLEMS["archive_full"] == 6, done.stdout + done.stderr
        assert "PROBLEM archive_full:" in done.stdout and "Traceback" not in done.stdout + done.stderr
        stored = count(db, "SELECT count(*) FROM articles")
        assert 0 < stored < len(manifest["articles"])  # it filled up during the run, not at its start
        queued = query(db, "SELECT url FROM queue ORDER BY url")
        for _ in range(3):  # unattended: the disk stays full for three more runs; nothing is dropped
            again = run(seeds, db, logs)
            assert again.returncode == 6, again.stdout + again.stderr
            assert "Traceback" not in again.stdout + again.stderr
        assert set(queued) <= set(query(db, "SELECT url FROM queue"))  # (a run may have queued more)
        assert count(db, "SELECT count(*) FROM articles") == stored
        # more room (the operator freed space): the next run archives everything
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        again = run(seeds, db, logs)
        assert again.returncode == 0, again.stdout + again.stderr
        assert_everything_archived(db, web, manifest)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def healthy_archive(web, tmp_path, manifest, withheld):
    """An archive with one healthy run in which the `withheld` articles were not yet published."""
    seeds, db, logs = seeds_for(web.base_url, tmp_path), tmp_path / "archive.db", tmp_path / "logs"
    web.withheld = frozenset(withheld)
    first = run(seeds, db, logs)
    assert first.returncode == 0, first.stdout + first.stderr
    web.withheld = frozenset()
    return seeds, db, logs


def test_a_dropped_column_is_refused_with_its_code_before_any_request(web, tmp_path, manifest):
    late = [a["path"] for a in manifest["articles"]][-3:]
    seeds, db, logs = healthy_archive(web, tmp_path, manifest, late)
    with sqlite3.connect(db) as c:
        c.execute("ALTER TABLE rejections DROP COLUMN detail")
    done = run(seeds, db, logs)
    assert done.returncode == health.EXIT_PROBLEMS["archive_schema"] == 8, done.stdout + done.stderr
    assert "PROBLEM archive_schema:" in done.stdout and "lacks column detail" in done.stdout
    assert count(db, "SELECT count(*) FROM runs") == 1  # no run was opened
    with sqlite3.connect(db) as c:  # repaired
        c.execute("ALTER TABLE rejections ADD COLUMN detail TEXT")
    again = run(seeds, db, logs)
    assert again.returncode == 0, again.stdout + again.stderr
    assert_everything_archived(db, web, manifest)


def test_a_damaged_archive_is_refused_and_a_restored_backup_catches_up(web, tmp_path, manifest):
    late = [a["path"] for a in manifest["articles"]][-3:]
    seeds, db, logs = healthy_archive(web, tmp_path, manifest, late)
    backup = tmp_path / "backup.db"
    subprocess.run([str(ROOT / ".venv" / "bin" / "jianfu"), "backup", "--db", str(db), "--to", str(backup)],
                   cwd=ROOT, check=True, capture_output=True)
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = c.execute("PRAGMA page_size").fetchone()[0]
        root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'pages'").fetchone()[0]
    with open(db, "r+b") as f:  # a bad sector in the middle of the pages table
        f.seek((root - 1) * page_size)
        f.write(random.Random(7).randbytes(page_size))
    done = run(seeds, db, logs)
    assert done.returncode == health.EXIT_PROBLEMS["archive_corrupt"] == 9, done.stdout + done.stderr
    assert "PROBLEM archive_corrupt:" in done.stdout and "restore it from a backup" in done.stdout
    os.replace(backup, db)
    again = run(seeds, db, logs)
    assert again.returncode == 0, again.stdout + again.stderr
    assert_everything_archived(db, web, manifest)


def test_a_file_that_is_not_an_archive_is_refused_with_its_own_code(web, tmp_path):
    seeds, logs = seeds_for(web.base_url, tmp_path), tmp_path / "logs"
    text = tmp_path / "notes.txt"
    text.write_text("meeting notes\n" * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as c:
        c.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    for path, words in ((text, "is not an SQLite file"), (other, "an SQLite database of something else")):
        before = path.read_bytes()
        done = run(seeds, path, logs)
        assert done.returncode == health.EXIT_NOT_AN_ARCHIVE == 10, done.stdout + done.stderr
        assert "PROBLEM not_an_archive:" in done.stdout and words in done.stdout
        assert path.read_bytes() == before  # untouched


def test_kill_9_at_random_moments_loses_nothing_and_duplicates_nothing(web, tmp_path, manifest):
    seeds, db, logs = seeds_for(web.base_url, tmp_path), tmp_path / "archive.db", tmp_path / "logs"
    web.delay = 0.05
    rng = random.Random(16)
    kills = 0
    while kills < 10:
        crawl = start(seeds, db, logs)
        stored = count(db, "SELECT count(*) FROM pages")
        # a random moment: after a random number of further pages (0 = while the run opens)
        target = stored + rng.randint(0, 2)
        deadline = time.monotonic() + 120
        while count(db, "SELECT count(*) FROM pages") < target and crawl.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        if crawl.poll() is not None:  # finished before the moment came: everything is in
            break
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=30)
        kills += 1
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
    web.delay = 0
    last = run(seeds, db, logs)
    assert last.returncode == 0, last.stdout + last.stderr
    assert kills == 10  # (some while the run was still opening, before its run row)
    assert_everything_archived(db, web, manifest)


def test_writes_that_fail_mid_run_are_named_by_their_archive_problem(tmp_path):
    """The failures a run meets after its open check passed, raised by real SQLite: each is
    the archive problem whose exit code it gets (crawler/faults.py stops the crawl on any of
    them), and an error that is no archive problem (a bug) is left to surface."""
    from pipelines.archive import Archive
    from pipelines.archive_checks import write_problem
    from tests.test_archive import BODY_A, page

    def failure(name, fault, body=BODY_A):
        """Open an archive and a run, let `fault` happen, store a page: the problem it names."""
        archive = Archive(tmp_path / name)
        run = archive.start_run("seeds.toml", ["demo"])
        undo = fault(archive)
        try:
            with pytest.raises(sqlite3.Error) as exc:
                archive.store_page(page(f"http://x.test/{name}.html", body), run)
            return write_problem(exc.value)
        finally:
            if undo:
                undo()
            archive.close()

    def drop_column(archive):  # a column dropped while the run was going on
        archive.conn.execute("ALTER TABLE articles DROP COLUMN evidence")

    def lock(archive):  # another process holds the write lock
        archive.conn.execute("PRAGMA busy_timeout = 100")
        holder = sqlite3.connect(archive.path)
        holder.execute("BEGIN EXCLUSIVE")
        return lambda: (holder.rollback(), holder.close())

    def fill(archive):  # the archive cannot grow by one more page
        archive.conn.execute(f"PRAGMA max_page_count = {archive.conn.execute('PRAGMA page_count').fetchone()[0]}")

    assert failure("dropped", drop_column)[0] == "archive_schema"
    assert failure("locked", lock)[0] == "archive_locked"
    assert failure("full", fill, BODY_A * 200)[0] == "archive_full"  # a page of 30,000 characters
    assert write_problem(sqlite3.DatabaseError("database disk image is malformed"))[0] == "archive_corrupt"
    assert write_problem(sqlite3.IntegrityError("UNIQUE constraint failed: pages.id")) is None  # a bug
