"""bin/scheduled-crawl against the real demo web: locking, exit codes, resume after a kill, site health.

Each test starts its own demo web (so it can stage an outage, a slow site or a template change)
and runs the real entry point a cron line would run, as a child process.
"""

import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from crawler.demo import seeds_for
from demo_web import render, server
from tests.conftest import report_figures, serve_archive

ROOT = Path(__file__).resolve().parents[1]
FAST = ["-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "AUTOTHROTTLE_MAX_DELAY=0.5"]


@pytest.fixture()
def web():
    with server.start(0) as w:
        yield w


@pytest.fixture()
def setup(web, tmp_path):
    """(seeds file for this demo web, archive path, log directory)."""
    return seeds_for(web.base_url, tmp_path), tmp_path / "archive.db", tmp_path / "logs"


def command(setup, *extra):
    seeds, db, logs = setup
    return [str(ROOT / "bin" / "scheduled-crawl"), "--seeds", str(seeds), "--db", str(db),
            "--log-dir", str(logs), *FAST, *extra]


def scheduled(setup, *extra):
    return subprocess.run(command(setup, *extra), cwd=ROOT, capture_output=True, text=True, timeout=300)


def start(setup, *extra):
    return subprocess.Popen(command(setup, *extra), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def query(db, sql, *args):
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def wait_until(predicate, proc, timeout=120):
    """Poll for a condition while `proc` runs (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"the crawl ended first: {proc.communicate()}"
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def count(db, sql):
    try:
        return query(db, sql)[0][0]
    except sqlite3.OperationalError:  # the archive's tables do not exist yet
        return 0


def test_second_overlapping_run_exits_with_the_lock_code_and_touches_nothing(web, setup):
    _, db, logs = setup
    web.gate.clear()  # article pages wait: the first run stays mid-crawl until the gate opens
    first = start(setup)
    wait_until(lambda: count(db, "SELECT count(*) FROM runs") >= 1, first)
    second = scheduled(setup)
    assert second.returncode == 75
    assert "another scheduled crawl" in second.stderr and str(first.pid) in second.stderr
    assert query(db, "SELECT count(*) FROM runs") == [(1,)]
    assert len(list(logs.glob("*.log"))) == 1
    web.gate.set()
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    run = query(db, "SELECT finish_reason, exit_code, log_file, problems, requests FROM runs")[0]
    assert run[:2] == ("finished", 0) and json.loads(run[3]) == [] and run[4] > 30
    log = Path(run[2]).read_text()
    assert "Spider closed (finished)" in log and "scrapy.core.engine" in log
    assert report_figures(out)["new articles stored"] == 24 and "exit 0" in out
    # the lock went with the process: a third run starts and finds nothing new
    third = scheduled(setup)
    assert third.returncode == 0 and "Nothing new" in third.stdout


def test_a_site_that_answers_500_everywhere_exits_non_zero_and_says_why(web, setup):
    _, db, _ = setup
    web.failing_sites = {"zhengfu"}
    done = scheduled(setup, "--site", "zhengfu")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "PROBLEM site_failed: zhengfu" in done.stdout
    problems, exit_code, reasons = query(db, "SELECT problems, exit_code, rejections_by_reason FROM runs")[0]
    kinds = {p["kind"] for p in json.loads(problems)}
    assert kinds == {"site_failed", "too_many_errors"} and exit_code == 3
    assert json.loads(reasons).get("fetch/http_500", 0) >= 2  # sitemap and list page, after retries
    assert query(db, "SELECT site, alert FROM site_alerts") == [("zhengfu", "site_failed")]
    ok, errors = query(db, "SELECT responses_ok, responses_error FROM run_sites WHERE site = 'zhengfu'")[0]
    assert ok == 0 and errors >= 2


def test_bad_seeds_are_refused_before_the_lock_and_the_archive(setup, tmp_path):
    _, db, logs = setup
    bad = tmp_path / "bad.toml"
    bad.write_text('[sites.x]\ndisplay_name = "X"\nregion = "青海省"\nlists = ["http://127.0.0.1:9/"]\n'
                   'article_allow = ["("]\n', encoding="utf-8")
    done = subprocess.run([str(ROOT / "bin" / "scheduled-crawl"), "--seeds", str(bad), "--db", str(db),
                           "--log-dir", str(logs)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "site 'x', field 'article_allow'" in done.stderr
    assert not db.exists() and not logs.exists()


def test_a_killed_run_is_resumed_without_duplicates_or_gaps(web, setup, manifest):
    _, db, _ = setup
    web.delay = 0.4
    run = start(setup)
    # kill it once it has stored a few pages and has discovered more than it fetched
    wait_until(lambda: count(db, "SELECT count(*) FROM pages WHERE outcome IS NOT NULL") >= 2
               and count(db, "SELECT count(*) FROM queue") >= 5, run)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    pending = [u for (u,) in query(db, "SELECT url FROM queue")]
    assert pending
    # before the next run those articles drop off every list and feed: only the queue knows them
    web.delay = 0
    web.withheld = frozenset(urllib.parse.urlsplit(u).path for u in pending)
    done = scheduled(setup)
    assert done.returncode == 0, done.stdout + done.stderr
    assert query(db, "SELECT id, finish_reason FROM runs ORDER BY id") == [(1, "killed"), (2, "finished")]
    assert query(db, "SELECT count(*) FROM queue") == [(0,)]
    # no gap: every article of the demo web is archived; no duplicate: each exactly once
    expected = {web.base_url + a["path"] for a in manifest["articles"]}
    archived = [u for (u,) in query(db, "SELECT canonical_url FROM articles")]
    assert sorted(archived) == sorted(expected)
    assert query(db, "SELECT url FROM pages GROUP BY url HAVING count(*) > 1") == []
    for path in manifest["robots_disallowed"]:  # resumed or not, robots.txt still applies: refused, on record
        assert query(db, "SELECT p.status, r.reason FROM pages p JOIN rejections r ON r.page_id = p.id "
                         "WHERE p.url = ?", web.base_url + path) == [(0, "robots_disallowed")]
    fetched_again = {u for (u,) in query(db, "SELECT url FROM pages WHERE run_id = 2")}
    assert {u.split("?")[0] for u in pending} <= {u.split("?")[0] for u in fetched_again}


def test_site_health_flags_a_site_whose_template_changed(web, setup):
    _, db, _ = setup
    xinwen = [a["path"] for a in render.manifest()["articles"] if a["site"] == "xinwen"]
    later = frozenset(xinwen[-2:])
    web.withheld = later  # two articles are not published yet
    first = scheduled(setup)
    assert first.returncode == 0, first.stdout + first.stderr
    assert query(db, "SELECT count(*) FROM site_alerts") == [(0,)]
    # the next day they are out, and the site has moved to a script-rendered template
    web.withheld = frozenset()
    web.unreadable_sites = {"xinwen"}
    second = scheduled(setup)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "site health: xinwen empty_bodies_rising: 2 of 2 pages had no article text (before: 0%)" in second.stdout
    assert query(db, "SELECT run_id, site, alert FROM site_alerts") == [(2, "xinwen", "empty_bodies_rising")]
    with serve_archive(db) as base:
        url = base + "/archive/site_alerts.json?_shape=array"
        rows = json.load(urllib.request.urlopen(url, timeout=30))
        assert [(r["site"], r["alert"]) for r in rows] == [("xinwen", "empty_bodies_rising")]
        url = base + "/archive/site_health.json?_shape=array"
        health = {(r["run_id"], r["site"]): r for r in json.load(urllib.request.urlopen(url, timeout=30))}
        assert health[(2, "xinwen")]["alerts"] == "empty_bodies_rising"
        assert health[(2, "xinwen")]["empty_body"] == 2 and health[(1, "xinwen")]["empty_body"] == 0


def test_sigterm_cuts_the_run_short_and_old_logs_are_rotated(web, setup):
    _, db, logs = setup
    logs.mkdir()
    for i, stamp in enumerate(["20250101-050000", "20250102-050000", "20250103-050000"]):
        old = logs / f"crawl-{stamp}.log"
        old.write_text("an earlier run\n")
        os.utime(old, (1_700_000_000 + i, 1_700_000_000 + i))
    web.gate.clear()
    run = start(setup, "--keep-logs", "2")
    wait_until(lambda: count(db, "SELECT count(*) FROM runs") >= 1, run)
    run.send_signal(signal.SIGTERM)  # what cron's timeout or systemd's TimeoutStartSec sends
    web.gate.set()
    out, err = run.communicate(timeout=300)
    assert run.returncode == 5, out + err
    assert "PROBLEM cut_short: run ended with finish reason 'shutdown'" in out
    assert query(db, "SELECT finish_reason, exit_code FROM runs") == [("shutdown", 5)]
    assert sorted(p.name for p in logs.glob("*.log"))[0] == "crawl-20250103-050000.log"
    assert len(list(logs.glob("*.log"))) == 2
