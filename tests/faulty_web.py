"""A misbehaving news site on 127.0.0.1, for the fault suite (tests/test_faults.py).

One list page links to an ordinary article and to one article URL per fault; a sitemap index
chains to itself forever and points at other hosts. Every fault is something a real server has
done to a crawler:

| path                  | what the server does                                                      |
| ---                   | ---                                                                       |
| /a/ok-N.html          | an ordinary UTF-8 article (N = 1, 2)                                      |
| /a/huge.html          | a 12 MB page with a Content-Length: refused before its body arrives       |
| /a/endless.html       | a page streamed without Content-Length until the client hangs up          |
| /a/bomb.html          | a gzip bomb: 60 KB on the wire, 64 MB once decompressed                   |
| /a/loop-1.html        | redirects to /a/loop-2.html, which redirects back                         |
| /a/hops-0.html        | a chain of 30 redirects                                                   |
| /a/to-loopback.html   | redirects to http://127.1:PORT/… — a host name that resolves to loopback |
| /a/nxdomain.html      | redirects to a host that does not exist (DNS failure)                     |
| /a/utf16-meta.html    | a UTF-8 page whose meta tag says utf-16                                   |
| /a/utf16-header.html  | a UTF-8 page whose Content-Type header says utf-16                        |
| /a/p-flood.html       | 200,000 empty <p> elements around a short article (3 MB)                  |
| /a/notice-N.html      | long, highly repetitive notices (N = 1..3), near-duplicates of each other |
| /sitemap.xml?n=K      | a sitemap index listing /sitemap.xml?n=K+1 and another host's sitemap     |
| /nav/huge-list.html   | a list page of 12 MB                                                      |
| /nav/bomb.xml         | a feed that is a gzip bomb                                                |
| /nav/loop-1.html      | a list page that redirects to /nav/loop-2.html, which redirects back      |
| /nav/busy.html        | a list page answering 503 with `Retry-After: 3600`                        |
| /heavy/list.html      | a list page linking to /a/ok-1.html, /a/ok-2.html and /a/heavy.html only  |
| /a/heavy.html         | the costliest page the bounds let through: 7,900 short blocks, seconds of CPU |

Set `fixed` and the /nav/ pages become an ordinary list page and feed, which link to
/a/ok-3.html (linked from nowhere else): the site repaired them.
`hits` counts requests per path, so a test can tell what was downloaded again.
"""

from __future__ import annotations

import collections
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from demo_web.loopback import LoopbackServer

HUGE_BYTES = 12 * 1024 * 1024
BOMB_BYTES = 64 * 1024 * 1024
HOPS = 30
P_FLOOD = 200_000
HEAVY_PATH = "/a/heavy.html"
HEAVY_BLOCKS = 7_900  # just under pipelines.bounds.MAX_BLOCKS: extracted, at the most it costs

_PARAGRAPHS = [
    "今年以来，某县把精简会议文件作为为基层减负的第一件事来抓，全县会议数量同比减少四成，文件数量减少三成。",
    "县里清理规范各类工作群和政务应用程序，要求不得以工作群打卡、截图留痕代替实地工作，乡镇干部反映轻松了不少。",
    "督查检查考核事项统一纳入年度计划，能合并的合并，能取消的取消，基层迎检准备材料的时间明显减少。",
]


def article(title: str, paragraphs: list[str], date: str = "2024-04-02 09:00", meta: str = "utf-8",
            filler: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='{meta}'><title>{title}</title></head><body>"
            f"<h1>{title}</h1><p>发布时间：{date}</p>{filler}<div class='content'>{body}</div>"
            f"<div class='footer'>版权所有 某县融媒体中心</div></body></html>")


def notice(n: int) -> str:
    """An 18,000-character notice that repeats one table row pattern: the kind of text that makes
    a character-level diff quadratic. Notices 1-3 differ only in their opening sentence."""
    rows = "".join(f"<p>第{i % 9 + 1}组 村级事项清单 准入 复核 备案 台账 保留 取消 合并 下放 严格执行 每月通报一次</p>"
                   for i in range(400))
    opening = f"<p>关于第{n}批村级组织工作事项准入清单的公告，现将清单公布如下，请各村对照执行。</p>"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>村级工作事项清单公告{n}</title></head>"
            f"<body><h1>村级工作事项清单公告{n}</h1><p>发布时间：2024-05-0{n} 10:00</p>"
            f"<div class='content'>{opening}{rows}</div></body></html>")


