"""Per-site politeness from the seeds (delay, concurrency, proxy) and an ASCII user agent that
names a contact: a real crawl through a real HTTP proxy on loopback that records what it sees."""

import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo import crawl

ARTICLE = ("<html><head><meta charset='utf-8'><title>{t}</title></head><body><h1>{t}</h1>"
           "<p>发布时间：2024-04-0{n} 09:00</p><p>{body}</p></body></html>")
BODIES = {
    "1": "东山县今年把发往乡镇的文件压减了三成，乡镇干部有了更多时间走村入户，帮群众解决实际困难。" * 2,
    "2": "西河镇清理了十多个工作群，不再要求干部每天在群里打卡报位置，晚上十点以后也不再发通知。" * 2,
    "3": "南坪县把面向村级组织的检查合并为每年一次综合检查，村干部不用再为迎检准备厚厚的材料。" * 2,
    "4": "北岭乡取消了村办公楼外多余的牌子，只保留法定的几块，相关的评比达标活动也一并停止。" * 2,
}
HOST = "news.example.invalid"  # resolvable only through the proxy


def answer(handler: BaseHTTPRequestHandler, body: str | None) -> None:
    """An HTML page, or 404 when there is none."""
    data = (body or "").encode()
    handler.send_response(200 if body is not None else 404)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class Proxy(BaseHTTPRequestHandler):
    """An HTTP proxy that is also the origin: it answers absolute-form requests for HOST."""

    seen: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.seen.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
        path = self.path.removeprefix(f"http://{HOST}")
        if path == "/list.html":
            body = "".join(f'<a href="/2024/040{n}/{n}0001.html">乡镇减负第{n}篇报道标题</a>' for n in range(1, 5))
        elif path.startswith("/2024/040"):
            n = path[9]
            body = ARTICLE.format(t=f"乡镇减负第{n}篇报道", n=n, body=BODIES[n])
        else:
            body = None
        answer(self, body)


def test_site_delay_concurrency_proxy_and_user_agent(tmp_path):
    Proxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f"""
[sites.polite]
display_name = "礼貌站"
region = "全国"
lists = ["http://{HOST}/list.html"]
download_delay = 0.6
concurrency = 1
proxy = "http://127.0.0.1:{server.server_address[1]}"
""", encoding="utf-8")
    try:
        done = crawl(seeds, tmp_path / "archive.db", ["-s", "CONTACT_URL=https://research.example.org/crawler"])
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(tmp_path / "archive.db") as c:
        assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    site_requests = [(t, p, ua) for t, p, ua in Proxy.seen if p.startswith(f"http://{HOST}/") and "robots" not in p]
    assert len(site_requests) == 5  # the list and four articles, all through the proxy
    for _, _, ua in site_requests:
        assert ua.isascii() and "(+https://research.example.org/crawler;" in ua
    times = [t for t, _, _ in site_requests]
    gaps = [b - a for a, b in zip(times, times[1:])]
    # Scrapy randomises a delay between 0.5x and 1.5x: never closer than 0.3 s apart, though
    # AutoThrottle (on, with a 0 s start delay in tests) would have gone faster
    assert min(gaps) >= 0.3, gaps


class Slow(BaseHTTPRequestHandler):
    """Article pages that take 0.4 s to answer; counts how many requests are in flight at once."""

    lock = threading.Lock()
    now = 0
    most = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/list.html":
            body = "".join(f'<a href="/2024/0405/{n}0001.html">乡镇减负第{n}篇慢速报道标题</a>' for n in range(1, 9))
        elif self.path.startswith("/2024/0405/"):
            with Slow.lock:
                Slow.now += 1
                Slow.most = max(Slow.most, Slow.now)
            time.sleep(0.4)  # the slow answer itself, not a wait for the crawler
            with Slow.lock:
                Slow.now -= 1
            n = self.path[11]
            body = ARTICLE.format(t=f"乡镇减负第{n}篇慢速报道", n=1 + int(n) % 4, body=BODIES[str(1 + int(n) % 4)] + n)
        else:
            body = None
        answer(self, body)


def test_site_concurrency_is_kept_without_a_delay(tmp_path):
    """`concurrency = 1` and no delay: never two requests in flight to the site. Scrapy 2.19's
    own downloader let 5-7 through at once (crawler/downloader.py)."""
    Slow.now = Slow.most = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f"""
[sites.slow]
display_name = "慢站"
region = "全国"
lists = ["http://127.0.0.1:{server.server_address[1]}/list.html"]
concurrency = 1
""", encoding="utf-8")
    try:
        done = crawl(seeds, tmp_path / "archive.db", ["-s", "AUTOTHROTTLE_ENABLED=False"])
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(tmp_path / "archive.db") as c:
        assert c.execute("SELECT count(*) FROM pages").fetchone()[0] == 8
    assert Slow.most == 1
