"""Scrapy's own commands work on the demo web and never touch the archive; only a crawl writes.

`scrapy shell`, `fetch`, `parse` and `check` (the spider's contracts) run as a newcomer types
them, in real subprocesses against the real demo web, each pointed at a copy of the crawled
demo archive that must stay byte-identical.
"""

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo import seeds_for
from demo_web import server

ROOT = Path(__file__).resolve().parents[1]


def scrapy(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def archive_copy(crawled, tmp_path):
    """A copy of the crawled demo archive; the test asserts it is untouched afterwards."""
    path = tmp_path / "archive.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    dst.close()
    before = digest(path)
    yield path
    assert digest(path) == before, "a read-only command changed the archive"
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()


def article_url(demo_web, manifest, site="xinwen"):
    return demo_web.base_url + next(a["path"] for a in manifest["articles"] if a["site"] == site)


def test_shell_fetch_and_parse_leave_the_archive_alone(demo_web, manifest, archive_copy, tmp_path):
    url = article_url(demo_web, manifest)
    item = next(a for a in manifest["articles"] if demo_web.base_url + a["path"] == url)
    db = f"ARCHIVE_DB={archive_copy}"

    shell = scrapy("shell", url, "-c", "response.css('h1::text').get()", "-s", db)
    assert shell.returncode == 0, shell.stderr[-2000:]
    assert item["title"] in shell.stdout  # the private demo host was allowed: the user typed it

    fetch = scrapy("fetch", "--nolog", url, "-s", db)
    assert fetch.returncode == 0 and item["title"] in fetch.stdout

    seeds = seeds_for(demo_web.base_url, tmp_path)
    parse = scrapy("parse", "--spider", "news", "-c", "parse_article", "-a", f"seeds={seeds}", url, "-s", db)
    assert parse.returncode == 0, parse.stderr[-2000:]
    assert "'site': 'xinwen'" in parse.stdout and "'status': 200" in parse.stdout
    assert "Traceback" not in parse.stderr


def test_parse_without_seeds_names_the_site_by_its_host(demo_web, manifest, archive_copy):
    url = article_url(demo_web, manifest, "luntan")
    parse = scrapy("parse", "--spider", "news", "-c", "parse_list", url, "-s", f"ARCHIVE_DB={archive_copy}")
    assert parse.returncode == 0, parse.stderr[-2000:]
    assert "KeyError" not in parse.stderr and "ERROR" not in parse.stderr


def test_check_runs_the_contracts_against_the_demo_web(demo_web, archive_copy):
    done = scrapy("check", "news", "-s", f"DEMO_WEB={demo_web.base_url}", "-s", f"ARCHIVE_DB={archive_copy}")
    assert done.returncode == 0, done.stderr[-3000:]
    ran = int(done.stderr.split("Ran ")[1].split()[0])
    assert ran >= 12 and "OK" in done.stderr


def test_check_fails_when_a_contract_does_not_hold(tmp_path):
    """The @article contract reads the page: a site switched to a script-rendered template fails."""
    with server.start(0) as web:
        web.unreadable_sites.add("xinwen")
        done = scrapy("check", "news", "-s", f"DEMO_WEB={web.base_url}", "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}")
    assert done.returncode != 0
    assert "parse_article" in done.stderr and "@article" in done.stderr
    assert not (tmp_path / "a.db").exists()


def test_refusals_are_logged_at_info_with_their_reason(demo_web, manifest, tmp_path):
    url = demo_web.base_url + manifest["robots_disallowed"][0]
    done = scrapy("fetch", url, "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}")
    assert f"INFO: refused {url}: forbidden by robots.txt" in done.stderr
    assert not (tmp_path / "a.db").exists()
