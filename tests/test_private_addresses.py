"""A page cannot steer the crawler to private or loopback addresses the seeds did not name."""

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo import crawl
from crawler.middlewares import is_private_host

ARTICLE = ("<html><head><meta charset='utf-8'><title>乡镇精简会议</title></head><body><h1>乡镇精简会议</h1>"
           "<p>发布时间：2024-04-02 09:00</p><p>" + "某乡镇今年把会议数量减少了一半，干部有更多时间下村入户。" * 4 + "</p></body></html>")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/list.html":
            body = '<a href="/a/1.html">一</a> <a href="/a/2.html">二</a>'.encode()
        elif self.path == "/a/1.html":
            body = ARTICLE.encode()
        elif self.path == "/a/2.html":  # a redirect to the cloud metadata address
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/a/3.html")
            self.end_headers()
            return
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)


def test_redirect_to_private_address_is_refused_and_recorded(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f"""
[sites.local]
display_name = "本地测试站"
region = "全国"
lists = ["{base}/list.html"]
article_allow = ['/a/\\d+\\.html$']
""", encoding="utf-8")
    try:
        done = crawl(seeds, tmp_path / "archive.db", ["-s", "LOG_LEVEL=INFO"])
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr[-2000:]
    c = sqlite3.connect(tmp_path / "archive.db")
    assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    rows = c.execute("SELECT url, stage, reason, detail FROM rejections").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [(f"{base}/a/2.html", "fetch", "private_address")]
    assert "169.254.169.254" in rows[0][3]
    assert ("INFO: refused http://169.254.169.254/a/3.html: a private or loopback address that neither the "
            "seeds nor the command line named") in done.stderr


def test_is_private_host():
    for host in ("127.0.0.1", "10.1.2.3", "192.168.0.5", "169.254.169.254", "localhost", "[::1]", "a.localhost"):
        assert is_private_host(host), host
    for host in ("www.news.cn", "8.8.8.8", "zzxszy.people.cn"):
        assert not is_private_host(host), host
