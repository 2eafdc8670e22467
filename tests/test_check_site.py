"""`jianfu check-site`: a real site check over HTTP (the demo web and a bare site on loopback),
run as a user runs it; it must propose a seeds entry that really crawls, and write nothing."""

import re
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler.demo import crawl, seeds_for
from crawler.sites import load_sites

ROOT = Path(__file__).resolve().parents[1]
JIANFU = str(ROOT / ".venv" / "bin" / "jianfu") if (ROOT / ".venv" / "bin" / "jianfu").exists() else None


def check_site(*args, cwd):
    cmd = [JIANFU] if JIANFU else [sys.executable, "-m", "pipelines.cli"]
    return subprocess.run([*cmd, "check-site", *args], cwd=cwd, capture_output=True, text=True, timeout=180)


def test_site_without_rules_gets_a_seeds_entry_that_crawls(demo_web, manifest, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    home = demo_web.base_url + manifest["discovery"]["home"]
    done = check_site(home, "--delay", "0", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert f"{demo_web.base_url}/difang/rss.xml" in out and f"{demo_web.base_url}/difang/news-sitemap.xml" in out
    matched = int(re.search(r"article URLs matched by URL shape and page structure \(no article_allow\): (\d+)", out)[1])
    assert matched >= 4
    titles = re.findall(r"^    title: (.+)$", out, re.M)
    assert len(titles) == 3 and set(titles) <= {a["title"] for a in manifest["discovery"]["articles"]}
    assert out.count("来源: 云溪县") == 3 and "date: (none)" not in out
    assert list(work.iterdir()) == []  # no archive, no file of any kind

    entry = out.split("proposed seeds entry")[1].split("\n\n", 1)[1]
    seeds = tmp_path / "proposed.toml"
    seeds.write_text(entry, encoding="utf-8")
    site = next(iter(load_sites(seeds).values()))
    assert site.home == home and site.discovers
    db = tmp_path / "archive.db"
    run = crawl(seeds, db, ["-s", "AUTOTHROTTLE_ENABLED=0"])  # the entry asks for 1 s; the test cannot wait
    assert run.returncode == 0, run.stderr[-3000:]
    with sqlite3.connect(db) as c:
        assert {r[0] for r in c.execute("SELECT title FROM articles")} == \
               {a["title"] for a in manifest["discovery"]["articles"]}


def test_named_site_is_checked_with_its_rules(demo_web, tmp_path):
    seeds = seeds_for(demo_web.base_url, tmp_path)
    done = check_site("zhengfu", "--seeds", str(seeds), "--delay", "0", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # the 9 articles of the sitemap and the lists, plus the empty page a list links to
    assert "article URLs matched by the seeds' article_allow: 10" in done.stdout
    assert "[sites.zhengfu]" in done.stdout and "article_allow = ['/zhengfu/system/" in done.stdout
    assert "\ufffd" not in done.stdout and done.stdout.count("来源: ") == 3  # GBK pages read as GBK


class Bare(BaseHTTPRequestHandler):
    """A site with no articles: a parked home page."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/":
            body = ('<html><head><meta charset="utf-8"><title>建设中</title></head><body><h1>网站建设中</h1>'
                    '<a href="/about.html">关于我们</a> <a href="/login.html">登录</a></body></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.end_headers()


def test_site_with_no_articles_exits_non_zero(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bare)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = check_site(f"http://127.0.0.1:{server.server_address[1]}/", "--delay", "0", cwd=tmp_path)
    finally:
        server.shutdown()
    assert done.returncode == 1
    assert "nothing usable found" in done.stderr and "proposed seeds entry" not in done.stdout
    assert "article URLs matched by URL shape and page structure (no article_allow): 0" in done.stdout


def test_robots_txt_is_obeyed_and_unknown_names_are_usage_errors(demo_web, manifest, tmp_path):
    forbidden = demo_web.base_url + manifest["robots_disallowed"][0]
    done = check_site(forbidden, "--delay", "0", cwd=tmp_path)
    assert done.returncode == 1 and f"refused by robots.txt: 1\n  {forbidden}" in done.stdout
    done = check_site("no-such-site", "--seeds", str(ROOT / "seeds" / "sites.toml"), cwd=tmp_path)
    assert done.returncode == 2 and "no site named 'no-such-site'" in done.stderr