FAULT_PATHS = ["/a/huge.html", "/a/endless.html", "/a/bomb.html", "/a/loop-1.html", "/a/hops-0.html",
               "/a/to-loopback.html", "/a/nxdomain.html", "/a/utf16-meta.html", "/a/utf16-header.html",
               "/a/p-flood.html", "/a/notice-1.html", "/a/notice-2.html", "/a/notice-3.html"]
OK_PATHS = ["/a/ok-1.html", "/a/ok-2.html"]
# navigation pages (seeds: lists and feeds) that fail, and the rejection each run records for them
NAV_FAULTS = {"/nav/huge-list.html": "fetch/too_large", "/nav/bomb.xml": "fetch/too_large",
              "/nav/loop-1.html": "fetch/redirect_loop", "/nav/busy.html": "fetch/http_503"}
BUSY_RETRY_AFTER = 3600
NAV_LISTS = ["/nav/huge-list.html", "/nav/loop-1.html", "/nav/busy.html"]  # the failing list pages


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        web: FaultyWeb = self.server.web
        parts = urlsplit(self.path)
        path = parts.path
        with web.lock:
            web.hits[path] += 1
        port = self.server.server_address[1]
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path == "/list.html":
            links = "".join(f"<li><a href='{p}'>{p}</a></li>" for p in OK_PATHS + FAULT_PATHS)
            return self.html(f"<html><head><meta charset='utf-8'><title>列表</title></head><body><ul>{links}"
                             f"</ul></body></html>")
        if path == "/heavy/list.html":
            links = "".join(f"<li><a href='{p}'>{p}</a></li>" for p in OK_PATHS + [HEAVY_PATH])
            return self.html(f"<html><head><meta charset='utf-8'><title>列表</title></head><body><ul>{links}"
                             f"</ul></body></html>")
        if path == "/sitemap.xml":
            n = int(parse_qs(parts.query).get("n", ["0"])[0])
            xml = ("<?xml version='1.0' encoding='UTF-8'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/"
                   f"sitemap/0.9'><sitemap><loc>http://127.0.0.1:{port}/sitemap.xml?n={n + 1}</loc></sitemap>"
                   "<sitemap><loc>http://sitemaps.elsewhere.example/s.xml</loc></sitemap>"
                   f"<sitemap><loc>http://127.0.0.2:{port}/sitemap.xml?n={n + 1}</loc></sitemap>"
                   "</sitemapindex>")
            return self.send(200, xml.encode(), "application/xml")
        if path.startswith("/nav/") and web.fixed:
            if path == "/nav/bomb.xml":
                return self.send(200, (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
                                       f"<title>故障测试站</title><item><title>县里精简会议文件3</title>"
                                       f"<link>http://127.0.0.1:{port}/a/ok-3.html</link></item></channel></rss>"
                                       ).encode(), "application/rss+xml")
            return self.html("<html><head><meta charset='utf-8'><title>列表</title></head><body>"
                             "<ul><li><a href='/a/ok-3.html'>县里精简会议文件3</a></li></ul></body></html>")
        if path == "/nav/huge-list.html":
            return self.send(200, b"<html><body>" + b"<li>x</li>" * (HUGE_BYTES // 10) + b"</body></html>",
                             "text/html; charset=utf-8")
        if path == "/nav/bomb.xml":
            return self.send(200, web.bomb, "application/rss+xml", {"Content-Encoding": "gzip"})
        if path.startswith("/nav/loop-"):
            return self.redirect(f"/nav/loop-{'2' if path.endswith('1.html') else '1'}.html")
        if path == "/nav/busy.html":
            return self.send(503, b"<html><body>busy</body></html>", "text/html; charset=utf-8",
                             {"Retry-After": str(BUSY_RETRY_AFTER)})
        if path in ("/a/ok-1.html", "/a/ok-2.html", "/a/ok-3.html"):
            n = path[-6]
            return self.html(article(f"县里精简会议文件{n}", [p + f"（{n}）" for p in _PARAGRAPHS],
                                     date=f"2024-04-0{n} 09:00"))
        if path == "/a/huge.html":
            return self.send(200, b"<html><body>" + b"<p>x</p>" * (HUGE_BYTES // 8) + b"</body></html>",
                             "text/html; charset=utf-8")
        if path == "/a/endless.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + "无尽的页面".encode() * 2000 + b"</p>\n"
            try:
                for _ in range(100_000):  # ~3 GB: the client hangs up long before
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return None
        if path == "/a/bomb.html":
            return self.send(200, web.bomb, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        if path.startswith("/a/loop-"):
            other = "2" if path.endswith("1.html") else "1"
            return self.redirect(f"/a/loop-{other}.html")
        if path.startswith("/a/hops-"):
            n = int(path[len("/a/hops-"):-len(".html")])
            return self.redirect(f"/a/hops-{n + 1}.html") if n < HOPS else self.html(article("终点", _PARAGRAPHS))
        if path == "/a/to-loopback.html":
            return self.redirect(f"http://127.1:{port}/a/ok-1.html?via=loopback-name")
        if path == "/a/nxdomain.html":
            return self.redirect("http://no-such-host.invalid/a/1.html")
        if path == "/a/utf16-meta.html":
            return self.html(article("乡镇考核减量提质", _PARAGRAPHS, meta="utf-16"))
        if path == "/a/utf16-header.html":
            return self.send(200, article("村干部不再忙于填表", _PARAGRAPHS[::-1]).encode(),
                             "text/html; charset=utf-16")
        if path == HEAVY_PATH:
            return self.html(article("会议精简情况通报", _PARAGRAPHS, filler="".join(
                f"<div><span>第{i}行</span></div>" for i in range(HEAVY_BLOCKS))))
        if path == "/a/p-flood.html":
            return self.html(article("会议精简情况通报", _PARAGRAPHS, filler="<p></p>" * P_FLOOD))
        if path.startswith("/a/notice-"):
            return self.html(notice(int(path[len("/a/notice-"):-len(".html")])))
        return self.send(404, "<html><body>404 页面不存在</body></html>".encode(), "text/html; charset=utf-8")

    def html(self, text: str):
        return self.send(200, text.encode("utf-8"), "text/html; charset=utf-8")

    def redirect(self, location: str):
        return self.send(302, b"", "text/html", {"Location": location})

    def send(self, status: int, data: bytes, ctype: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:  # the client refused the body (size limit): its right
            self.close_connection = True


class FaultyWeb(LoopbackServer):
    """A running faulty site; `base_url` like http://127.0.0.1:43123. A context manager."""

    def __init__(self, port: int = 0):
        self.hits: collections.Counter[str] = collections.Counter()
        self.fixed = False  # the /nav/ pages are broken until a test repairs them
        self.lock = threading.Lock()
        self.bomb = gzip.compress(b"<html><body>" + b" " * BOMB_BYTES, compresslevel=9)
        super().__init__(Handler, port)
        self.httpd.web = self
        self.thread.start()

    def seeds(self, directory) -> "Path":
        """A seeds file for this site: the list pages, the feed and the self-chaining sitemap index."""
        return self._seeds(directory, "faulty.toml", lists=["/list.html", *NAV_LISTS], feeds=["/nav/bomb.xml"],
                           sitemaps=["/sitemap.xml?n=0"])

    def heavy_seeds(self, directory) -> "Path":
        """A seeds file for this site's /heavy/ corner: a list page of three articles, one of them heavy."""
        return self._seeds(directory, "heavy.toml", lists=["/heavy/list.html"])

    def _seeds(self, directory, name: str, **paths: list[str]) -> "Path":
        from pathlib import Path

        fields = "".join(f"{field} = {json.dumps([self.base_url + p for p in ps])}\n"  # a TOML array
                         for field, ps in paths.items())
        path = Path(directory) / name
        path.write_text('[sites.faulty]\ndisplay_name = "故障测试站"\nregion = "全国"\n' + fields
                        + "article_allow = ['/a/[\\w-]+\\.html']\n", encoding="utf-8")
        return path
